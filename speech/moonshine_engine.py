"""Moonshine base as a grammar recognizer: each phrase of the open question's grammar scored by the model.

Free transcription followed by the text matcher does badly on short answers (../shared/SPEECH_NOTES.md:
48% at pink 10 dB), so the model is not asked what it heard but how well each phrase of the grammar
explains the audio: the encoder runs once, then the decoder reads every phrase (teacher-forced, in batches,
its end token included) and gives its log-likelihood. A phrase is scored in the written forms a transcriber
uses ("Yes.", "7 out of 10."), the best form counting.

A grammar forces any speech onto some phrase, so the model's own greedy transcription is scored too: for
speech outside the grammar it explains the audio far better than any phrase. The confidence of the best
phrase is the share of the grammar's probability (a softmax over phrases) held by the phrases that read as it
does (same intent and slots: "no" and "no it isn't" are one answer) times a logistic gate on how far
the free transcription beats it (``REJECT_NATS``, ``GATE_SCALE``). The complete phrases behind it are
reported with ``behind`` in nats, for the one recognition policy (skill.hearing.decide).

The model files, and the int8 compute path they are converted to once: speech/moonshine_model.py.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from intents import grammars

from .denoise import has_sound
from .errors import ModelError
from .hypothesis import NOTHING, SAMPLE_RATE, Alternative, Hypothesis, Thresholds
from .moonshine_model import converted, find_moonshine
from .paths import default_models_dir

__all__ = ["MoonshineRecognizer", "load", "REJECT_NATS", "GATE_SCALE", "THRESHOLDS"]

log = logging.getLogger(__name__)

# ../shared/SPEECH_NOTES.md's first choice, measured on the bench voices themselves; not yet re-chosen on the
# tuning voices (bench/voice_engines.py --tuning), as they should be.
REJECT_NATS = 8.0  #: the free transcription may beat the best phrase by this much and still give 0.5
GATE_SCALE = 1.5  #: nats per e-fold of the gate's odds
ALTERNATIVES_WITHIN = 12.0  #: complete phrases at most this many nats behind the best are reported
THRESHOLDS = Thresholds(accept=0.5, no_accept=0.9, emergency_margin=4.0, no_margin=2.0)
"""What the recognition policy asks of Moonshine's scores; margins are in nats."""

_LAYERS, _HEADS, _HEAD_DIM = 8, 8, 52  #: Moonshine base's decoder (useful-moonshine-onnx's model.py)
_START, _END = 1, 2
_BATCH = 12  #: phrases per decoder run at most: the logits of a batch (batch x length x 32768 floats) stay small
# Measured here (five answers of five kinds, 5 times each): batches of 24 took 1.22-1.46 s for the five and
# peaked at 540-580 MB; of 12, 1.36-1.42 s and 380-410 MB; of 8, 1.61 s and 350 MB.
_BATCH_FRAMES = 1200  #: and at most this many rows x encoder frames (the cross-attention inputs of a batch)
_TOKENS_PER_SECOND = 6.5  #: a bound on the free transcription's length (Moonshine's own rule of thumb)
_DIGITS = {"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
           "seven": "7", "eight": "8", "nine": "9", "ten": "10", "twelve": "12", "twenty": "20",
           "thirty": "30", "forty eight": "48"}
_DIGIT_WORDS = re.compile(r"\b(" + "|".join(sorted(_DIGITS, key=len, reverse=True)) + r")\b")


def written_forms(phrase: str) -> tuple[str, ...]:
    """How a transcriber writes a grammar phrase: sentence case with a full stop, "I" upper case, and
    numbers also as digits."""
    text = re.sub(r"\bi\b", "I", phrase)
    text = text[:1].upper() + text[1:]
    forms = [text + "."]
    digits = _DIGIT_WORDS.sub(lambda found: _DIGITS[found.group(1)], phrase)
    if digits != phrase:
        digits = re.sub(r"\bi\b", "I", digits)
        forms.append(digits[:1].upper() + digits[1:] + ".")
    return tuple(forms)


class _Model:
    """The two ONNX Runtime sessions and the tokenizer (one per process: see ``load``)."""

    def __init__(self, encoder: str, decoder: str, tokenizer: str, log_probs: str, threads: int = 2):
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as error:
            raise ModelError(f"Moonshine needs onnxruntime and tokenizers ({error}): run `make run` again") from error
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.enable_cpu_mem_arena = False  # the arena kept every batch's logits: 200 MB more resident
        options.log_severity_level = 3
        # threads that spin between runs: three sessions' pools fought over 2 cores (bench/RESULTS.md,
        # "Moonshine in legcheck voice")
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self.encoder = ort.InferenceSession(encoder, options, providers=["CPUExecutionProvider"])
            self.decoder = ort.InferenceSession(decoder, options, providers=["CPUExecutionProvider"])
            self.log_probs = ort.InferenceSession(log_probs, options, providers=["CPUExecutionProvider"])
            self.tokenizer = Tokenizer.from_file(tokenizer)
        except Exception as error:  # onnxruntime and tokenizers raise their own exception types
            raise ModelError(f"Moonshine could not load its model: {error}") from error

    def encode(self, audio: np.ndarray) -> np.ndarray:
        return self.encoder.run(None, {"input_values": audio[None, :].astype(np.float32)})[0]

    def _past(self, batch: int) -> dict[str, np.ndarray]:
        return {f"past_key_values.{layer}.{part}.{which}": np.zeros((batch, _HEADS, 0, _HEAD_DIM), np.float32)
                for layer in range(_LAYERS) for part in ("decoder", "encoder") for which in ("key", "value")}

    def transcribe(self, hidden: np.ndarray, max_tokens: int) -> tuple[str, float]:
        """Greedy transcription and its log-likelihood (end token included)."""
        past, tokens, total = self._past(1), [_START], 0.0
        for step in range(max_tokens):
            outputs = self.decoder.run(None, dict(input_ids=np.array([[tokens[-1]]], np.int64),
                                                  encoder_hidden_states=hidden,
                                                  use_cache_branch=np.array([step > 0]), **past))
            logits = outputs[0][0, -1].astype(np.float64)
            logits -= logits.max()
            logits -= math.log(np.exp(logits).sum())
            token = int(logits.argmax())
            total += float(logits[token])
            tokens.append(token)
            if token == _END:
                break
            for name, value in zip(list(past), outputs[1:], strict=True):
                if step == 0 or ".decoder." in name:
                    past[name] = value
        return self.tokenizer.decode(tokens[1:]), total

    def cross_attention(self, hidden: np.ndarray) -> dict[str, np.ndarray]:
        """The decoder's cross-attention keys and values for the audio (one run of the start token)."""
        outputs = self.decoder.run(None, dict(input_ids=np.array([[_START]], np.int64), encoder_hidden_states=hidden,
                                              use_cache_branch=np.array([False]), **self._past(1)))
        names = [output.name for output in self.decoder.get_outputs()[1:]]
        return {name.replace("present.", "past_key_values."): value
                for name, value in zip(names, outputs[1:], strict=True) if ".encoder." in name}

    def score(self, hidden: np.ndarray, sequences: list[list[int]]) -> np.ndarray:
        """Each token sequence's log-likelihood given the audio, its end token included.

        The sequences are read teacher-forced in batches, through the decoder's cached branch with an empty
        self-attention past and the audio's cross-attention keys and values computed once: the uncached
        branch recomputes them for every row of a batch, which was most of the time (the logits are the
        same). Batches hold sequences of about the same length, so little is spent on padding, and their
        size is bounded by the audio's length (the cross-attention inputs are repeated per row)."""
        cross = self.cross_attention(hidden)
        frames = hidden.shape[1]
        size = max(4, min(_BATCH, _BATCH_FRAMES // max(frames, 1)))
        order = sorted(range(len(sequences)), key=lambda index: len(sequences[index]))
        scores = np.empty(len(sequences))
        empty = {name.replace(".encoder.", ".decoder."): None for name in cross}
        for first in range(0, len(order), size):
            batch = order[first:first + size]
            length = max(len(sequences[index]) for index in batch) + 1
            inputs = np.full((len(batch), length), _END, np.int64)
            targets = np.full((len(batch), length), _END, np.int64)
            mask = np.zeros((len(batch), length), bool)
            for row, index in enumerate(batch):
                sequence = sequences[index]
                inputs[row, :len(sequence) + 1] = [_START, *sequence]
                targets[row, :len(sequence) + 1] = [*sequence, _END]
                mask[row, :len(sequence) + 1] = True
            past = {name: np.zeros((len(batch), _HEADS, 0, _HEAD_DIM), np.float32) for name in empty}
            past.update({name: np.repeat(value, len(batch), axis=0) for name, value in cross.items()})
            logits = self.decoder.run(None, dict(input_ids=inputs,
                                                 encoder_hidden_states=np.repeat(hidden, len(batch), axis=0),
                                                 use_cache_branch=np.array([True]), **past))[0]
            chosen = self.log_probs.run(None, {"logits": logits, "targets": targets})[0]
            scores[batch] = (chosen * mask).sum(axis=1)
        return scores

    def tokens(self, text: str) -> list[int]:
        return self.tokenizer.encode(text, add_special_tokens=False).ids


@cache
def load(models_dir: str | None = None) -> _Model:
    """The Moonshine model (found and converted once per process). Raises ModelError when it is missing."""
    files = find_moonshine(None if models_dir is None else Path(models_dir))
    if files is None:
        raise ModelError(f"no Moonshine model: install it with `make run` (x86_64) or "
                         f"`legcheck models install moonshine-base`, or put its files in "
                         f"{default_models_dir()}/moonshine-base")
    encoder, decoder, log_probs = converted(files)
    return _Model(str(encoder), str(decoder), str(files.tokenizer), str(log_probs))


@dataclass(frozen=True)
class _Grammar:
    """A question kind's phrases, each written form's tokens (``owners`` maps them to their phrase), and
    what each phrase reads as (``grammars.phrase_reading``)."""

    phrases: list[str]
    owners: list[int]
    sequences: list[list[int]]
    readings: list[tuple]


class MoonshineRecognizer:
    """Grammar-phrase scoring with Moonshine (see the module doc). Not thread-safe: one per audio stream."""

    name = "moonshine"  #: the engine, as ``--engine`` names it

    def __init__(self, kind: str = "yes_no", phrases_for: Callable[[str], Collection[str]] = grammars.phrase_set,
                 models_dir: str | None = None):
        self.sample_rate = SAMPLE_RATE
        self._model = load(models_dir)
        self._phrases_for = phrases_for
        self._grammars: dict[str, _Grammar] = {}
        self._building = threading.Lock()
        self._kind = ""
        self._audio = bytearray()
        self._in_utterance = False
        self._ahead = phrases_for is grammars.phrase_set
        self._grammar(kind)  # the first question's grammar now (or a clear error for a kind with none)
        self._kind = kind
        if self._ahead:
            threading.Thread(target=self._build_ahead, name="moonshine-grammars", daemon=True).start()

    @property
    def kind(self) -> str:
        return self._kind

    def set_kind(self, kind: str) -> None:
        """The grammar of the next answer. A question kind the background thread is building is not waited
        for here but when the answer is scored (``finish``): the voice loop sets every kind at start
        (skill.voice.warm_up), which would otherwise hold the greeting back by the whole build (2-3 s here)."""
        if not (self._ahead and kind in grammars.KINDS):
            self._grammar(kind)  # built now, or a clear error for a kind with no grammar
        self._kind = kind

    def _grammar(self, kind: str) -> _Grammar:
        with self._building:
            if kind not in self._grammars:
                self._grammars[kind] = self._build(kind)
            return self._grammars[kind]

    def _build(self, kind: str) -> _Grammar:
        try:
            phrases = sorted(grammars.normalised(self._phrases_for(kind)))
        except Exception as error:  # intents raises its own errors for an unknown kind
            raise ModelError(f"no grammar for question kind {kind!r}: {error}") from error
        owners, sequences = [], []
        for index, phrase in enumerate(phrases):
            for form in written_forms(phrase):
                owners.append(index)
                sequences.append(self._model.tokens(form))
        readings = [grammars.phrase_reading(phrase, kind) for phrase in phrases]
        return _Grammar(phrases, owners, sequences, readings)

    def _build_ahead(self) -> None:
        """Every question kind's grammar, built while the conversation starts. Reading each phrase as an
        intent (the text matcher, ``phrase_reading``) takes 0.35-0.55 s a grammar here, which was the
        slowest part of the first answer under each kind (0.7-0.8 s, against 0.15-0.3 s later)."""
        for kind in grammars.KINDS:
            try:
                self._grammar(kind)
            except ModelError:  # set_kind raises it, when that kind is asked for
                continue

    def start(self) -> None:
        self._audio = bytearray()
        self._in_utterance = True

    def feed(self, pcm: bytes) -> str | None:
        if not self._in_utterance:
            self.start()
        self._audio += pcm
        return None

    def prepare(self, pcm: bytes) -> None:
        """Nothing is started ahead yet (see ``Recognizer.prepare``)."""

    def finish(self) -> Hypothesis:
        if not self._in_utterance:
            return NOTHING
        self._in_utterance = False
        pcm = bytes(self._audio[: len(self._audio) // 2 * 2])
        self._audio = bytearray()
        if not has_sound(pcm):
            return NOTHING
        audio = np.frombuffer(pcm, "<i2").astype(np.float32) / 32768.0
        hidden = self._model.encode(audio)
        grammar = self._grammar(self._kind)
        scores = np.full(len(grammar.phrases), -np.inf)
        np.maximum.at(scores, grammar.owners, self._model.score(hidden, grammar.sequences))
        limit = int(audio.size / SAMPLE_RATE * _TOKENS_PER_SECOND) + 4
        free_text, free = self._model.transcribe(hidden, min(limit, 64))
        return self._hypothesis(grammar, scores, free)

    def _hypothesis(self, grammar: _Grammar, scores: np.ndarray, free: float) -> Hypothesis:
        phrases, readings = grammar.phrases, grammar.readings
        order = np.argsort(-scores)
        best = float(scores[order[0]])
        posterior = np.exp(scores - best)
        posterior /= posterior.sum()
        gate = 1.0 / (1.0 + math.exp((max(free, best) - best - REJECT_NATS) / GATE_SCALE))

        share: dict[tuple, float] = {}
        for reading, value in zip(readings, posterior, strict=True):
            share[reading] = share.get(reading, 0.0) + float(value)

        def confidence(index: int) -> float:  # the share of every phrase that reads the same ("no", "no it isn't")
            return round(min(share[readings[index]], 1.0) * gate, 3)

        alternatives = tuple(Alternative(phrases[index], confidence(index), best - float(scores[index]))
                             for index in order[1:] if best - scores[index] <= ALTERNATIVES_WITHIN)
        log.info("%s grammar: phrase scored, confidence %.2f", self._kind, confidence(order[0]))
        return Hypothesis(text=phrases[order[0]], confidence=confidence(order[0]), complete=True,
                          alternatives=alternatives[:10], thresholds=THRESHOLDS)

    def close(self) -> None:
        """Nothing to release: the model is shared by the process (``load``)."""
