"""What the dialogue hears from speech: the one recognition policy for every engine, and a recognizer's
hypothesis (or a WAV file) as an intents.Heard.

    heard = recognize_file("answer.wav", kind="yes_no")         # any WAV: resampled to 16 kHz mono
    heard = recognize_pcm(recognizer, pcm, kind="side")         # 16 kHz mono PCM16 bytes
    heard = heard_from(hypothesis, kind="yes_no")               # a recognizer's result -> Heard
    decision = decide(hypothesis, kind="yes_no")                # accept | reject | confirm, and why

The policy (`decide`), with each engine's measured thresholds (``Hypothesis.thresholds``):
1. Only a complete phrase of the grammar can be accepted.
2. Emergency wins: an Emergency phrase among the alternatives within ``emergency_margin`` of the best is
   taken instead of the best (mishearing a red flag as anything else is the mistake that matters most).
3. A No needs more: it is rejected with an alternative of another intent within ``no_margin`` of it, or
   below ``no_accept`` (other answers need ``accept``).
4. A rejected answer whose words name a red flag is to be confirmed in one line ("Did you say you are short
   of breath?"): the Heard then carries the finding as its ``confirm`` slot (intent None, no text, so it is
   neither read as an answer nor as a red flag said). Any other rejected answer is not understood (asked
   again), never "no".
Each phrase is matched once: the intents of grammar phrases come from the grammar export, cached.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from intents import KINDS, NOT_UNDERSTOOD, Heard, grammars, match
from intents.redflags import verdict
from speech.recognize import decode_pcm, read_wav, to_mono_16k
from speech.recognizer import Hypothesis, Recognizer, make_recognizer

from .questions import QUESTIONS

__all__ = ["Decision", "decide", "heard_from", "recognize_pcm", "recognize_file"]

log = logging.getLogger(__name__)

_CONFIRMABLE = frozenset(q.findings[0] for q in QUESTIONS if len(q.findings) == 1 and q.confirm)
"""The red flags with a one-line check of their own."""


@dataclass(frozen=True)
class Decision:
    action: str
    """"accept", "reject" or "confirm"."""
    text: str
    """The phrase accepted (or the one rejected)."""
    confidence: float
    finding: str = ""
    """For "confirm": the red flag to check."""


def decide(hyp: Hypothesis, kind: str) -> Decision:
    """The recognition policy (see the module doc), the same for every engine."""
    limits = hyp.thresholds
    if not hyp.text or not hyp.complete:
        return _rejected(hyp.text, hyp.confidence)
    chosen, confidence = hyp.text, hyp.confidence
    if kind in KINDS:
        best_intent = grammars.phrase_intent(hyp.text, kind)
        emergency = next((alt for alt in hyp.alternatives if best_intent != "Emergency"
                          and alt.behind <= limits.emergency_margin
                          and grammars.phrase_intent(alt.text, kind) == "Emergency"), None)
        if emergency is not None:
            log.info("%s: an Emergency phrase close to the best one was preferred", kind)
            chosen, confidence = emergency.text, emergency.confidence
        elif best_intent == "No" and any(alt.behind <= limits.no_margin
                                         and grammars.phrase_intent(alt.text, kind) != "No"
                                         for alt in hyp.alternatives):
            log.info("%s: a No with a close rival of another intent was not trusted", kind)
            return _rejected(hyp.text, hyp.confidence)
        needed = limits.no_accept if grammars.phrase_intent(chosen, kind) == "No" else limits.accept
    else:
        needed = limits.accept
    if confidence < needed:
        return _rejected(chosen, confidence)
    return Decision("accept", chosen, confidence)


def _rejected(text: str, confidence: float) -> Decision:
    found = verdict(text) if text else None
    if found is not None and found.finding in _CONFIRMABLE:
        return Decision("confirm", text, confidence, found.finding)
    return Decision("reject", text, confidence)


def heard_from(hyp: Hypothesis, kind: str) -> Heard:
    """What the dialogue hears: the matcher's reading of an accepted phrase; a red flag to confirm; or not
    understood. The confidence is the lower of the recognizer's and the matcher's."""
    decision = decide(hyp, kind)
    if decision.action == "confirm":
        log.info("a red flag in an answer not trusted: to confirm")
        return Heard("", None, {"confirm": decision.finding}, 0.0)
    if decision.action == "reject":
        return NOT_UNDERSTOOD
    heard = match(decision.text, kind)
    if heard.intent is None:
        return NOT_UNDERSTOOD
    confidence = round(min(heard.confidence, decision.confidence), 3)
    log.info("heard a complete phrase (confidence %.2f)", confidence)
    return Heard(heard.text, heard.intent, dict(heard.slots), confidence)


def recognize_pcm(recognizer: Recognizer, pcm: bytes, kind: str) -> Heard:
    """Run one utterance of 16 kHz mono PCM16 through ``recognizer`` under the grammar for ``kind``."""
    return heard_from(decode_pcm(recognizer, pcm, kind), kind)


def recognize_file(path: str | Path, kind: str, engine: str = "auto",
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
