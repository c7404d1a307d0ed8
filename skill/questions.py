"""The questions, as data, in the order they are considered.

Every question can be answered yes / no / "I don't know"; a "yes" means at least one of its findings is
present. The dialogue skips a question that can no longer change the outcome (see skill.dialogue). Red
flags come first. A grouped question answered "I don't know" is followed by its single questions, so that
"not sure" about one sign does not hide the others.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["Question", "QUESTIONS", "ORDER", "by_id"]


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    """Grammar / answer type: yes_no, side, location, duration or number (all also take yes/no)."""
    findings: tuple[str, ...]
    text: str
    reprompt: str
    why: str
    """Why it is asked, for the Why intent ("I ask because ...")."""
    parent: str = ""
    """The grouped question this one breaks down, if any."""
    confirm: str = ""
    """For a red flag's own question: the one line that checks it when a word in another answer pointed at
    it ("Did you say you are short of breath?")."""
    cannot_is: str = ""
    """The answer that "I can't" gives ("yes" where the finding is not being able to do something: "no, I
    can't" to "Is it too painful to put weight on that leg?" is a yes). "I can" then gives the other answer,
    for a question about one finding only. Empty: "I can't" says nothing about the finding, and only a yes
    or no said with it ("no, I can't") answers."""


def _q(qid: str, kind: str, findings: tuple[str, ...], text: str, reprompt: str, why: str,
       parent: str = "", cannot_is: str = "") -> Question:
    return Question(qid, kind, findings, text, reprompt, why, parent, cannot_is=cannot_is)


_PE = ("breathless", "chest_pain", "coughing_blood", "fainting_or_racing_heart")
_LIMB = ("cold_pale_or_numb", "weakness_or_cannot_move")
_SKIN = ("warmth", "redness_or_discoloration", "hard_tender_vein")
_RECENT = ("recent_surgery", "hospital_stay", "immobility", "long_travel", "cast_or_leg_injury")
_HISTORY = ("previous_clot", "cancer", "clotting_disorder", "central_venous_catheter")
_HORMONES = ("pregnancy_or_postpartum", "estrogen")
_MINOR = ("age_over_60", "smoking", "obesity", "heart_or_lung_disease")
_PATTERN = ("recurrent", "worse_walking_better_rest")

_WHY_PE = "these can mean a clot has travelled to the lungs, which needs an ambulance"
_WHY_LIMB = "a cold, pale, numb or weak leg can mean its blood supply is blocked"
_WHY_SIGNS = "swelling, warmth, redness or a hard vein are the main signs of a clot in the leg"
_WHY_RISK = "these make a blood clot more likely"

QUESTIONS: tuple[Question, ...] = (
    _q("red_flags_chest", "yes_no", _PE,
       "Are you short of breath, or do you have chest pain, a racing heart, or have you fainted or coughed up blood?",
       "Are you short of breath, or have chest pain, a racing heart, fainting, or coughing up blood?", _WHY_PE),
    _q("breathless", "yes_no", ("breathless",), "Are you short of breath, or finding it hard to breathe?",
       "Are you short of breath?", _WHY_PE, "red_flags_chest"),
    _q("chest_pain", "yes_no", ("chest_pain",), "Do you have any pain or tightness in your chest?",
       "Do you have chest pain?", _WHY_PE, "red_flags_chest"),
    _q("coughing_blood", "yes_no", ("coughing_blood",), "Have you coughed up any blood?",
       "Have you coughed up blood?", _WHY_PE, "red_flags_chest"),
    _q("fainting_or_racing_heart", "yes_no", ("fainting_or_racing_heart",),
       "Have you fainted or nearly fainted, or is your heart racing?", "Have you fainted, or is your heart racing?",
       _WHY_PE, "red_flags_chest"),
    _q("red_flags_leg", "yes_no", _LIMB, "Is the leg or foot cold, pale or numb, or is it weak or hard to move?",
       "Is the leg cold, pale, numb, or hard to move?", _WHY_LIMB, cannot_is="yes"),
    _q("cold_pale_or_numb", "yes_no", ("cold_pale_or_numb",), "Is the leg or foot cold, pale, or numb?",
       "Is the leg cold, pale or numb?", _WHY_LIMB, "red_flags_leg"),
    _q("weakness_or_cannot_move", "yes_no", ("weakness_or_cannot_move",), "Is the leg weak, or hard to move?",
       "Is the leg weak or hard to move?", _WHY_LIMB, "red_flags_leg", cannot_is="yes"),
    _q("swelling", "yes_no", ("swelling",), "Is the painful leg swollen?", "Is the leg swollen?", _WHY_SIGNS),
    _q("skin_or_vein", "yes_no", _SKIN,
       "Around the pain, is the skin warm, red, or darker than usual, or is there a vein that feels hard or sore?",
       "Is the skin warm, red or darker, or is there a hard, sore vein?", _WHY_SIGNS),
    _q("warmth", "yes_no", ("warmth",), "Does the skin around the pain feel warm?", "Is the skin warm?",
       _WHY_SIGNS, "skin_or_vein"),
    _q("redness_or_discoloration", "yes_no", ("redness_or_discoloration",),
       "Is the skin around the pain red, or darker than usual?", "Is the skin red or darker?", _WHY_SIGNS,
       "skin_or_vein"),
    _q("hard_tender_vein", "yes_no", ("hard_tender_vein",), "Is there a vein that feels hard or sore to touch?",
       "Is there a hard or sore vein?", _WHY_SIGNS, "skin_or_vein"),
    _q("sepsis_signs", "yes_no", ("sepsis_signs",),
       "Are you confused or being sick, or do you feel very unwell, or is the redness spreading fast?",
       "Confused, being sick, very unwell, or redness spreading fast?",
       "with red, warm or swollen skin, these can mean a serious infection that needs an ambulance"),
    _q("cough", "yes_no", ("cough",), "Do you have a new cough?", "Do you have a new cough?",
       "a new cough with leg signs can mean a clot has reached the lungs"),
    _q("severe_pain", "number", ("severe_pain",), "Is the pain severe, or getting much worse?",
       "Is the pain severe or getting worse?", "severe pain after an injury or in a cast can need emergency care"),
    _q("pain_from_back", "yes_no", ("pain_from_back",), "Does the pain spread down from your lower back or buttock?",
       "Does the pain come from your back?", "pain from the back is often a trapped nerve, which needs other care"),
    _q("saddle_numbness_or_bladder", "yes_no", ("saddle_numbness_or_bladder",),
       "Is there any numbness between your legs, or new trouble controlling your bladder or bowels?",
       "Any numbness between your legs, or bladder or bowel trouble?",
       "with back pain, these can mean pressure on the nerves of the spine, an emergency"),
    _q("duration", "duration", ("lasting_over_10_minutes",), "Has the pain lasted more than ten minutes?",
       "Has it lasted more than ten minutes?", "a cramp usually goes within ten minutes; longer pain needs checking"),
    _q("after_injury", "yes_no", ("after_injury",), "Did the pain start with an injury, a fall or a knock?",
       "Did it start with an injury?", "pain after an injury is often a strained muscle, not a cramp or a clot"),
    _q("cannot_bear_weight", "yes_no", ("cannot_bear_weight",), "Is it too painful to put weight on that leg?",
       "Is it too painful to stand on?", "not being able to stand on the leg needs a same-day check",
       cannot_is="yes"),
    _q("side", "side", ("one_sided",), "Is the pain in one leg only?", "Is it in one leg only, or both?",
       "a clot usually affects one leg, while cramps can affect both"),
    _q("risk_recent", "yes_no", _RECENT,
       "In the last three months, have you had an operation, a stay in hospital, a plaster cast, or been stuck "
       "in bed, or on a journey of more than four hours?",
       "Any operation, hospital stay, plaster cast, bed rest or long journey recently?", _WHY_RISK),
    _q("recent_surgery", "yes_no", ("recent_surgery",), "Have you had an operation in the last three months?",
       "Any operation in the last three months?", _WHY_RISK, "risk_recent"),
    _q("hospital_stay", "yes_no", ("hospital_stay",), "Have you stayed in hospital in the last three months?",
       "Any hospital stay in the last three months?", _WHY_RISK, "risk_recent"),
    _q("immobility", "yes_no", ("immobility",), "Have you been stuck in bed, or barely able to move about, for "
       "three days or more?", "Have you been stuck in bed for three days or more?", _WHY_RISK, "risk_recent"),
    _q("long_travel", "yes_no", ("long_travel",), "Have you been on a journey of more than four hours in the last "
       "month?", "Any journey of more than four hours?", _WHY_RISK, "risk_recent"),
    _q("cast_or_leg_injury", "yes_no", ("cast_or_leg_injury",), "Before this pain started, had that leg been in a "
       "plaster cast, or badly injured, in the last three months?", "Has the leg been in a cast or badly injured?",
       "a cast or a bad injury makes a clot more likely, and severe pain in a cast needs urgent care",
       "risk_recent"),
    _q("risk_history", "yes_no", _HISTORY,
       "Have you ever had a blood clot, or do you have cancer, a clotting disorder, or a central line?",
       "Any past blood clot, cancer, clotting disorder or central line?", _WHY_RISK),
    _q("previous_clot", "yes_no", ("previous_clot",), "Have you had a blood clot before?",
       "Have you had a clot before?", _WHY_RISK, "risk_history"),
    _q("cancer", "yes_no", ("cancer",), "Do you have cancer, or have you had cancer treatment in the last six "
       "months?", "Any cancer or cancer treatment?", _WHY_RISK, "risk_history"),
    _q("clotting_disorder", "yes_no", ("clotting_disorder",), "Have you been told you have a blood clotting "
       "disorder?", "Do you have a clotting disorder?", _WHY_RISK, "risk_history"),
    _q("central_venous_catheter", "yes_no", ("central_venous_catheter",), "Do you have a central line, a tube "
       "into a large vein?", "Do you have a central line?", _WHY_RISK, "risk_history"),
    _q("risk_hormones", "yes_no", _HORMONES,
       "Are you pregnant, or have you had a baby in the last six weeks, or do you take the pill or HRT?",
       "Pregnant, a recent baby, or taking the pill or HRT?", _WHY_RISK),
    _q("pregnancy_or_postpartum", "yes_no", ("pregnancy_or_postpartum",), "Are you pregnant, or have you had a "
       "baby in the last six weeks?", "Pregnant, or a baby in the last six weeks?", _WHY_RISK, "risk_hormones"),
    _q("estrogen", "yes_no", ("estrogen",), "Do you take a contraceptive pill or HRT?", "Do you take the pill or "
       "HRT?", _WHY_RISK, "risk_hormones"),
    _q("eases_with_stretch_or_walking", "yes_no", ("eases_with_stretch_or_walking",),
       "Does the pain ease when you stretch the muscle or walk about?", "Does stretching or walking ease it?",
       "a cramp eases with stretching; a clot's pain does not"),
    _q("risk_minor", "yes_no", _MINOR,
       "Are you over sixty, or do you smoke, or are you very overweight, or have heart or lung disease?",
       "Over sixty, a smoker, very overweight, or heart or lung disease?", _WHY_RISK),
    _q("age_over_60", "yes_no", ("age_over_60",), "Are you over sixty?", "Are you over sixty?", _WHY_RISK,
       "risk_minor"),
    _q("smoking", "yes_no", ("smoking",), "Do you smoke?", "Do you smoke?", _WHY_RISK, "risk_minor"),
    _q("obesity", "yes_no", ("obesity",), "Are you very overweight?", "Are you very overweight?", _WHY_RISK,
       "risk_minor"),
    _q("heart_or_lung_disease", "yes_no", ("heart_or_lung_disease",), "Do you have heart failure or a long-term "
       "lung disease?", "Any heart or lung disease?", _WHY_RISK, "risk_minor"),
    _q("pattern", "yes_no", _PATTERN,
       "Do these pains keep coming back or wake you at night, or come on when you walk and go when you rest?",
       "Do the pains keep coming back, or come on when you walk?",
       "cramps that keep coming back, or pain on walking, are worth a doctor's check"),
    _q("recurrent", "yes_no", ("recurrent",), "Do these cramps keep coming back, or wake you at night?",
       "Do they keep coming back?", "cramps that keep coming back are worth a doctor's check", "pattern"),
    _q("worse_walking_better_rest", "yes_no", ("worse_walking_better_rest",),
       "Does the pain come on when you walk, and go after a few minutes' rest?",
       "Does it come on walking and go with rest?", "pain on walking can mean narrowed arteries", "pattern"),
    _q("fever", "yes_no", ("fever",), "Do you have a fever, or feel hot and shivery?", "Do you have a fever?",
       "a fever with red, warm skin can mean an infection"),
)

_CONFIRM = {
    "breathless": "Did you say you are short of breath, or finding it hard to breathe?",
    "chest_pain": "Did you say you have pain or tightness in your chest?",
    "coughing_blood": "Did you say you have coughed up blood?",
    "fainting_or_racing_heart": "Did you say you have fainted or felt faint, or that your heart is racing?",
    "cold_pale_or_numb": "Did you say your leg or foot is cold, pale, or numb?",
    "weakness_or_cannot_move": "Did you say your leg is weak, or hard to move?",
}
QUESTIONS = tuple(replace(q, confirm=_CONFIRM[q.id]) if q.id in _CONFIRM else q for q in QUESTIONS)

ORDER = tuple(q.id for q in QUESTIONS)
_BY_ID = {q.id: q for q in QUESTIONS}


def by_id(qid: str) -> Question:
    try:
        return _BY_ID[qid]
    except KeyError:
        raise KeyError(f"unknown question id {qid!r}") from None
