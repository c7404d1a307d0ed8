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
    assert turn.state["answers"]["duration"] == "yes"
    assert turn.result.level == "URGENT"


@pytest.mark.parametrize("said", [
    "less than ten minutes", "under ten minutes", "not even five minutes", "nearly ten minutes",
    "less than a minute", "under 5 mins", "about two minutes", "five minutes or less",
])
def test_less_than_the_threshold_is_not_more_than_ten_minutes(said):
    turn, _ = converse({"duration": said})
    assert turn.state["answers"]["duration"] == "no"
    assert turn.result.level == "SELF_CARE"


@pytest.mark.parametrize("said", ["about ten minutes", "ten minutes or so", "roughly 10 minutes",
                                  "more than five minutes", "less than an hour"])
def test_a_duration_that_straddles_the_threshold_is_unknown_and_read_the_cautious_way(said):
    turn, _ = converse({"duration": said})
    assert turn.state["answers"]["duration"] == "unknown"
    assert turn.result.level != "SELF_CARE"


def test_exactly_ten_minutes_is_not_more_than_ten():
    turn, _ = converse({"duration": "ten minutes"})
    assert turn.state["answers"]["duration"] == "no"


# ---- 2. an answer's polarity comes from what it says of the finding, not from its first word -----------


@pytest.mark.parametrize("said", [
    "no I can't", "no, I can't", "nope can't", "I can't", "no it's too painful", "I can't put any weight on it",
    "no I can't walk on it", "nope, can't stand on it at all", "it's too painful to walk",
])
def test_cannot_to_the_weight_bearing_question_is_a_yes(said):
    turn, _ = converse({"cannot_bear_weight": said})
    assert turn.state["answers"]["cannot_bear_weight"] == "yes"
    assert turn.result.level == "URGENT"


@pytest.mark.parametrize("said", ["no I can walk on it", "yes I can", "I can stand on it fine", "no, I can"])
def test_can_to_the_weight_bearing_question_is_a_no(said):
    turn, _ = converse({"cannot_bear_weight": said})
    assert turn.state["answers"]["cannot_bear_weight"] == "no"
    assert turn.result.level == "SELF_CARE"


@pytest.mark.parametrize("said", ["no I can't", "I can't move it", "nope, can't"])
def test_cannot_to_the_hard_to_move_question_is_a_yes(said):
    turn, _ = converse({"red_flags_leg": said})
    assert turn.result.level == "EMERGENCY"


def test_i_can_move_it_does_not_deny_a_cold_pale_leg():
    """The leg group also asks about cold, pale, numb: "I can move it" answers only part of it."""
    turn, said = converse({"red_flags_leg": ["I can move it fine", "no"]})
    assert [qid for qid, _ in said].count("red_flags_leg") == 2
    assert turn.result.level == "SELF_CARE"


def test_a_bare_i_cant_to_a_lung_red_flag_is_never_a_no():
    """"I can't" there is often a cut-off "I can't breathe": not an answer, asked again."""
    turn, said = converse({"red_flags_chest": ["I can't", "no"]})
    assert said[:2] == [("red_flags_chest", "I can't"), ("red_flags_chest", "no")]
