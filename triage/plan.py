"""The question plan (protocol/en.yaml, `questions`) and the planner: which question, if any, to ask next.

The planner asks the first question of the plan, not yet answered, about a finding that could still raise
the level above what is already certain, and none once the cautious level can no longer change (it is
certain, or it is held up by answers the person could not give). It knows nothing of words: what each
question says is the locale's business (skill/texts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .engine import Evaluation, any_met, evaluate
from .findings import Answer, Findings
from .protocol import load as load_protocol
from .rules import Rule

__all__ = ["PlanQuestion", "PLAN", "plan_question", "next_question", "outcome_fixed"]


@dataclass(frozen=True)
class PlanQuestion:
    id: str
    kind: str
    """Which answers it takes besides yes / no / not sure: yes_no, side, location, duration or number."""
    findings: tuple[str, ...]
    """A yes means at least one of them is present."""
    parent: str = ""
    """The grouped question this one breaks down, if any."""
    cannot_is: str = ""
    """The answer "I can't" gives, where the finding is not being able to do something ("yes"), else ""."""


PLAN: tuple[PlanQuestion, ...] = tuple(
    PlanQuestion(item["id"], item["kind"], tuple(item["findings"]), item.get("parent", ""), item.get("cannot_is", ""))
    for item in load_protocol()["questions"]
)
"""The questions in the order they are considered."""

_BY_ID = {question.id: question for question in PLAN}


def plan_question(qid: str) -> PlanQuestion:
    try:
        return _BY_ID[qid]
    except KeyError:
        raise KeyError(f"unknown question id {qid!r}") from None


def next_question(findings: Findings, answers: Mapping[str, str]) -> PlanQuestion | None:
    """The next question to ask, given the findings so far and each question's answer (yes / no / unknown);
    None when nothing still to ask can change the outcome."""
    result = evaluate(findings)
    if outcome_fixed(findings, answers, result):
        return None
    wanted = _wanted(result)
    return next((question for question in PLAN
                 if question.id not in answers and wanted.intersection(question.findings)), None)


def outcome_fixed(findings: Findings, answers: Mapping[str, str], result: Evaluation | None = None) -> bool:
    """The cautious level can no longer change: it is certain, or held up by answers the person cannot give."""
    result = result or evaluate(findings)
    if result.settled:
        return True
    unsure = _unsure(answers)
    return any(rule.level == result.level and _locked(rule, findings, unsure) for rule in result.undecided)


def _wanted(result: Evaluation) -> set[str]:
    """Findings still unknown that appear in a rule which could raise the level above what is certain."""
    wanted: set[str] = set()
    for rule, unknown in zip(result.undecided, result.open_findings, strict=True):
        if rule.level > result.floor:
            wanted.update(unknown)
    return wanted


def _unsure(answers: Mapping[str, str]) -> set[str]:
    """Findings the person was asked about on their own and could not answer: they stay unknown."""
    return {_BY_ID[qid].findings[0] for qid, answer in answers.items()
            if answer == "unknown" and len(_BY_ID[qid].findings) == 1}


def _locked(rule: Rule, findings: Findings, unsure: set[str]) -> bool:
    """True if no answer still to come can rule this possible rule out (what keeps it open is unanswerable)."""
    answers = findings.answers
    fixed = all(name in unsure for name in rule.all + rule.none if answers.get(name, Answer.UNKNOWN) is Answer.UNKNOWN)
    return fixed and (any_met(rule, findings) or any(name in unsure for name in rule.any))
