"""Every event has one JSON writer (to_json, emit_json for a line) and one reader (event_from_json): each
kind round-trips, including the ones the front ends write (heard, not understood, error)."""

from __future__ import annotations

import io
import json

import pytest

from intents import NOT_UNDERSTOOD, STOPPED, Heard, match
from skill.chat import emit_json, run_json
from skill.dialogue import Dialogue
from skill.events import ErrorEvent, HeardEvent, Say, event_from_json


def _round_trip(event):
    out = io.StringIO()
    emit_json(event, out)
    return event_from_json(json.loads(out.getvalue()))


def _conversation_events() -> list:
    dialogue = Dialogue("en-GB")
    turn = dialogue.start()
    events = list(turn.events)
    for text in ("no", "banana", "no", "yes", "left", "stop"):
        turn = dialogue.respond(turn.state, match(text, turn.open_question.kind))
        events += turn.events
        if turn.finished:
            break
    return events


@pytest.mark.parametrize("event", [
    *_conversation_events(),
    HeardEvent(match("it's the left one", "side"), kind="side"),
    HeardEvent(match("over ten minutes", "duration"), timing={"endpoint": "end", "speech_ms": 812.5}),
    HeardEvent(NOT_UNDERSTOOD), HeardEvent(STOPPED),
    ErrorEvent("could not use 'answer.wav': not a WAV file"),
    Say("Call 999 now.", "<speak>Call 999 now.</speak>", "emergency"),
], ids=lambda event: event.type)
def test_every_kind_of_event_round_trips_through_its_json_line(event):
    assert _round_trip(event) == event


def test_a_heard_that_is_not_understood_says_so():
    assert not HeardEvent(NOT_UNDERSTOOD).understood and HeardEvent(match("yes", "yes_no")).understood
    assert Heard.from_json(NOT_UNDERSTOOD.to_json()) == NOT_UNDERSTOOD


def test_an_unknown_event_type_is_refused():
    with pytest.raises(ValueError, match="unknown event type"):
        event_from_json({"type": "shout", "text": "hello"})


def test_what_chat_json_writes_is_read_back_by_the_one_reader():
    """Every line of a real chat --json run (ask, heard, say, error, result) reads back as an event."""
    out = io.StringIO()
    answers = "no\n\n" + "x" * 2100 + "\nno\nyes\nstop\n"
    run_json(Dialogue("en-GB"), io.StringIO(answers), out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    events = [event_from_json(line) for line in lines]
    assert {event.type for event in events} == {"ask", "heard", "say", "error", "result"}
    assert [event.to_json() for event in events] == lines
