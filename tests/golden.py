"""Golden conversations (tests/data/golden_conversations.yaml): load the traces, and play one through a front end.

Every player returns the same compact record (`Played`): for the opening and then for each answer, the events
that came out, as "ask QUESTION_ID", "say REPLY_KEY" and "result LEVEL complete|incomplete". The players:

- `play_dialogue`: the Dialogue in-process, each answer read by the text matcher (what typed chat does);
- `play_chat`: `legcheck chat --json`, a real subprocess, every answer one line on stdin;
- `play_alexa(trace, send)`: Alexa request envelopes carrying the trace's intents, through `lambda_send`
  (skill.alexa.lambda_handler in-process) or `http_sender(url, ca)` (the Flask app over HTTP, each request
  signed with the test CA). The session attributes are carried from each response to the next request
  and never read: they are the skill's own business. What the skill said is read back from the speech
  (`SpeechReader`), the outcome from the card;
- `play_voice`: `legcheck voice --input-wav`, a real subprocess, on one recording of every answer
  synthesised in turn (bench/voice_sessions.py).

The players only use the skill's public surface: Dialogue.start/respond, Turn.events/finished/open_question,
the event JSON, and the texts the skill says (skill.questions, skill.texts) to read Alexa's speech back.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import isodate
import yaml

from bench.alexa_ca import AlexaCA, post_signed
from bench.voice_sessions import Step, session_wav
from intents import match, phrases
from intents.alexa import BUILT_INS
from skill.dialogue import Dialogue
from skill.events import Ask, Result, Say
from skill.questions import by_id, questions
from skill.replies import ssml
from skill.texts import texts
from tests.alexa_requests import Session, resolved_slot, slot

__all__ = [
    "TRACES",
    "VOICE_LOOP_SESSIONS",
    "Answer",
    "Trace",
    "Played",
    "SpeechReader",
    "load_traces",
    "compact",
    "alexa_request",
    "lambda_send",
    "http_sender",
    "voice_steps",
    "play_dialogue",
    "play_chat",
    "play_alexa",
    "play_voice",
]

TRACES = Path(__file__).parent / "data" / "golden_conversations.yaml"
LEVELS = ("EMERGENCY", "URGENT", "ROUTINE", "SELF_CARE")
TIMEOUT_S = 300
VOICE_SNR_DB = 20
"""Pink noise under the spoken answers, as in the other voice session tests."""

VOICE_LOOP_SESSIONS = ("start_over", "dvt_urgent", "cramp_self_care", "red_flag_first")
"""The traces tests/test_voice_loop.py speaks through `legcheck voice` (with its own checks of timing, endpoints
and the output audio); tests/test_golden_conversations.py speaks the other traces that can be spoken."""

Send = Callable[[dict[str, Any]], dict[str, Any]]


# ---- the traces ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One answer of a trace, what it means, and what must come out."""

    text: str
    intent: str
    """Our intent name ("No", "Side", ...); "" for an answer nothing understands ("Fallback" in the file)."""
    slots: dict[str, Any]
    out: tuple[str, ...]


@dataclass(frozen=True)
class Trace:
    id: str
    locale: str
    number: str
    start: tuple[str, ...]
    answers: tuple[Answer, ...]

    @property
    def expected(self) -> list[list[str]]:
        """The compact events, opening first, then one list per answer."""
        return [list(self.start)] + [list(answer.out) for answer in self.answers]

    @property
    def level(self) -> str:
        return self.answers[-1].out[-1].split()[1]


def _intent(value: Any) -> tuple[str, dict[str, Any]]:
    """ "Side side=left" -> ("Side", {"side": "left"}); YAML reads a bare No / Yes as a boolean."""
    if isinstance(value, bool):
        return ("Yes" if value else "No"), {}
    name, *pairs = str(value).split()
    slots = {}
    for pair in pairs:
        key, _, raw = pair.partition("=")
        slots[key] = _number(raw)
    return ("" if name == "Fallback" else name), slots


def _number(raw: str) -> int | float | str:
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return raw


def load_traces(path: Path = TRACES) -> list[Trace]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    traces = []
    for entry in data["conversations"]:
        answers = []
        for turn in entry["turns"]:
            intent, slots = _intent(turn["intent"])
            answers.append(Answer(str(turn["answer"]), intent, slots, tuple(turn["out"])))
        traces.append(Trace(entry["id"], entry["locale"], str(entry["number"]), tuple(entry["start"]),
                            tuple(answers)))
    return traces


@dataclass
class Played:
    """What a front end said: the compact events of the opening and of each answer, the emergency number it
    gave, and (typed and spoken front ends) the intent it heard for each answer."""

    turns: list[list[str]] = field(default_factory=list)
    number: str = ""
    heard: list[str] = field(default_factory=list)


# ---- compact events ----------------------------------------------------------------------------------------


def compact(event: dict[str, Any] | Ask | Say | Result) -> str | None:
    """One event as "ask ID", "say KEY", "result LEVEL complete|incomplete"; None for a heard event. An error
    event is kept ("error"): none is expected."""
    data = event if isinstance(event, dict) else event.to_json()
    kind = data.get("type")
    if kind == "ask":
        return f"ask {data['question']}"
    if kind == "say":
        return f"say {data['key']}"
    if kind == "result":
        return f"result {data['level']} {'complete' if data['complete'] else 'incomplete'}"
    if kind == "heard":
        return None
    return str(kind)


def played_from_json(stdout: str) -> Played:
    """chat --json and voice --json: the events up to the first heard are the opening, then one turn per heard."""
    played = Played(turns=[[]])
    for line in stdout.splitlines():
        if not line.strip():
            continue
        event = json.loads(line)
        if event.get("type") == "heard":
            played.heard.append(event["intent"] or "")
            played.turns.append([])
            continue
        played.turns[-1].append(compact(event))
        if event.get("type") == "result":
            played.number = event.get("emergency_number", "")
    return played


# ---- the dialogue in-process, and chat --json ------------------------------------------------------------


def play_dialogue(trace: Trace) -> Played:
    dialogue = Dialogue(locale=trace.locale)
    turn = dialogue.start()
    played = Played(turns=[[compact(event) for event in turn.events]])
    for answer in trace.answers:
        if turn.finished:
            break
        heard = match(answer.text, turn.open_question.kind)
        played.heard.append(heard.intent or "")
        turn = dialogue.respond(turn.state, heard)
        played.turns.append([compact(event) for event in turn.events])
    result = next((event for event in turn.events if isinstance(event, Result)), None)
    played.number = result.emergency_number if result else ""
    return played


def legcheck(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """The real command line, as tests/test_cli.py runs it."""
    run = subprocess.run([sys.executable, "-m", "skill.cli", *args], input=stdin, capture_output=True, text=True,
                         timeout=TIMEOUT_S)
    if run.returncode != 0:
        raise AssertionError(f"legcheck {' '.join(args)} exited {run.returncode}: {run.stderr[-3000:]}")
    return run


def play_chat(trace: Trace) -> Played:
    lines = "".join(f"{answer.text}\n" for answer in trace.answers)
    return played_from_json(legcheck("chat", "--json", "--locale", trace.locale, stdin=lines).stdout)


# ---- Alexa: the requests -------------------------------------------------------------------------------------

ALEXA_INTENTS = {**BUILT_INS, "": "AMAZON.FallbackIntent"}
"""Our intents that Alexa sends as its built-ins (the rest are <Name>Intent), as the interaction model has
them (intents/alexa.py; tests/test_golden_conversations.py checks each request against the model)."""
CUSTOM_SLOT_TYPES = {
    "side": "LEG_SIDE",
    "location": "LEG_LOCATION",
    "symptom": "RED_FLAG_SYMPTOM",
    "answer": "CORRECTED_ANSWER",
    "ability": "ABILITY_ANSWER",
}
"""Slots of custom types: Alexa sends the words and entity resolution's id, which is our value."""


def alexa_request(answer: Answer) -> tuple[str, list[dict[str, Any]]]:
    """The intent request Alexa sends for an answer: (intent name, slots), as tests/alexa_requests.py builds them."""
    name = ALEXA_INTENTS.get(answer.intent, f"{answer.intent}Intent")
    slots = []
    for key, value in answer.slots.items():
        if key in CUSTOM_SLOT_TYPES:
            slots.append(resolved_slot(key, answer.text, str(value), CUSTOM_SLOT_TYPES[key]))
        elif key == "minutes":  # AMAZON.DURATION: Alexa hears "two minutes" whole and sends PT2M
            slots.append(slot("duration", isodate.duration_isoformat(timedelta(minutes=float(value)))))
        elif key == "number":  # AMAZON.NUMBER
            slots.append(slot("number", str(value)))
        else:
            raise ValueError(f"no Alexa slot for {key!r} (answer {answer.text!r})")
    return name, slots


def lambda_send(envelope: dict[str, Any]) -> dict[str, Any]:
    """skill.alexa.lambda_handler in-process, with the request as Lambda gets it (decoded JSON)."""
    from skill.alexa import lambda_handler

    return lambda_handler(json.loads(json.dumps(envelope)), None)


def http_sender(url: str, ca: AlexaCA) -> Send:
    """POST each request to the running Flask app, signed as Alexa signs (verification is on)."""

    def send(envelope: dict[str, Any]) -> dict[str, Any]:
        reply = post_signed(url, ca, envelope)
        if reply.status_code != 200 or not reply.headers["Content-Type"].startswith("application/json"):
            raise AssertionError(f"HTTP {reply.status_code}: {reply.text[:500]}")
        return reply.json()

    return send


# ---- Alexa: reading the speech back ------------------------------------------------------------------------

_SPEAK = re.compile(r"^\s*<speak>(.*)</speak>\s*$", re.S)
_DIGITS = re.compile(r'<say-as interpret-as="digits">(\d+)</say-as>')
_NOT_A_SAY = {"why_intro", "why_so_far", "why_nothing_yet"}
"""Parts of the "why" reply, which is said as one Say (key "why")."""


def _inner(speech: str) -> str:
    found = _SPEAK.match(speech)
    if not found:
        raise AssertionError(f"not one <speak> element: {speech[:200]!r}")
    return found.group(1).strip()


def _said(text: str, number: str) -> str:
    """A text as the skill puts it in Alexa's speech (the SSML inside <speak>), as a regex."""
    return re.escape(_inner(ssml(text, number)))


def _template(template: str, number: str, **parts: str) -> str:
    """A reply template as a regex: {number} is the emergency number; other placeholders match `parts`."""
    marks = {name: f"QQ{name.upper()}QQ" for name in parts}
    pattern = _said(template.format(number=number, **marks), number)
    for name, mark in marks.items():
        pattern = pattern.replace(mark, f"(?:{parts[name]})")
    return pattern


class SpeechReader:
    """Reads the speech of an Alexa response back into the compact events that made it.

    The skill's speech is the SSML of each Ask and Say of the turn, joined by spaces (skill.alexa._speech).
    Questions are literal texts (or a red flag's one-line confirm); replies are the locale's templates
    (skill.texts) with their values left open; the outcome is its headline and the advice after it, always
    last. A speech that cannot be read whole is a failure, so a wrong emergency number fails too."""

    def __init__(self, locale: str, number: str):
        self.number = number
        words, asked = texts(locale), questions(locale)
        replies, expect = words.section("replies"), words.section("expect")
        asks = [(f"ask {q.id}", _said(text, number)) for q in asked for text in (q.text, q.confirm) if text]
        any_ask = "|".join(pattern for _, pattern in asks)
        parts = {
            "expect": "|".join(_said(text, number) for text in expect.values()),
            "question": "|".join(_said(q.text, number) for q in asked),
            "answer": ".+?",
            "limit": ".+?",
            "heard": ".+?",
            "label": ".+?",
        }
        says = [(f"say {key}", _template(text, number, **parts)) for key, text in replies.items()
                if key not in _NOT_A_SAY]
        why = _template(replies["why_intro"], number, why="|".join(_said(q.why, number) for q in asked))
        nothing = _said(replies["why_nothing_yet"], number)
        so_far = _template(replies["why_so_far"], number, reasons=".+?")
        says.append(("say why", f"{why} (?:{nothing}|{so_far})(?= (?:{any_ask}))"))
        self._patterns = [(label, re.compile(f"{pattern}(?= |$)", re.S)) for label, pattern in asks + says]
        self._patterns += [(f"say outcome_{level.lower()}", re.compile(f"{_said(headline, number)}(?: .*)?$", re.S))
                           for level, headline in words.section("headlines").items()]
        self._reprompts = {_inner(ssml(f"{q.reprompt} {expect[q.kind]}", number)): q.id for q in asked}

    def read(self, speech: str) -> list[str]:
        body = _inner(speech)
        found = self._walk(body, 0)
        if found is None:
            raise AssertionError(f"could not read the speech back into events: {body!r}")
        return found

    def _walk(self, body: str, position: int) -> list[str] | None:
        if position >= len(body):
            return []
        for label, pattern in self._patterns:
            part = pattern.match(body, position)
            if part is None:
                continue
            rest = self._walk(body, part.end() + 1)
            if rest is not None:
                return [label, *rest]
        return None

    def reprompt_question(self, reprompt: str) -> str | None:
        return self._reprompts.get(_inner(reprompt))


def _alexa_turn(response: dict[str, Any], reader: SpeechReader, ended: bool) -> list[str]:
    body = response["response"]
    if body["outputSpeech"]["type"] != "SSML":
        raise AssertionError(f"speech is not SSML: {body['outputSpeech']}")
    events = reader.read(body["outputSpeech"]["ssml"])
    if not ended:
        if "card" in body or "reprompt" not in body:
            raise AssertionError(f"an open question needs a reprompt and no card yet: {sorted(body)}")
        asked = reader.reprompt_question(body["reprompt"]["outputSpeech"]["ssml"])
        if not events or events[-1] != f"ask {asked}":
            raise AssertionError(f"the reprompt is for {asked}, but the speech ends with {events[-1:]}")
        return events
    if "reprompt" in body or response.get("sessionAttributes"):
        raise AssertionError("the session ended but a reprompt or session attributes were kept")
    card = body.get("card") or {}
    outcome = re.search(r"Outcome: (\w+)\.", card.get("content", ""))
    if outcome is None:
        raise AssertionError(f"the last response has no outcome card: {card}")
    if reader.number not in card["content"]:
        raise AssertionError(f"the card does not give the emergency number {reader.number}")
    # Alexa gets no 'complete' flag: a check that stopped says so (stop_incomplete) instead of an outcome.
    complete = "say stop_incomplete" not in events
    return [*events, f"result {outcome.group(1)} {'complete' if complete else 'incomplete'}"]


def play_alexa(trace: Trace, send: Send) -> Played:
    """Launch, then one intent request per answer, each carrying the last response's session attributes."""
    session = Session(locale=trace.locale)
    response = session.absorb(send(session.launch()))
    number = _DIGITS.search(response["response"]["outputSpeech"]["ssml"])
    reader = SpeechReader(trace.locale, number.group(1) if number else "")
    played = Played(turns=[_alexa_turn(response, reader, session.ended)], number=reader.number)
    for answer in trace.answers:
        if session.ended:
            break
        response = session.absorb(send(session.intent(*alexa_request(answer))))
        played.turns.append(_alexa_turn(response, reader, session.ended))
    return played


# ---- voice ---------------------------------------------------------------------------------------------------


def voice_steps(trace: Trace) -> list[Step]:
    """The spoken session of a trace: for each answer the question open when it is said (from the trace), its
    kind, the words and the intent the recognizer must hear. Raises ValueError if an answer is not a phrase
    of that question's spoken grammar (a recognizer grammar can only ever hear its own phrases)."""
    steps, open_question = [], _last_ask(trace.start)
    for answer in trace.answers:
        kind = by_id(open_question).kind
        if answer.text not in phrases(kind):
            raise ValueError(f"{trace.id}: {answer.text!r} is not in the spoken grammar for {kind} questions")
        steps.append(Step(open_question, kind, answer.text, answer.intent or None))
        open_question = _last_ask(answer.out) or open_question
    return steps


def _last_ask(events: Iterable[str]) -> str | None:
    asks = [event.split()[1] for event in events if event.startswith("ask ")]
    return asks[-1] if asks else None


def spoken_trace_ids(traces: Iterable[Trace]) -> Iterator[str]:
    """Traces every answer of which is a spoken-grammar phrase."""
    for trace in traces:
        try:
            voice_steps(trace)
        except ValueError:
            continue
        yield trace.id


def play_voice(trace: Trace, clips, workdir: Path, voice: str = "flite:slt", seed: int = 0) -> Played:
    """One recording of every answer (synthesised, pink noise), through `legcheck voice --input-wav --json`."""
    recording = session_wav(clips, voice_steps(trace), workdir / f"{trace.id}.wav", voice=voice,
                            snr_db=VOICE_SNR_DB, seed=seed)
    run = legcheck("voice", "--input-wav", str(recording), "--output-wav", str(workdir / f"{trace.id}-said.wav"),
                   "--json", "--locale", trace.locale)
    return played_from_json(run.stdout)
