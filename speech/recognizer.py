"""One small interface for every speech recognizer, and the dispatcher that picks an engine.

Usage::

    recognizer = make_recognizer("pocketsphinx", kind="yes_no")   # or make_recognizer("vosk", "models/x")
    recognizer.start()
    for frame in frames:                 # 16 kHz mono PCM16 bytes, any length
        partial = recognizer.feed(frame)     # text so far, or None
    hypothesis = recognizer.finish()     # Hypothesis(text, confidence, complete)
    recognizer.set_kind("side")          # the next question's grammar (cached: cheap to switch)

An engine reports what it heard and how sure it is; it does not decide. ``Hypothesis.text`` is the best
complete phrase of the grammar (or, with ``complete`` False, the best path as decoded; "" when nothing was
heard), with its confidence, the other complete phrases close behind it (``alternatives``, where the engine
has an n-best) and the engine's ``Thresholds`` (measured for its own scores). One recognition policy for every
engine (skill.hearing.decide) then accepts, rejects or asks to confirm: an Emergency phrase close behind
wins, a No needs more confidence, and a red flag in a rejected answer is confirmed in one line. A rejected
answer is "not understood" (it is asked again), never "no".

The default engine, "auto" (``choose_engine``), is both PocketSphinx and Moonshine where Moonshine can run,
and PocketSphinx alone, saying why, where it cannot: no model, no ONNX Runtime, a 32-bit system, too little
free memory, or a model that fails to load (bench/RESULTS.md, "Voice engines", has why the pair is the
default: on real people's answers 95% against 64%, at a cost in time and memory).
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from collections.abc import Callable

from .errors import ModelError, SpeechError
from .hypothesis import NOTHING, SAMPLE_RATE, Alternative, Hypothesis, Recognizer, Thresholds
from .models import default_models_dir, find_vosk_model

__all__ = ["Hypothesis", "Alternative", "Thresholds", "Recognizer", "make_recognizer", "choose_engine", "ENGINES",
           "SAMPLE_RATE", "NOTHING"]

log = logging.getLogger(__name__)

ENGINES = ("auto", "pocketsphinx", "moonshine", "both", "vosk")
MOONSHINE_MEMORY_MB = 800
"""Free memory (MemAvailable) "auto" asks for before loading Moonshine beside PocketSphinx: the voice
process then peaks near 580 MB here (bench/RESULTS.md), and the rest of the machine keeps some room."""


def choose_engine(models_dir=None) -> tuple[str, str]:
    """What "auto" means on this machine: ("both", "") or ("pocketsphinx", why Moonshine cannot run here)."""
    from .moonshine_model import find_moonshine  # only looks for files: nothing heavy is imported

    if sys.maxsize <= 2**32:
        return "pocketsphinx", "a 32-bit system cannot run the Moonshine model"
    if importlib.util.find_spec("onnxruntime") is None:
        return "pocketsphinx", "ONNX Runtime, which runs the Moonshine model, is not installed (run `make run` again)"
    if find_moonshine(models_dir) is None:
        return "pocketsphinx", "no Moonshine model here (`legcheck models install moonshine-base` adds it)"
    free = _available_mb()
    if free is not None and free < MOONSHINE_MEMORY_MB:
        return "pocketsphinx", (f"only {free} MB of memory is free; the Moonshine model needs about "
                                f"{MOONSHINE_MEMORY_MB} MB")
    return "both", ""


def _available_mb() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def make_recognizer(engine: str = "auto", vosk_model: str | None = None,
                    kind: str = "yes_no", noise_suppression: str | None = None,
                    on_fallback: Callable[[str], None] | None = None) -> Recognizer:
    """Build a recognizer: "auto" (the default: see ``choose_engine``), PocketSphinx (embedded), Moonshine
    (grammar-phrase scoring with the Moonshine base model: speech/moonshine_engine.py), both of them on each
    answer (speech/combined.py), or Vosk (``vosk_model``, a model dir; by default the first model installed
    under models/, see ``legcheck models``). ``noise_suppression`` is one of ``speech.denoise.SUPPRESSORS``
    for PocketSphinx (None: its default); the others have none. When "auto" ends with PocketSphinx alone,
    ``on_fallback`` is told why (by default it is logged as a warning).

    Raises ModelError when the model is missing or lacks grammar words, SpeechError for an unknown engine.
    """
    if engine == "auto":
        return _automatic(kind, noise_suppression, on_fallback or log.warning)
    if engine == "pocketsphinx":
        from .pocketsphinx_engine import PocketSphinxRecognizer  # loads PocketSphinx and its model: only when used

        return PocketSphinxRecognizer(kind=kind, noise_suppression=noise_suppression)
    if engine == "moonshine":
        from .moonshine_engine import MoonshineRecognizer  # onnxruntime and the model: only when used

        return MoonshineRecognizer(kind=kind)
    if engine == "both":
        from .combined import CombinedRecognizer
        from .moonshine_engine import MoonshineRecognizer
        from .pocketsphinx_engine import PocketSphinxRecognizer

        primary = MoonshineRecognizer(kind=kind)  # first: if its model fails, no PocketSphinx worker was started
        return CombinedRecognizer(PocketSphinxRecognizer(kind=kind, noise_suppression=noise_suppression), primary)
    if engine == "vosk":
        from .vosk_engine import VoskRecognizer  # an optional engine, with its own library and model

        return VoskRecognizer(model_path=vosk_model or str(_installed_vosk_model()), kind=kind)
    raise SpeechError(f"unknown speech engine {engine!r}: choose one of {', '.join(ENGINES)}")


def _automatic(kind: str, noise_suppression: str | None, on_fallback: Callable[[str], None]) -> Recognizer:
    engine, why = choose_engine()
    if engine == "both":
        try:
            return make_recognizer("both", kind=kind, noise_suppression=noise_suppression)
        except ModelError as error:  # a corrupt or unreadable model: the conversation still goes on
            why = f"the Moonshine model could not be used ({error})"
    on_fallback(f"hearing with PocketSphinx alone: {why}")
    return make_recognizer("pocketsphinx", kind=kind, noise_suppression=noise_suppression)


def _installed_vosk_model():
    model = find_vosk_model()
    if model is None:
        raise ModelError(f"no Vosk model found in {default_models_dir()}: install one with "
                         "`legcheck models install small-en-us` or pass --vosk-model DIR")
    return model
