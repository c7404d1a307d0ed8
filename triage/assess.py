"""assess(): findings in, a disposition with its reasons, advice, safety net and disclaimer out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .advice import DISCLAIMER, Person, advice_for, safety_net_for
from .engine import Evaluation, evaluate
from .findings import FINDINGS, Answer, Findings
from .levels import Level
from .rules import LEG_SIGNS, PE_SIGNS, Rule

__all__ = ["Assessment", "assess", "DEFAULT_EMERGENCY_NUMBER"]

DEFAULT_EMERGENCY_NUMBER = "112"

# What a self-care outcome rests on, in the words of its reason.
_REASSURING = PE_SIGNS + ("cold_pale_or_numb",) + LEG_SIGNS


@dataclass(frozen=True)
class Assessment:
    level: Level
    reasons: tuple[str, ...]
    """Plain-language reasons, one per deciding rule (or why it looks like self-care)."""
    rules: tuple[str, ...]
    """Ids of the deciding rules."""
    uncertain: tuple[str, ...]
    """Ids of deciding rules that count only because an answer is unknown."""
    advice: str
    safety_net: str
    disclaimer: str
    findings: Findings
    settled: bool
    """False when unknown answers were read the cautious way to reach this level."""

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level.name,
            "reasons": list(self.reasons),
            "rules": list(self.rules),
            "uncertain": list(self.uncertain),
            "advice": self.advice,
            "safety_net": self.safety_net,
            "disclaimer": self.disclaimer,
            "findings": self.findings.to_dict(),
            "settled": self.settled,
        }


def assess(findings: Findings | Mapping[str, Any], emergency_number: str = DEFAULT_EMERGENCY_NUMBER,
           advice_line: str = "") -> Assessment:
    """Triage what is known. Missing findings are unknown and read the cautious way. `advice_line`: the
    country's health advice line for the advice ("NHS 111"), "" where none is known."""
    if not isinstance(findings, Findings):
        findings = Findings.from_dict(findings)
    result = evaluate(findings)
    person = _person(findings, result)
    return Assessment(
        level=result.level,
        reasons=_reasons(result, findings),
        rules=tuple(rule.id for rule in result.deciding),
        uncertain=tuple(rule.id for rule in result.uncertain),
        advice=advice_for(result.level, emergency_number, person, advice_line),
        safety_net=safety_net_for(result.level, emergency_number),
        disclaimer=DISCLAIMER.format(number=emergency_number),
        findings=findings,
        settled=result.settled,
    )


def _person(findings: Findings, result: Evaluation) -> Person:
    """What the advice must fit: an injury, a cramp-like pain, a clot not ruled out, pregnancy, a clot before
    or a blood thinner (named in the advice), and whether anything speaks against ibuprofen (pregnancy, a
    previous clot, often treated with a blood thinner, or a blood thinner said).
    Where neither was asked, the ibuprofen advice itself says who must not take it."""
    strain = findings.get("after_injury") is Answer.YES
    return Person(
        strain=strain,
        cramps=not strain and findings.get("worse_walking_better_rest") is not Answer.YES,
        clot_possible=any(rule.clot for rule in result.deciding),
        pregnant=findings.get("pregnancy_or_postpartum") is Answer.YES,
        ibuprofen_ok=all(findings.get(name) is not Answer.YES
                         for name in ("pregnancy_or_postpartum", "previous_clot", "blood_thinner")),
        clot_before=findings.get("previous_clot") is Answer.YES,
        blood_thinner=findings.get("blood_thinner") is Answer.YES,
    )


def _labels(names: tuple[str, ...], findings: Findings, answer: Answer) -> list[str]:
    return [FINDINGS[name].label for name in names if findings.get(name) is answer]


def _join(labels: list[str], word: str = "and") -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + f" {word} " + labels[-1]


def _rule_reason(rule: Rule, findings: Findings) -> str:
    literals = rule.all + rule.any
    groups = [group for group in findings.any_yes if group <= set(rule.any)]
    grouped = set().union(*groups) if groups else set()
    notes = []
    present = _labels(literals, findings, Answer.YES)
    if present:
        notes.append(f"you reported {_join(present)}")
    for group in groups:
        names = tuple(name for name in rule.any if name in group)
        notes.append(f"you reported one of: {_join([FINDINGS[name].label for name in names], 'or')}")
    open_names = tuple(n for n in literals if n not in grouped and findings.get(n) is Answer.UNKNOWN)
    unsure = [FINDINGS[n].label for n in open_names if n in findings.answers]  # asked, and not sure
    unasked = [FINDINGS[n].label for n in open_names if n not in findings.answers]  # never asked
    if unsure:
        notes.append(f"{'and ' if notes else ''}you were not sure about {_join(unsure, 'or')}")
    if unasked:
        notes.append(f"{_join(unasked, 'and')} {'were' if len(unasked) > 1 else 'was'} not asked")
    return f"{rule.reason[0].upper()}{rule.reason[1:]} ({'; '.join(notes)})."


def _self_care_reason(findings: Findings) -> str:
    ruled_out = _labels(_REASSURING, findings, Answer.NO)
    text = "None of the signs of a clot or of a blocked artery"
    if ruled_out:
        text += f" ({_join(ruled_out)})"
    return text + " were reported."


def _reasons(result: Evaluation, findings: Findings) -> tuple[str, ...]:
    """One reason per deciding rule, the rules certain to fire first (the one that decided leads)."""
    if result.level is Level.SELF_CARE:
        return (_self_care_reason(findings),)
    uncertain = set(result.uncertain)
    ordered = sorted(result.deciding, key=lambda rule: rule in uncertain)
    return tuple(_rule_reason(rule, findings) for rule in ordered)
