"""What the dialogue hears from speech: a recognizer's hypothesis (or a WAV file) as an intents.Heard.

    heard = recognize_file("answer.wav", kind="yes_no")         # any WAV: resampled to 16 kHz mono
    heard = recognize_pcm(recognizer, pcm, kind="side")         # 16 kHz mono PCM16 bytes
    heard = heard_from(hypothesis, kind="yes_no")               # a recognizer's result -> Heard

A rejected or empty hypothesis becomes ``Heard(text, None, {}, 0.0)``: not understood, never "no". The
dialogue then reads the words again for red flags (skill.dialogue), whatever the engine.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from intents import Heard, match
from speech.recognize import decode_pcm, read_wav, to_mono_16k
from speech.recognizer import Hypothesis, Recognizer, make_recognizer

__all__ = ["heard_from", "recognize_pcm", "recognize_file"]

log = logging.getLogger(__name__)


def heard_from(hyp: Hypothesis, kind: str) -> Heard:
    """What the dialogue hears: the matcher's reading of a trusted, complete phrase, else not understood.

    The confidence is the lower of the recognizer's and the matcher's."""
    if not hyp.text or not hyp.complete:
        return Heard(hyp.text, None, {}, 0.0)
    heard = match(hyp.text, kind)
    if heard.intent is None:
        return Heard(hyp.text, None, {}, 0.0)
    confidence = round(min(heard.confidence, hyp.confidence), 3)
    log.info("heard a complete phrase (confidence %.2f)", confidence)
    return Heard(heard.text, heard.intent, dict(heard.slots), confidence)


def recognize_pcm(recognizer: Recognizer, pcm: bytes, kind: str) -> Heard:
    """Run one utterance of 16 kHz mono PCM16 through ``recognizer`` under the grammar for ``kind``."""
    return heard_from(decode_pcm(recognizer, pcm, kind), kind)


def recognize_file(path: str | Path, kind: str, engine: str = "pocketsphinx",
                   vosk_model: str | None = None, recognizer: Recognizer | None = None) -> Heard:
    """Recognize one spoken answer in a WAV file under the grammar for ``kind``.

    Without ``recognizer``, one per engine and model is made on first use and kept for later calls (loading
    a model takes a second or more). Raises AudioError for a missing, non-WAV or empty file and ModelError
    for a missing model."""
    samples, rate = read_wav(path)
    if recognizer is None:
        recognizer = _shared_recognizer(engine, vosk_model)
    return recognize_pcm(recognizer, to_mono_16k(samples, rate), kind)


@cache
def _shared_recognizer(engine: str, vosk_model: str | None) -> Recognizer:
    return make_recognizer(engine, vosk_model)
