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


def _f(name: str, group: str, label: str, meaning: str) -> FindingSpec:
    return FindingSpec(name, group, label, meaning)


_TABLE = (
    # Values and their derived yes/no forms.
    _f("side", "value", "side", "Which leg hurts: left, right or both."),
    _f("location", "value", "where", "Where the pain is: calf, thigh, behind_knee, foot or whole_leg."),
    _f("duration_minutes", "value", "how long", "How long the pain has lasted, in minutes."),
    _f("one_sided", "derived", "pain in one leg only", "The pain is in one leg only (side left or right)."),
    _f("lasting_over_10_minutes", "derived", "pain lasting more than ten minutes",
       "The pain has lasted more than 10 minutes (duration_minutes > 10)."),
    # Red flags.
    _f("breathless", "red_flag", "short of breath", "New or sudden shortness of breath, struggling to breathe."),
    _f("chest_pain", "red_flag", "chest pain", "Chest pain or discomfort, often worse on breathing in."),
    _f("coughing_blood", "red_flag", "coughing up blood", "Coughing up blood."),
    _f("fainting_or_racing_heart", "red_flag", "fainting or a racing heart",
       "Fainting or nearly fainting, or a fast or irregular heartbeat."),
    _f("cold_pale_or_numb", "red_flag", "a cold, pale or numb leg",
       "The leg or foot is cold, pale or blue, or has lost feeling (pins and needles or numb)."),
    _f("weakness_or_cannot_move", "red_flag", "weakness or not being able to move the leg",
       "The leg is weak or cannot be moved."),
    # Said, never asked: not said is "no" (see SAID).
    _f("emergency_requested", "said", "asking for emergency help",
       "The person, or someone with them, asks for an ambulance or the emergency number, or says it is an "
       "emergency."),
    # Signs in the leg.
    _f("swelling", "leg_sign", "swelling", "The painful leg is swollen."),
    _f("redness_or_discoloration", "leg_sign", "red or darker skin",
       "The skin around the pain is red or darker than usual (harder to see on brown or black skin)."),
    _f("warmth", "leg_sign", "warm skin", "The skin around the pain feels warm."),
    _f("hard_tender_vein", "leg_sign", "a hard or sore vein", "A vein that is swollen, hard or sore to touch."),
    # Other signs.
    _f("cough", "sign", "a new cough", "A new cough (without blood)."),
    _f("fever", "sign", "a fever", "A fever (38 C or more) or feeling hot and shivery."),
    _f("severe_pain", "sign", "severe pain", "Severe pain, or pain that is getting much worse."),
    _f("cannot_bear_weight", "sign", "not being able to put weight on the leg",
       "Cannot put weight on the leg or walk on it."),
    _f("saddle_numbness_or_bladder", "sign", "numbness between the legs or bladder or bowel trouble",
       "Numbness around the genitals or back passage, or new trouble controlling the bladder or bowel."),
    # How the pain behaves.
    _f("constant", "pattern", "constant pain", "The pain is there all the time, even at rest."),
    _f("eases_with_stretch_or_walking", "pattern", "pain easing with stretching or walking",
       "The pain eases when the muscle is stretched, massaged or walked on (typical of a cramp)."),
    _f("worse_walking_better_rest", "pattern", "pain that comes on walking and goes with rest",
       "Aching pain brought on by walking that goes after a few minutes' rest (claudication)."),
    _f("after_injury", "pattern", "pain that started with an injury",
       "The pain started with an injury, a fall, a knock or a sudden strain."),
    _f("recurrent", "pattern", "cramps that keep coming back or wake you",
       "Cramps that keep coming back, or that disturb sleep."),
    _f("pain_from_back", "pattern", "pain spreading from the back down the leg",
       "Pain that spreads from the lower back or buttock down the leg (the sciatica pattern)."),
    # Risk factors for a clot.
    _f("recent_surgery", "risk_major", "an operation in the last three months",
       "An operation in the last three months (NICE NG158 Wells: major surgery within 12 weeks)."),
    _f("hospital_stay", "risk_major", "a recent hospital stay", "A stay in hospital in the last three months."),
    _f("immobility", "risk_major", "being stuck in bed or unable to move about",
       "Bedridden or much less mobile for 3 days or more recently."),
    _f("long_travel", "risk_major", "a journey of more than four hours",
       "A journey (car, plane, coach, train) of more than four hours in the last four weeks."),
    _f("cast_or_leg_injury", "risk_major", "a plaster cast or leg injury",
       "A plaster cast, splint or serious leg injury (such as a fracture) in the last three months."),
    _f("cancer", "risk_major", "cancer or cancer treatment",
       "Active cancer: treatment now or in the last 6 months, or palliative care."),
    _f("previous_clot", "risk_major", "a previous blood clot", "A previous DVT or pulmonary embolism."),
    _f("pregnancy_or_postpartum", "risk_major", "pregnancy or a recent birth",
       "Pregnant, or gave birth in the last 6 weeks."),
    _f("estrogen", "risk_major", "the pill or HRT",
       "Taking a combined contraceptive pill or hormone replacement therapy (estrogen)."),
    _f("clotting_disorder", "risk_major", "a clotting disorder",
       "A known blood clotting disorder, or close family with blood clots."),
    _f("central_venous_catheter", "risk_major", "a central line", "A central venous catheter (a long line)."),
    _f("age_over_60", "risk_minor", "being over sixty", "Aged over 60."),
    _f("obesity", "risk_minor", "being very overweight", "Very overweight (obesity)."),
    _f("smoking", "risk_minor", "smoking", "Smokes."),
    _f("heart_or_lung_disease", "risk_minor", "heart or lung disease", "Heart failure or a long-term lung disease."),
)

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


LONG_PAIN_MINUTES = 10.0
"""lasting_over_10_minutes: a cramp usually goes within ten minutes (NHS-LEG-CRAMPS, MAYO-NIGHT-CRAMPS)."""
ABOUT_SPAN = (0.8, 1.25)
""""About N minutes" is read as anywhere from 0.8 N to 1.25 N: "about ten" straddles the threshold."""
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
