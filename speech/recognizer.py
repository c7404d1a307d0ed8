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
"""

from __future__ import annotations

import logging

from .errors import ModelError, SpeechError
from .hypothesis import NOTHING, SAMPLE_RATE, Alternative, Hypothesis, Recognizer, Thresholds
from .models import default_models_dir, find_vosk_model

__all__ = ["Hypothesis", "Alternative", "Thresholds", "Recognizer", "make_recognizer", "ENGINES", "SAMPLE_RATE",
           "NOTHING"]

log = logging.getLogger(__name__)

ENGINES = ("pocketsphinx", "moonshine", "both", "vosk")


def make_recognizer(engine: str = "pocketsphinx", vosk_model: str | None = None,
                    kind: str = "yes_no", noise_suppression: str | None = None) -> Recognizer:
    """Build a recognizer: PocketSphinx (embedded, the default), Moonshine (grammar-phrase scoring with the
    Moonshine base model: speech/moonshine_engine.py), both of them on each answer (speech/combined.py), or
    Vosk (``vosk_model``, a model dir; by default the first model installed under models/, see ``legcheck
    models``). ``noise_suppression`` is one of ``speech.denoise.SUPPRESSORS`` for PocketSphinx (None: its
    default); the others have none.

    Raises ModelError when the model is missing or lacks grammar words, SpeechError for an unknown engine.
    """
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

        return CombinedRecognizer(PocketSphinxRecognizer(kind=kind, noise_suppression=noise_suppression),
                                  MoonshineRecognizer(kind=kind))
    if engine == "vosk":
        from .vosk_engine import VoskRecognizer  # an optional engine, with its own library and model

        return VoskRecognizer(model_path=vosk_model or str(_installed_vosk_model()), kind=kind)
    raise SpeechError(f"unknown speech engine {engine!r}: choose one of {', '.join(ENGINES)}")


def _installed_vosk_model():
    model = find_vosk_model()
    if model is None:
        raise ModelError(f"no Vosk model found in {default_models_dir()}: install one with "
                         "`legcheck models install small-en-us` or pass --vosk-model DIR")
    return model
