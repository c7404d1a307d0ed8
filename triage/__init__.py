"""legcheck's clinical core: findings in, a disposition out. Pure Python, no I/O, imports nothing of ours.

- findings.py: the vocabulary (every finding documented once), parsing, derived yes/no forms.
- rules.py: the rules as data, each naming its sources.
- engine.py: the cautious evaluation (unknown never lowers the level) and whether the level is settled.
- assess.py: assess(findings) -> Assessment (level, reasons, advice, safety net, disclaimer).
- advice.py: what to do, in our own words.
- summary.py: the clinician summary (answers given, self-reported Wells items, items needing examination).
"""

from .advice import DISCLAIMER, EMERGENCY_ADVICE
from .assess import DEFAULT_EMERGENCY_NUMBER, Assessment, assess
from .engine import Evaluation, evaluate
from .findings import FINDINGS, Answer, Findings, FindingsError, FindingSpec, names_in_group
from .levels import Level
from .rules import RULES, SOURCES, Rule
from .summary import clinician_summary

__all__ = [
    "Answer",
    "Assessment",
    "DEFAULT_EMERGENCY_NUMBER",
    "DISCLAIMER",
    "EMERGENCY_ADVICE",
    "Evaluation",
    "FINDINGS",
    "FindingSpec",
    "Findings",
    "FindingsError",
    "Level",
    "RULES",
    "Rule",
    "SOURCES",
    "assess",
    "clinician_summary",
    "evaluate",
    "names_in_group",
]
