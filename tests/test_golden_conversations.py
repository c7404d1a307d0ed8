"""Golden conversations (issue 11, item 7): every stored trace (tests/data/golden_conversations.yaml) played
through every front end must give, answer by answer, exactly the events the trace expects.

Front ends: the dialogue in-process (typed answers through the text matcher), `legcheck chat --json` as a
subprocess, `skill.alexa.lambda_handler` in-process and the Flask app over real HTTP with signed requests
(both sent the trace's intents, as Alexa's own NLU would), and voice: `legcheck voice --input-wav` on the
answers synthesised and recognised by PocketSphinx, for the subset in VOICE_TRACES.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.alexa_ca import AlexaCA, running_server
from bench.speech_audio import SpeechClips
from intents import load_intents
from intents.alexa import interaction_model
from skill.questions import QUESTIONS
from skill.texts import texts
from skill.web import create_app
from tests.golden import (
    LEVELS,
    VOICE_LOOP_SESSIONS,
    Played,
    Trace,
    alexa_request,
    http_sender,
    lambda_send,
    load_traces,
    play_alexa,
    play_chat,
    play_dialogue,
    play_voice,
    spoken_trace_ids,
    voice_steps,
)

TRACES = load_traces()
BY_ID = {trace.id: trace for trace in TRACES}

VOICE_TRACES = ("dont_know_red_flag", "stop_midway", "why_repeat_help", "locale_en_au")
"""Traces also spoken here. Only a trace whose every answer is a phrase of the spoken grammar can be spoken
(a recognizer grammar hears nothing else): eight of the thirteen. The other five need what the spoken core
leaves out on purpose (corrections such as "I meant yes", a red flag inside a longer sentence, words no
grammar has, a sentence about a baby). Of the eight, tests/test_voice_loop.py already speaks four
(VOICE_LOOP_SESSIONS, with the same traces as its expectations), so these are the other four: "I don't
know" to a red flag, stop, why / repeat / help, a number, and another locale's emergency number. Each answer
is synthesised and decoded by PocketSphinx: measured here about 1 s an answer plus 1.5 s to start `legcheck
voice` on this 2-core machine (17 s for these four), so speaking each of the eight once, not twice, keeps
the slow part of the suite small."""

SAY_KEYS = {key for key in texts().section("replies") if not key.startswith("why_")} | {"why"} | {
    f"outcome_{level.lower()}" for level in LEVELS}


@pytest.fixture(scope="module")
def http_url() -> Iterator[tuple[str, AlexaCA]]:
    ca = AlexaCA.create()
    with running_server(create_app(ca.config())) as url:
        yield url, ca


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> SpeechClips:
    return SpeechClips(tmp_path_factory.mktemp("golden-clips"))


def _explain(trace: Trace, played: Played) -> str:
    """Answer by answer, what was expected and what came out (the first difference marked)."""
    lines = [f"trace {trace.id} ({trace.locale})"]
    expected = trace.expected
    texts = ["(opening)"] + [answer.text for answer in trace.answers]
    for index in range(max(len(expected), len(played.turns))):
        want = expected[index] if index < len(expected) else "(no more answers in the trace)"
        got = played.turns[index] if index < len(played.turns) else "(nothing: the conversation had ended)"
        mark = "  " if want == got else "!!"
        text = texts[index] if index < len(texts) else ""
        lines.append(f"{mark} {text!r}: expected {want}, got {got}")
    return "\n".join(lines)


def check(trace: Trace, played: Played) -> None:
    assert played.turns == trace.expected, _explain(trace, played)
    assert played.number == trace.number, f"{trace.id}: emergency number {played.number}, not {trace.number}"


# ---- every trace through every front end ---------------------------------------------------------------------


@pytest.mark.parametrize("trace", TRACES, ids=[trace.id for trace in TRACES])
def test_dialogue(trace: Trace) -> None:
    check(trace, play_dialogue(trace))


@pytest.mark.parametrize("trace", TRACES, ids=[trace.id for trace in TRACES])
def test_chat_json(trace: Trace) -> None:
    check(trace, play_chat(trace))


@pytest.mark.parametrize("trace", TRACES, ids=[trace.id for trace in TRACES])
def test_alexa_lambda(trace: Trace) -> None:
    check(trace, play_alexa(trace, lambda_send))


@pytest.mark.parametrize("trace", TRACES, ids=[trace.id for trace in TRACES])
def test_alexa_over_http(trace: Trace, http_url) -> None:
    url, ca = http_url
    check(trace, play_alexa(trace, http_sender(url, ca)))


@pytest.mark.slow
@pytest.mark.parametrize("trace_id", VOICE_TRACES)
def test_voice(trace_id: str, clips: SpeechClips, tmp_path) -> None:
    trace = BY_ID[trace_id]
    played = play_voice(trace, clips, tmp_path)
    meant = [answer.intent for answer in trace.answers]
    assert played.heard == meant[: len(played.heard)], f"{trace.id}: heard {played.heard}, meant {meant}"
    check(trace, played)


# ---- the traces themselves -----------------------------------------------------------------------------------


def test_traces_are_well_formed() -> None:
    assert len(BY_ID) == len(TRACES), "trace ids are unique"
    for trace in TRACES:
        events = [event for turn in trace.expected for event in turn]
        for event in events:
            kind, *rest = event.split()
            if kind == "ask":
                assert rest[0] in {q.id for q in QUESTIONS}, f"{trace.id}: no question {rest[0]}"
            elif kind == "say":
                assert rest[0] in SAY_KEYS, f"{trace.id}: no reply {rest[0]}"
            else:
                assert kind == "result" and rest[0] in LEVELS and rest[1] in ("complete", "incomplete"), event
        assert events[-1].startswith("result ") and sum(e.startswith("result ") for e in events) == 1, trace.id
        for answer in trace.answers[:-1]:
            assert answer.out and answer.out[-1].startswith("ask "), f"{trace.id}: {answer.text!r} leaves no question"


def test_traces_cover_what_the_issue_asks() -> None:
    levels = {trace.level for trace in TRACES}
    assert {"EMERGENCY", "URGENT", "SELF_CARE"} <= levels
    assert {"en-GB", "en-AU", "en-US"} <= {trace.locale for trace in TRACES}
    said = {event for trace in TRACES for turn in trace.expected for event in turn}
    assert {"say why", "say help", "say changed", "say start_over", "say give_up", "say stop_incomplete",
            "say emergency_now"} <= said
    intents = {answer.intent for trace in TRACES for answer in trace.answers}
    assert {"DontKnow", "Repeat", "Back", "Emergency", "Stop", "StartOver", ""} <= intents


def test_alexa_requests_are_ones_the_interaction_model_has() -> None:
    """The intents and slots the Alexa players send exist in the exported model, with those slot types."""
    model = interaction_model(load_intents())["interactionModel"]["languageModel"]
    slots_of = {intent["name"]: {s["name"]: s["type"] for s in intent.get("slots", [])} for intent in model["intents"]}
    types = {t["name"]: {v["id"] for v in t["values"]} for t in model["types"]}
    for trace in TRACES:
        for answer in trace.answers:
            name, slots = alexa_request(answer)
            assert name in slots_of, f"{trace.id}: {name} is not in the interaction model"
            for item in slots:
                assert item["name"] in slots_of[name], f"{trace.id}: {name} has no slot {item['name']}"
                slot_type = slots_of[name][item["name"]]
                if slot_type in types:
                    resolved = item["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"]
                    assert resolved in types[slot_type], f"{trace.id}: {resolved} is not a {slot_type} value"


def test_every_trace_that_can_be_spoken_is_spoken_once() -> None:
    """A grammar only ever hears its own phrases: the traces chosen for voice must use nothing else; and each
    trace that can be spoken is spoken, here or in test_voice_loop, not in both."""
    spoken = set(spoken_trace_ids(TRACES))
    for trace_id in VOICE_TRACES + VOICE_LOOP_SESSIONS:
        assert trace_id in spoken, voice_steps(BY_ID[trace_id])  # raises, naming the answer that is not
    assert not set(VOICE_TRACES) & set(VOICE_LOOP_SESSIONS)
    assert spoken == set(VOICE_TRACES) | set(VOICE_LOOP_SESSIONS), "a new trace that can be spoken: choose where"
