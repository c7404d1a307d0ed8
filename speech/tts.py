"""Text to speech with pyttsx3 (the espeak-ng driver on Linux), isolated in a worker process.

pyttsx3 on Linux and the Pi has known faults: runAndWait() can hang after the first utterance, say() may
work only once per engine, save_to_file() may leave an empty file, and it prints "Audio saved to ..." on
stdout. So it never runs in our process: a small worker process (speech/tts_worker.py, run by path; it
works around two of those faults itself) renders each text to a WAV file, with its stdout and stderr kept
away from ours; every request has a timeout, and a worker that hangs, dies or writes an empty file is killed
and replaced (one retry). We then play the WAV ourselves, so we know when playback ends (the recognizer is
muted until then).

Rendered audio is cached by text, and the fixed prompts are rendered in the background at start-up.

If speech still fails, `Voice.speak()` prints the text instead and the conversation goes on (safety rule 5:
the emergency advice always reaches the user).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from speech import tts_worker
from speech.audio import Audio, read_wav
from speech.errors import AudioError, SynthesisError

__all__ = ["TtsConfig", "TextToSpeech", "Voice", "Spoken", "DEFAULT_RATE", "speakable"]

log = logging.getLogger(__name__)

DEFAULT_RATE = 160
"""Words per minute: a little slower than espeak's 175 and pyttsx3's 200, for older listeners."""

TTS_COMMAND_ENV = "LEGCHECK_TTS_COMMAND"
"""Replace the worker command (space-separated), e.g. to run another Python; tests use it to make speech
fail for real."""

_DIGIT_RUN = re.compile(r"\d{2,}")
_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def speakable(text: str) -> str:
    """The text as the synthesiser should get it: spaces folded, and every run of digits spelt out digit by
    digit ("call 911" -> "call nine one one"; espeak-ng reads 911 as "nine hundred and eleven").

    The product writes quantities in words ("ten minutes"), so a run of digits in what it says is always a
    phone number (tests/test_tts.py checks every fixed text for that)."""
    folded = " ".join(text.split())
    return _DIGIT_RUN.sub(lambda run: " ".join(_DIGIT_WORDS[int(digit)] for digit in run.group()), folded)


@dataclass(frozen=True)
class TtsConfig:
    """How speech is rendered."""

    rate: int = DEFAULT_RATE
    """Speaking rate in words per minute."""
    voice: str | None = None
    """A pyttsx3 voice id (None: the driver's default English voice)."""
    timeout_s: float = 5.0
    """Longest wait for one utterance (the first one also waits for the worker to start)."""
    command: tuple[str, ...] | None = None
    """The worker command; None runs pyttsx3 in this Python (or $LEGCHECK_TTS_COMMAND if set)."""

    def __post_init__(self) -> None:
        if not 60 <= self.rate <= 400:
            raise ValueError(f"speaking rate must be 60..400 words per minute, not {self.rate}")
        if self.timeout_s <= 0:
            raise ValueError("timeout_s must be positive")

    def worker_command(self) -> list[str]:
        if self.command:
            return list(self.command)
        if os.environ.get(TTS_COMMAND_ENV):
            return os.environ[TTS_COMMAND_ENV].split()
        return [sys.executable, tts_worker.__file__]


class _Worker:
    """One pyttsx3 process; requests and answers are JSON lines."""

    def __init__(self, command: list[str]):
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                text=True, bufsize=1,
            )
        except OSError as err:
            raise SynthesisError(f"cannot start the speech worker {command[0]!r}: {err.strerror}") from None
        self._answers: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._answers.put(line)
        self._answers.put(None)

    def render(self, request: dict, timeout: float) -> None:
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except OSError:
            raise SynthesisError("the speech worker is not running") from None
        try:
            line = self._answers.get(timeout=timeout)
        except queue.Empty:
            raise SynthesisError(f"speech synthesis timed out after {timeout:.1f} s") from None
        if line is None:
            raise SynthesisError("the speech worker stopped")
        answer = _parse_answer(line)
        if not answer.get("ok"):
            raise SynthesisError(f"speech synthesis failed: {answer.get('error', 'unknown error')}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=5)
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                pipe.close()


def _parse_answer(line: str) -> dict:
    try:
        answer = json.loads(line)
    except json.JSONDecodeError:
        raise SynthesisError(f"the speech worker answered nonsense: {line[:80]!r}") from None
    if not isinstance(answer, dict):
        raise SynthesisError(f"the speech worker answered nonsense: {line[:80]!r}")
    return answer


class TextToSpeech:
    """Render text to audio (cached). Thread-safe: the background pre-render shares the worker."""

    def __init__(self, config: TtsConfig | None = None):
        self.config = config or TtsConfig()
        self._worker: _Worker | None = None
        self._lock = threading.Lock()
        self._cache: dict[str, Path] = {}
        self._dir = tempfile.TemporaryDirectory(prefix="legcheck-tts-")
        self._count = 0
        self._closed = False

    def render(self, text: str) -> Audio:
        """The spoken text as audio; raises SynthesisError after one retry with a fresh worker.

        Rendered audio stays in its WAV file in a temporary folder (the cache holds paths: reading one
        back takes well under a millisecond, and 125 pre-rendered sentences would hold 18 MB in memory)."""
        text = speakable(text)
        if not text:
            raise SynthesisError("nothing to say")
        with self._lock:
            if self._closed:  # the pre-render thread may still be running when the conversation ends
                raise SynthesisError("speech output is closed")
            if text not in self._cache:
                try:
                    self._cache[text] = self._render_once(text)
                except SynthesisError as first:
                    log.warning("speech synthesis failed (%s); retrying with a fresh worker", first)
                    self._restart()
                    self._cache[text] = self._render_once(text)
            path = self._cache[text]
        try:
            return read_wav(path, rate=None)
        except AudioError as err:
            raise SynthesisError(f"the rendered speech is unreadable: {err}") from None

    def _render_once(self, text: str) -> Path:
        if self._worker is None:
            self._worker = _Worker(self.config.worker_command())
        self._count += 1
        path = Path(self._dir.name) / f"utterance-{self._count}.wav"
        request = {"text": text, "path": str(path), "rate": self.config.rate, "voice": self.config.voice,
                   "wait": self.config.timeout_s / 2}
        try:
            self._worker.render(request, self.config.timeout_s)
            audio = read_wav(path, rate=None)
        except (SynthesisError, AudioError) as err:
            self._restart()
            path.unlink(missing_ok=True)
            raise SynthesisError(str(err)) from None
        if len(audio.samples) == 0:
            self._restart()
            path.unlink(missing_ok=True)
            raise SynthesisError("speech synthesis wrote an empty file")
        return path

    @property
    def worker_pid(self) -> int | None:
        """The pyttsx3 worker's process id, or None before the first render (for memory figures)."""
        return self._worker.process.pid if self._worker is not None else None

    def _restart(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def prerender(self, texts: Iterable[str]) -> threading.Thread:
        """Render `texts` into the cache in a background thread (failures are only logged)."""
        wanted = [text for text in texts if text and text.strip()]

        def run() -> None:
            started = time.perf_counter()
            for text in wanted:
                try:
                    self.render(text)
                except SynthesisError as err:
                    log.warning("pre-rendering stopped: %s", err)
                    return
            log.info("pre-rendered %d prompts in %.2f s", len(wanted), time.perf_counter() - started)

        thread = threading.Thread(target=run, name="tts-prerender", daemon=True)
        thread.start()
        return thread

    def is_cached(self, text: str) -> bool:
        return " ".join(text.split()) in self._cache

    def close(self) -> None:
        """Stop the worker and remove the rendered audio. Under the lock, so that a render still running (the
        pre-render thread) finishes first and none starts after: one that did would start a new worker
        writing into the folder being removed (seen: "Directory not empty" when a short recording ended
        during the pre-render)."""
        with self._lock:
            self._closed = True
            self._restart()
            self._dir.cleanup()


@dataclass(frozen=True)
class Spoken:
    """What happened when something was said."""

    spoken: bool
    """True when the audio was played; False when the text was printed instead."""
    render_s: float
    """Time to get the audio (0 when it was cached)."""
    started: float
    """time.perf_counter() when the first sample went to the output (or the text was printed)."""
    play_s: float
    error: str = ""


class Voice:
    """Says text through a sink (speaker or WAV file); prints the text when that fails."""

    def __init__(self, tts: TextToSpeech, sink, fallback: TextIO | None = None):
        self.tts = tts
        self.sink = sink
        self.fallback = fallback if fallback is not None else sys.stdout
        self.last_error = ""

    def speak(self, text: str) -> Spoken:
        """Render and play `text` (blocking); print it instead if either fails."""
        begin = time.perf_counter()
        audio = self.prepare(text)
        render_s = time.perf_counter() - begin
        if audio is None:
            return Spoken(False, render_s, time.perf_counter(), 0.0, self.last_error)
        started = time.perf_counter()
        played = self.play(text, audio)
        return Spoken(played, render_s, started, time.perf_counter() - started, "" if played else self.last_error)

    def prepare(self, text: str, whole: str | None = None) -> Audio | None:
        """The audio for `text`, or None after printing `whole` (default: the text) when synthesis fails."""
        try:
            return self.tts.render(text)
        except SynthesisError as err:
            self._failed(whole or text, err)
            return None

    def play(self, text: str, audio: Audio) -> bool:
        """Play audio made by prepare(); on failure print the text instead. True when played."""
        try:
            self.sink.play(audio)
        except AudioError as err:
            self._failed(text, err)
            return False
        return True

    def _failed(self, text: str, err: Exception) -> None:
        self.last_error = str(err)
        log.warning("speech output failed, printing instead: %s", err)
        print(f"(speech output failed; printed instead) {text}", file=self.fallback, flush=True)
