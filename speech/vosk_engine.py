"""Vosk recognizer in grammar mode, for users who have a Vosk model (``--vosk-model DIR``).

Vosk silently drops grammar words its model does not know (it only logs "Ignoring word missing in
vocabulary" and then never returns them), so every word of a grammar is looked up in the model
(``vosk_model_find_word``) before the grammar is used, and a ModelError names the missing ones.

Vosk 0.3.45 has no endpointer settings: endpointing is done by our own voice activity detection, and the
utterance is finalised when finish() is called. If Vosk's internal endpointer cuts an utterance into
segments on its own, the segments are joined.

The confidence is the lowest of Vosk's word confidences (posteriors from its lattice). A result is
``complete`` only when it is a grammar phrase and holds no "[unk]"; whether it is trusted is the recognition
policy's call (skill.hearing.decide), with ``THRESHOLDS``: ``ACCEPT`` for any answer, and for a No the same
extra confidence PocketSphinx asks (not measured for Vosk: it can only cost a question). In grammar mode
Vosk gives no n-best here, so there are no alternatives.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection
from functools import cache
from pathlib import Path

from intents import grammars

from .errors import ModelError
from .hypothesis import NOTHING, SAMPLE_RATE, Hypothesis, Thresholds

__all__ = ["VoskRecognizer", "load_model", "missing_words", "ACCEPT", "THRESHOLDS"]

log = logging.getLogger(__name__)

ACCEPT = 0.5  #: results whose weakest word is below this confidence are rejected
THRESHOLDS = Thresholds(accept=ACCEPT, no_accept=0.9)


@cache
def load_model(path: str):
    """Load (once per process) the Vosk model in directory ``path``."""
    if not Path(path).is_dir():
        raise ModelError(f"no Vosk model at {path}: give the directory of an unpacked model")
    try:
        import vosk

        vosk.SetLogLevel(-2)
        return vosk.Model(str(path))
    except Exception as error:  # vosk raises a bare Exception("Failed to create a model")
        raise ModelError(f"Vosk could not load the model in {path}: {error}") from error


def missing_words(model, words: Collection[str]) -> list[str]:
    """The words (other than "[unk]") that the model's vocabulary lacks, sorted."""
    return sorted(w for w in words if w != grammars.UNKNOWN_WORD and model.vosk_model_find_word(w) < 0)


class VoskRecognizer:
    """Vosk in grammar mode; one Kaldi recognizer per question kind, made once and reused.

    ``phrases_for(kind)`` gives the phrases of a kind's grammar: by default ``intents.grammars.phrase_set``
    (English). Another source (say, Korean phrases for a Korean model) can be given for other languages."""

    name = "vosk"  #: the engine, as ``--engine`` names it

    def __init__(self, model_path: str | None, kind: str = "yes_no",
                 phrases_for: Callable[[str], Collection[str]] = grammars.phrase_set,
                 sample_rate: int = SAMPLE_RATE):
        if not model_path:
            raise ModelError("Vosk needs a model: pass --vosk-model DIR (an unpacked Vosk model directory)")
        self.sample_rate = sample_rate
        self.model_path = str(model_path)
        self._model = load_model(self.model_path)
        self._phrases_for = phrases_for
        self._recognizers: dict[str, object] = {}
        self._phrases: dict[str, frozenset[str]] = {}
        self._kind = ""
        self._segments: list[dict] = []
        self._in_utterance = False
        self.set_kind(kind)

    @property
    def kind(self) -> str:
        return self._kind

    def set_kind(self, kind: str) -> None:
        if kind not in self._recognizers:
            self._load(kind)
        self._kind = kind

    def _load(self, kind: str) -> None:
        from vosk import KaldiRecognizer

        phrases = grammars.normalised(self._phrases_for(kind))
        missing = missing_words(self._model, grammars.words_of(phrases))
        if missing:
            raise ModelError(f"the Vosk model in {self.model_path} lacks {len(missing)} word(s) of the "
                             f"{kind} grammar: {', '.join(missing)}")
        recognizer = KaldiRecognizer(self._model, float(self.sample_rate), grammars.vosk_grammar_of(phrases))
        recognizer.SetWords(True)
        self._recognizers[kind], self._phrases[kind] = recognizer, phrases

    def start(self) -> None:
        self._recognizers[self._kind].Reset()
        self._segments = []
        self._in_utterance = True

    def feed(self, pcm: bytes) -> str | None:
        if not self._in_utterance:
            self.start()
        if len(pcm) % 2:
            pcm = pcm[:-1]
        if not pcm:
            return None
        recognizer = self._recognizers[self._kind]
        if recognizer.AcceptWaveform(pcm):
            self._segments.append(json.loads(recognizer.Result()))
        else:
            partial = json.loads(recognizer.PartialResult()).get("partial", "")
            return " ".join([*self._texts(), partial]).strip() or None
        return " ".join(self._texts()) or None

    def prepare(self, pcm: bytes) -> None:
        """Nothing to do ahead: Vosk decodes as it is fed (see ``Recognizer.prepare``)."""

    def _texts(self) -> list[str]:
        return [segment.get("text", "") for segment in self._segments if segment.get("text")]

    def finish(self) -> Hypothesis:
        if not self._in_utterance:
            return NOTHING
        self._in_utterance = False
        self._segments.append(json.loads(self._recognizers[self._kind].FinalResult()))
        text = " ".join(self._texts())
        words = [word for segment in self._segments for word in segment.get("result", [])]
        if not text or not words:
            return NOTHING
        confidence = round(min(float(word.get("conf", 0.0)) for word in words), 3)
        complete = text in self._phrases[self._kind] and grammars.UNKNOWN_WORD not in text.split()
        log.info("%s grammar: %s phrase, confidence %.2f", self._kind,
                 "complete" if complete else "incomplete", confidence)
        return Hypothesis(text=text, confidence=confidence if complete else 0.0, complete=complete,
                          thresholds=THRESHOLDS)
