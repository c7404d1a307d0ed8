"""From audio to a recognizer's hypothesis: WAV files, resampling, and feeding PCM to a recognizer.

    samples, rate = read_wav("answer.wav")                      # any PCM WAV: mono float samples
    pcm = to_mono_16k(samples, rate)                            # 16 kHz mono PCM16 bytes
    hypothesis = decode_pcm(recognizer, pcm, kind="side")       # speech.Hypothesis

What a hypothesis means for the dialogue (an intents.Heard) is decided above this package, in
skill/hearing.py: speech/ turns bytes into text and text into audio, nothing more.
"""

from __future__ import annotations

import logging
import wave
from pathlib import Path

import numpy as np

from .errors import AudioError
from .hypothesis import SAMPLE_RATE, Hypothesis, Recognizer

__all__ = ["decode_pcm", "read_wav", "to_mono_16k", "FRAME_BYTES"]

log = logging.getLogger(__name__)

FRAME_BYTES = 640  #: 20 ms of 16 kHz PCM16: the chunk size recognize_pcm feeds
_SAMPLE_TYPES = {1: np.uint8, 2: np.dtype("<i2"), 4: np.dtype("<i4")}


def decode_pcm(recognizer: Recognizer, pcm: bytes, kind: str) -> Hypothesis:
    """Run one utterance of 16 kHz mono PCM16 through ``recognizer`` under the grammar for ``kind``."""
    recognizer.set_kind(kind)
    recognizer.start()
    for offset in range(0, len(pcm), FRAME_BYTES):
        recognizer.feed(pcm[offset:offset + FRAME_BYTES])
    return recognizer.finish()


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
