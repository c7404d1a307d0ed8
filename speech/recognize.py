"""From audio to what the dialogue needs (``intents.Heard``): a WAV file or PCM through a recognizer.

    heard = recognize_file("answer.wav", kind="yes_no")         # any WAV: resampled to 16 kHz mono
    heard = recognize_pcm(recognizer, pcm, kind="side")         # 16 kHz mono PCM16 bytes
    heard = heard_from(hypothesis, kind="yes_no")               # a recognizer's result -> Heard

A rejected or empty hypothesis becomes ``Heard(text, None, {}, confidence)``: not understood, never "no".
"""

from __future__ import annotations

import logging
import wave
from functools import cache
from pathlib import Path

import numpy as np

from intents import Heard, match

from .errors import AudioError
from .recognizer import SAMPLE_RATE, Hypothesis, Recognizer, make_recognizer

__all__ = ["heard_from", "recognize_pcm", "recognize_file", "read_wav", "to_mono_16k", "FRAME_BYTES"]

log = logging.getLogger(__name__)

FRAME_BYTES = 640  #: 20 ms of 16 kHz PCM16: the chunk size recognize_pcm feeds
_SAMPLE_TYPES = {1: np.uint8, 2: np.dtype("<i2"), 4: np.dtype("<i4")}


def heard_from(hyp: Hypothesis, kind: str) -> Heard:
    """What the dialogue hears: the matcher's reading of a trusted, complete phrase, else not understood.

    The confidence is the lower of the recognizer's and the matcher's."""
    if not hyp.text or not hyp.complete:
        return Heard(hyp.text, None, {}, 0.0)
    heard = match(hyp.text, kind)
    if heard.intent is None:
        return Heard(hyp.text, None, {}, 0.0)
    confidence = round(min(heard.confidence, hyp.confidence), 3)
    log.info("heard intent %s (confidence %.2f)", heard.intent, confidence)
    return Heard(heard.text, heard.intent, dict(heard.slots), confidence)


def recognize_pcm(recognizer: Recognizer, pcm: bytes, kind: str) -> Heard:
    """Run one utterance of 16 kHz mono PCM16 through ``recognizer`` under the grammar for ``kind``."""
    recognizer.set_kind(kind)
    recognizer.start()
    for offset in range(0, len(pcm), FRAME_BYTES):
        recognizer.feed(pcm[offset:offset + FRAME_BYTES])
    return heard_from(recognizer.finish(), kind)


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """Read a PCM WAV file (8, 16 or 32 bit, any rate and channels): (mono float samples, rate)."""
    path = Path(path)
    if not path.is_file():
        raise AudioError(f"no audio file at {path}")
    try:
        with wave.open(str(path), "rb") as wav:
            rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            raw = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as error:
        raise AudioError(f"{path} is not a PCM WAV file ({error})") from error
    if width not in _SAMPLE_TYPES:
        raise AudioError(f"{path}: {8 * width}-bit samples are not supported (use 8, 16 or 32-bit PCM)")
    samples = np.frombuffer(raw[: len(raw) // (width * channels) * width * channels], _SAMPLE_TYPES[width])
    if samples.size == 0:
        raise AudioError(f"{path} holds no audio")
    if width == 1:
        floats = (samples.astype(np.float64) - 128.0) / 128.0
    else:
        floats = samples.astype(np.float64) / float(2 ** (8 * width - 1))
    return floats.reshape(-1, channels).mean(axis=1), rate


def to_mono_16k(samples: np.ndarray, rate: int) -> bytes:
    """Resample mono float samples to 16 kHz (band-limited, by the FFT) and return PCM16 bytes."""
    if rate != SAMPLE_RATE:
        count = max(int(round(samples.size * SAMPLE_RATE / rate)), 1)
        spectrum = np.fft.rfft(samples)
        keep = min(spectrum.size, count // 2 + 1)
        samples = np.fft.irfft(spectrum[:keep], n=count) * (count / samples.size)
    return (np.clip(samples, -1.0, 32767 / 32768) * 32768.0).round().astype("<i2").tobytes()


def recognize_file(path: str | Path, kind: str, engine: str = "pocketsphinx",
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
