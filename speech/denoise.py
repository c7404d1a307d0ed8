"""Noise suppression in front of PocketSphinx: DeepFilterNet 3 by default (speech/deepfilter.py), or
WebRTC's noise suppressor (PyPI ``webrtc-noise-gain``) where DeepFilterNet has no wheel or is too slow.

``make_suppressor(name)`` gives one of ``SUPPRESSORS``. The rest of this doc is about WebRTC's.

PocketSphinx's acoustic model was trained on clean speech and its own ``remove_noise`` does little against
steady noise: with the per-question grammars, 52% of answers were right at pink noise 10 dB SNR and 33% at
white noise 10 dB. WebRTC's suppressor (the one in browsers' audio processing; the PyPI wrapper is the one
Home Assistant's voice pipeline uses, with wheels for x86-64 and the Raspberry Pi) brought that to 84% and
54% at its strongest level, and clean speech stayed as good (98%); ``noisereduce`` (spectral gating) made
things worse (49% and 32%). bench/voice.py measures the product path with it on.

The suppressor learns the noise from the audio it sees. An answer from the endpointer comes with noise
alone around the words (half a second of pre-roll, and the trailing silence), so before processing an
answer it first hears the answer's quietest ``LEAD_MS`` a few times over: the noise estimate is settled when
the words begin, and each answer is processed on its own (the same audio always gives the same result). The
quietest stretch, not simply the opening: a recording cut tight around the words (the human digits in
bench/voice.py) has speech from its first frame.
"""

from __future__ import annotations

import logging

from .errors import ModelError

__all__ = ["NoiseSuppressor", "LEVEL", "LEAD_MS", "has_sound", "make_suppressor", "SUPPRESSORS", "DEFAULT"]

log = logging.getLogger(__name__)

LEVEL = 3  #: WebRTC's noise suppression level, 0 (off) to 3 (strongest); 3 measured best (see bench/voice.py)
LEAD_MS = 100  #: how much of the answer's opening (noise only) teaches the suppressor the noise
_WARM_UP = 10  #: how many times the opening is heard first (10 x 100 ms: about a second of noise)
_FRAME = 320  #: bytes in 10 ms of 16 kHz mono PCM16, the unit WebRTC's processor takes


SUPPRESSORS = ("deepfilter", "webrtc", "off")
DEFAULT = "deepfilter"


def make_suppressor(name: str | None = None):
    """A callable taking one answer's 16 kHz PCM16 and giving it back with less noise, as long.

    ``None`` is the default (``DEFAULT``), which falls back to WebRTC's suppressor, with a warning, where
    DeepFilterNet is not installed (it has no wheel for 32-bit ARM); asking for "deepfilter" by name fails
    with a clear message instead."""
    if name is not None and name not in SUPPRESSORS:
        raise ValueError(f"unknown noise suppression {name!r}: use one of {', '.join(SUPPRESSORS)}")
    if (name or DEFAULT) == "deepfilter":
        from . import deepfilter

        if name is None and not deepfilter.available():
            log.warning("DeepFilterNet is not installed: suppressing noise with WebRTC's suppressor instead")
            return NoiseSuppressor(LEVEL)
        return deepfilter.DeepFilter()
    return NoiseSuppressor(LEVEL if name == "webrtc" else 0)


class NoiseSuppressor:
    """Suppress steady noise in one answer's 16 kHz mono PCM16 audio (see the module doc)."""

    def __init__(self, level: int = LEVEL):
        if not 0 <= level <= 3:
            raise ValueError(f"noise suppression level must be 0 to 3, got {level}")
        self.level = level
        if level:
            _processor(level)  # fail now, not at the first answer, if the library is missing

    def __call__(self, pcm: bytes) -> bytes:
        """The answer with its noise suppressed (as long as the input; unchanged when the level is 0)."""
        if not self.level or len(pcm) < _FRAME:
            return pcm
        processor = _processor(self.level)
        lead = _quietest(pcm)
        for _ in range(_WARM_UP):
            _run(processor, lead)
        padded = pcm + b"\0" * (-len(pcm) % _FRAME)
        return _run(processor, padded)[: len(pcm)]

    def prepare(self, pcm: bytes) -> None:
        """Nothing to do ahead: the noise is learnt from the whole answer (see the module doc)."""

    def close(self) -> None:
        """Nothing to release (the same calls as speech.deepfilter.DeepFilter)."""


def _quietest(pcm: bytes) -> bytes:
    """The quietest ``LEAD_MS`` of the answer, in whole 10 ms frames."""
    import numpy as np

    energy = _frame_energy(pcm)
    span = min(LEAD_MS // 10, energy.size)
    window = np.convolve(energy, np.ones(span), mode="valid")
    start = int(np.argmin(window))
    return pcm[start * _FRAME: (start + span) * _FRAME]


def _frame_energy(pcm: bytes):
    """Mean square of each whole 10 ms frame (a numpy array)."""
    import numpy as np

    frames = len(pcm) // _FRAME
    samples = np.frombuffer(pcm[: frames * _FRAME], dtype="<i2").astype(np.float64)
    return np.mean(samples.reshape(frames, _FRAME // 2) ** 2, axis=1)


def _processor(level: int):
    try:
        from webrtc_noise_gain import AudioProcessor
    except ImportError as error:
        raise ModelError("the noise suppressor is missing: install the webrtc-noise-gain package "
                         "(pip install webrtc-noise-gain), or turn noise suppression off") from error
    return AudioProcessor(0, level)  # no automatic gain: PocketSphinx normalises levels itself


def _run(processor, pcm: bytes) -> bytes:
    return b"".join(processor.Process10ms(pcm[start:start + _FRAME]).audio for start in range(0, len(pcm), _FRAME))


SPEECH_CONTRAST_DB = 6.0  #: how far above the answer's quietest tenth a 10 ms frame must be to count as sound
MIN_SOUND_MS = 50  #: how much such sound an answer needs before it is decoded at all


def has_sound(pcm: bytes) -> bool:
    """Whether anything stands out of the answer's own background (``MIN_SOUND_MS`` of frames at least
    ``SPEECH_CONTRAST_DB`` above its quietest tenth).

    A grammar forces any audio onto some phrase: steady noise alone, once suppressed, came out as "no"
    (confidence 0.92) or "cancel". Audio from the endpointer always has sound in it; a file or a stream
    cut some other way may not, and then nothing is decoded."""
    import numpy as np

    if len(pcm) < _FRAME:
        return False
    level = 10 * np.log10(_frame_energy(pcm) + 1.0)
    loud = np.count_nonzero(level > np.percentile(level, 10) + SPEECH_CONTRAST_DB)
    return loud * 10 >= MIN_SOUND_MS
