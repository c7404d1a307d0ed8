"""legcheck speech: bytes to text and text to audio. Recognizers (by default PocketSphinx and Moonshine together
where Moonshine can run, else PocketSphinx; Vosk with a model), the endpointer, audio I/O, text to speech,
noise suppression and the model manager.

    from speech import make_recognizer, decode_pcm
    hypothesis = decode_pcm(make_recognizer("pocketsphinx"), pcm16, kind="yes_no")   # speech.Hypothesis

It imports nothing of ours but the grammar export of intents (intents.grammars); what a hypothesis means
for the dialogue is skill/hearing.py's. Engines are imported only when used, so ``import speech`` stays light.
"""

from .errors import AudioError, ModelError, NoMicrophoneError, SpeechError, SynthesisError
from .recognize import decode_pcm
from .recognizer import ENGINES, SAMPLE_RATE, Hypothesis, Recognizer, choose_engine, make_recognizer

__all__ = [
    "ENGINES", "SAMPLE_RATE", "AudioError", "Hypothesis", "ModelError", "NoMicrophoneError", "Recognizer",
    "SpeechError", "SynthesisError", "choose_engine", "decode_pcm", "make_recognizer",
]
