"""Endpointing: find where an answer starts and ends in a stream of 16 kHz mono PCM16 frames.

The voice decision per frame comes from WebRTC's VAD (`webrtcvad-wheels`, a small, well-kept C library)
or, for comparison in bench/endpoint.py, from an energy detector with an adaptive noise floor. Around it
sits a small state machine:

- waiting: no speech yet. Speech starts when most frames of a short window are voiced. If nothing starts
  within the no-speech timeout, the result is TIMEOUT (the dialogue then asks again).
- speech: the answer is going on. It ends after `trailing_silence_ms` with (almost) no voiced frame, or
  when it has lasted `max_utterance_ms`.

Frames are fed one at a time; the caller keeps the audio (the endpointer keeps only a short pre-roll so
the first syllable is not lost).
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

import numpy as np
import webrtcvad

from speech.errors import AudioError

__all__ = [
    "EndpointConfig",
    "EndpointState",
    "Endpointer",
    "Segment",
    "frames_of",
    "segments",
]

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
DETECTORS = ("hybrid", "webrtc", "energy")
BYTES_PER_SAMPLE = 2


@dataclass(frozen=True)
class EndpointConfig:
    """Settings of the endpointer (times in milliseconds)."""

    sample_rate: int = SAMPLE_RATE
    """Rate of the PCM16 mono frames fed in."""
    frame_ms: int = 30
    """Length of one frame: 10, 20 or 30 ms (what WebRTC's VAD accepts)."""
    detector: str = "hybrid"
    """"hybrid" (WebRTC VAD and an energy gate), "webrtc" or "energy" (chosen in bench/endpoint.py)."""
    aggressiveness: int = 3
    """WebRTC VAD mode 0..3; 3 rejects noise the most (chosen in bench/endpoint.py)."""
    trailing_silence_ms: int = 600
    """Silence after speech that ends the answer."""
    no_speech_timeout_ms: int = 7000
    """How long to wait for speech to start before giving up (the dialogue reprompts)."""
    onset_ms: int = 120
    """Speech starts when this much of the onset window is voiced (120 ms: short words such as "left"
    still start an answer; 90 ms let noise start false answers at 10 dB, see bench/voice_latency.py)."""
    onset_window_ms: int = 240
    max_utterance_ms: int = 12000
    """An answer never lasts longer than this (a stuck VAD in constant noise cannot hang the loop)."""
    pre_roll_ms: int = 500
    """Audio kept from before the detected start and handed to the recognizer with the answer (500 ms:
    PocketSphinx accepted more answers with this lead-in than with 300 or 400 ms)."""

    def __post_init__(self) -> None:
        if self.frame_ms not in (10, 20, 30):
            raise ValueError(f"frame_ms must be 10, 20 or 30, not {self.frame_ms}")
        if self.sample_rate not in (8000, 16000, 32000, 48000):
            raise ValueError(f"sample_rate must be 8000, 16000, 32000 or 48000, not {self.sample_rate}")
        if self.detector not in DETECTORS:
            raise ValueError(f"detector must be one of {DETECTORS}, not {self.detector!r}")
        if not 0 <= self.aggressiveness <= 3:
            raise ValueError(f"aggressiveness must be 0..3, not {self.aggressiveness}")
        if self.trailing_silence_ms < self.frame_ms or self.no_speech_timeout_ms < self.frame_ms:
            raise ValueError("trailing_silence_ms and no_speech_timeout_ms must be at least one frame")

    @property
    def frame_bytes(self) -> int:
        return self.sample_rate * self.frame_ms // 1000 * BYTES_PER_SAMPLE

    def frames(self, ms: int) -> int:
        """How many frames cover `ms` milliseconds (at least one)."""
        return max(1, math.ceil(ms / self.frame_ms))


class EndpointState(Enum):
    WAITING = "waiting"
    """No speech yet."""
    SPEECH = "speech"
    """Inside an answer."""
    END = "end"
    """The answer ended (trailing silence or maximum length)."""
    TIMEOUT = "timeout"
    """No speech started before the no-speech timeout."""


@dataclass(frozen=True)
class Segment:
    """One answer found in a recording (seconds from its start)."""

    start: float
    end: float


class _EnergyDetector:
    """Voiced when a frame is `margin_db` above the noise floor: the 10th percentile of the frame levels of
    the last few seconds (minimum statistics), so it follows steady background noise."""

    def __init__(self, frame_ms: int, margin_db: float = 7.0, history_s: float = 5.0) -> None:
        self.margin_db = margin_db
        self._levels: deque[float] = deque(maxlen=max(10, int(history_s * 1000 / frame_ms)))

    def is_speech(self, frame: bytes, _rate: int) -> bool:
        samples = np.frombuffer(frame, dtype="<i2").astype(np.float64)
        level = 10 * math.log10(float(np.mean(samples * samples)) + 1.0)
        self._levels.append(level)
        floor = float(np.percentile(self._levels, 10)) if len(self._levels) >= 5 else min(self._levels)
        return level > floor + self.margin_db and level > 30.0


class _HybridDetector:
    """WebRTC's VAD and the energy detector must both say voiced. WebRTC alone calls every frame voiced in
    steady noise at 10 dB SNR (measured in bench/endpoint.py); the energy gate fixes that, and WebRTC
    rejects loud non-speech sounds the energy gate lets through."""

    def __init__(self, aggressiveness: int, frame_ms: int) -> None:
        self._vad = webrtcvad.Vad(aggressiveness)
        self._energy = _EnergyDetector(frame_ms)

        self.loud = False
        """Whether the last frame passed the energy gate (the onset also counts loud frames next to
        voiced ones: WebRTC often marks only the middle of a short word such as "left")."""

    def is_speech(self, frame: bytes, rate: int) -> bool:
        self.loud = self._energy.is_speech(frame, rate)
        return self._vad.is_speech(frame, rate) and self.loud


class Endpointer:
    """Feed frames with push(); read the state it returns. Call reset() before each answer."""

    def __init__(self, config: EndpointConfig | None = None) -> None:
        self.config = config or EndpointConfig()
        self._vad = self._make_detector()
        self.reset()

    def _make_detector(self):
        cfg = self.config
        if cfg.detector == "energy":
            return _EnergyDetector(cfg.frame_ms)
        if cfg.detector == "hybrid":
            return _HybridDetector(cfg.aggressiveness, cfg.frame_ms)
        return webrtcvad.Vad(cfg.aggressiveness)

    def reset(self) -> None:
        cfg = self.config
        self.state = EndpointState.WAITING
        self._window: deque[bool] = deque(maxlen=cfg.frames(cfg.onset_window_ms))
        self._loud: deque[bool] = deque(maxlen=cfg.frames(cfg.onset_window_ms))
        self._tail: deque[bool] = deque(maxlen=cfg.frames(cfg.trailing_silence_ms))
        self._pre_roll: deque[bytes] = deque(maxlen=cfg.frames(cfg.pre_roll_ms))
        self.frames_seen = 0
        self.speech_frames = 0
        self.start_frame: int | None = None
        self.last_voiced_frame: int | None = None
        self.pending: list[bytes] = []
        """Frames to hand to the recognizer now (the pre-roll when speech starts, then each frame)."""

    def push(self, frame: bytes) -> EndpointState:
        """Take one frame of exactly `config.frame_bytes` bytes; return the new state."""
        if len(frame) != self.config.frame_bytes:
            raise AudioError(f"endpointer frames must be {self.config.frame_bytes} bytes, got {len(frame)}")
        self.pending = []
        if self.state in (EndpointState.END, EndpointState.TIMEOUT):
            return self.state
        voiced = self._vad.is_speech(frame, self.config.sample_rate)
        self.frames_seen += 1
        if voiced:
            self.last_voiced_frame = self.frames_seen
        if self.state is EndpointState.WAITING:
            self._while_waiting(frame, voiced)
        else:
            self._while_speaking(frame, voiced)
        return self.state

    def _while_waiting(self, frame: bytes, voiced: bool) -> None:
        cfg = self.config
        self._window.append(voiced)
        self._loud.append(getattr(self._vad, "loud", voiced))
        self._pre_roll.append(frame)
        if self._onset():
            self.state = EndpointState.SPEECH
            self.start_frame = self.frames_seen - len(self._pre_roll) + 1
            self.pending = list(self._pre_roll)
            self.speech_frames = len(self._pre_roll)
            log.debug("speech started at frame %d", self.start_frame)
        elif self.frames_seen >= cfg.frames(cfg.no_speech_timeout_ms):
            self.state = EndpointState.TIMEOUT
            log.debug("no speech within %d ms", cfg.no_speech_timeout_ms)

    def _onset(self) -> bool:
        """Enough voiced frames in the window; or, with the hybrid detector, enough loud frames of which
        at least two are voiced."""
        needed = self.config.frames(self.config.onset_ms)
        voiced = sum(self._window)
        return voiced >= needed or (voiced >= 2 and sum(self._loud) >= needed)

    def _while_speaking(self, frame: bytes, voiced: bool) -> None:
        cfg = self.config
        self.pending = [frame]
        self.speech_frames += 1
        self._tail.append(voiced)
        tail_full = len(self._tail) == self._tail.maxlen
        if tail_full and sum(self._tail) <= 1:
            self.state = EndpointState.END
        elif self.speech_frames >= cfg.frames(cfg.max_utterance_ms):
            self.state = EndpointState.END
            log.info("answer cut at the maximum length of %d ms", cfg.max_utterance_ms)

    @property
    def speech_end_frame(self) -> int | None:
        """The last voiced frame of the answer (1-based), once it has ended."""
        if self.state is not EndpointState.END:
            return None
        return self.last_voiced_frame


def frames_of(pcm: bytes, frame_bytes: int) -> Iterator[bytes]:
    """Split PCM into whole frames (a short last piece is padded with zeros)."""
    for offset in range(0, len(pcm), frame_bytes):
        frame = pcm[offset : offset + frame_bytes]
        if len(frame) < frame_bytes:
            frame = frame + bytes(frame_bytes - len(frame))
        yield frame


def segments(pcm: bytes, config: EndpointConfig | None = None) -> list[Segment]:
    """Every answer in a recording, as the voice loop would cut it (used by bench and tests)."""
    endpointer = Endpointer(config)
    cfg = endpointer.config
    seconds_per_frame = cfg.frame_ms / 1000
    found: list[Segment] = []
    base = 0
    for index, frame in enumerate(frames_of(pcm, cfg.frame_bytes)):
        state = endpointer.push(frame)
        if state is EndpointState.END:
            start = base + (endpointer.start_frame or 1) - 1
            end = base + (endpointer.speech_end_frame or endpointer.frames_seen)
            found.append(Segment(start * seconds_per_frame, end * seconds_per_frame))
        if state in (EndpointState.END, EndpointState.TIMEOUT):
            base = index + 1
            endpointer.reset()
    return found
