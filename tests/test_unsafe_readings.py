"""Typed conversations with natural answers, through the real matcher and the real dialogue (issue 10).

Each test here is one way a natural answer used to end a conversation one or two levels too low. The
conversations answer every question as a person with a plain cramp would, except the answers under test.
"""

from __future__ import annotations

import pytest

from intents import match
from skill.dialogue import Dialogue, Turn

PLAIN = {"side": "both legs", "duration": "a couple of minutes"}
"""A person with a plain cramp: both legs, gone in two minutes, "no" to everything else."""


def converse(answers: dict[str, str | list[str]], locale: str = "en-GB", limit: int = 60) -> tuple[Turn, list]:
    """Answer each question with answers[question id] (a list: one per time it is asked), else PLAIN, else no.

    Returns the last turn and what was asked, as (question id, text answered)."""
    dialogue = Dialogue(locale)
    turn = dialogue.start()
    said: list[tuple[str, str]] = []
    counts: dict[str, int] = {}
    while not turn.finished and len(said) < limit:
        ask = turn.open_question
        given = answers.get(ask.question, PLAIN.get(ask.question, "no"))
        if isinstance(given, list):
            index = counts.get(ask.question, 0)
            given = given[min(index, len(given) - 1)]
        counts[ask.question] = counts.get(ask.question, 0) + 1
        said.append((ask.question, given))
        turn = dialogue.respond(turn.state, match(given, ask.kind))
    assert turn.finished, f"no result after {limit} answers: {said}"
    return turn, said


def _reach(question: str) -> tuple[Dialogue, Turn]:
    """A conversation answered plainly (PLAIN, else no) up to `question`, which is then open."""
    dialogue = Dialogue("en-GB")
    turn = dialogue.start()
    while turn.open_question.question != question:
        turn = dialogue.respond(turn.state, match(PLAIN.get(turn.open_question.question, "no"),
                                                   turn.open_question.kind))
    return dialogue, turn


def test_the_plain_cramp_is_self_care():
    """The baseline the other tests change one answer of."""
    turn, _ = converse({})
    assert turn.result.level == "SELF_CARE"


# ---- 1. comparatives in durations ----------------------------------------------------------------------


@pytest.mark.parametrize("said", [
    "more than ten minutes", "over ten minutes", "at least ten minutes", "ten minutes or more",
    "well over 10 minutes", "more than 10 mins", "longer than ten minutes", "it's lasted more than an hour",
    "over an hour", "at least 20 mins", "just over ten minutes", "it's been more than 10 minutes now",
])
def test_more_than_the_threshold_is_more_than_ten_minutes(said):
    turn, _ = converse({"duration": said})
    assert turn.state.answers["duration"] == "yes"
    assert turn.result.level == "URGENT"


@pytest.mark.parametrize("said", [
    "less than ten minutes", "under ten minutes", "not even five minutes", "nearly ten minutes",
    "less than a minute", "under 5 mins", "about two minutes", "five minutes or less",
])
def test_less_than_the_threshold_is_not_more_than_ten_minutes(said):
    turn, _ = converse({"duration": said})
    assert turn.state.answers["duration"] == "no"
    assert turn.result.level == "SELF_CARE"


@pytest.mark.parametrize("said", ["about ten minutes", "ten minutes or so", "roughly 10 minutes",
                                  "more than five minutes", "less than an hour"])
def test_a_duration_that_straddles_the_threshold_is_unknown_and_read_the_cautious_way(said):
    turn, _ = converse({"duration": said})
    assert turn.state.answers["duration"] == "unknown"
    assert turn.result.level != "SELF_CARE"


def test_exactly_ten_minutes_is_not_more_than_ten():
    turn, _ = converse({"duration": "ten minutes"})
    assert turn.state.answers["duration"] == "no"


# ---- 2. an answer's polarity comes from what it says of the finding, not from its first word -----------


@pytest.mark.parametrize("said", [
    "no I can't", "no, I can't", "nope can't", "I can't", "no it's too painful", "I can't put any weight on it",
    "no I can't walk on it", "nope, can't stand on it at all", "it's too painful to walk",
])
def test_cannot_to_the_weight_bearing_question_is_a_yes(said):
    turn, _ = converse({"cannot_bear_weight": said})
    assert turn.state.answers["cannot_bear_weight"] == "yes"
    assert turn.result.level == "URGENT"


@pytest.mark.parametrize("said", ["no I can walk on it", "yes I can", "I can stand on it fine", "no, I can"])
def test_can_to_the_weight_bearing_question_is_a_no(said):
    turn, _ = converse({"cannot_bear_weight": said})
    assert turn.state.answers["cannot_bear_weight"] == "no"
    assert turn.result.level == "SELF_CARE"


@pytest.mark.parametrize("said", ["no I can't", "I can't move it", "nope, can't"])
def test_cannot_to_the_hard_to_move_question_is_a_yes(said):
    """To the leg group and to its ischaemia signs ("...can you not feel it or move it at all?")."""
    turn, asked = converse({"red_flags_leg": said, "limb_signs": said})
    assert [qid for qid, _ in asked][-2:] == ["red_flags_leg", "limb_signs"]
    assert turn.result.level == "EMERGENCY"


@pytest.mark.parametrize("said", ["yes, my foot is numb", "yes, pins and needles in my toes", "yes it feels weak"])
def test_numbness_or_weakness_alone_is_a_same_day_check_not_an_ambulance(said):
    """Issue 13.3: "Is the leg or foot cold, pale or numb, or is it weak...?" sent a numb, weak foot to an
    ambulance as limb ischaemia. Without the ischaemia signs it is a same-day check; from the back on one side,
    the sciatica rules (a doctor); on both sides, an emergency."""
    alone, asked = converse({"red_flags_leg": said})
    assert ("limb_signs", "no") in asked and alone.result.level == "URGENT"
    assert alone.result.findings["numb_or_weak"] == "yes"
    sciatica, _ = converse({"red_flags_leg": said, "pain_from_back": "yes", "side": "the left leg"})
    assert sciatica.result.level == "ROUTINE"
    both, _ = converse({"red_flags_leg": said, "pain_from_back": "yes", "side": "both legs"})
    assert both.result.level == "EMERGENCY"


@pytest.mark.parametrize("question", ["swelling", "duration", "side"])
def test_a_numb_foot_said_at_another_question_is_checked_once_and_kept(question):
    """"My foot is numb" only points at the ischaemia sign: one line checks it, and the numbness is kept."""
    turn, asked = converse({**_case_reaching(question), question: ["my foot is numb", "no"]})
    assert ("cold_pale_or_numb", "no") in asked
    assert [qid for qid, _ in asked].count("cold_pale_or_numb") == 1
    assert turn.result.findings["numb_or_weak"] == "yes" and turn.result.level == "URGENT"


def test_i_can_move_it_does_not_deny_a_cold_pale_leg():
    """The leg group also asks about cold, pale, numb: "I can move it" answers only part of it."""
    turn, said = converse({"red_flags_leg": ["I can move it fine", "no"]})
    assert [qid for qid, _ in said].count("red_flags_leg") == 2
    assert turn.result.level == "SELF_CARE"


def test_a_bare_i_cant_to_a_lung_red_flag_is_never_a_no():
    """"I can't" there is often a cut-off "I can't breathe": not an answer, asked again."""
    turn, said = converse({"red_flags_chest": ["I can't", "no"]})
    assert said[:2] == [("red_flags_chest", "I can't"), ("red_flags_chest", "no")]


# ---- 3. a reply to the open question answers the open question -------------------------------------------


LUNG_SINGLES = ["breathless", "chest_pain", "coughing_blood", "fainting_or_racing_heart"]


@pytest.mark.parametrize("said", ["sorry, no", "actually no", "no wait, no", "oops no"])
def test_sorry_no_after_not_sure_answers_only_the_open_red_flag(said):
    """Issue 10.3: "sorry, no" to "Are you short of breath?" after "not sure" to the group set all four lung
    signs to no; now it is a no to that question, and the other three are still asked."""
    turn, asked = converse({"red_flags_chest": "not sure", "breathless": said, "chest_pain": "yes"})
    assert [qid for qid, _ in asked][:3] == ["red_flags_chest", "breathless", "chest_pain"]
    assert turn.state.answers["breathless"] == "no"
    assert turn.result.level == "EMERGENCY"


@pytest.mark.parametrize("said", ["sorry, yes", "actually yes", "no wait, yes"])
def test_sorry_yes_to_a_red_flag_is_a_yes_to_it(said):
    turn, _ = converse({"red_flags_chest": "not sure", "breathless": said})
    assert turn.result.level == "EMERGENCY"
    assert turn.result.findings["breathless"] == "yes"


@pytest.mark.parametrize("said", ["I meant no to the last one", "sorry I meant no", "change that to no"])
def test_a_correction_that_does_not_name_a_red_flag_never_rules_it_out(said):
    """"I meant no" after "not sure" to the lung group asks the group again: it does not set four signs to no."""
    answers = {"red_flags_chest": ["not sure", "not sure"], "breathless": [said, "not sure"]}
    turn, asked = converse(answers)
    assert [qid for qid, _ in asked][:3] == ["red_flags_chest", "breathless", "red_flags_chest"]
    assert turn.result.findings.get("breathless") != "no"
    assert turn.result.level == "EMERGENCY"  # still not sure: read the cautious way


def test_a_named_correction_says_what_it_changed():
    dialogue, turn = _reach("side")
    turn = dialogue.respond(turn.state, match("both legs", "side"))
    next_question = turn.open_question.question
    turn = dialogue.respond(turn.state, match("no wait, it's the right leg", turn.open_question.kind))
    said = [event.text for event in turn.events if getattr(event, "key", "") == "changed"]
    assert said and "Is the pain in one leg only?" in said[0] and "right leg" in said[0]
    assert turn.state.answer_values["side"] == {"side": "right"}
    assert next_question in turn.state.asked


def test_i_meant_yes_after_a_miss_answers_the_open_question():
    turn, asked = converse({"swelling": ["purple monkey dishwasher", "I meant yes"]})
    assert turn.state.answers["swelling"] == "yes"
    assert turn.state.answers["red_flags_leg"] == "no"
    assert turn.result.level == "URGENT"


def test_i_meant_yes_changes_the_last_answer_and_says_so():
    dialogue = Dialogue("en-GB")
    turn = dialogue.start()
    turn = dialogue.respond(turn.state, match("no", "yes_no"))  # red_flags_chest
    turn = dialogue.respond(turn.state, match("no", "yes_no"))  # red_flags_leg
    assert turn.open_question.question == "swelling"
    turn = dialogue.respond(turn.state, match("sorry, I meant yes to the last one", "yes_no"))
    assert any(getattr(event, "key", "") == "changed" and "cold, pale or numb" in event.text for event in turn.events)
    # the leg group's yes is then checked for the ischaemia signs (issue 13.3)
    assert turn.open_question.question == "limb_signs"
    turn = dialogue.respond(turn.state, match("yes", "yes_no"))
    assert turn.result.level == "EMERGENCY"


# ---- 5. advice that fits the person -------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from triage import FINDINGS, assess  # noqa: E402

RUBBING_OR_WARMTH = ("rub", "massag", "warm bath", "warm towel", "warmth")
IBUPROFEN_ADVISED = "paracetamol or ibuprofen can"
ASKABLE = [name for name, spec in FINDINGS.items() if spec.group not in ("value", "derived", "said")]


def _offers_rubbing_or_warmth(advice: str) -> bool:
    lowered = advice.lower().replace("do not rub or massage the leg, and do not put heat on it", "")
    lowered = lowered.replace("take paracetamol rather than ibuprofen", "")
    return any(word in lowered for word in RUBBING_OR_WARMTH)


QUIET = {name for name, spec in FINDINGS.items() if spec.group in ("red_flag", "leg_sign", "sign")}
"""Signs that push a case to URGENT or EMERGENCY: mostly "no" below, so the advice of the lower levels is
drawn often (half the cases reach ROUTINE or SELF_CARE)."""


def _answer(name: str):
    return st.sampled_from(["no"] * 12 + ["yes", "unknown"]) if name in QUIET else st.sampled_from(
        ["yes", "no", "unknown"])


@settings(max_examples=400, deadline=None)
@given(st.fixed_dictionaries({name: _answer(name) for name in ASKABLE}),
       st.sampled_from(["left", "both", None]), st.sampled_from([1, 30, None]))
def test_advice_never_harms(case, side, minutes):
    """Massage and warmth only for a cramp that has gone; ibuprofen only when pregnancy and a previous clot
    (so, often, a blood thinner) are both ruled out; the midwife named in pregnancy."""
    outcome = assess({**case, "side": side, "duration_minutes": minutes})
    if outcome.level.name != "SELF_CARE":
        assert not _offers_rubbing_or_warmth(outcome.advice), outcome.advice
    if "yes" in (case["pregnancy_or_postpartum"], case["previous_clot"]):
        assert IBUPROFEN_ADVISED not in outcome.advice, outcome.advice
    if IBUPROFEN_ADVISED in outcome.advice:  # where neither was asked, it says who must not take it
        assert "not take ibuprofen if you are pregnant or take a medicine that thins your blood" in outcome.advice
        # issue 13.6: and who should ask a pharmacist first (NHS Ibuprofen for adults)
        assert "pharmacist" in outcome.advice and "stomach ulcer" in outcome.advice and "kidney" in outcome.advice
    if case["pregnancy_or_postpartum"] == "yes" and outcome.level.name != "EMERGENCY":
        assert "midwife" in outcome.advice, outcome.advice


def test_a_plain_cramp_still_gets_the_whole_relief_advice():
    turn, _ = converse({})
    advice = turn.result.advice
    assert turn.result.level == "SELF_CARE"
    assert _offers_rubbing_or_warmth(advice) and IBUPROFEN_ADVISED in advice and "stretch" in advice


EVERYTHING_NO = {name: "no" for name in ASKABLE}


@pytest.mark.parametrize("finding", ["pregnancy_or_postpartum", "previous_clot"])
def test_no_ibuprofen_in_pregnancy_or_after_a_clot(finding):
    outcome = assess({**EVERYTHING_NO, finding: "yes", "side": "both", "duration_minutes": 1})
    assert outcome.level.name == "SELF_CARE"
    assert IBUPROFEN_ADVISED not in outcome.advice and "Do not take ibuprofen" in outcome.advice
    assert ("midwife" in outcome.advice) == (finding == "pregnancy_or_postpartum")


def test_a_leg_that_may_hold_a_clot_is_never_to_be_rubbed_or_warmed():
    """One-sided pain that has passed, in someone who flew long-haul: ROUTINE, and a clot is possible."""
    turn, _ = converse({"side": "the left one", "risk_recent": "yes", "long_travel": "yes",
                        "eases_with_stretch_or_walking": "yes"})
    advice = turn.result.advice
    assert turn.result.level == "ROUTINE"
    assert not _offers_rubbing_or_warmth(advice)
    assert "do not rub or massage the leg" in advice and IBUPROFEN_ADVISED not in advice


# ---- 4. a red flag said while another question is open is heard, in any phrasing -----------------------

MID_CONVERSATION = ["side", "duration", "cannot_bear_weight", "swelling", "severe_pain"]
RED_FLAG_PHRASES = [
    "call 911", "call 999", "call 112", "call 000", "please call 111", "triple nine", "emergency", "ambulance",
    "get me an ambulance", "breathless", "chest hurts", "my chest is a bit tight", "heart pounding",
    "foot is stone cold", "my leg went white", "cant breath", "yes and I feel a bit breathless",
    "yes warm, and I've coughed up a little blood", "10 out of 10, I feel like I'm going to pass out",
    "my wife just collapsed", "no, but I feel dizzy", "both, and I'm struggling to breathe",
    "not sure, my heart is racing", "it's been an hour and now my chest feels heavy",
]


def _case_reaching(question: str) -> dict:
    """Answers that reach `question` (the duration, weight and pain questions need a swollen or lasting leg)."""
    return {"swelling": "yes"} if question == "severe_pain" else {}


@pytest.mark.parametrize("question", MID_CONVERSATION)
@pytest.mark.parametrize("said", RED_FLAG_PHRASES)
def test_a_red_flag_said_at_any_question_ends_in_emergency_at_once(question, said):
    answers = {**_case_reaching(question), question: said}
    turn, asked = converse(answers)
    assert (question, said) in asked, f"{question} was never asked: {asked}"
    assert asked[-1] == (question, said), "the check went on after the red flag"
    assert turn.result.level == "EMERGENCY"
    assert "Call 999 now" in turn.result.advice


def test_call_911_then_emergency_is_an_emergency():
    """Issue 10.4: in a full conversation "call 911" then "emergency" ended SELF_CARE."""
    turn, asked = converse({"duration": ["call 911", "emergency"]})
    assert turn.result.level == "EMERGENCY" and asked[-1] == ("duration", "call 911")


def test_blood_said_to_the_cough_question_is_coughing_blood():
    answers = {"swelling": "yes", "cough": "yes and there's blood in it"}
    turn, asked = converse(answers)
    assert asked[-1][0] == "cough"
    assert turn.result.level == "EMERGENCY" and turn.result.findings["coughing_blood"] == "yes"


@pytest.mark.parametrize(("said", "finding"), [
    ("my breathing feels odd", "breathless"), ("something with my chest", "chest_pain"),
    ("there was some blood", "coughing_blood"), ("my toes are tingling", "cold_pale_or_numb"),
])
def test_a_red_flag_word_in_an_answer_not_understood_is_checked_in_one_line(said, finding):
    dialogue, turn = _reach("swelling")
    checked = dialogue.respond(turn.state, match(said, "yes_no"))
    ask = checked.open_question
    assert ask.question == finding
    assert checked.events[-1].text.startswith("Did you say")
    assert dialogue.respond(checked.state, match("yes", "yes_no")).result.level == "EMERGENCY"
    after_no = dialogue.respond(checked.state, match("no", "yes_no"))
    assert after_no.open_question.question == "swelling"  # back to the question that was open
    unsure = dialogue.respond(checked.state, match("I don't know", "yes_no"))
    assert unsure.result.level == "EMERGENCY"  # never "no" (safety rule 3)


@pytest.mark.parametrize("said", ["nope, nothing like that", "no, none of those", "no to all of them"])
def test_a_denied_red_flag_is_a_no(said):
    turn, asked = converse({"red_flags_chest": said})
    assert turn.state.answers["red_flags_chest"] == "no"
    assert turn.result.level == "SELF_CARE"


@pytest.mark.parametrize(("said", "denied"), [
    ("no chest pain or shortness of breath", {"chest_pain", "breathless"}),
    ("I'm not short of breath", {"breathless"}),
    ("my breathing is fine", {"breathless"}),
])
def test_a_denial_of_some_signs_of_a_group_is_a_no_to_those_and_the_group_is_asked_again(said, denied):
    """Issue 12: the signs named are recorded as no; the others of the group were not answered, so the group
    is asked again (an unsaid red flag is never a no), and a plain no to it then settles it."""
    turn, asked = converse({"red_flags_chest": [said, "no"]})
    assert asked[:2] == [("red_flags_chest", said), ("red_flags_chest", "no")]
    assert {qid for qid, answer in turn.state.answers.items() if answer == "no"} >= denied
    assert turn.result.level == "SELF_CARE"


# Replies a reviewer found read as denials by an earlier version of the reader, which then took them as a
# "no" to the sign's own question: each says (or may say) the sign.
SAID_TO_ITS_OWN_QUESTION = [
    ("fainting_or_racing_heart", "I passed out when I was in the shower"),
    ("fainting_or_racing_heart", "I fainted last year and again today"),
    ("fainting_or_racing_heart", "I haven't fainted but I nearly did"),
    ("fainting_or_racing_heart", "I haven't fainted my heart is racing"),
    ("fainting_or_racing_heart", "fainted? no, but nearly"),
    ("breathless", "short of breath? not sure"),
    ("breathless", "breathless? no idea"),
    ("breathless", "he's not breathing"),
    ("breathless", "I'm not able to breathe"),
    ("breathless", "I've never been this breathless"),
    ("breathless", "no just breathless"),
    ("breathless", "I live at 2011 Main Street and I can't breathe"),
    ("breathless", "my breathing is far from normal"),
    ("breathless", "no I can't"),
    ("chest_pain", "nothing other than chest pain"),
    ("chest_pain", "no just a tight chest"),
    ("chest_pain", "my chest is fine just tight"),
    ("chest_pain", "no chest pain, just tightness"),
    ("coughing_blood", "coughing blood? not sure"),
    ("cold_pale_or_numb", "no it's gone blue"),
    ("cold_pale_or_numb", "my leg is cold and my lips are blue"),
]


@pytest.mark.parametrize(("question", "said"), SAID_TO_ITS_OWN_QUESTION)
def test_a_sign_said_to_its_own_question_is_never_recorded_as_no(question, said):
    group = "red_flags_leg" if question == "cold_pale_or_numb" else "red_flags_chest"
    turn, asked = converse({group: "not sure", "limb_signs": "not sure", question: [said, "not sure"]})
    assert turn.state.answers.get(question) != "no"
    assert turn.result.level == "EMERGENCY"


def test_a_denial_of_one_sign_does_not_answer_a_group_of_signs():
    """ "No, I haven't fainted" to the lung group says nothing of breathlessness: asked again, not a no."""
    turn, asked = converse({"red_flags_chest": ["no, I haven't fainted", "no"]})
    assert asked[:2] == [("red_flags_chest", "no, I haven't fainted"), ("red_flags_chest", "no")]


# ---- services by locale (the urgent advice said "in the UK, NHS 111" in every locale) ----------------------


@pytest.mark.parametrize(("locale", "line"), [
    ("en-GB", "NHS 111"), ("en-AU", "healthdirect on 1800 022 222"), ("en-NZ", "Healthline on 0800 611 116"),
    ("en-CA", "811"), ("en-US", None), ("en-IE", None), ("en-IN", None),
])
def test_the_urgent_advice_names_the_countrys_own_advice_line_or_none(locale, line):
    turn, _ = converse({"swelling": "yes"}, locale=locale)
    advice = turn.result.advice
    assert turn.result.level == "URGENT"
    assert "UK" not in advice or locale == "en-GB"
    if line:
        assert f"or call {line}" in advice
    else:
        assert "or call" not in advice and "111" not in advice


def test_an_unknown_locale_says_which_number_it_uses(caplog):
    Dialogue("xx-ZZ")
    assert "unknown locale 'xx-ZZ': using the emergency number 112" in caplog.text


# ---- reasons say only what was said (issue 13.5, part) ------------------------------------------------------


def test_reasons_tell_not_sure_from_not_asked_and_lead_with_what_decided():
    answered = {name: "no" for name in ASKABLE if name not in ("hard_tender_vein", "redness_or_discoloration")}
    outcome = assess({**answered, "swelling": "yes", "warmth": "unknown", "side": "left", "duration_minutes": 30})
    first = outcome.reasons[0]
    assert outcome.level.name == "URGENT"
    assert first.startswith("Swelling, warmth") and "you reported swelling" in first
    assert "you were not sure about warm skin" in first
    assert "red or darker skin and a hard or sore vein were not asked" in first


def test_a_question_never_asked_is_not_reported_as_not_sure():
    turn, _ = converse({"swelling": "yes"})
    said = " ".join(turn.result.reasons)
    asked = {qid for qid in turn.state.asked}
    assert "not sure" not in said  # every question was answered yes or no
    assert asked and turn.result.level == "URGENT"


def test_the_assess_summary_lists_the_findings_given():
    from triage import clinician_summary

    outcome = assess({"swelling": "yes", "side": "left", "breathless": "no"})
    summary = clinician_summary(outcome)
    assert "Answers given:\n- none" not in summary
    assert "- swelling: yes" in summary and "- short of breath: no" in summary and "- side: left" in summary


@pytest.mark.parametrize("question", ["swelling", "side", "cannot_bear_weight"])
def test_a_bare_i_cant_stand_stays_a_limb_weakness_emergency(question):
    """It was one before issue 10; "I can't stand on it" is the weight-bearing answer, "I can't stand up" stays."""
    turn, asked = converse({question: "I can't stand"})
    assert asked[-1] == (question, "I can't stand") and turn.result.level == "EMERGENCY"


@pytest.mark.parametrize(("correction", "said"), [("no wait, it was thirty minutes", "thirty minutes"),
                                                  ("sorry, I meant two days", "two days")])
def test_a_corrected_duration_is_said_back_in_words_not_digits(correction, said):
    """Found by the golden conversations: "changed ... to 30 minutes" was read "three zero minutes" by a
    speaker (every digit run is spoken as a phone number)."""
    dialogue, turn = _reach("duration")
    turn = dialogue.respond(turn.state, match("about two minutes", "duration"))
    turn = dialogue.respond(turn.state, match(correction, turn.open_question.kind if turn.open_question else None))
    changed = [event for event in turn.events if getattr(event, "key", "") == "changed"]
    assert changed and said in changed[0].text
    assert not any(character.isdigit() for character in changed[0].text)


@pytest.mark.parametrize(("question", "said", "named"), [
    ("risk_hormones", "yes, I had a baby two weeks ago", "pregnancy_or_postpartum"),
    ("risk_hormones", "yes I'm on the pill", "estrogen"),
    ("risk_recent", "yes I flew back from Australia last week", "long_travel"),
])
def test_a_yes_to_a_group_that_names_which_one_records_that_one(question, said, named):
    """Found by the golden conversations: "yes, I had a baby two weeks ago" was only a yes to the group, so
    pregnancy stayed unknown and the advice never named the midwife."""
    turn, asked = converse({question: [said], "side": "the left one"})
    assert (question, said) in asked
    assert turn.result.findings[named] == "yes"
    if named == "pregnancy_or_postpartum":
        assert "midwife" in turn.result.advice


def test_a_blood_thinner_said_without_being_asked_is_named_and_rules_out_ibuprofen():
    """Issue 13.6: a blood thinner (no question asks it) said in any answer is kept, named in the advice and
    in the clinician summary, and the advice offers no ibuprofen (NHS Ibuprofen for adults)."""
    turn, _ = converse({"side": "both legs, and I'm on apixaban"})
    result = turn.result
    assert result.findings.get("blood_thinner") == "yes"
    assert IBUPROFEN_ADVISED not in result.advice
    if result.level != "SELF_CARE":
        assert "take a medicine that thins your blood" in result.advice
    assert "taking a blood thinner" in result.summary


@pytest.mark.parametrize("finding", ["previous_clot", "blood_thinner"])
def test_a_clot_before_or_a_blood_thinner_is_named_for_whoever_sees_the_person(finding):
    outcome = assess({**EVERYTHING_NO, finding: "yes", "swelling": "yes", "side": "left", "duration_minutes": 30})
    assert outcome.level.name == "URGENT"
    assert "Tell whoever sees you" in outcome.advice and IBUPROFEN_ADVISED not in outcome.advice
