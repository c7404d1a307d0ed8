"""Two recognizers hearing each answer (engine "both": PocketSphinx and Moonshine), and one hypothesis from
the two, before the one recognition policy (skill.hearing.decide).

Measured side by side (bench/voice_engines.py, bench/RESULTS.md "Voice engines"), Moonshine is the better
judge: on real people's answers 95% right against 64%, digits 83% against 63%, and it rejected every
out-of-grammar sentence where PocketSphinx took 6 of 40 as answers. A first rule that took whichever engine
was sure when the other was not let PocketSphinx's confident mistakes through (real people 77%,
out-of-grammar 34 of 40). So Moonshine decides, and PocketSphinx can only add caution or certainty
(``combine(checker, primary)``):
1. One heard nothing, or no complete phrase: the other's result, as it is.
2. Both read the same (same intent and slots, ``grammars.phrase_reading``): the primary's phrase with the
   higher of the two confidences.
3. They differ and one is an Emergency phrase: the Emergency one, the other behind it (a red flag misheard
   as anything else is the mistake that matters most; the policy still asks its confidence).
4. They differ, the primary heard Yes or No (an answer that records a finding) and the checker is sure of
   its own phrase (``CHECKER_SURE``): two sure engines disagree, so the answer is not taken. When the
   primary was itself sure and the checker heard Help, Repeat or Why (``HARMLESS``: they record nothing and
   the question is asked again after them), the checker's result; otherwise the primary's with its
   confidence below its accept threshold, so the policy asks again (or confirms a red flag named in it).
   Moonshine leans to Yes in noise ("help" heard as "yeah"); on the bench clips this took the answers taken
   as another answer from 71 to 50 of 1,357, accuracy within 1.2 points either way in every condition
   (bench/RESULTS.md, "Voice engines").
   ``CHECKER_SURE`` was chosen on the tuning voices (bench/voice_engines.py --tuning), where 0.9 cost least.
5. They differ otherwise: the primary's result with the checker's phrase as a rival ``behind`` 0, so that a
   No the checker did not hear is not trusted (a No never wins a disagreement); any other answer stands on
   the primary's own confidence.
"""

from __future__ import annotations

from dataclasses import replace

from intents import grammars

from .hypothesis import NOTHING, Alternative, Hypothesis, Recognizer

__all__ = ["CombinedRecognizer", "combine", "CHECKER_SURE", "HARMLESS"]

CHECKER_SURE = 0.9  #: the checker's confidence at which its disagreement with a Yes or No counts (rule 4)
HARMLESS = ("Help", "Repeat", "Why")  #: readings that record nothing: the question is asked again after them


def combine(checker: Hypothesis, primary: Hypothesis, kind: str) -> Hypothesis:
    """One hypothesis from two engines' results for the same answer (see the module doc)."""
    if not checker.complete or not checker.text:
        return primary
    if not primary.complete or not primary.text:
        return checker
    checked, judged = grammars.phrase_reading(checker.text, kind), grammars.phrase_reading(primary.text, kind)
    if checked == judged:
        return _with_rival(primary, checker, max(primary.confidence, checker.confidence))
    if judged[0] != "Emergency" and checked[0] == "Emergency":
        return _with_rival(checker, primary, checker.confidence)
    if judged[0] in ("Yes", "No") and checked[0] != "Emergency" and checker.confidence >= CHECKER_SURE:
        accept = primary.thresholds.accept
        if checked[0] in HARMLESS and primary.confidence >= accept:
            harmless = replace(checker, thresholds=primary.thresholds)
            return _with_rival(harmless, primary, max(checker.confidence, accept))
        return _with_rival(primary, checker, min(primary.confidence, round(accept * 0.99, 3)))
    return _with_rival(primary, checker, primary.confidence)


def _with_rival(best: Hypothesis, other: Hypothesis, confidence: float) -> Hypothesis:
    rival = Alternative(other.text, other.confidence, 0.0)
    kept = tuple(alt for alt in best.alternatives if alt.text != other.text)
    extra = () if other.text == best.text else (rival,)
    return replace(best, confidence=confidence, alternatives=extra + kept)


class CombinedRecognizer:
    """Feeds one answer to two recognizers and combines their results (``combine(checker, primary)``)."""

    name = "both"  #: the engine, as ``--engine`` names it

    def __init__(self, checker: Recognizer, primary: Recognizer):
        self.sample_rate = primary.sample_rate
        self._engines = (checker, primary)
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
        checker, primary = (engine.finish() for engine in self._engines)
        if checker is NOTHING and primary is NOTHING:
            return NOTHING
        return combine(checker, primary, self._kind)

    @property
    def worker_pid(self) -> int | None:
        return getattr(self._engines[0], "worker_pid", None)

    def close(self) -> None:
        for engine in self._engines:
            close = getattr(engine, "close", None)
            if close is not None:
                close()
