"""What to do, in our own words. Fixed texts with one placeholder: {number}, the emergency number.

Facts from: NHS Leg cramps and Mayo Clinic night leg cramps (self-care and prevention), NHS Sprains and
strains (rest, ice, raise), NHS DVT (urgent same-day assessment; do not drive yourself with chest symptoms),
NICE NG158 (scan within 24 hours when a clot is suspected).
"""

from __future__ import annotations

from .levels import Level

__all__ = ["EMERGENCY_ADVICE", "advice_for", "safety_net_for", "DISCLAIMER", "CRAMP_RELIEF", "CRAMP_PREVENTION"]

EMERGENCY_ADVICE = (
    "Call {number} now and ask for an ambulance. Say you have leg pain and may have a blood clot. "
    "Do not drive yourself. Sit or lie still while you wait, and keep your phone close."
)

URGENT_ADVICE = (
    "Get a medical check today. Call your doctor's practice now and ask for an urgent same-day appointment. "
    "If you cannot get one, use an urgent care service or a health advice line (in the UK, NHS 111). "
    "If a blood clot is suspected, you may need a scan within a day."
)

ROUTINE_ADVICE = (
    "Book an appointment with your doctor in the next few days, and tell them what you told me."
)

CRAMP_RELIEF = (
    "To ease a cramp: straighten the leg and pull your toes up towards your knee to stretch the calf; "
    "rub the muscle firmly; walk about for a minute, or walk on your heels; warmth, such as a warm bath or a "
    "warm towel, can help the muscle relax. Painkillers will not stop a cramp, but paracetamol or ibuprofen can "
    "ease soreness afterwards. The muscle may stay tender for up to a day."
)

CRAMP_PREVENTION = (
    "To make cramps less likely: stretch your calves every day and before bed, drink enough fluids through "
    "the day, and keep bed covers loose around your feet."
)

STRAIN_CARE = (
    "This sounds most like a strained muscle. For the first two or three days, rest the leg, put an ice pack "
    "wrapped in a towel on it for up to twenty minutes every few hours, and raise it on a pillow when you can. "
    "Start walking again gently as the pain allows."
)

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


def advice_for(level: Level, number: str, *, strain: bool = False, cramps: bool = True) -> str:
    """The advice to say for a level. `strain`: the pain started with an injury; `cramps`: cramp-like."""
    if level is Level.EMERGENCY:
        return EMERGENCY_ADVICE.format(number=number)
    if level is Level.URGENT:
        return URGENT_ADVICE
    if level is Level.ROUTINE:
        extra = f" Meanwhile: {CRAMP_RELIEF}" if cramps else ""
        return ROUTINE_ADVICE + extra
    if strain:
        return STRAIN_CARE
    return f"{SELF_CARE_INTRO} {CRAMP_RELIEF} {CRAMP_PREVENTION}"


def safety_net_for(level: Level, number: str) -> str:
    return _SAFETY_NETS[level].format(number=number)
