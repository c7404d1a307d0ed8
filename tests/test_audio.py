"""Audio I/O: WAV reading and its errors, resampling, the WAV microphone and the WAV sink."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from speech.audio import Audio, WavFileSource, WavSink, read_wav, resample, write_wav
from speech.errors import AudioError


def _tone(freq, rate, seconds=1.0, amplitude=8000):
    t = np.arange(int(rate * seconds)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def _peak_hz(samples, rate):
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return np.argmax(spectrum) * rate / len(samples)


@pytest.mark.parametrize(("from_rate", "to_rate"), [(8000, 16000), (22050, 16000), (48000, 16000)])
def test_resampling_keeps_pitch_and_length(from_rate, to_rate):
    out = resample(_tone(440, from_rate), from_rate, to_rate)
    assert abs(len(out) - to_rate) <= 1
    assert abs(_peak_hz(out, to_rate) - 440) < 3


def test_resampling_down_removes_what_the_new_rate_cannot_hold():
    out = resample(_tone(10000, 48000), 48000, 16000)  # 10 kHz is above the new 8 kHz limit
    assert np.sqrt(np.mean(out.astype(np.float64) ** 2)) < 0.05 * 8000 / np.sqrt(2)


def test_read_wav_makes_stereo_mono_and_resamples(tmp_path):
    path = tmp_path / "stereo.wav"
    tone = _tone(300, 8000)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(np.stack([tone, tone], axis=1).astype("<i2").tobytes())
    audio = read_wav(path)
    assert audio.rate == 16000 and abs(audio.seconds - 1.0) < 0.01
    assert abs(_peak_hz(audio.samples, 16000) - 300) < 3


def test_unreadable_audio_gives_clear_errors(tmp_path):
    with pytest.raises(AudioError, match="not found"):
        read_wav(tmp_path / "missing.wav")
    text = tmp_path / "notes.wav"
    text.write_text("this is not audio")
    with pytest.raises(AudioError, match="cannot read .* as a PCM WAV"):
        read_wav(text)
    eight_bit = tmp_path / "8bit.wav"
    with wave.open(str(eight_bit), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(8000)
        wav.writeframes(bytes(800))
    with pytest.raises(AudioError, match="16-bit"):
        read_wav(eight_bit)


def test_wav_source_gives_the_recording_then_quiet_then_ends(tmp_path):
    path = tmp_path / "answer.wav"
    write_wav(path, Audio(_tone(200, 16000, seconds=0.3), 16000))
    source = WavFileSource(path, frame_bytes=960, tail_seconds=0.6)
    frames = list(source.frames())
    assert source.exhausted
    assert len(frames) == 10 + 20  # 0.3 s of recording, 0.6 s of quiet, 30 ms frames
    assert all(len(frame) == 960 for frame in frames)
    quiet = np.frombuffer(b"".join(frames[10:]), dtype="<i2")
    assert 0 < np.abs(quiet).max() < 30  # low noise, not digital silence


def test_wav_source_resumes_where_listening_stopped(tmp_path):
    path = tmp_path / "two.wav"
    write_wav(path, Audio(np.arange(960, dtype=np.int16), 16000))
    source = WavFileSource(path, frame_bytes=960, tail_seconds=0)
    first = next(iter(source.frames()))
    second = next(iter(source.frames()))
    assert np.frombuffer(first, "<i2")[0] == 0 and np.frombuffer(second, "<i2")[0] == 480


def test_wav_sink_writes_everything_said_into_one_file(tmp_path):
    path = tmp_path / "said.wav"
    sink = WavSink(path, rate=22050, pause_seconds=0.5)
    sink.play(Audio(_tone(500, 22050, seconds=1.0), 22050))
    sink.play(Audio(_tone(500, 16000, seconds=0.5), 16000))
    sink.close()
    audio = read_wav(path, rate=None)
    assert audio.rate == 22050 and abs(audio.seconds - 2.5) < 0.01
    assert abs(sink.seconds_written - 2.5) < 0.01


def test_wav_sink_in_a_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(AudioError, match="cannot write"):
        WavSink(tmp_path / "no" / "such" / "dir.wav")


def test_opening_a_missing_microphone_is_a_clear_error():
    from speech.audio import MicrophoneSource, has_microphone
    from speech.errors import NoMicrophoneError

    if has_microphone():
        pytest.skip("this machine has a microphone, so opening one cannot fail here")
    with pytest.raises(NoMicrophoneError, match="no microphone could be opened"):
        MicrophoneSource(960)
