"""PocketSphinx 5 recognizer: one finite-state grammar per question kind, with a phone-loop rejection test.

An answer with nothing standing out of its own background is not decoded (``denoise.has_sound``); the rest
goes through a noise suppressor (DeepFilterNet 3 by default: speech/denoise.py, speech/deepfilter.py). The
grammar for a kind is the minimal word graph of ``intents.grammars`` (loaded with ``create_fsg``; a JSGF tree
of the same phrases makes PocketSphinx build a far larger automaton, about 20 times slower to search).

A grammar forces any speech onto some phrase, so the result is checked twice before it is trusted:

1. It must be a complete phrase of the grammar. When the search's best path stops short of the end of the
   grammar ("i don't") the answer is not trusted (the lattice pass that used to patch that up is off:
   see ``BESTPATH``).
2. Its acoustic fit is compared with a free phone loop (``allphone`` search, no language model) run on the
   same audio by a second decoder, in a worker process at the same time (speech/phone_loop.py). The phone
   loop can follow any sound, so it always scores at least as well; for in-grammar speech the gap is small,
   for out-of-grammar speech it is large. The gap is spread over the answer's speech frames plus a fixed
   ``SILENCE_FRAMES`` (see there), and that gap per frame (in the decoder's log units) goes through a
   logistic curve centred on ``REJECT_GAP`` (calibrated on synthesised in-grammar and out-of-grammar clips:
   see bench/voice.py and bench/RESULTS.md).

The engine reports the best complete phrase with that confidence and the complete phrases close behind it
(``Hypothesis.alternatives``), with its measured ``THRESHOLDS``; the one recognition policy for every engine
(skill.hearing.decide) accepts, rejects or confirms: an Emergency phrase close behind the best wins ("i can't
breathe" and "i can breathe" differ by one faint "t"), a No needs more confidence, and a No with a phrase of
another intent close behind is not trusted (in noise a short "yes" came out as "none" with "end" just behind).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import subprocess
import sys
import weakref
from collections import Counter
from collections.abc import Callable, Collection

from intents import grammars

from . import phone_loop
from .denoise import has_sound, make_suppressor
from .errors import ModelError
from .hypothesis import NOTHING, SAMPLE_RATE, Alternative, Hypothesis, Thresholds

__all__ = [
    "PocketSphinxRecognizer", "pronunciation", "REJECT_GAP", "GAP_SCALE", "SILENCE_FRAMES", "ACCEPT", "NBEST_MARGIN",
    "EMERGENCY_MARGIN", "NO_MARGIN", "NO_ACCEPT",
]

log = logging.getLogger(__name__)

# Every constant below was chosen by measurement in bench/voice.py; the runs behind each, with their figures,
# are in bench/RESULTS.md, "Tuning history of the recognizer constants". Change one only with a new run.
REJECT_GAP = -17.0  #: gap per frame (grammar minus phone loop) at which confidence is 0.5
SILENCE_FRAMES = 90  #: frames of silence the gap is spread over, beside the best path's speech frames
GAP_SCALE = 3.0  #: gap units per e-fold of the odds
ACCEPT = 0.5  #: results below this confidence are rejected
_NBEST = 20
LANGUAGE_WEIGHT = 2.0  #: the grammar's weight against the acoustics (PocketSphinx's default is 6.5)
BESTPATH = False  #: PocketSphinx's second (lattice) pass: off, it picks paths that stop inside a phrase
NBEST_MARGIN = 3.0  #: how far (per frame) below the top path a complete phrase may be and still be taken
EMERGENCY_MARGIN = 3.0  #: how far below the best phrase an Emergency phrase may be and still win
NO_MARGIN = 1.0  #: a No is not trusted when a phrase of another intent scores within this of it
NO_ACCEPT = 0.9  #: a No needs more confidence than other answers (a red flag heard as "no" must not happen)
THRESHOLDS = Thresholds(accept=ACCEPT, no_accept=NO_ACCEPT, emergency_margin=EMERGENCY_MARGIN, no_margin=NO_MARGIN)
"""What the recognition policy (skill.hearing.decide) asks of PocketSphinx's scores; margins are per frame."""


def _decoder(sample_rate: int, **options):
    """A decoder with the wheel's English acoustic model and dictionary; no general language model (only
    grammars are used: leaving it out saves about 60 MB per decoder).

    Audio recorded at 8 kHz is best upsampled to 16 kHz and decoded with the model's own settings: decoding
    it at 8 kHz with a filter bank cut at 3.5-3.9 kHz got 31-45% of the human digits right against 78%
    upsampled (bench/voice.py measures both)."""
    try:
        return phone_loop.make_decoder(sample_rate, lw=LANGUAGE_WEIGHT, bestpath=BESTPATH, **options)
    except (ImportError, RuntimeError, ValueError) as error:
        raise ModelError(f"PocketSphinx could not start its built-in English model: {error}") from error


def pronunciation(decoder, word: str) -> str | None:
    """The word's phones from the dictionary, or composed from dictionary words (British spellings,
    compounds such as "teatime", "-ness" endings); None when no pronunciation can be found."""
    found = decoder.lookup_word(word)
    if found:
        return found
    for british, american in (("ysed", "yzed"), ("ised", "ized"), ("yse", "yze"), ("ise", "ize"),
                              ("our", "or"), ("aemia", "emia")):
        if british in word and (found := decoder.lookup_word(word.replace(british, american))):
            return found
    for cut in range(len(word) - 2, 1, -1):
        head, tail = decoder.lookup_word(word[:cut]), decoder.lookup_word(word[cut:])
        if head and tail:
            return f"{head} {tail}"
    return None


def _add_missing_words(decoder, words: frozenset[str]) -> None:
    missing = sorted(word for word in words if not decoder.lookup_word(word))
    composed = {word: pronunciation(decoder, word) for word in missing}
    unknown = sorted(word for word, phones in composed.items() if phones is None)
    if unknown:
        raise ModelError("the PocketSphinx dictionary has no pronunciation for grammar words: "
                         + ", ".join(unknown))
    for position, (word, phones) in enumerate(composed.items()):
        decoder.add_word(word, phones, position == len(composed) - 1)
    if composed:
        log.debug("added %d composed pronunciations", len(composed))


def _transitions(sentences: frozenset[str]) -> tuple[int, int, list[tuple]]:
    graph = grammars.graph_of(sentences)
    fan_out = Counter(source for source, _, _ in graph.arcs)
    arcs = [(source, target, 1.0 / fan_out[source]) + ((word,) if word else ())
            for source, target, word in graph.arcs]
    return graph.start, graph.final, arcs


def confidence_from_gap(gap_per_frame: float) -> float:
    """Logistic map of the grammar-versus-phone-loop gap to 0..1."""
    return 1.0 / (1.0 + math.exp(-(gap_per_frame - REJECT_GAP) / GAP_SCALE))


class PhoneLoop:
    """The phone-loop pass, in a worker process when ``parallel`` (see speech/phone_loop.py), else here.

    If the worker cannot start, or dies, the pass runs in this process from then on: slower, same result."""

    def __init__(self, sample_rate: int, parallel: bool = True):
        self.sample_rate = sample_rate
        self._local = None
        self._worker: subprocess.Popen | None = None
        self._pending: bytes | None = None
        if parallel:
            self._start_worker()

    def _start_worker(self) -> None:
        command = [sys.executable, phone_loop.__file__, str(self.sample_rate), str(LANGUAGE_WEIGHT)]
        try:
            self._worker = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL)
        except OSError as error:
            log.warning("phone-loop worker did not start (%s): scoring in this process", error)
            return
        self._finalizer = weakref.finalize(self, _stop, self._worker)

    def submit(self, pcm: bytes) -> None:
        """Start scoring one answer (in the worker, or later in result())."""
        self._pending = pcm
        if self._worker is not None:
            try:
                self._worker.stdin.write(phone_loop.HEADER.pack(len(pcm)) + pcm)
                self._worker.stdin.flush()
            except OSError:
                self._lose_worker()

    def result(self) -> int | None:
        """The phone loop's best path score for the submitted answer, or None."""
        pcm, self._pending = self._pending, None
        if pcm is None:
            return None
        if self._worker is not None:
            try:
                return json.loads(self._worker.stdout.readline())["score"]
            except (OSError, ValueError, KeyError, TypeError):
                self._lose_worker()
        return phone_loop.loop_score(self._local_decoder(), pcm)

    def _local_decoder(self):
        if self._local is None:
            self._local = phone_loop.phone_loop_decoder(self.sample_rate, lw=LANGUAGE_WEIGHT)
        return self._local

    @property
    def worker_pid(self) -> int | None:
        """The worker process's id, or None when the pass runs in this process (for memory figures)."""
        return self._worker.pid if self._worker is not None else None

    def _lose_worker(self) -> None:
        log.warning("phone-loop worker stopped: scoring in this process from now on")
        _stop(self._worker)
        self._worker = None

    def close(self) -> None:
        if self._worker is not None:
            _stop(self._worker)
            self._worker = None


def _stop(worker: subprocess.Popen | None) -> None:
    if worker is None or worker.poll() is not None:
        return
    with contextlib.suppress(OSError):
        worker.stdin.close()
    try:
        worker.wait(timeout=2)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


class PocketSphinxRecognizer:
    """The embedded recognizer (see the module doc). Not thread-safe: one per audio stream.

    feed() only collects the utterance; finish() decodes it in one pass with ``full_utt`` so the cepstral
    mean is taken from the utterance itself. Decoding while streaming uses a running mean that starts far
    from real audio levels and takes about 8 s of speech to settle: the first answers of a session came out
    wrong ("yes it is" as "they fainted"), so the small saving in latency is not worth it.
    """

    name = "pocketsphinx"  #: the engine, as ``--engine`` names it

    def __init__(self, kind: str = "yes_no", sample_rate: int = SAMPLE_RATE,
                 phrases_for: Callable[[str], Collection[str]] = grammars.phrase_set,
                 noise_suppression: str | None = None, parallel: bool = True):
        self.sample_rate = sample_rate
        self._denoise = make_suppressor(noise_suppression if sample_rate == SAMPLE_RATE else "off")
        self._phrases_for = phrases_for
        self._phrases: dict[str, frozenset[str]] = {}
        self._decoder = _decoder(sample_rate)
        self._loop = PhoneLoop(sample_rate, parallel)
        self._kind = ""
        self._in_utterance = False
        self._audio = bytearray()
        self.set_kind(kind)

    @property
    def kind(self) -> str:
        return self._kind

    def set_kind(self, kind: str) -> None:
        if kind not in self._phrases:
            self._load(kind)
        self._kind = kind

    def _load(self, kind: str) -> None:
        try:
            phrases = grammars.normalised(self._phrases_for(kind))
        except Exception as error:  # intents raises its own errors for an unknown kind
            raise ModelError(f"no grammar for question kind {kind!r}: {error}") from error
        _add_missing_words(self._decoder, grammars.words_of(phrases))
        start, final, arcs = _transitions(phrases)
        self._decoder.add_fsg(kind, self._decoder.create_fsg(kind, start, final, arcs))
        self._phrases[kind] = phrases
        log.debug("loaded the %s grammar (%d arcs)", kind, len(arcs))

    def start(self) -> None:
        self._audio = bytearray()
        self._in_utterance = True

    def feed(self, pcm: bytes) -> str | None:
        """Collect audio; decoding waits for finish() (see the class doc), so there is no partial text."""
        if not self._in_utterance:
            self.start()
        self._audio += pcm
        return None

    @property
    def worker_pid(self) -> int | None:
        """The phone-loop worker's process id, or None when that pass runs in this process."""
        return self._loop.worker_pid

    def prepare(self, pcm: bytes) -> None:
        """Start suppressing the noise of an answer still being captured (``pcm``: all of it so far), so
        that finish() has little left to do. It may be called from the capturing thread while finish()
        runs on another; what finish() decodes is still what feed() collected."""
        self._denoise.prepare(pcm)

    def finish(self) -> Hypothesis:
        if not self._in_utterance:
            return NOTHING
        self._in_utterance = False
        pcm = bytes(self._audio[: len(self._audio) // 2 * 2])
        self._audio = bytearray()
        if not has_sound(pcm):
            return NOTHING
        pcm = self._denoise(pcm)
        self._loop.submit(pcm)  # the phone loop runs in its worker while the grammar pass runs here
        self._decoder.activate_search(self._kind)
        phone_loop.decode(self._decoder, pcm)
        frames = max(self._decoder.n_frames(), 1)
        candidates = self._complete_candidates(frames)
        loop = self._loop.result()
        if loop is None:
            return NOTHING
        if not candidates:
            log.info("%s grammar: no complete phrase in the result", self._kind)
            top = phone_loop.best_path(self._decoder)
            return Hypothesis(text=top[0] if top else "", confidence=0.0, complete=False, thresholds=THRESHOLDS)
        scale = self._speech_frames() + SILENCE_FRAMES
        (best, best_score), rest = candidates[0], candidates[1:]

        def confidence(score: int) -> float:
            return round(confidence_from_gap((score - loop) / scale), 3)

        alternatives = tuple(Alternative(text, confidence(score), (best_score - score) / frames)
                             for text, score in rest)
        log.info("%s grammar: complete phrase, confidence %.2f", self._kind, confidence(best_score))
        return Hypothesis(text=best, confidence=confidence(best_score), complete=True, alternatives=alternatives,
                          thresholds=THRESHOLDS)

    def close(self) -> None:
        """Stop the phone-loop worker and the noise suppressor's helper thread (also done when the
        recognizer is garbage-collected)."""
        self._loop.close()
        self._denoise.close()

    def _speech_frames(self) -> int:
        """Frames of the best path that are words, not silence or noise fillers."""
        return sum(segment.end_frame - segment.start_frame + 1 for segment in self._decoder.seg()
                   if not segment.word.startswith(("<", "[")))

    def _complete_candidates(self, frames: int) -> list[tuple[str, int]]:
        """Complete phrases of the n-best within ``NBEST_MARGIN`` per frame of the top path, best first.

        With ``bestpath`` off the top path comes from the search and the n-best from the lattice, whose
        scores are on another footing: n-best scores are taken relative to the first n-best entry and put
        on the top path's footing. When the top path is not a complete phrase the answer is not trusted."""
        top = phone_loop.best_path(self._decoder)
        accepted = self._phrases[self._kind]
        if top is None or top[0] not in accepted:
            return []
        found: list[tuple[str, int]] = [top]
        first = None
        for _, hyp in zip(range(_NBEST), self._decoder.nbest() or (), strict=False):  # None without a lattice
            if hyp is None or not hyp.hypstr:
                continue
            score = self._decoder.logmath.log(hyp.best_score)
            first = score if first is None else first
            if (first - score) / frames > NBEST_MARGIN:
                break
            if hyp.hypstr in accepted and hyp.hypstr not in (text for text, _ in found):
                found.append((hyp.hypstr, top[1] - (first - score)))
        return sorted(found, key=lambda pair: -pair[1])
