"""Test-time speech: synthesise spoken answers with flite / festival / espeak-ng, add noise with numpy.

Nothing here is committed audio: every clip is rendered when a test asks for it and cached in a directory
the caller gives (use ``tmp_path_factory`` so one test session renders each clip once)::

    clips = SpeechClips(tmp_path_factory.mktemp("speech"))
    pcm = clips.pcm("yes it is", "flite:slt", snr_db=10, noise="pink")     # 16 kHz mono PCM16 bytes
    path = clips.wav("yes it is", "festival:slt_hts", snr_db=20)          # a WAV file on disk

Voices: flite slt, rms, awb and festival's cmu_us_slt_arctic_hts sound close to human speech (``VOICES``);
espeak-ng voices are robotic formant speech, a stress test only (``STRESS_VOICES``). Synthetic clips start
and end in exact digital silence, which no microphone produces and which makes recognizers worse, so every
clip gets dither (+-2 LSB) even when no noise is asked for.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np

__all__ = [
    "RATE", "VOICES", "STRESS_VOICES", "NOISES", "SynthesisUnavailable", "SpeechClips", "synthesize",
    "add_noise", "dither", "pink_noise", "read_wav", "write_wav", "to_pcm", "from_pcm", "resample",
]

RATE = 16000
VOICES = ("flite:slt", "flite:rms", "flite:awb", "festival:slt_hts")
STRESS_VOICES = ("espeak:en-us", "espeak:en")
NOISES = ("white", "pink")
SILENCE_PAD_S = 0.25
_TIMEOUT_S = 60


class SynthesisUnavailable(RuntimeError):
    """The synthesiser program for a voice is not installed (install the Makefile's TEST_DEBS)."""


def _command(text: str, voice: str, out: Path) -> list[str]:
    engine, _, name = voice.partition(":")
    if engine == "flite":
        return ["flite", "-voice", name, "-t", text, "-o", str(out)]
    if engine == "festival":
        if name != "slt_hts":
            raise ValueError(f"unknown festival voice {name!r}: only 'slt_hts' is used")
        return ["text2wave", "-eval", "(voice_cmu_us_slt_arctic_hts)", "-o", str(out)]
    if engine == "espeak":
        return ["espeak-ng", "-v", name or "en", "-w", str(out), text]
    raise ValueError(f"unknown voice {voice!r}: use flite:NAME, festival:slt_hts or espeak:NAME")


def synthesize(text: str, voice: str, out: Path) -> Path:
    """Render ``text`` with ``voice`` into the WAV file ``out`` (the synthesiser's own rate)."""
    cmd = _command(text, voice, out)
    if shutil.which(cmd[0]) is None:
        raise SynthesisUnavailable(f"{cmd[0]} is not installed: needed for test voice {voice}")
    stdin = text if cmd[0] == "text2wave" else None
    subprocess.run(cmd, input=stdin, text=True, check=True, capture_output=True, timeout=_TIMEOUT_S)
    return out


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """Read a PCM16 WAV file: (mono float samples in -1..1, sample rate)."""
    with wave.open(str(path), "rb") as wav:
        rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
        raw = wav.readframes(wav.getnframes())
    if width != 2:
        raise ValueError(f"{path}: expected 16-bit samples, got {8 * width}-bit")
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0
    return samples.reshape(-1, channels).mean(axis=1), rate


def write_wav(path: str | Path, samples: np.ndarray, rate: int = RATE) -> Path:
    """Write mono float samples (-1..1) as a PCM16 WAV file."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(to_pcm(samples))
    return Path(path)


def to_pcm(samples: np.ndarray) -> bytes:
    """Float samples (-1..1) to little-endian PCM16 bytes, clipped."""
    return (np.clip(samples, -1.0, 32767 / 32768) * 32768.0).round().astype("<i2").tobytes()


def from_pcm(pcm: bytes) -> np.ndarray:
    """Little-endian PCM16 bytes to float samples (-1..1)."""
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0


def resample(samples: np.ndarray, rate: int, new_rate: int = RATE) -> np.ndarray:
    """Band-limited resampling by the FFT (fine for clips of a few seconds)."""
    if rate == new_rate or samples.size == 0:
        return samples
    count = int(round(samples.size * new_rate / rate))
    spectrum = np.fft.rfft(samples)
    keep = min(spectrum.size, count // 2 + 1)
    return np.fft.irfft(spectrum[:keep], n=count) * (count / samples.size)


def pink_noise(count: int, rng: np.random.Generator) -> np.ndarray:
    """Pink (1/f power) noise with unit RMS, shaped in the frequency domain."""
    spectrum = np.fft.rfft(rng.standard_normal(count))
    freqs = np.arange(spectrum.size, dtype=np.float64)
    freqs[0] = 1.0
    noise = np.fft.irfft(spectrum / np.sqrt(freqs), n=count)
    return noise / (np.sqrt(np.mean(noise**2)) or 1.0)


def _speech_rms(samples: np.ndarray) -> float:
    """RMS of the speech part only (frames above -40 dB of the loudest), so pauses do not lower the SNR."""
    frames = samples[: samples.size // 160 * 160].reshape(-1, 160)
    energy = np.mean(frames**2, axis=1)
    if energy.size == 0 or energy.max() == 0:
        return 0.0
    return float(np.sqrt(energy[energy > energy.max() * 1e-4].mean()))


def add_noise(samples: np.ndarray, snr_db: float, noise: str = "white", seed: int = 0) -> np.ndarray:
    """Mix white or pink noise at ``snr_db`` below the speech level (measured on the speech frames)."""
    rng = np.random.default_rng(seed)
    if noise == "white":
        shaped = rng.standard_normal(samples.size)
    elif noise == "pink":
        shaped = pink_noise(samples.size, rng)
    else:
        raise ValueError(f"unknown noise {noise!r}: use one of {NOISES}")
    level = _speech_rms(samples) / (10 ** (snr_db / 20))
    return samples + shaped * level


def dither(samples: np.ndarray, seed: int = 0) -> np.ndarray:
    """Add +-2 LSB of noise so no stretch is exact digital silence."""
    rng = np.random.default_rng(seed)
    return samples + rng.uniform(-2.0, 2.0, samples.size) / 32768.0


class SpeechClips:
    """Synthesised clips cached on disk (clean, at 16 kHz, padded with a little silence)."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def _key(self, *parts: object) -> str:
        return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]

    def clean(self, text: str, voice: str) -> np.ndarray:
        """The clip at 16 kHz, no noise yet (rendered once per directory)."""
        cached = self.directory / f"clean-{self._key(text, voice)}.npy"
        if cached.exists():
            return np.load(cached)
        raw = synthesize(text, voice, self.directory / f"raw-{self._key(text, voice)}.wav")
        samples, rate = read_wav(raw)
        pad = np.zeros(int(SILENCE_PAD_S * RATE))
        samples = np.concatenate([pad, resample(samples, rate), pad])
        np.save(cached, samples)
        return samples

    def samples(self, text: str, voice: str, snr_db: float | None = None, noise: str = "white",
                seed: int = 0) -> np.ndarray:
        """The clip with dither, and noise at ``snr_db`` unless it is None (clean)."""
        samples = dither(self.clean(text, voice), seed)
        if snr_db is not None:
            samples = add_noise(samples, snr_db, noise, seed)
        return samples

    def pcm(self, text: str, voice: str, snr_db: float | None = None, noise: str = "white",
            seed: int = 0) -> bytes:
        """The clip as 16 kHz mono PCM16 bytes (what a recognizer's feed() takes)."""
        return to_pcm(self.samples(text, voice, snr_db, noise, seed))

    def wav(self, text: str, voice: str, snr_db: float | None = None, noise: str = "white",
            seed: int = 0, rate: int = RATE) -> Path:
        """The clip as a WAV file (at ``rate``), for recognize_file and --input-wav."""
        path = self.directory / f"clip-{self._key(text, voice, snr_db, noise, seed, rate)}.wav"
        if not path.exists():
            write_wav(path, resample(self.samples(text, voice, snr_db, noise, seed), RATE, rate), rate)
        return path
