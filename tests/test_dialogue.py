"""The dialogue manager: safety promises, question economy, the meta intents, and the state."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intents import Heard, match
from skill.dialogue import MAX_MISSES, Dialogue, emergency_heard
from skill.events import Ask, Result
from triage import FINDINGS, assess

YES_NO = [name for name, spec in FINDINGS.items() if spec.group not in ("value", "derived", "said")]
RED_FLAG_FINDINGS = ("breathless", "chest_pain", "coughing_blood", "fainting_or_racing_heart", "cold_pale_or_numb",
                     "weakness_or_cannot_move")
YES, NO, DONT_KNOW = Heard("yes", "Yes", {}, 1.0), Heard("no", "No", {}, 1.0), Heard("?", "DontKnow", {}, 1.0)
NOTHING = Heard("", None, {}, 0.0)


def truth(case: dict, name: str) -> str:
    if name == "one_sided":
        side = case.get("side")
        return "unknown" if side is None else ("yes" if side in ("left", "right") else "no")
    if name == "lasting_over_10_minutes":
        minutes = case.get("duration_minutes")
        return "unknown" if minutes is None else ("yes" if minutes > 10 else "no")
    return case.get(name, "no")


def answer_for(case: dict, ask: Ask) -> Heard:
    values = [truth(case, name) for name in ask.findings]
    if "yes" in values:
        return YES
    return NO if all(v == "no" for v in values) else DONT_KNOW


def play(case: dict, dialogue: Dialogue | None = None, limit: int = 60):
    dialogue = dialogue or Dialogue("en-GB")
    turn = dialogue.start()
    asked = []
    while not turn.finished and len(asked) < limit:
        ask = turn.open_question
        asked.append(ask.question)
        turn = dialogue.respond(turn.state, answer_for(case, ask))
    assert turn.finished, f"no result after {limit} answers: {asked}"
    return turn.result, asked


@st.composite
def cases(draw, values=("yes", "no")):
    case = {name: draw(st.sampled_from(values)) for name in YES_NO}
    case["side"] = draw(st.sampled_from(["left", "right", "both"] + ([None] if "unknown" in values else [])))
    case["duration_minutes"] = draw(st.sampled_from([0.5, 5, 10, 11, 60, 2880]))
    return case


@settings(max_examples=150, deadline=None)
@given(cases())
def test_the_dialogue_reaches_the_level_of_the_whole_case(case):
    """Skipping questions is sound: stopping early never changes the outcome."""
    result, _ = play(case)
    assert result.level == assess(case).level.name


@settings(max_examples=100, deadline=None)
@given(cases(values=("yes", "no", "unknown")))
def test_with_unknown_answers_the_dialogue_is_as_cautious_as_the_whole_case(case):
    result, _ = play(case)
    assert result.level == assess(case).level.name


@pytest.mark.parametrize("flag", RED_FLAG_FINDINGS)
def test_a_red_flag_ends_in_emergency_within_two_questions(flag):
    """The lung signs within two questions; the leg's within three: its first question also takes numbness
    and weakness (issue 13.3: not an emergency on their own), so a yes is followed by one question on the
    ischaemia signs ("Is it cold, pale or blue, or can you not feel it or move it at all?")."""
    result, asked = play({flag: "yes"})
    assert result.level == "EMERGENCY"
    assert len(asked) <= (3 if flag in ("cold_pale_or_numb", "weakness_or_cannot_move") else 2)


# Paths that between them ask most questions: a one-sided pain that does not ease in a smoker who
# answers "not sure" to the risk groups, and a back pain down one leg.
PATH_CASES = (
    {"side": "left", "duration_minutes": 5, "eases_with_stretch_or_walking": "no", "smoking": "unknown",
     "previous_clot": "unknown", "recent_surgery": "unknown", "estrogen": "unknown"},
    {"side": "right", "duration_minutes": 300, "pain_from_back": "yes", "severe_pain": "yes"},
)
PATH_STEPS = [(n, step) for n, case in enumerate(PATH_CASES) for step in range(len(play(case)[1]))]


@pytest.mark.parametrize(("case_index", "step"), PATH_STEPS)
@pytest.mark.parametrize("phrase", ["I can't breathe", "I have chest pain", "I'm coughing up blood"])
def test_an_emergency_phrase_ends_in_emergency_whatever_question_is_open(case_index, step, phrase):
    dialogue = Dialogue("en-US")
    turn = dialogue.start()
    for _ in range(step):
        turn = dialogue.respond(turn.state, answer_for(PATH_CASES[case_index], turn.open_question))
    heard = match(phrase, turn.open_question.kind)
    assert heard.intent == "Emergency"
    turn = dialogue.respond(turn.state, heard)
    assert turn.finished and turn.result.level == "EMERGENCY"
    assert "911" in " ".join(e.text for e in turn.events if hasattr(e, "text"))


def test_the_paths_above_cover_the_questions():
    asked = {qid for case in PATH_CASES for qid in play(case)[1]}
    assert len(asked) >= 20, sorted(asked)


def test_i_dont_know_to_the_red_flag_group_asks_each_sign():
    dialogue = Dialogue()
    turn = dialogue.respond(dialogue.start().state, DONT_KNOW)
    assert turn.open_question.question == "breathless"


def test_i_dont_know_to_a_single_red_flag_is_not_taken_as_no():
    dialogue = Dialogue()
    turn = dialogue.respond(dialogue.start().state, DONT_KNOW)
    turn = dialogue.respond(turn.state, DONT_KNOW)  # not sure whether short of breath
    assert turn.finished, "nothing said later could lower the level: the advice must come at once"
    assert turn.result.level == "EMERGENCY"
    assert any("not sure" in reason for reason in turn.result.reasons)


def test_two_misses_record_unknown_and_never_no():
    dialogue = Dialogue()
    turn = dialogue.start()
    for _ in range(MAX_MISSES - 1):
        turn = dialogue.respond(turn.state, NOTHING)
        assert turn.open_question.question == "red_flags_chest"
        assert any(e.key == "not_understood" for e in turn.events if e.type == "say")
    turn = dialogue.respond(turn.state, NOTHING)
    assert turn.state.answers["red_flags_chest"] == "unknown"
    assert turn.open_question.question == "breathless"


def test_silence_on_every_question_never_gives_self_care():
    dialogue = Dialogue()
    turn = dialogue.start()
    for _ in range(200):
        if turn.finished:
            break
        turn = dialogue.respond(turn.state, NOTHING)
    assert turn.result.level == "EMERGENCY"


def test_help_repeat_and_why_keep_the_question_open():
    dialogue = Dialogue("en-AU")
    turn = dialogue.respond(dialogue.start().state, NO)
    for intent in ("Help", "Repeat", "Why"):
        turn = dialogue.respond(turn.state, Heard(intent.lower(), intent, {}, 1.0))
        assert turn.open_question.question == "red_flags_leg"
        assert isinstance(turn.events[-1], Ask)
    help_turn = dialogue.respond(turn.state, Heard("help", "Help", {}, 1.0))
    assert "000" in help_turn.events[0].text
    why = dialogue.respond(turn.state, Heard("why", "Why", {}, 1.0)).events[0].text
    assert "blood supply" in why


def test_why_explains_the_reasons_so_far():
    dialogue = Dialogue()
    turn = dialogue.start()
    for heard in (NO, NO, YES):
        turn = dialogue.respond(turn.state, heard)
    why = dialogue.respond(turn.state, Heard("why", "Why", {}, 1.0)).events[0].text
    assert "swelling" in why


def test_back_reopens_the_previous_question_and_a_correction_applies():
    dialogue = Dialogue()
    turn = dialogue.start()
    for heard in (NO, NO, NO):
        turn = dialogue.respond(turn.state, heard)
    assert turn.open_question.question == "skin_or_vein"
    back = dialogue.respond(turn.state, Heard("go back", "Back", {}, 1.0))
    assert back.open_question.question == "swelling"
    corrected = dialogue.respond(turn.state, Heard("no wait, yes", "Back", {"answer": "yes"}, 1.0))
    assert corrected.state.answers["swelling"] == "yes"


def test_a_side_correction_fills_the_side_question():
    dialogue = Dialogue()
    case = {"duration_minutes": 5}
    turn = dialogue.start()
    while turn.open_question.question != "side":
        turn = dialogue.respond(turn.state, answer_for(case, turn.open_question))
    turn = dialogue.respond(turn.state, Heard("both", "Side", {"side": "both"}, 1.0))
    turn = dialogue.respond(turn.state, Heard("no wait, the left one", "Back", {"side": "left"}, 1.0))
    assert turn.state.answer_values["side"] == {"side": "left"}
    assert turn.state.answers["side"] == "yes"


def test_value_answers_to_yes_no_forms():
    dialogue = Dialogue()
    case = {}
    turn = dialogue.start()
    while turn.open_question.question != "duration":
        turn = dialogue.respond(turn.state, answer_for(case, turn.open_question))
    turn = dialogue.respond(turn.state, match("about twenty minutes", "duration"))
    assert turn.state.answers["duration"] == "yes"


def test_start_over_and_stop():
    dialogue = Dialogue()
    turn = dialogue.respond(dialogue.start().state, NO)
    again = dialogue.respond(turn.state, Heard("start over", "StartOver", {}, 1.0))
    assert again.open_question.question == "red_flags_chest" and again.state.answers == {}
    stopped = dialogue.respond(turn.state, Heard("stop", "Stop", {}, 1.0))
    assert stopped.finished and stopped.result.complete is False
    assert "call 911" in stopped.events[0].text.lower()


def test_stop_after_an_emergency_sign_still_gives_the_emergency_advice():
    dialogue = Dialogue("en-GB")
    turn = dialogue.start()
    turn = dialogue.respond(turn.state, DONT_KNOW)
    state = {**turn.state.to_dict(), "said_findings": {"chest_pain": "yes"}}
    assert emergency_heard(state) and emergency_heard(dialogue.read_state(state))
    stopped = dialogue.respond(state, Heard("stop", "Stop", {}, 1.0))
    assert stopped.result.level == "EMERGENCY"
    assert "Call 999 now" in " ".join(e.text for e in stopped.events if e.type == "say")


@pytest.mark.parametrize(("locale", "number"), [("en-US", "911"), ("en-CA", "911"), ("en-GB", "999"),
                                                ("en-IE", "112"), ("en-AU", "000"), ("en-IN", "112"),
                                                ("en-NZ", "111"), ("fr-FR", "112"), (None, "911")])
def test_the_emergency_number_comes_from_the_locale(locale, number):
    result, _ = play({"chest_pain": "yes"}, Dialogue(locale))
    assert result.emergency_number == number
    assert number in result.advice and number in result.disclaimer


def test_the_emergency_number_can_be_overridden_and_is_checked():
    assert Dialogue("en-GB", emergency_number="118").number == "118"
    with pytest.raises(ValueError):
        Dialogue("en-GB", emergency_number="call me")


def test_every_outcome_says_it_is_not_a_diagnosis():
    for case in ({"chest_pain": "yes"}, {"swelling": "yes"}, {"recurrent": "yes"}, {}):
        result, _ = play({"side": "both", "duration_minutes": 1, **case})
        assert "not a diagnosis" in result.disclaimer
        assert result.reasons and result.advice and result.safety_net


def test_the_state_is_small_json_and_survives_a_round_trip():
    dialogue = Dialogue()
    turn = dialogue.start()
    case = {"side": "left", "duration_minutes": 5, "eases_with_stretch_or_walking": "no", "smoking": "yes"}
    while not turn.finished:
        state = json.loads(json.dumps(turn.state.to_dict()))
        turn = dialogue.respond(state, answer_for(case, turn.open_question))
        assert len(json.dumps(turn.state.to_dict())) < 4000
    assert turn.result.level == "ROUTINE"
    assert len(json.dumps(turn.result.to_json())) < 12000


def _started_state(locale: str = "en-GB") -> dict:
    return json.loads(json.dumps(Dialogue(locale).start().state.to_dict()))


def _damaged_states() -> list:
    good = _started_state()
    return [
        None, "a state", [], {"version": 99}, {**good, "version": 1}, {**good, "asked": "red_flags_chest"},
        {**good, "asked": ["no_such_question"]}, {**good, "answers": {"red_flags_chest": "maybe"}},
        {**good, "answers": {"nowhere": "no"}}, {**good, "open_question": "nowhere"}, {**good, "misses": "1"},
        {**good, "finished": "false"}, {**good, "said_values": {"side": "middle"}},
        {**good, "said_findings": {"mood": "yes"}}, {**good, "answer_values": {"duration": {"duration_minutes": -5}}},
        {**good, "open_question": None}, {**good, "colour": "red"},
        {**good, "answers": {"swelling": "no"}, "answer_values": {"red_flags_leg": {"breathless": "no"}}},
        {**good, "said_findings": {"breathless": "no"}}, {**good, "said_values": {"chest_pain": "no"}},
        {"v": 1, "asked": ["red_flags_chest"], "answers": {}, "open": "red_flags_chest", "done": False},
    ]


@pytest.mark.parametrize("state", _damaged_states())
def test_a_state_that_does_not_validate_starts_a_new_conversation(state):
    """Issue 10.6: a state from a client that does not validate is a new conversation, with a clean reply."""
    turn = Dialogue("en-GB").respond(state, NO)
    assert not turn.finished
    assert turn.events[0].key == "welcome" and "999" in turn.events[0].text
    assert turn.open_question.question == "red_flags_chest"
    assert turn.state.answers == {}


@pytest.mark.parametrize("state", _damaged_states())
def test_an_emergency_with_a_state_that_does_not_validate_still_gets_the_advice(state):
    turn = Dialogue("en-GB").respond(state, match("I can't breathe", "yes_no"))
    assert turn.result.level == "EMERGENCY" and "999" in turn.result.advice


@pytest.mark.parametrize("damage", [{"version": 99}, {"answer_values": {"red_flags_leg": {"breathless": "no"}}},
                                    {"version": None, "v": 1, "volunteered": {"breathless": "yes"}}])
def test_a_damaged_state_that_shows_a_red_flag_gives_the_emergency_advice(damage):
    """Found in review: answer values saying the lung signs are no validated, and cancelled a "yes" to the
    group. A version 1 state (from before an upgrade) with a red flag said also gives the advice."""
    state = {**_started_state(), "answers": {"red_flags_chest": "yes"}, **damage}
    turn = Dialogue("en-GB").respond(state, NO)
    assert turn.result.level == "EMERGENCY" and "999" in turn.result.advice


def _finished_state(locale: str = "en-GB") -> dict:
    dialogue = Dialogue(locale)
    result, _ = play({"side": "both", "duration_minutes": 1}, dialogue)
    turn = dialogue.start()
    while not turn.finished:
        turn = dialogue.respond(turn.state, answer_for({"side": "both", "duration_minutes": 1}, turn.open_question))
    assert turn.result.level == "SELF_CARE"
    return json.loads(json.dumps(turn.state.to_dict()))


@pytest.mark.parametrize("said", ["I can't breathe", "call an ambulance", "my chest hurts"])
def test_an_emergency_after_the_check_has_finished_gets_the_emergency_advice(said):
    """Issue 10.6: a finished state plus "I can't breathe" used to answer "The check is finished"."""
    turn = Dialogue("en-GB").respond(_finished_state(), match(said, "yes_no"))
    assert turn.result.level == "EMERGENCY"
    assert "Call 999 now" in turn.result.advice
    assert not any(event.key == "finished" for event in turn.events if hasattr(event, "key"))


@pytest.mark.parametrize("crafted", ["555", "0800 PIZZA", "<break time='10s'/>", "", None, 911])
def test_the_emergency_number_never_comes_from_the_state(crafted):
    """Issue 10.6: the number was read from the state and could be replaced by any string."""
    dialogue = Dialogue("en-GB")
    state = {**_started_state("en-US"), "number": crafted, "locale": "en-US"}
    turn = dialogue.respond(state, match("I'm coughing up blood", "yes_no"))
    spoken = " ".join(event.text for event in turn.events if hasattr(event, "text"))
    assert "999" in turn.result.advice and turn.result.emergency_number == "999"
    assert str(crafted) not in spoken or crafted in ("", None)
    assert "911" not in spoken
    assert turn.state.number == "999"


def test_the_clinician_summary_lists_answers_and_self_reported_wells_items():
    result, _ = play({"swelling": "yes", "side": "left", "duration_minutes": 600, "previous_clot": "yes"})
    assert "Is the painful leg swollen? -> yes" in result.summary
    assert "self-reported" in result.summary and "need an examination" in result.summary


def test_result_round_trips_through_json():
    from skill.events import event_from_json

    result, _ = play({"swelling": "yes"})
    assert isinstance(result, Result)
    assert event_from_json(json.loads(json.dumps(result.to_json()))) == result


def test_an_emergency_without_a_named_symptom_still_ends_in_emergency():
    dialogue = Dialogue("en-NZ")
    turn = dialogue.respond(dialogue.start().state, Heard("it's an emergency", "Emergency", {}, 1.0))
    assert turn.result.level == "EMERGENCY" and "111" in turn.result.advice
    assert turn.result.findings.get("breathless") != "yes"  # nothing invented for the clinician summary


def test_not_sure_about_lasting_pain_keeps_asking_what_could_still_explain_it():
    """An unknown that something else could still outweigh is not final: the check goes on."""
    case = {"side": "both", "duration_minutes": None, "after_injury": "no", "pain_from_back": "no"}
    result, asked = play(case)
    assert result.level == "URGENT"
    assert "pain_from_back" in asked


@pytest.mark.parametrize(("said", "expected"), [("seventy two", "yes"), ("i'm 45", "no")])
def test_an_age_answers_the_over_sixty_question(said, expected):
    """"Are you over sixty?" is a yes/no question (so the spoken grammar stays small), but an age said or
    typed instead still answers it."""
    # Unsure about the minor risks as a group, so they are asked one by one.
    case = {"side": "right", "location": "calf", "duration_minutes": 5, "age_over_60": "unknown"}
    dialogue = Dialogue("en-GB")
    turn = dialogue.start()
    while not turn.finished and turn.open_question.question != "age_over_60":
        turn = dialogue.respond(turn.state, answer_for(case, turn.open_question))
    assert not turn.finished, "the age question was never asked"
    by_age = dialogue.respond(turn.state, match(said, turn.open_question.kind))
    by_word = dialogue.respond(turn.state, YES if expected == "yes" else NO)
    assert by_age.state == by_word.state
