"""The noise suppressor in front of PocketSphinx, on synthesised speech with real noise mixed in."""

from __future__ import annotations

import numpy as np
import pytest

from bench.speech_audio import RATE, SpeechClips, from_pcm
from speech.denoise import NoiseSuppressor


@pytest.fixture(scope="module")
def noisy(tmp_path_factory) -> bytes:
    return SpeechClips(tmp_path_factory.mktemp("denoise")).pcm("yes it is", "flite:slt", 10, "white")


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples**2)))


def test_it_lowers_the_noise_and_keeps_the_speech(noisy):
    cleaned = from_pcm(NoiseSuppressor(3)(noisy))
    raw = from_pcm(noisy)
    assert cleaned.size == raw.size
    lead = slice(0, int(0.2 * RATE))  # the clip's padding: noise only
    middle = slice(raw.size // 2 - 1600, raw.size // 2 + 1600)  # within the words
    assert _rms(cleaned[lead]) < _rms(raw[lead]) / 4
    assert _rms(cleaned[middle]) > _rms(raw[middle]) / 4


def test_the_same_answer_gives_the_same_output(noisy):
    suppressor = NoiseSuppressor(3)
    assert suppressor(noisy) == suppressor(noisy)


def test_level_zero_changes_nothing(noisy):
    assert NoiseSuppressor(0)(noisy) == noisy


def test_odd_lengths_come_back_as_long(noisy):
    for length in (0, 2, 318, 322, 3202):
        assert len(NoiseSuppressor(3)(noisy[:length])) == length


def test_a_bad_level_is_refused():
    with pytest.raises(ValueError, match="0 to 3"):
        NoiseSuppressor(4)


def test_noise_alone_has_no_sound_and_speech_in_noise_has(noisy):
    """Steady noise alone is never decoded (a grammar would force it onto a phrase such as "no")."""
    from bench.speech_audio import to_pcm
    from speech.denoise import has_sound

    rng = np.random.default_rng(5)
    assert not has_sound(to_pcm(rng.normal(0, 0.01, 24000)))
    assert not has_sound(to_pcm(np.zeros(16000)))
    assert not has_sound(b"")
    assert has_sound(noisy)
