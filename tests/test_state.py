"""The dialogue state (skill/state.py): frozen, explicit names, a versioned JSON form that round-trips, and
checks on load."""

from __future__ import annotations

import dataclasses
import json

import pytest

from intents import match
from skill.dialogue import Dialogue
from skill.state import STATE_VERSION, DialogueState, StateError


def _mid_conversation() -> DialogueState:
    dialogue = Dialogue("en-GB")
    turn = dialogue.start()
    for answer in ("no", "no", "yes", "no"):  # lungs no, leg no, swollen yes, skin no
        turn = dialogue.respond(turn.state, match(answer, turn.open_question.kind))
    turn = dialogue.respond(turn.state, match("it's my left calf", turn.open_question.kind))
    return turn.state


def test_the_state_is_frozen_all_the_way_down():
    state = _mid_conversation()
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.misses = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        state.answers["red_flags_chest"] = "yes"  # type: ignore[index]
    with pytest.raises(AttributeError):
        state.asked.append("cough")  # type: ignore[attr-defined]


def test_the_json_form_is_versioned_and_round_trips():
    state = _mid_conversation()
    data = json.loads(json.dumps(state.to_dict()))
    assert data["version"] == STATE_VERSION and data["answers"]["swelling"] == "yes"
    again = DialogueState.from_dict(data, "en-GB", "999")
    assert again == state and again.to_dict() == state.to_dict()
    assert again.findings.to_dict() == state.findings.to_dict()


def test_the_dialogue_goes_on_the_same_from_the_json_form():
    dialogue, state = Dialogue("en-GB"), _mid_conversation()
    from_object = dialogue.respond(state, match("no", "yes_no"))
    from_json = dialogue.respond(json.loads(json.dumps(state.to_dict())), match("no", "yes_no"))
    assert from_object.state == from_json.state and from_object.events == from_json.events


def test_a_step_leaves_the_state_it_was_given_as_it_was():
    dialogue, state = Dialogue("en-GB"), _mid_conversation()
    before = state.to_dict()
    dialogue.respond(state, match("yes", "yes_no"))
    assert state.to_dict() == before


@pytest.mark.parametrize(("change", "kind"), [
    ({"version": 1}, "version"), ({"asked": "swelling"}, "type of asked"), ({"extra": 1}, "keys"),
    ({"answers": {"swelling": "perhaps"}}, "answers"), ({"open_question": "nowhere"}, "open_question"),
    ({"said_findings": {"breathless": "no"}}, "said_findings"), ({"misses": -1}, "misses"),
])
def test_a_state_that_does_not_validate_names_the_check(change, kind):
    data = {**_mid_conversation().to_dict(), **change}
    with pytest.raises(StateError) as error:
        DialogueState.from_dict(data, "en-GB", "999")
    assert error.value.kind == kind
