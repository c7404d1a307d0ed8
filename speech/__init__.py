"""legcheck speech: recognizers (PocketSphinx by default, Vosk with a model), and from audio to intents.

    from speech import make_recognizer, recognize_file
    heard = recognize_file("answer.wav", kind="yes_no")      # intents.Heard

Engines are imported only when used, so ``import speech`` stays light.
"""

from .errors import AudioError, ModelError, NoMicrophoneError, SpeechError, SynthesisError
from .recognize import heard_from, recognize_file, recognize_pcm
from .recognizer import ENGINES, SAMPLE_RATE, Hypothesis, Recognizer, make_recognizer

__all__ = [
    "ENGINES", "SAMPLE_RATE", "AudioError", "Hypothesis", "ModelError", "NoMicrophoneError", "Recognizer",
    "SpeechError", "SynthesisError", "heard_from", "make_recognizer", "recognize_file", "recognize_pcm",
]
