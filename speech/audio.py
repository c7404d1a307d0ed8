"""Audio in and out: WAV files, resampling, the microphone, a WAV file used as the microphone, and sinks.

Everything inside the voice loop is 16 kHz mono PCM16 (what both recognizers and the VAD take).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from speech.errors import AudioError, NoMicrophoneError

__all__ = [
    "Audio",
    "MicrophoneSource",
    "NullSink",
    "SpeakerSink",
    "WavFileSource",
    "WavSink",
    "has_microphone",
    "has_speaker",
    "read_wav",
    "resample",
    "write_wav",
]

log = logging.getLogger(__name__)

RATE = 16000


@dataclass(frozen=True)
class Audio:
    """Mono PCM16 samples and their rate."""

    samples: np.ndarray
    """int16, one channel."""
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    def pcm(self) -> bytes:
        return self.samples.astype("<i2").tobytes()

    def at_rate(self, rate: int) -> Audio:
        return self if rate == self.rate else Audio(resample(self.samples, self.rate, rate), rate)


def read_wav(path: str | Path, rate: int | None = RATE) -> Audio:
    """Read a PCM WAV file as mono 16-bit, resampled to `rate` (None keeps the file's rate)."""
    try:
        with wave.open(str(path), "rb") as wav:
            width, channels, file_rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            data = wav.readframes(wav.getnframes())
    except FileNotFoundError:
        raise AudioError(f"audio file not found: {path}") from None
    except (wave.Error, EOFError, OSError) as err:
        raise AudioError(f"cannot read {path} as a PCM WAV file ({err})") from None
    if width != 2:
        raise AudioError(f"{path}: only 16-bit PCM WAV is supported, this one has {8 * width}-bit samples")
    samples = np.frombuffer(data, dtype="<i2")
    if channels > 1:
        samples = samples[: len(samples) // channels * channels].reshape(-1, channels).mean(axis=1)
    audio = Audio(samples.astype(np.int16), file_rate)
    return audio if rate is None else audio.at_rate(rate)


def write_wav(path: str | Path, audio: Audio) -> None:
    try:
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(audio.rate)
            wav.writeframes(audio.pcm())
    except OSError as err:
        raise AudioError(f"cannot write {path}: {err.strerror or err}") from None


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample int16 mono audio: a windowed-sinc low-pass before going down, then linear interpolation.

    Good enough for speech into a 16 kHz recognizer (numpy only; no extra dependency on a Pi).
    """
    if from_rate <= 0 or to_rate <= 0:
        raise AudioError(f"bad sample rates {from_rate} -> {to_rate}")
    if from_rate == to_rate or len(samples) == 0:
        return np.asarray(samples, dtype=np.int16)
    signal = np.asarray(samples, dtype=np.float64)
    if to_rate < from_rate:
        signal = _low_pass(signal, 0.45 * to_rate / from_rate)
    count = int(round(len(signal) * to_rate / from_rate))
    positions = np.arange(count) * (from_rate / to_rate)
    out = np.interp(positions, np.arange(len(signal)), signal)
    return np.clip(np.round(out), -32768, 32767).astype(np.int16)


def _low_pass(signal: np.ndarray, cutoff: float, taps: int = 63) -> np.ndarray:
    """FIR low-pass; `cutoff` is a fraction of the input rate (0..0.5)."""
    n = np.arange(taps) - (taps - 1) / 2
    kernel = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(taps)
    return np.convolve(signal, kernel / kernel.sum(), mode="same")


class WavFileSource:
    """A recording used as the microphone: its frames, then quiet (low noise) until `tail_seconds` pass.

    Frames are only taken while the loop listens: the recording holds the user's answers in turn, so the
    time we spend speaking does not eat into it. `exhausted` turns true once the tail has been used up.
    With `realtime`, frames come at the pace a microphone gives them (for demos and the latency bench);
    `frame_time` is when the last frame was due (or taken, when not paced).
    """

    def __init__(self, path: str | Path, frame_bytes: int, tail_seconds: float = 30.0, seed: int = 0,
                 realtime: bool = False):
        self.audio = read_wav(path, RATE)
        self.frame_bytes = frame_bytes
        self.realtime = realtime
        self._pcm = self.audio.pcm()
        self._offset = 0
        self._tail_frames = int(tail_seconds * RATE * 2 / frame_bytes)
        self._rng = np.random.default_rng(seed)
        self.exhausted = False
        self.frame_time = time.perf_counter()

    def frames(self) -> Iterator[bytes]:
        """Frames from where the last listening stopped; ends when the recording and its tail are used."""
        self.frame_time = time.perf_counter()
        while self._offset < len(self._pcm):
            frame = self._pcm[self._offset : self._offset + self.frame_bytes]
            self._offset += self.frame_bytes
            self._pace()
            yield frame.ljust(self.frame_bytes, b"\0")
        while self._tail_frames > 0:
            self._tail_frames -= 1
            self._pace()
            yield self._quiet()
        self.exhausted = True

    def _pace(self) -> None:
        if not self.realtime:
            self.frame_time = time.perf_counter()
            return
        self.frame_time += self.frame_bytes / 2 / RATE
        delay = self.frame_time - time.perf_counter()
        if delay > 0:
            time.sleep(delay)

    def _quiet(self) -> bytes:
        noise = self._rng.normal(0, 3.0, self.frame_bytes // 2)
        return np.round(noise).astype("<i2").tobytes()

    def close(self) -> None:
        pass


class MicrophoneSource:
    """The default input device at 16 kHz mono, read in frames. Frames captured while we were speaking
    are thrown away (echo safety): call `mute()` before playing and `unmute()` after."""

    ECHO_HOLDOFF_S = 0.15

    def __init__(self, frame_bytes: int, device: int | str | None = None):
        try:
            sounddevice = _sounddevice()
        except AudioError as err:
            raise NoMicrophoneError(str(err)) from None
        self.frame_bytes = frame_bytes
        self.exhausted = False
        self._queue: queue.Queue[tuple[float, bytes]] = queue.Queue()
        self.frame_time = time.perf_counter()
        self._muted = threading.Event()
        self._deaf_until = 0.0
        try:
            self._stream = sounddevice.RawInputStream(
                samplerate=RATE, channels=1, dtype="int16", blocksize=frame_bytes // 2,
                device=device, callback=self._callback,
            )
            self._stream.start()
        except (sounddevice.PortAudioError, ValueError, OSError) as err:
            raise NoMicrophoneError(f"no microphone could be opened ({err})") from None

    def _callback(self, data, _frames, _time, status) -> None:
        if status:
            log.debug("microphone status: %s", status)
        now = time.perf_counter()
        if not self._muted.is_set() and now >= self._deaf_until:
            self._queue.put((now, bytes(data)))

    def mute(self) -> None:
        self._muted.set()

    def unmute(self) -> None:
        """Listen again, after ECHO_HOLDOFF_S (the room's echo of our last words dies away)."""
        while not self._queue.empty():
            self._queue.get_nowait()
        self._deaf_until = time.perf_counter() + self.ECHO_HOLDOFF_S
        self._muted.clear()

    def frames(self) -> Iterator[bytes]:
        """Frames as they are captured; `frame_time` is when the last one arrived."""
        buffer = b""
        while True:
            try:
                self.frame_time, chunk = self._queue.get(timeout=5.0)
            except queue.Empty:
                raise AudioError("the microphone stopped sending audio") from None
            buffer += chunk
            while len(buffer) >= self.frame_bytes:
                yield buffer[: self.frame_bytes]
                buffer = buffer[self.frame_bytes :]

    def close(self) -> None:
        self._stream.stop()
        self._stream.close()


def _has_device(channels_key: str) -> bool:
    """True when a device with channels of this kind exists (PortAudio missing or no device: False)."""
    try:
        import sounddevice

        devices = sounddevice.query_devices()
    except Exception as err:  # noqa: BLE001 - PortAudio missing raises OSError or its own errors
        log.info("no audio system: %s", err)
        return False
    return any(device.get(channels_key, 0) > 0 for device in devices)


def has_microphone() -> bool:
    """True when an input device exists (PortAudio missing or no device: False, never an exception)."""
    return _has_device("max_input_channels")


def has_speaker() -> bool:
    """True when an output device exists."""
    return _has_device("max_output_channels")


class NullSink:
    """Plays nothing (the text is still printed by the loop when speech fails)."""

    def play(self, audio: Audio) -> None:
        pass

    def close(self) -> None:
        pass


class SpeakerSink:
    """The default output device; play() returns when the audio has been played."""

    def play(self, audio: Audio) -> None:
        sounddevice = _sounddevice()
        try:
            sounddevice.play(audio.samples, audio.rate, blocking=True)
        except (sounddevice.PortAudioError, ValueError) as err:
            raise AudioError(f"cannot play audio ({err})") from None

    def close(self) -> None:
        pass


def _sounddevice():
    """The sounddevice module; AudioError when the PortAudio library is missing."""
    try:
        import sounddevice
    except OSError as err:
        raise AudioError(f"no audio system ({err})") from None
    return sounddevice


class WavSink:
    """Writes everything said, one after the other with a short pause, into one WAV file."""

    def __init__(self, path: str | Path, rate: int = 22050, pause_seconds: float = 0.3):
        self.path = Path(path)
        self.rate = rate
        self._pause = bytes(int(rate * pause_seconds) * 2)
        try:
            self._file = self.path.open("wb")  # noqa: SIM115 - stays open until close()
        except OSError as err:
            raise AudioError(f"cannot write {path}: {err.strerror or err}") from None
        self._wav = wave.open(self._file, "wb")  # noqa: SIM115
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(rate)
        self.seconds_written = 0.0

    def play(self, audio: Audio) -> None:
        try:
            self._wav.writeframes(audio.at_rate(self.rate).pcm() + self._pause)
        except OSError as err:
            raise AudioError(f"cannot write {self.path}: {err.strerror or err}") from None
        self.seconds_written += audio.seconds + len(self._pause) / 2 / self.rate

    def close(self) -> None:
        try:
            self._wav.close()
        except OSError as err:
            raise AudioError(f"cannot finish {self.path}: {err.strerror or err}") from None
        finally:
            with contextlib.suppress(OSError):
                self._file.close()


