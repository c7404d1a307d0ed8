"""The clinician summary: what the person said, and the Wells items they could report themselves.

NICE NG158 (rec 1.1.2) uses the two-level DVT Wells score. Only some of its items can be self-reported; the
rest need an examination, and the score is not validated for self-report (GUIDANCE.md 1.3). So the summary
lists the self-reported items, marked as such, and the items that need an examination. It reports the
level decided by the rules and never lowers it.
"""

from __future__ import annotations

from collections.abc import Iterable

from .assess import Assessment
from .findings import Answer, Findings

__all__ = ["clinician_summary", "WELLS_SELF_REPORTED", "WELLS_NEEDS_EXAMINATION"]

# Wells item -> the findings that let a person report it (any "yes" counts).
WELLS_SELF_REPORTED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Active cancer (treatment ongoing, within 6 months, or palliative)", ("cancer",)),
    ("Paralysis, paresis or recent plaster immobilisation of the legs",
     ("cast_or_leg_injury", "weakness_or_cannot_move")),
    ("Recently bedridden 3 days or more, or major surgery within 12 weeks", ("immobility", "recent_surgery")),
    ("Entire leg swollen", ()),  # location whole_leg together with swelling
    ("Previously documented DVT", ("previous_clot",)),
)

WELLS_NEEDS_EXAMINATION = (
    "Localised tenderness along the deep venous system",
    "Calf swelling at least 3 cm larger than the other side",
    "Pitting oedema confined to the symptomatic leg",
    "Collateral superficial veins (non-varicose)",
    "An alternative diagnosis at least as likely as DVT",
)


def _item_answer(label: str, names: tuple[str, ...], findings: Findings) -> str:
    if not names:
        whole_leg = findings.values.get("location") == "whole_leg"
        if whole_leg and findings.get("swelling") is Answer.YES:
            return "yes"
        return "not reported" if not whole_leg else str(findings.get("swelling"))
    answers = [findings.get(name) for name in names]
    if Answer.YES in answers:
        return "yes"
    if all(answer is Answer.NO for answer in answers):
        return "no"
    return "unknown"


def _finding_label(name: str) -> str:
    from .findings import FINDINGS

    return FINDINGS[name].label if name in FINDINGS else name


def clinician_summary(assessment: Assessment, answers: Iterable[tuple[str, str]] = ()) -> str:
    """Plain text for a clinician. `answers`: (question, answer) pairs in the order they were given."""
    findings = assessment.findings
    lines = [f"legcheck summary (self-reported, not a diagnosis). Outcome: {assessment.level.name}."]
    lines += [f"Reason: {reason}" for reason in assessment.reasons]
    given = list(answers)
    if given:
        lines.append("Answers given:")
        lines += [f"- {question} -> {answer}" for question, answer in given]
    else:  # findings given directly (legcheck assess): list them, not "none"
        lines.append("Findings given:")
        lines += [f"- {_finding_label(name)}: {value}" for name, value in findings.to_dict().items()
                  if name != "any_yes"] or ["- none"]
    lines.append("Wells items the person could report (self-reported, not a validated score):")
    for label, names in WELLS_SELF_REPORTED:
        lines.append(f"- {label}: {_item_answer(label, names, findings)}")
    lines.append("Wells items that need an examination: " + "; ".join(WELLS_NEEDS_EXAMINATION) + ".")
    return "\n".join(lines)
