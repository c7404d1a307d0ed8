"""Safety rule 5 in one place (skill/safety.py): whatever fails after an emergency sign was heard, the
emergency advice still reaches the user. Tested once directly, then once through each typed front end (the
voice front end's use is in test_voice_loop.py, Alexa's in test_alexa_skill.py)."""

from __future__ import annotations

import io
import json

import pytest

from intents import Heard, match
from skill.chat import run_chat, run_json
from skill.dialogue import Dialogue
from skill.safety import SafetyNet, emergency_advice


def _state_with(answers: dict) -> dict:
    return {**Dialogue("en-GB").start().state.to_dict(), "answers": answers}


@pytest.mark.parametrize(("states", "heard"), [
    ((_state_with({"red_flags_chest": "yes"}),), None),
    (({**_state_with({"red_flags_chest": "yes"}), "version": 99},), None),  # a state that does not validate
    (({"said_findings": {"coughing_blood": "yes"}},), None),               # only scraps of one
    (({"volunteered": {"coughing_blood": "yes"}},), None),                 # scraps of a version 1 state
    ((Dialogue("en-GB").read_state(_state_with({"red_flags_chest": "yes"})),), None),  # the state itself
    ((None,), Heard("call an ambulance", "Emergency", {}, 1.0)),
    ((None,), Heard("yes and I can't breathe", None, {}, 0.0)),           # not understood, but its words
    (("garbage", 42, _state_with({"swelling": "yes"})), Heard("my wife collapsed", "Yes", {}, 0.5)),
])
def test_the_advice_goes_out_when_anything_shows_an_emergency(states, heard):
    advice = emergency_advice(Dialogue("en-GB"), *states, heard=heard)
    assert advice is not None and "Call 999 now" in advice


@pytest.mark.parametrize(("states", "heard"), [
    ((_state_with({"red_flags_chest": "no"}),), match("no", "yes_no")),
    ((None, "garbage", {"answers": "broken"}), None),
    ((), Heard("no chest pain or shortness of breath", "No", {}, 1.0)),
])
def test_no_advice_when_nothing_shows_an_emergency(states, heard):
    assert emergency_advice(Dialogue("en-GB"), *states, heard=heard) is None


def test_the_net_keeps_the_latest_state_and_the_answer_being_handled():
    net = SafetyNet(Dialogue("en-AU"))
    assert net.advice() is None
    net.saw(state=_state_with({"red_flags_chest": "no"}))
    net.saw(heard=match("I'm coughing up blood", "yes_no"))
    assert "Call 000 now" in net.advice()
    net.saw(state=_state_with({"red_flags_chest": "no"}))  # the answer was handled: a new state, no answer
    assert net.advice() is None


class _FailsOnce:
    """An output that fails the first time it is given the outcome (a terminal or pipe that hiccups)."""

    def __init__(self, marker: str) -> None:
        self.marker, self.failed, self.lines = marker, False, []

    def __call__(self, text: str) -> None:
        if self.marker in text and not self.failed:
            self.failed = True
            raise OSError("write failed")
        self.lines.append(text)

    def write(self, text: str) -> int:
        self(text)
        return len(text)

    def flush(self) -> None:
        pass


def test_chat_gives_the_emergency_advice_when_showing_the_outcome_fails():
    answers = iter(["no", "yes and I'm coughing up blood"])
    say = _FailsOnce("Outcome:")
    with pytest.raises(OSError):
        run_chat(Dialogue("en-GB"), ask=lambda prompt: next(answers), say=say)
    assert say.failed and any("Call 999 now and ask for an ambulance" in line for line in say.lines)


def test_chat_json_gives_the_emergency_advice_when_writing_the_result_fails():
    """The net used to be handed the first turn, so a failure later in the conversation lost the advice."""
    out = _FailsOnce('"type": "result"')
    with pytest.raises(OSError):
        run_json(Dialogue("en-GB"), io.StringIO("no\nno\nI can't breathe\n"), out)
    events = [json.loads(line) for line in "".join(out.lines).splitlines()]
    assert events[-1]["key"] == "emergency" and "Call 999 now" in events[-1]["text"]
