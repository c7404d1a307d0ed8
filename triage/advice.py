"""What to do, in our own words: the texts are data (triage/texts/en.yaml, checked at load); this module
chooses the parts that fit the person. Placeholders: {number}, the emergency number; {advice_line}.

Facts from: NHS Leg cramps and Mayo Clinic night leg cramps (self-care and prevention), NHS Sprains and
strains (rest, ice, raise), NHS DVT (urgent same-day assessment; do not drive yourself with chest symptoms),
NICE NG158 (scan within 24 hours when a clot is suspected), NHS Ibuprofen for adults (not advised in
pregnancy; check first with medicines that thin the blood: https://www.nhs.uk/medicines/ibuprofen-for-adults/).
A leg that may hold a clot is not rubbed or warmed: massage and heat are cramp relief (NHS Leg cramps), and
only a cramp that has gone (SELF_CARE) gets them. Pregnancy advice names the midwife or maternity unit.
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .levels import Level
from .protocol import read_yaml

__all__ = ["EMERGENCY_ADVICE", "advice_for", "safety_net_for", "DISCLAIMER", "CRAMP_RELIEF", "CRAMP_PREVENTION",
           "Person", "ADVICE_TEXTS", "AdviceTextsError", "problems"]

ADVICE_TEXTS = Path(__file__).parent / "texts" / "en.yaml"
_KEYS = {"emergency_advice": {"number"}, "urgent_advice": {"advice_line"}, "routine_advice": set(),
         "stretch": set(), "massage_and_warmth": set(), "not_rubbed": set(), "painkillers_any": set(),
         "painkillers_no_ibuprofen": set(), "tender": set(), "cramp_prevention": set(), "strain_care": set(),
         "midwife_urgent": set(), "midwife_routine": set(), "midwife_cramps": set(), "self_care_intro": set(),
         "disclaimer": {"number"}, "urgent_advice_line": {"advice_line"}, "meanwhile": {"stretch"},
         "tell_clot": set(), "tell_thinner": set(), "tell_clot_and_thinner": set()}
"""Every advice text, with the placeholders it may hold."""


class AdviceTextsError(ValueError):
    """The advice texts are missing, unreadable or do not pass their checks."""


def problems(document: Any) -> list[str]:
    """Every problem of an advice texts document, as sentences naming the place (empty when sound)."""
    if not isinstance(document, dict) or not isinstance(document.get("advice"), dict):
        return ["the advice texts need an `advice` mapping and a `safety_nets` mapping"]
    found = [f"advice: missing {key}" for key in _KEYS if key not in document["advice"]]
    found += [f"advice: unknown key {key}" for key in document["advice"] if key not in _KEYS]
    nets = document.get("safety_nets")
    if not isinstance(nets, dict) or set(nets) != {level.name for level in Level}:
        found.append(f"safety_nets: needs exactly {', '.join(level.name for level in Level)}")
        nets = {}
    texts = [(f"advice.{key}", text, _KEYS.get(key, set())) for key, text in document["advice"].items()]
    texts += [(f"safety_nets.{key}", text, {"number"}) for key, text in nets.items()]
    for where, text, allowed in texts:
        if not isinstance(text, str) or not text.strip():
            found.append(f"{where}: must be a non-empty text")
            continue
        used = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        if used - allowed:
            found.append(f"{where}: unknown placeholder(s) {', '.join(sorted(used - allowed))}")
    return found


@functools.cache
def _texts() -> dict[str, Any]:
    document = read_yaml(ADVICE_TEXTS, "advice texts", AdviceTextsError)
    found = problems(document)
    if found:
        raise AdviceTextsError(f"the advice texts {ADVICE_TEXTS} have {len(found)} problem(s):\n- "
                               + "\n- ".join(found))
    return document


_ADVICE = _texts()["advice"]
EMERGENCY_ADVICE: str = _ADVICE["emergency_advice"]
URGENT_ADVICE: str = _ADVICE["urgent_advice"]
ROUTINE_ADVICE: str = _ADVICE["routine_advice"]
STRETCH: str = _ADVICE["stretch"]
MASSAGE_AND_WARMTH: str = _ADVICE["massage_and_warmth"]
"""Only for a cramp that has gone (SELF_CARE): a leg that may hold a clot is never rubbed or warmed."""
NOT_RUBBED: str = _ADVICE["not_rubbed"]
"""Where a clot is possible: no rubbing or warmth, and no ibuprofen (a clot is treated with blood thinners)."""
PAINKILLERS_ANY: str = _ADVICE["painkillers_any"]
PAINKILLERS_NO_IBUPROFEN: str = _ADVICE["painkillers_no_ibuprofen"]
"""When pregnancy or a previous clot (and so, often, a blood thinner) is reported."""
TENDER: str = _ADVICE["tender"]
CRAMP_RELIEF = f"{STRETCH} {MASSAGE_AND_WARMTH} {PAINKILLERS_ANY} {TENDER}"
"""The whole relief text, for a cramp that has gone in someone with nothing against any of it."""
CRAMP_PREVENTION: str = _ADVICE["cramp_prevention"]
STRAIN_CARE: str = _ADVICE["strain_care"]
MIDWIFE_URGENT: str = _ADVICE["midwife_urgent"]
MIDWIFE_ROUTINE: str = _ADVICE["midwife_routine"]
MIDWIFE_CRAMPS: str = _ADVICE["midwife_cramps"]
SELF_CARE_INTRO: str = _ADVICE["self_care_intro"]
DISCLAIMER: str = _ADVICE["disclaimer"]
_SAFETY_NETS = {level: _texts()["safety_nets"][level.name] for level in Level}


@dataclass(frozen=True)
class Person:
    """What the advice must fit, from what was reported (see triage.assess)."""

    strain: bool = False
    """The pain started with an injury."""
    cramps: bool = True
    """The pain behaves like a cramp (not claudication, not an injury)."""
    clot_possible: bool = False
    """A rule that guards against a clot decided the level: no rubbing, no warmth."""
    pregnant: bool = False
    """Pregnant or had a baby in the last six weeks: the midwife or maternity unit is named."""
    ibuprofen_ok: bool = False
    """Neither pregnancy nor a previous clot was reported (the ibuprofen advice then names who must not)."""
    clot_before: bool = False
    """A previous clot was reported: whoever sees the person is to be told."""
    blood_thinner: bool = False
    """A blood thinner was said: whoever sees the person is to be told."""




def advice_for(level: Level, number: str, person: Person | None = None, advice_line: str = "") -> str:
    """The advice to say for a level, fitted to the person: ibuprofen only where nothing speaks against it,
    massage and warmth only for a cramp that has gone, and the midwife named in pregnancy. `advice_line`:
    the country's health advice line ("NHS 111"), or "" where there is none we can name."""
    person = person or Person()
    return _join(_advice_for(level, number, person, advice_line), _tell(person) if level is not Level.SELF_CARE
                 else "")


def _tell(person: Person) -> str:
    """Issue 13.6: a clot before and a blood thinner are named, for whoever sees the person."""
    if person.blood_thinner and person.clot_before:
        return _ADVICE["tell_clot_and_thinner"]
    if person.blood_thinner:
        return _ADVICE["tell_thinner"]
    return _ADVICE["tell_clot"] if person.clot_before else ""


def _advice_for(level: Level, number: str, person: Person, advice_line: str) -> str:
    if level is Level.EMERGENCY:
        return EMERGENCY_ADVICE.format(number=number)
    painkillers = PAINKILLERS_ANY if person.ibuprofen_ok else PAINKILLERS_NO_IBUPROFEN
    if level is Level.URGENT:
        line = _ADVICE["urgent_advice_line"].format(advice_line=advice_line) if advice_line else ""
        return _join(URGENT_ADVICE.format(advice_line=line), MIDWIFE_URGENT if person.pregnant else "")
    if level is Level.ROUTINE:
        meanwhile = ""
        if person.clot_possible:
            meanwhile = NOT_RUBBED
        elif person.cramps:
            stretch = f"{STRETCH[0].lower()}{STRETCH[1:]}"  # English: the sentence goes on after "Meanwhile,"
            meanwhile = f"{_ADVICE['meanwhile'].format(stretch=stretch)} {painkillers} {TENDER}"
        return _join(ROUTINE_ADVICE, meanwhile, MIDWIFE_ROUTINE if person.pregnant else "")
    if person.strain:
        return _join(STRAIN_CARE, MIDWIFE_ROUTINE if person.pregnant else "")
    relief = f"{STRETCH} {MASSAGE_AND_WARMTH} {painkillers} {TENDER}"
    return _join(SELF_CARE_INTRO, relief, CRAMP_PREVENTION, MIDWIFE_CRAMPS if person.pregnant else "")


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def safety_net_for(level: Level, number: str) -> str:
    return _SAFETY_NETS[level].format(number=number)
