"""The findings vocabulary: every fact the triage can use, documented in this one place.

A yes/no finding is answered "yes", "no" or "unknown". A value finding (side, location, duration_minutes)
holds a value; its yes/no forms are derived: one_sided (side is left or right) and lasting_over_10_minutes
(duration_minutes > 10). A finding nobody asked about is unknown, and unknown is never taken as reassuring
(except the "said" group below, which no question asks).

Groups:
- red_flag: a sign of a clot in the lungs or of a leg losing its blood supply (EMERGENCY on its own).
- said: something only the person brings up, never asked (asking for an ambulance): not said is "no".
- leg_sign: a sign of a clot (or of a look-alike that needs the same checks) in the leg itself.
- sign: other symptoms that raise the level in some combinations.
- pattern: how the pain behaves; these describe the pain and may point either way (a pain that eases when
  stretched points to a cramp), so they are not "signs" in the sense of the monotonicity property.
- risk_major / risk_minor: risk factors for a clot (CDC, NHLBI, NHS, NICE NG158 Wells items).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .protocol import load as load_protocol

__all__ = [
    "Answer",
    "FindingSpec",
    "FINDINGS",
    "Findings",
    "FindingsError",
    "SIDES",
    "LOCATIONS",
    "VALUE_FINDINGS",
    "DERIVED",
    "names_in_group",
    "SAID",
    "LONG_PAIN_MINUTES",
    "SEVERE_PAIN_SCORE",
    "OLDER_AGE",
    "lasting_answer",
]

SIDES = ("left", "right", "both")
LOCATIONS = ("calf", "thigh", "behind_knee", "foot", "whole_leg")


class FindingsError(ValueError):
    """Findings given to the triage are malformed (unknown name, bad value)."""


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class FindingSpec:
    name: str
    group: str
    """red_flag | said | leg_sign | sign | pattern | risk_major | risk_minor | value | derived"""
    label: str
    """Short plain words for reasons and summaries ("short of breath")."""
    meaning: str
    """What a "yes" means, in full."""


_PROTOCOL = load_protocol()
_TABLE = tuple(FindingSpec(item["name"], item["group"], item["label"], item["meaning"])
               for item in _PROTOCOL["findings"])
"""The findings of the protocol (triage/protocol/en.yaml), in its order."""

FINDINGS: Mapping[str, FindingSpec] = {spec.name: spec for spec in _TABLE}
VALUE_FINDINGS = ("side", "location", "duration_minutes")
SAID = tuple(spec.name for spec in _TABLE if spec.group == "said")
"""Findings no question asks: only the person can bring them up, at any moment, so one not said is "no" (the
signs they stand beside are still asked). Missing from a mapping, they are read as "no", not unknown."""
DERIVED = ("one_sided", "lasting_over_10_minutes")


def names_in_group(*groups: str) -> tuple[str, ...]:
    """Finding names in any of the given groups, in table order."""
    return tuple(spec.name for spec in _TABLE if spec.group in groups)


@dataclass(frozen=True)
class Findings:
    """What is known: yes/no/unknown answers, values, and "at least one of these is yes" facts."""

    answers: Mapping[str, Answer] = field(default_factory=dict)
    """Yes/no findings that have an answer (derived ones included); a missing name is unknown."""
    values: Mapping[str, Any] = field(default_factory=dict)
    """side, location and duration_minutes, where known."""
    any_yes: tuple[frozenset[str], ...] = ()
    """Groups known to hold at least one "yes" (a grouped question answered "yes")."""

    def get(self, name: str) -> Answer:
        return self.answers.get(name, Answer.UNKNOWN)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Findings:
        """Build from a plain mapping: names to yes/no/unknown (or true/false/null) or values."""
        answers: dict[str, Answer] = {}
        values: dict[str, Any] = {}
        any_yes: list[frozenset[str]] = []
        for name, value in raw.items():
            if name == "any_yes":
                any_yes.extend(_parse_groups(value))
            elif name in VALUE_FINDINGS:
                parsed = _parse_value(name, value)
                if parsed is not None:
                    values[name] = parsed
            elif name in FINDINGS:
                answers[name] = _parse_answer(name, value)
            else:
                raise FindingsError(f"unknown finding {name!r}")
        answers.update(_derive(values, answers))
        for name in SAID:
            answers.setdefault(name, Answer.NO)
        return cls(answers=answers, values=values, any_yes=tuple(any_yes))

    def to_dict(self) -> dict[str, Any]:
        """Every known finding: values first, then answers in vocabulary order."""
        out: dict[str, Any] = {name: self.values[name] for name in VALUE_FINDINGS if name in self.values}
        out.update({spec.name: str(self.answers[spec.name]) for spec in _TABLE if spec.name in self.answers
                    and not (spec.name in SAID and self.answers[spec.name] is Answer.NO)})
        if self.any_yes:
            out["any_yes"] = [sorted(group) for group in self.any_yes]
        return out


def _parse_answer(name: str, value: Any) -> Answer:
    if value is True:
        return Answer.YES
    if value is False:
        return Answer.NO
    if value is None:
        return Answer.UNKNOWN
    if isinstance(value, str) and value.strip().lower() in Answer.__members__.values():
        return Answer(value.strip().lower())
    raise FindingsError(f"finding {name!r} must be yes, no, unknown (or true/false/null), not {value!r}")


def _parse_value(name: str, value: Any) -> Any:
    if value is None or value == "unknown":
        return None
    if name == "duration_minutes":
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise FindingsError(f"duration_minutes must be a number of minutes >= 0, not {value!r}")
        return float(value)
    allowed = SIDES if name == "side" else LOCATIONS
    if value not in allowed:
        raise FindingsError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _parse_groups(value: Any) -> list[frozenset[str]]:
    if not isinstance(value, list) or not all(isinstance(g, list) and g for g in value):
        raise FindingsError("any_yes must be a list of non-empty lists of finding names")
    for group in value:
        for name in group:
            if name not in FINDINGS or name in VALUE_FINDINGS:
                raise FindingsError(f"unknown yes/no finding {name!r} in any_yes")
    return [frozenset(group) for group in value]


LONG_PAIN_MINUTES = float(_PROTOCOL["thresholds"]["long_pain_minutes"]["value"])
"""lasting_over_10_minutes: a cramp usually goes within ten minutes (the protocol's long_pain_minutes)."""
ABOUT_SPAN = tuple(float(value) for value in _PROTOCOL["thresholds"]["about_span"]["value"])
""""About N minutes" is read as anywhere from 0.8 N to 1.25 N: "about ten" straddles the threshold."""
SEVERE_PAIN_SCORE = int(_PROTOCOL["thresholds"]["severe_pain_score"]["value"])
"""On a 0-10 scale, this score or more counts as severe pain."""
OLDER_AGE = int(_PROTOCOL["thresholds"]["older_age"]["value"])
"""age_over_60: an age above this."""
BOUNDS = ("more", "less", "about")


def lasting_answer(minutes: float, bound: str | None = None, threshold: float = LONG_PAIN_MINUTES) -> Answer:
    """Has the pain lasted more than `threshold` minutes, given a duration as said?

    bound is the comparative said with it: "more" ("more than", "over", "at least", "or more": the pain
    lasted at least this long), "less" ("less than", "under", "not even", "nearly"), "about" ("about",
    "roughly", "or so"), or None (the duration as said). Where the words leave both sides open ("about ten",
    "more than five", "less than an hour") the answer is unknown, which the triage reads the cautious way.
    """
    if bound == "more":
        return Answer.YES if minutes >= threshold else Answer.UNKNOWN
    if bound == "less":
        return Answer.NO if minutes <= threshold else Answer.UNKNOWN
    if bound == "about":
        low, high = (minutes * factor for factor in ABOUT_SPAN)
        if low > threshold:
            return Answer.YES
        return Answer.NO if high <= threshold else Answer.UNKNOWN
    if bound is not None:
        raise FindingsError(f"a duration's bound must be one of {', '.join(BOUNDS)}, not {bound!r}")
    return Answer.YES if minutes > threshold else Answer.NO


def _derive(values: Mapping[str, Any], answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """The yes/no forms of the value findings, where a value is known and no answer was given."""
    derived: dict[str, Answer] = {}
    if "side" in values and "one_sided" not in answers:
        derived["one_sided"] = Answer.NO if values["side"] == "both" else Answer.YES
    if "duration_minutes" in values and "lasting_over_10_minutes" not in answers:
        derived["lasting_over_10_minutes"] = lasting_answer(values["duration_minutes"])
    return derived
