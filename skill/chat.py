"""The typed conversation (`legcheck chat`) and its JSON machine mode (`legcheck chat --json`).

JSON mode reads one answer per line on stdin and writes one JSON object per line on stdout:
ask / heard / say / error events, then a result. A line starting with "@" is a WAV file to recognise as
the answer, under the grammar of the open question.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import IO, Any

from intents import STOPPED, Heard, match

from .dialogue import Dialogue
from .events import Ask, ErrorEvent, Event, HeardEvent, Result, Say
from .replies import ssml
from .session import Session
from .texts import Texts, texts

__all__ = ["emit_json", "run_chat", "run_json", "heard_from_line"]

log = logging.getLogger(__name__)

MAX_LINE = 2000
"""Characters of one typed answer that are read; a longer one is cut, with a message (no answer is that
long: the matcher reads 40 words, the red-flag reader 1000)."""


def emit_json(event: Event | dict[str, Any], out: IO[str], **extra: Any) -> None:
    """Write one event as one JSON line (and flush: a driver waits for it)."""
    data = event if isinstance(event, dict) else event.to_json()
    out.write(json.dumps({**data, **extra}, ensure_ascii=False) + "\n")
    out.flush()


def heard_from_line(line: str, kind: str) -> Heard:
    """Typed text, or "@file.wav" recognised by the offline recognizer (raises speech's SpeechError)."""
    text = line.strip()
    if text.startswith("@"):
        from .hearing import recognize_file  # the speech stack (numpy, engines) loads only when audio is used

        return recognize_file(text[1:].strip(), kind)
    return match(text, kind)


def _lines(stream: IO[str]) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\n")


def run_json(dialogue: Dialogue, stdin: IO[str], stdout: IO[str]) -> int:
    session = Session(dialogue)
    try:
        return _json_loop(dialogue, session, _lines(stdin), stdout)
    except Exception:
        log.exception("chat --json failed")
        advice = session.rescue()  # safety rule 5
        if advice:
            emit_json(Say(advice, ssml(advice), "emergency"), stdout)
        raise


def _json_loop(dialogue: Dialogue, session: Session, lines: Iterator[str], out: IO[str]) -> int:
    for event in session.start():
        emit_json(event, out)
    while not session.finished:
        line = next(lines, None)
        if line is None:  # end of input: stop, never assume "no"
            heard = STOPPED
        elif not line.strip():  # a blank line answers nothing: the question stands, no miss is counted
            emit_json(session.open_question, out)
            continue
        else:
            if len(line) > MAX_LINE:
                emit_json(ErrorEvent(_cut_message(dialogue)), out)
                line = line[:MAX_LINE]
            heard = _heard_or_error(line, session.open_question, out)
            if heard is None:
                emit_json(session.open_question, out)
                continue
        emit_json(HeardEvent(heard), out)
        for event in session.answer(heard):
            emit_json(event, out)
    return 0


def _heard_or_error(line: str, question: Ask, out: IO[str]) -> Heard | None:
    try:
        return heard_from_line(line, question.kind)
    except Exception as error:  # bad audio file, recognizer missing: report, keep the conversation
        if not line.strip().startswith("@"):
            raise
        emit_json(ErrorEvent(f"could not use {line.strip()[1:]!r}: {error}"), out)
        return None


def run_chat(dialogue: Dialogue, ask: Callable[[str], str] = input, say: Callable[[str], None] = print) -> int:
    """The conversation for a person at a terminal."""
    session = Session(dialogue)
    words = texts(dialogue.locale)
    try:
        events = session.start()
        while True:
            _show(events, say, words)
            if session.finished:
                return 0
            events = session.answer(_read_answer(dialogue, session.open_question, ask, say))
    except Exception:
        advice = session.rescue()  # safety rule 5
        if advice:
            say(advice)
        raise


def _cut_message(dialogue: Dialogue) -> str:
    return texts(dialogue.locale).reply("line_cut", limit=MAX_LINE)


def _read_answer(dialogue: Dialogue, question: Ask, ask: Callable[[str], str],
                 say: Callable[[str], None] = print) -> Heard:
    """One typed answer: a blank Enter asks again without counting as a miss; a long one is cut, saying so."""
    while True:
        try:
            text = ask("> ")
        except (EOFError, KeyboardInterrupt):
            return STOPPED
        if text.strip():
            break
        say(question.text)
    if len(text) > MAX_LINE:
        say(_cut_message(dialogue))
        text = text[:MAX_LINE]
    return match(text, question.kind)


def _show(events: tuple[Event, ...], say: Callable[[str], None], words: Texts) -> None:
    for event in events:
        if isinstance(event, Result) and not event.complete:
            say("\n" + words.word("not_finished"))
        elif isinstance(event, Result):
            say("\n" + words.word("outcome", level=event.level.replace("_", " ").lower()))
            for reason in event.reasons:
                say(f"- {reason}")
        else:
            say(event.text)
