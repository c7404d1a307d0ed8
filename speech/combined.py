"""Two recognizers hearing each answer (engine "both": PocketSphinx and Moonshine), and one hypothesis from
the two. Their errors overlap little (../shared/SPEECH_NOTES.md), so where they agree the answer is taken,
and where they disagree nothing is resolved towards a No.

How the two results become one (``combine``), before the one recognition policy (skill.hearing.decide):
1. One heard nothing, or no complete phrase: the other's result, as it is.
2. Both read the same (same intent and slots, ``grammars.phrase_reading``): the more confident result, with
   the higher of the two confidences, and the other's phrase as an alternative.
3. They differ and one is an Emergency phrase: the Emergency one, the other behind it (a red flag misheard
   as anything else is the mistake that matters most; the policy still asks its confidence).
4. They differ otherwise: the result of the engine that is sure (at or above its own ``accept``) when the
   other is not, with the other's phrase as an alternative ``behind`` 0, so that a No with a rival of
   another intent is not trusted; when both are sure of different readings, nothing is trusted (the answer
   is asked again, and a red flag in it is confirmed).
"""

from __future__ import annotations

from dataclasses import replace

from intents import grammars

from .hypothesis import NOTHING, Alternative, Hypothesis, Recognizer

__all__ = ["CombinedRecognizer", "combine"]


def combine(first: Hypothesis, second: Hypothesis, kind: str) -> Hypothesis:
    """One hypothesis from two engines' results for the same answer (see the module doc)."""
    if not second.complete or not second.text:
        return first
    if not first.complete or not first.text:
        return second
    reading = grammars.phrase_reading(first.text, kind), grammars.phrase_reading(second.text, kind)
    ordered = sorted((first, second), key=lambda hyp: -hyp.confidence)
    if reading[0] == reading[1]:
        best, other = ordered
        return _with_rival(best, other, best.confidence)
    emergency = [hyp for hyp, (intent, _) in zip((first, second), reading, strict=True) if intent == "Emergency"]
    if emergency:
        best = emergency[0]
        return _with_rival(best, second if best is first else first, best.confidence)
    sure = [hyp for hyp in (first, second) if hyp.confidence >= hyp.thresholds.accept]
    if len(sure) == 1:
        best = sure[0]
        return _with_rival(best, second if best is first else first, best.confidence)
    best = ordered[0]
    return Hypothesis(text=best.text, confidence=0.0, complete=False, thresholds=best.thresholds)


def _with_rival(best: Hypothesis, other: Hypothesis, confidence: float) -> Hypothesis:
    rival = Alternative(other.text, other.confidence, 0.0)
    kept = tuple(alt for alt in best.alternatives if alt.text != other.text)
    extra = () if other.text == best.text else (rival,)
    return replace(best, confidence=confidence, alternatives=extra + kept)


class CombinedRecognizer:
    """Feeds one answer to two recognizers and combines their results (``combine``)."""

    def __init__(self, first: Recognizer, second: Recognizer):
        self.sample_rate = first.sample_rate
        self._engines = (first, second)
        self._kind = ""

    @property
    def kind(self) -> str:
        return self._kind

    def set_kind(self, kind: str) -> None:
        for engine in self._engines:
            engine.set_kind(kind)
        self._kind = kind

    def start(self) -> None:
        for engine in self._engines:
            engine.start()

    def feed(self, pcm: bytes) -> str | None:
        for engine in self._engines:
            engine.feed(pcm)
        return None

    def prepare(self, pcm: bytes) -> None:
        for engine in self._engines:
            engine.prepare(pcm)

    def finish(self) -> Hypothesis:
        first, second = (engine.finish() for engine in self._engines)
        if first is NOTHING and second is NOTHING:
            return NOTHING
        return combine(first, second, self._kind)

    @property
    def worker_pid(self) -> int | None:
        return getattr(self._engines[0], "worker_pid", None)

    def close(self) -> None:
        for engine in self._engines:
            close = getattr(engine, "close", None)
            if close is not None:
                close()
