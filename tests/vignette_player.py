"""Play a clinical vignette through the real command line, `legcheck chat --json`: as a subprocess, or (for
speed, `in_process=True`) the same command run in this process on a thread, talking over pipes: the parser,
the dialogue and the JSON writer are the CLI's own, only the process start-up is saved.

The CLI writes one JSON object per line on stdout (ask, heard, say, result); the player writes one answer per
line on stdin, and only after it has read the question it answers. Each question is answered from the
case's findings by the question's own `findings` list:

* "yes" if any listed finding is true in the case,
* "no" if all of them are false,
* "I don't know" if none is true and at least one is "unknown".

Findings a case does not list are absent ("no"). The derived names are worked out from the values:
`one_sided` is true when side is left or right, `lasting_over_10_minutes` when duration_minutes > 10; with
no value they are false, and with an "unknown" value they are unknown.

With `values=True` the player answers as people often do instead: a side question with the side ("the left
leg", "both legs") and a duration question with the time in words ("fifteen minutes", "two days").
"""

from __future__ import annotations

import io
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.vignettes import ANSWERS, LEVELS, UNKNOWN, Case, answer_for, load_cases, truth

__all__ = [
    "LEVELS",
    "Case",
    "Exchange",
    "Play",
    "PlayerError",
    "answer_for",
    "chat_command",
    "load_cases",
    "play",
    "spoken_duration",
    "truth",
    "value_answer",
]

logger = logging.getLogger(__name__)

MAX_QUESTIONS = 80
"""More questions than this means the conversation is going round in circles."""


class PlayerError(Exception):
    """The CLI could not be driven through a case (hung, crashed, bad output, or did not understand)."""


@dataclass(frozen=True)
class Exchange:
    """One question the CLI asked and the answer the player gave."""

    question: str
    kind: str
    findings: tuple[str, ...]
    answer: str


@dataclass(frozen=True)
class Play:
    """What happened when a case was played."""

    result: dict[str, Any]
    """The final `result` event, as the CLI wrote it."""
    questions_asked: int
    """How many questions the player answered."""
    exchanges: tuple[Exchange, ...]
    events: tuple[dict[str, Any], ...]
    """Every event the CLI wrote, in order."""


_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine",
          10: "ten", 11: "eleven", 12: "twelve", 15: "fifteen", 18: "eighteen", 20: "twenty", 25: "twenty five",
          30: "thirty", 35: "thirty five", 40: "forty", 45: "forty five", 50: "fifty", 60: "sixty", 90: "ninety"}
_UNITS = ((10080, "week"), (1440, "day"), (60, "hour"), (1, "minute"))
_SIDE_WORDS = {"left": "the left leg", "right": "the right leg", "both": "both legs"}


def spoken_duration(minutes: float) -> str:
    """A duration as a person says it: "fifteen minutes", "two days" (digits when there is no word)."""
    for size, unit in _UNITS:
        if minutes >= size and minutes % size == 0:
            count = int(minutes // size)
            return f"{_WORDS.get(count, str(count))} {unit}{'' if count == 1 else 's'}"
    return f"{minutes:g} minutes"


def value_answer(findings: Mapping[str, Any], kind: str) -> str | None:
    """The side or the duration itself, for a side or duration question; None when there is no value to give."""
    name = {"side": "side", "duration": "duration_minutes"}.get(kind)
    value = findings.get(name) if name else None
    if value is None:
        return None
    if value == UNKNOWN:
        return ANSWERS[UNKNOWN]
    return _SIDE_WORDS[value] if name == "side" else spoken_duration(float(value))


def chat_command() -> list[str]:
    """The installed `legcheck` script beside this Python, else the module run by this Python."""
    script = Path(sys.executable).with_name("legcheck")
    if script.exists():
        return [str(script), "chat", "--json"]
    return [sys.executable, "-m", "skill.cli", "chat", "--json"]


class _Lines:
    """Read a pipe's lines on a thread, so that waiting for one can time out."""

    def __init__(self, stream: Any) -> None:
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: Any) -> None:
        for line in stream:
            self._queue.put(line)
        self._queue.put(None)

    def next(self, deadline: float) -> str | None:
        """The next line, None at end of stream; PlayerError when the deadline passes first."""
        try:
            return self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise PlayerError("timed out waiting for the CLI") from None

    def rest(self, wait: float = 1.0) -> str:
        """Whatever has been read so far (for error messages), after giving the pipe `wait` s to drain."""
        self._thread.join(timeout=wait)
        parts = []
        while not self._queue.empty():
            parts.append(self._queue.get_nowait() or "")
        return "".join(parts)


class _InProcess:
    """`legcheck chat --json` run on a thread of this process, with pipes for stdin and stdout: what a
    subprocess gives the player (stdin, stdout, stderr, wait, kill, returncode), without starting Python."""

    def __init__(self, argv: list[str]) -> None:
        from skill.chat import run_json
        from skill.cli import build_parser
        from skill.commands import dialogue_from_args

        args = build_parser().parse_args(argv)
        dialogue = dialogue_from_args(args)
        answers_read, answers_written = os.pipe()
        events_read, events_written = os.pipe()
        self.stdin = open(answers_written, "w", encoding="utf-8")  # noqa: SIM115 (closed by close())
        self.stdout = open(events_read, encoding="utf-8")  # noqa: SIM115
        self.stderr = io.StringIO()
        self.returncode: int | None = None
        inputs, outputs = open(answers_read, encoding="utf-8"), open(events_written, "w", encoding="utf-8")  # noqa: SIM115

        def run() -> None:
            try:
                self.returncode = run_json(dialogue, inputs, outputs)
            except Exception as error:  # a crash is the CLI's exit code 1, with the error on stderr
                self.stderr.write(f"{type(error).__name__}: {error}\n")
                self.returncode = 1
            finally:
                inputs.close()
                outputs.close()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> int | None:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise subprocess.TimeoutExpired("chat --json (in process)", timeout or 0)
        return self.returncode

    def kill(self) -> None:
        self.stdin.close()  # the loop then reads the end of its input and stops


class _Session:
    """One running `legcheck chat --json` and the conversation so far."""

    def __init__(self, case: Case, command: list[str] | None, timeout: float, values: bool) -> None:
        self.case = case
        self.timeout = timeout
        self.values = values
        if command is None:  # in process
            self.process: Any = _InProcess(["chat", "--json"])
        else:
            env = {**os.environ, "PYTHONUNBUFFERED": "1"}
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env)
        self.stdout = _Lines(self.process.stdout)
        self._errors = self.process.stderr if command is None else None
        self.stderr = _Lines(self.process.stderr) if command is not None else None
        self.events: list[dict[str, Any]] = []
        self.exchanges: list[Exchange] = []

    def fail(self, message: str) -> PlayerError:
        asked = "; ".join(f"{e.question}={e.answer!r}" for e in self.exchanges)
        errors = self._errors.getvalue() if self._errors is not None else self.stderr.rest()
        return PlayerError(f"{self.case.id}: {message}\n  answered: {asked}\n  stderr: {errors[-2000:]}")

    def next_event(self) -> dict[str, Any]:
        try:
            line = self.stdout.next(time.monotonic() + self.timeout)
        except PlayerError:
            raise self.fail(f"no output from the CLI within {self.timeout} s (hung?)") from None
        if line is None:
            self.process.wait(timeout=self.timeout)
            raise self.fail(f"the CLI ended (exit code {self.process.returncode}) before a result")
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            raise self.fail(f"not a JSON line on stdout: {line.strip()!r}") from None
        if not isinstance(event, dict) or "type" not in event:
            raise self.fail(f"not an event: {line.strip()!r}")
        self.events.append(event)
        return event

    def answer(self, ask: dict[str, Any]) -> None:
        if self.exchanges and self.exchanges[-1].question == ask.get("question"):
            raise self.fail(f"question {ask.get('question')!r} was asked again straight after the answer "
                            f"{self.exchanges[-1].answer!r}: not understood")
        if len(self.exchanges) >= MAX_QUESTIONS:
            raise self.fail(f"more than {MAX_QUESTIONS} questions")
        asked = tuple(ask.get("findings") or ())
        if not asked:
            raise self.fail(f"question {ask.get('question')!r} names no findings")
        spoken = value_answer(self.case.findings, str(ask.get("kind"))) if self.values else None
        text = spoken or answer_for(self.case.findings, asked)
        self.exchanges.append(Exchange(str(ask.get("question")), str(ask.get("kind")), asked, text))
        try:
            self.process.stdin.write(text + "\n")
            self.process.stdin.flush()
        except (OSError, AttributeError) as error:
            raise self.fail(f"could not write the answer: {error!r}") from error

    def check_heard(self, heard: dict[str, Any]) -> None:
        if _not_understood(heard):
            raise self.fail(f"the CLI did not understand the answer {heard.get('text', '')!r}: {heard}")

    def close(self) -> None:
        try:
            if self.process.stdin:
                self.process.stdin.close()
        except OSError:
            pass  # the CLI has already gone; its exit code tells why
        try:
            self.process.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _not_understood(heard: dict[str, Any]) -> bool:
    return "intent" in heard and heard["intent"] in (None, "", "None")


def _converse(session: _Session) -> dict[str, Any]:
    while True:
        event = session.next_event()
        kind = event["type"]
        if kind == "ask":
            session.answer(event)
        elif kind == "heard":
            session.check_heard(event)
        elif kind == "result":
            return event


def play(case: Case, timeout: float = 30.0, command: list[str] | None = None, values: bool = False,
         in_process: bool = False) -> Play:
    """Play one case through the CLI; PlayerError if it hangs (no event within `timeout` s), crashes or errs.

    `values`: answer side and duration questions with the value rather than yes / no (see the module doc).
    `in_process`: run the CLI's chat --json on a thread here instead of as a subprocess (see the module doc).
    """
    session = _Session(case, None if in_process else (command or chat_command()), timeout, values)
    try:
        result = _converse(session)
    finally:
        session.close()
    if session.process.returncode not in (0, None):
        raise session.fail(f"the CLI exited with code {session.process.returncode} after its result")
    logger.info("case %s: %s after %d questions", case.id, result.get("level"), len(session.exchanges))
    return Play(result, len(session.exchanges), tuple(session.exchanges), tuple(session.events))
