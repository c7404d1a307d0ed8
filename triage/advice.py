"""What to do, in our own words. Fixed texts with one placeholder: {number}, the emergency number.

Facts from: NHS Leg cramps and Mayo Clinic night leg cramps (self-care and prevention), NHS Sprains and
strains (rest, ice, raise), NHS DVT (urgent same-day assessment; do not drive yourself with chest symptoms),
NICE NG158 (scan within 24 hours when a clot is suspected), NHS Ibuprofen for adults (not advised in
pregnancy; check first with medicines that thin the blood: https://www.nhs.uk/medicines/ibuprofen-for-adults/).
A leg that may hold a clot is not rubbed or warmed: massage and heat are cramp relief (NHS Leg cramps), and
only a cramp that has gone (SELF_CARE) gets them. Pregnancy advice names the midwife or maternity unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from .levels import Level

__all__ = ["EMERGENCY_ADVICE", "advice_for", "safety_net_for", "DISCLAIMER", "CRAMP_RELIEF", "CRAMP_PREVENTION",
           "Person"]

EMERGENCY_ADVICE = (
    "Call {number} now and ask for an ambulance. Say you have leg pain and may have a blood clot. "
    "Do not drive yourself. Sit or lie still while you wait, and keep your phone close."
)

URGENT_ADVICE = (
    "Get a medical check today. Call your doctor's practice now and ask for an urgent same-day appointment. "
    "If you cannot get one, go to an urgent care service{advice_line}. "
    "If a blood clot is suspected, you may need a scan within a day."
)

ROUTINE_ADVICE = (
    "Book an appointment with your doctor in the next few days, and tell them what you told me."
)

STRETCH = (
    "To ease a cramp: straighten the leg and pull your toes up towards your knee to stretch the calf, or walk "
    "about for a minute, or walk on your heels."
)

MASSAGE_AND_WARMTH = (
    "Rubbing the muscle firmly, and warmth such as a warm bath or a warm towel, can help it relax."
)
"""Only for a cramp that has gone (SELF_CARE): a leg that may hold a clot is never rubbed or warmed."""

NOT_RUBBED = (
    "Until you have been seen, do not rub or massage the leg, and do not put heat on it. If you need a "
    "painkiller, take paracetamol rather than ibuprofen."
)
"""Where a clot is possible: no rubbing or warmth, and no ibuprofen (a clot is treated with blood thinners)."""

PAINKILLERS_ANY = (
    "Painkillers will not stop a cramp, but paracetamol or ibuprofen can ease soreness afterwards. Do not take "
    "ibuprofen if you are pregnant or take a medicine that thins your blood."
)

PAINKILLERS_NO_IBUPROFEN = (
    "Painkillers will not stop a cramp, but paracetamol can ease soreness afterwards. Do not take ibuprofen: it "
    "is not advised in pregnancy or with medicines that thin the blood. A pharmacist can tell you what is safe."
)
"""When pregnancy or a previous clot (and so, often, a blood thinner) is reported."""

TENDER = "The muscle may stay tender for up to a day."

CRAMP_RELIEF = f"{STRETCH} {MASSAGE_AND_WARMTH} {PAINKILLERS_ANY} {TENDER}"
"""The whole relief text, for a cramp that has gone in someone with nothing against any of it."""

CRAMP_PREVENTION = (
    "To make cramps less likely: stretch your calves every day and before bed, drink enough fluids through "
    "the day, and keep bed covers loose around your feet."
)

STRAIN_CARE = (
    "This sounds most like a strained muscle. For the first two or three days, rest the leg, put an ice pack "
    "wrapped in a towel on it for up to twenty minutes every few hours, and raise it on a pillow when you can. "
    "Start walking again gently as the pain allows."
)

MIDWIFE_URGENT = (
    "As you are pregnant or have just had a baby, you can call your midwife or maternity unit now: they can "
    "arrange the check."
)
MIDWIFE_ROUTINE = "As you are pregnant or have just had a baby, you can also ask your midwife or maternity unit."
MIDWIFE_CRAMPS = (
    "Leg cramps are common in pregnancy: tell your midwife about them at your next appointment."
)


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


SELF_CARE_INTRO = "This sounds most like a muscle cramp."

DISCLAIMER = (
    "This is not a diagnosis: legcheck cannot examine you. If you are worried, contact a doctor. "
    "In an emergency, call {number}."
)

_SAFETY_NETS = {
    Level.EMERGENCY: "If you feel worse while you wait, call {number} again.",
    Level.URGENT: "If you become short of breath, get chest pain, cough up blood or feel faint, call {number} "
    "straight away.",
    Level.ROUTINE: "Call {number} straight away if you become short of breath, get chest pain, cough up blood "
    "or faint. Get seen today instead if the leg swells, turns red, dark or warm, or the pain lasts more than "
    "ten minutes.",
}
_SAFETY_NETS[Level.SELF_CARE] = _SAFETY_NETS[Level.ROUTINE]


def advice_for(level: Level, number: str, person: Person | None = None, advice_line: str = "") -> str:
    """The advice to say for a level, fitted to the person: ibuprofen only where nothing speaks against it,
    massage and warmth only for a cramp that has gone, and the midwife named in pregnancy. `advice_line`:
    the country's health advice line ("NHS 111"), or "" where there is none we can name."""
    person = person or Person()
    if level is Level.EMERGENCY:
        return EMERGENCY_ADVICE.format(number=number)
    painkillers = PAINKILLERS_ANY if person.ibuprofen_ok else PAINKILLERS_NO_IBUPROFEN
    if level is Level.URGENT:
        line = f", or call {advice_line}" if advice_line else ""
        return _join(URGENT_ADVICE.format(advice_line=line), MIDWIFE_URGENT if person.pregnant else "")
    if level is Level.ROUTINE:
        meanwhile = ""
        if person.clot_possible:
            meanwhile = NOT_RUBBED
        elif person.cramps:
            meanwhile = f"Meanwhile, {STRETCH[0].lower()}{STRETCH[1:]} {painkillers} {TENDER}"
        return _join(ROUTINE_ADVICE, meanwhile, MIDWIFE_ROUTINE if person.pregnant else "")
    if person.strain:
        return _join(STRAIN_CARE, MIDWIFE_ROUTINE if person.pregnant else "")
    relief = f"{STRETCH} {MASSAGE_AND_WARMTH} {painkillers} {TENDER}"
    return _join(SELF_CARE_INTRO, relief, CRAMP_PREVENTION, MIDWIFE_CRAMPS if person.pregnant else "")


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def safety_net_for(level: Level, number: str) -> str:
    return _SAFETY_NETS[level].format(number=number)
