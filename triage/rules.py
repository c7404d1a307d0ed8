"""The triage rules, as data. Each rule names its source; the sources are listed at the end.

A rule fires when every finding in `all` is yes, at least one in `any` is yes (if `any` is given), and every
finding in `none` is no. The level is the most urgent level among the rules that fire, or SELF_CARE.
Unknown answers are read the cautious way (see triage.engine): a rule that might fire counts.

Where sources differ, the more cautious reading is used (../shared/GUIDANCE.md, opening note).
"""

from __future__ import annotations

from dataclasses import dataclass

from .findings import names_in_group
from .levels import Level

__all__ = ["Rule", "RULES", "SOURCES", "PE_SIGNS", "LEG_SIGNS", "MAJOR_RISKS", "MINOR_RISKS"]

PE_SIGNS = ("breathless", "chest_pain", "coughing_blood", "fainting_or_racing_heart")
LEG_SIGNS = names_in_group("leg_sign")
MAJOR_RISKS = names_in_group("risk_major")
MINOR_RISKS = names_in_group("risk_minor")


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    reason: str
    """Why, in plain words, said to the person."""
    condition: str
    """The condition it guards against (for the clinician summary)."""
    sources: tuple[str, ...]
    """Keys of SOURCES."""
    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    clot: bool = False
    """What it guards against includes a blood clot: the advice then never says to rub or warm the leg."""


E, U, R = Level.EMERGENCY, Level.URGENT, Level.ROUTINE

RULES: tuple[Rule, ...] = (
    # EMERGENCY
    Rule("pe_signs", E, "breathlessness, chest pain, coughing up blood, fainting or a racing heart can mean a "
         "clot has reached the lungs", "pulmonary embolism",
         ("NHS-DVT", "NHS-BLOOD-CLOTS", "GLOS-DVT", "CDC-CLOTS", "NHLBI-VTE"), any=PE_SIGNS, clot=True),
    Rule("emergency_requested", E, "you asked for emergency help, and that comes before any question",
         "whatever made them ask", ("NHS-999", "NHS-BLOOD-CLOTS"), all=("emergency_requested",)),
    Rule("cough_with_leg_signs", E, "a new cough together with signs of a clot in the leg can mean a clot has "
         "reached the lungs", "pulmonary embolism", ("NHS-BLOOD-CLOTS", "GLOS-DVT"),
         all=("cough",), any=LEG_SIGNS, clot=True),
    Rule("cough_with_lasting_one_sided_pain", E, "a new cough with lasting pain in one leg can mean a clot has "
         "reached the lungs", "pulmonary embolism", ("NHS-BLOOD-CLOTS", "GLOS-DVT"),
         all=("cough", "one_sided", "lasting_over_10_minutes"), clot=True),
    Rule("limb_ischaemia", E, "a cold, pale, numb or weak leg can mean its blood supply is blocked",
         "acute limb ischaemia", ("NHS-DEVON-ALI", "NHS-PAD"), any=("cold_pale_or_numb", "weakness_or_cannot_move")),
    Rule("compartment_syndrome", E, "severe pain after an injury or in a leg in a cast can mean pressure is "
         "building up inside the muscle", "acute compartment syndrome", ("NHS-COMPARTMENT",),
         all=("severe_pain",), any=("after_injury", "cast_or_leg_injury")),
    Rule("cauda_equina", E, "back pain down the leg with numbness between the legs or bladder or bowel trouble "
         "can mean pressure on the nerves at the base of the spine", "cauda equina syndrome",
         ("NHS-SCIATICA",), all=("pain_from_back", "saddle_numbness_or_bladder")),
    Rule("sciatica_both_legs", E, "pain from the back down both legs can mean pressure on the nerves at the "
         "base of the spine", "cauda equina syndrome", ("NHS-SCIATICA",),
         all=("pain_from_back",), none=("one_sided",)),
    # URGENT
    Rule("leg_signs", U, "swelling, warmth, red or darker skin, or a hard sore vein can be signs of a blood "
         "clot, and need checking today", "deep vein thrombosis (or cellulitis, a Baker's cyst, phlebitis)",
         ("NHS-DVT", "NICE-NG158", "NHLBI-VTE", "NHS-PHLEBITIS", "NHS-BAKERS-CYST"), any=LEG_SIGNS, clot=True),
    Rule("infection_signs", U, "a fever with red, warm or swollen skin can mean a skin infection",
         "cellulitis", ("NHS-CELLULITIS",), all=("fever",), any=("redness_or_discoloration", "warmth", "swelling")),
    Rule("long_cramp", U, "a cramp-like pain that lasts more than ten minutes needs checking today",
         "not a simple cramp", ("NHS-LEG-CRAMPS", "NIDIRECT-CRAMPS", "MAYO-NIGHT-CRAMPS"),
         all=("lasting_over_10_minutes",), none=("after_injury", "pain_from_back"), clot=True),
    Rule("cannot_bear_weight", U, "not being able to put weight on the leg needs checking today",
         "muscle tear, fracture or clot", ("NHS-SPRAINS",), any=("cannot_bear_weight",), clot=True),
    Rule("risk_with_lasting_pain", U, "lasting pain in one leg in someone at higher risk of a clot needs "
         "checking today", "deep vein thrombosis", ("SEED-LIVESTRONG", "CDC-CLOTS", "NHLBI-VTE", "NHS-DVT"),
         all=("one_sided", "lasting_over_10_minutes"), any=MAJOR_RISKS, clot=True),
    Rule("risk_with_pain_not_easing", U, "pain in one leg that does not ease, in someone at higher risk of a "
         "clot, needs checking today", "deep vein thrombosis",
         ("SEED-LIVESTRONG", "CDC-CLOTS", "NHLBI-VTE", "NHS-DVT"),
         all=("one_sided",), any=MAJOR_RISKS, none=("eases_with_stretch_or_walking",), clot=True),
    # ROUTINE
    Rule("risk_with_one_sided_pain", R, "pain in one leg in someone at higher risk of a clot is worth a "
         "doctor's check, even if it has passed", "deep vein thrombosis",
         ("SEED-LIVESTRONG", "CDC-CLOTS", "NHLBI-VTE"), all=("one_sided",), any=MAJOR_RISKS, clot=True),
    Rule("minor_risk_pain_not_easing", R, "pain in one leg that does not ease, with a risk factor such as age "
         "or smoking, is worth a doctor's check", "deep vein thrombosis or poor circulation",
         ("NHLBI-VTE", "CDC-CLOTS"), all=("one_sided",), any=MINOR_RISKS,
         none=("eases_with_stretch_or_walking",), clot=True),
    Rule("recurrent_cramps", R, "cramps that keep coming back or disturb your sleep are worth a doctor's check",
         "recurrent leg cramps", ("NHS-LEG-CRAMPS", "MAYO-NIGHT-CRAMPS", "NIDIRECT-CRAMPS"), any=("recurrent",)),
    Rule("claudication", R, "pain that comes on when you walk and goes when you rest can mean narrowed "
         "arteries", "peripheral arterial disease (claudication)", ("NHS-WALES-PAD", "NHS-COMPARTMENT"),
         any=("worse_walking_better_rest",)),
    Rule("sciatica", R, "pain spreading from the back down one leg is worth a doctor's check if it does not "
         "settle", "sciatica", ("NHS-SCIATICA",), any=("pain_from_back",)),
)

SOURCES: dict[str, str] = {
    "NHS-DVT": "NHS, Deep vein thrombosis (DVT) https://www.nhs.uk/conditions/deep-vein-thrombosis-dvt/",
    "NHS-BLOOD-CLOTS": "NHS, Blood clots (2018 text) https://www.axappphealthcare.co.uk/personal/"
    "health-information/nhs-factsheets/blood-clots/",
    "GLOS-DVT": "Gloucestershire Hospitals NHS FT, DVT leaflet https://www.gloshospitals.nhs.uk/your-visit/"
    "patient-information-leaflets/deep-vein-thrombosis-dvt/",
    "NICE-NG158": "NICE NG158, Venous thromboembolic diseases, recs 1.1.1-1.1.4 "
    "https://www.nice.org.uk/guidance/ng158/chapter/Recommendations",
    "CDC-CLOTS": "CDC, Know the risks, signs and symptoms of blood clots "
    "https://www.cdc.gov/ncbddd/dvt/infographic-risk.html",
    "NHLBI-VTE": "NHLBI, Venous thromboembolism: signs and risk factors (via copies listed in GUIDANCE.md 1.4)",
    "NHS-LEG-CRAMPS": "NHS, Leg cramps https://www.nhs.uk/conditions/leg-cramps/",
    "NIDIRECT-CRAMPS": "NI Direct / older NHS, Leg cramps https://nidirect.gov.uk/node/10453",
    "MAYO-NIGHT-CRAMPS": "Mayo Clinic, Night leg cramps: when to see a doctor "
    "http://www.mayoclinic.org/symptoms/night-leg-cramps/basics/when-to-see-doctor/sym-20050813",
    "NHS-DEVON-ALI": "NHS Devon, Acute limb ischaemia referral guidance "
    "https://northeast.devonformularyguidance.nhs.uk/referral-guidance/northern-locality/vascular/"
    "acute-limb-ischaemia",
    "NHS-PAD": "NHS, Peripheral arterial disease: symptoms and complications "
    "http://www.nhs.uk/Conditions/peripheralarterialdisease/Pages/Symptoms.aspx",
    "NHS-WALES-PAD": "NHS 111 Wales, Peripheral arterial disease https://111.wales.nhs.uk/"
    "peripheralarterialdisease(pad)/",
    "NHS-CELLULITIS": "NHS, Cellulitis (versions in GUIDANCE.md 1.5) https://em-doctors.com/conditions/cellulitis",
    "NHS-BAKERS-CYST": "NHS, Baker's cyst (syndicated) https://1stchoicepharmacy.co.uk/nhs_conditions_bakers-cyst",
    "NHS-COMPARTMENT": "NHS, Compartment syndrome (quoted) https://drpharmacy.uk/health-detail/"
    "?topic=compartment-syndrome",
    "NHS-SPRAINS": "NHS, Sprains and strains https://drpharmacy.uk/health-detail/?topic=sprains-and-strains",
    "NHS-SCIATICA": "NHS, Sciatica (copy) https://barabone.blog/2019/10/02/sciatica/",
    "NHS-PHLEBITIS": "NHS, Phlebitis (superficial thrombophlebitis) "
    "https://developer.api.nhs.uk/widgets/condition/?condition=/conditions/phlebitis/",
    "NHS-999": "NHS, When to call 999: a life-threatening emergency, such as someone struggling to breathe or "
    "passed out, means calling 999 at once https://www.nhs.uk/nhs-services/urgent-and-emergency-care-services/"
    "when-to-call-999/",
    "SEED-LIVESTRONG": "Cook C, A blood clot in a leg or a calf muscle cramp? (LIVESTRONG): "
    "'If you are at risk and have symptoms, suspect a blood clot.'",
}
