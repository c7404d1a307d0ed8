"""Endpointing on synthesized speech with noise (bench/speech_audio.py renders the clips)."""

from __future__ import annotations

import numpy as np
import pytest

from bench.speech_audio import RATE, SpeechClips, add_noise, dither, to_pcm
from speech.endpointer import EndpointConfig, Endpointer, EndpointState, frames_of, segments
from speech.errors import AudioError

ANSWERS = ("yes it is", "my left leg", "about two hours")


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    return SpeechClips(tmp_path_factory.mktemp("endpoint-clips"))


def _session(clips, voice, gap_s=1.5, answers=ANSWERS):
    """Answers separated by silence: the samples and the true (start, end) of each answer in seconds."""
    parts, truth, t = [], [], 0.0
    for text in answers:
        clip = clips.clean(text, voice)
        parts += [np.zeros(int(gap_s * RATE)), clip]
        t += gap_s
        loud = np.flatnonzero(np.abs(clip) > 0.02 * np.abs(clip).max())
        truth.append((t + loud[0] / RATE, t + loud[-1] / RATE))
        t += clip.size / RATE
    parts.append(np.zeros(2 * RATE))
    return dither(np.concatenate(parts)), truth


@pytest.mark.slow
@pytest.mark.parametrize("snr_db", [None, 20, 10])
@pytest.mark.parametrize("voice", ["flite:slt", "festival:slt_hts"])
def test_each_answer_is_one_segment(clips, voice, snr_db):
    samples, truth = _session(clips, voice)
    if snr_db is not None:
        samples = add_noise(samples, snr_db, "pink", seed=3)
    found = segments(to_pcm(samples))
    assert len(found) == len(truth), found
    for segment, (start, end) in zip(found, truth, strict=True):
        # the segment covers the words (with the pre-roll before them) and not much more
        assert start - 0.6 <= segment.start <= start + 0.1, (segment, start, end)
        assert end - 0.15 <= segment.end <= end + 0.2, (segment, start, end)


def test_silence_and_steady_noise_time_out_without_speech():
    rng = np.random.default_rng(1)
    noise = rng.standard_normal(4 * RATE) * 0.03
    config = EndpointConfig(no_speech_timeout_ms=3000)
    endpointer = Endpointer(config)
    states = [endpointer.push(frame) for frame in frames_of(to_pcm(noise), config.frame_bytes)]
    assert EndpointState.SPEECH not in states
    assert states[-1] is EndpointState.TIMEOUT
    assert states.index(EndpointState.TIMEOUT) == 3000 // config.frame_ms - 1


def test_trailing_silence_decides_whether_a_pause_ends_the_answer(clips):
    yes = clips.clean("yes", "flite:slt")[int(0.2 * RATE) : -int(0.2 * RATE)]
    pause = np.zeros(int(0.2 * RATE))
    pcm = to_pcm(dither(np.concatenate([np.zeros(RATE), yes, pause, yes, np.zeros(2 * RATE)])))
    assert len(segments(pcm, EndpointConfig(trailing_silence_ms=300))) == 2
    assert len(segments(pcm, EndpointConfig(trailing_silence_ms=900))) == 1


def test_speech_start_hands_over_the_pre_roll(clips):
    pcm = to_pcm(dither(np.concatenate([np.zeros(RATE), clips.clean("no", "flite:rms"), np.zeros(RATE)])))
    config = EndpointConfig()
    endpointer = Endpointer(config)
    for frame in frames_of(pcm, config.frame_bytes):
        if endpointer.push(frame) is EndpointState.SPEECH:
            break
    assert len(endpointer.pending) == config.frames(config.pre_roll_ms)


def test_an_endless_answer_is_cut_at_the_maximum_length(clips):
    talk = np.concatenate([clips.clean("my left leg hurts a lot", "flite:awb")[4000:-4000]] * 6)
    config = EndpointConfig(max_utterance_ms=3000)
    endpointer = Endpointer(config)
    states = [endpointer.push(frame) for frame in frames_of(to_pcm(dither(talk)), config.frame_bytes)]
    assert EndpointState.END in states
    assert endpointer.speech_frames == config.frames(3000)


def test_bad_frames_and_settings_are_refused_clearly():
    with pytest.raises(AudioError, match="960 bytes"):
        Endpointer().push(b"\0" * 100)
    with pytest.raises(ValueError, match="frame_ms"):
        EndpointConfig(frame_ms=25)
    with pytest.raises(ValueError, match="detector"):
        EndpointConfig(detector="magic")
