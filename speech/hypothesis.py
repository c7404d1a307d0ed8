"""What a recognizer gives back, and the interface every engine follows (no engine is imported here, so the
engines and the dispatcher in speech/recognizer.py import this module without importing each other).

An engine reports what it heard and how sure it is; it does not decide. ``Hypothesis.text`` is the best
complete phrase of the grammar (or, with ``complete`` False, the best path as decoded; "" when nothing was
heard), with its confidence, the other complete phrases close behind it (``alternatives``, where the engine
has an n-best) and the engine's ``Thresholds`` (measured for its own scores). One recognition policy for every
engine (skill.hearing.decide) then accepts, rejects or asks to confirm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = ["Hypothesis", "Alternative", "Thresholds", "Recognizer", "SAMPLE_RATE", "NOTHING"]

SAMPLE_RATE = 16000


@dataclass(frozen=True)
class Thresholds:
    """What an engine's scores must reach, measured for that engine (bench/voice.py); used by the one
    recognition policy (skill.hearing.decide)."""

    accept: float = 0.5  #: below this confidence an answer is rejected
    no_accept: float = 0.9  #: a No needs this much (a red flag heard as "no" is the one mistake not allowed)
    emergency_margin: float = 0.0  #: an Emergency alternative at most this far ``behind`` the best wins
    no_margin: float = 0.0  #: a No with an alternative of another intent at most this far behind is rejected


@dataclass(frozen=True)
class Alternative:
    """Another complete phrase of the grammar, close behind the best."""

    text: str
    confidence: float  #: 0..1, on the same footing as the best's
    behind: float  #: how far below the best it scored, in the engine's own units (PocketSphinx: per frame)


@dataclass(frozen=True)
class Hypothesis:
    """The final result of one utterance, before the recognition policy has decided on it."""

    text: str  #: the best complete phrase, lower case (the decoded path if not ``complete``); "" for nothing
    confidence: float  #: 0..1, the engine's measure of how well the audio fits this phrase
    complete: bool  #: True only when ``text`` is a complete phrase of the active grammar
    alternatives: tuple[Alternative, ...] = ()  #: other complete phrases close behind, best first
    thresholds: Thresholds = Thresholds()  #: the engine's measured thresholds, for the policy

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
        """End the utterance and return what was heard (the recognition policy decides whether to trust it)."""

    def prepare(self, pcm: bytes) -> None:
        """Hint: ``pcm`` is an answer still being captured, all of it so far. An engine may start work on it
        (PocketSphinx's suppresses its noise); what finish() decodes is still only what feed() was given.
        Safe to call from the capturing thread while finish() runs on another."""
