"""One small interface for every speech recognizer, and the dispatcher that picks an engine.

Usage::

    recognizer = make_recognizer("pocketsphinx", kind="yes_no")   # or make_recognizer("vosk", "models/x")
    recognizer.start()
    for frame in frames:                 # 16 kHz mono PCM16 bytes, any length
        partial = recognizer.feed(frame)     # text so far, or None
    hypothesis = recognizer.finish()     # Hypothesis(text, confidence, complete)
    recognizer.set_kind("side")          # the next question's grammar (cached: cheap to switch)

A recognizer only ever returns text it trusts: ``Hypothesis.text`` is "" when nothing was heard, when the
result was not a complete phrase of the grammar, or when its confidence was below the engine's rejection
threshold. The dialogue treats that as "not understood" (it asks again), never as "no".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from .errors import SpeechError

__all__ = ["Hypothesis", "Recognizer", "make_recognizer", "ENGINES", "SAMPLE_RATE", "NOTHING"]

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
ENGINES = ("pocketsphinx", "vosk")


@dataclass(frozen=True)
class Hypothesis:
    """The final result of one utterance."""

    text: str  #: the recognized phrase, lower case; "" when nothing trusted was heard
    confidence: float  #: 0..1, the engine's measure of how well the audio fits this phrase
    complete: bool  #: True only when ``text`` is a complete phrase of the active grammar

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be within 0..1, got {self.confidence}")


NOTHING = Hypothesis(text="", confidence=0.0, complete=False)


@runtime_checkable
class Recognizer(Protocol):
    """A streaming recognizer with one grammar per question kind (``intents.KINDS``)."""

    sample_rate: int  #: the rate feed() expects: 16000

    def set_kind(self, kind: str) -> None:
        """Switch to the grammar for a question kind (takes effect at the next start())."""

    def start(self) -> None:
        """Begin an utterance (discarding any unfinished one)."""

    def feed(self, pcm: bytes) -> str | None:
        """Decode mono PCM16 frames at ``sample_rate``; return the partial text so far, or None."""

    def finish(self) -> Hypothesis:
        """End the utterance and return the final, trusted result."""

    def prepare(self, pcm: bytes) -> None:
        """Hint: ``pcm`` is an answer still being captured, all of it so far. An engine may start work on it
        (PocketSphinx's suppresses its noise); what finish() decodes is still only what feed() was given.
        Safe to call from the capturing thread while finish() runs on another."""


def make_recognizer(engine: str = "pocketsphinx", vosk_model: str | None = None,
                    kind: str = "yes_no", noise_suppression: str | None = None) -> Recognizer:
    """Build a recognizer: PocketSphinx (embedded, the default) or Vosk (``vosk_model``, a model dir; by
    default the first model installed under models/, see ``legcheck models``). ``noise_suppression`` is one
    of ``speech.denoise.SUPPRESSORS`` for PocketSphinx (None: its default); Vosk has none.

    Raises ModelError when the model is missing or lacks grammar words, SpeechError for an unknown engine.
    """
    if engine == "pocketsphinx":
        from .pocketsphinx_engine import PocketSphinxRecognizer

        return PocketSphinxRecognizer(kind=kind, noise_suppression=noise_suppression)
    if engine == "vosk":
        from .vosk_engine import VoskRecognizer

        return VoskRecognizer(model_path=vosk_model or str(_installed_vosk_model()), kind=kind)
    raise SpeechError(f"unknown speech engine {engine!r}: choose one of {', '.join(ENGINES)}")


def _installed_vosk_model():
    from .errors import ModelError
    from .models import default_models_dir, find_vosk_model

    model = find_vosk_model()
    if model is None:
        raise ModelError(f"no Vosk model found in {default_models_dir()}: install one with "
                         "`legcheck models install small-en-us` or pass --vosk-model DIR")
    return model
