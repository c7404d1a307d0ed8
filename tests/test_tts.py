"""Text to speech: pyttsx3 in a worker process, and what happens when it fails for real."""

from __future__ import annotations

import io
import sys

import numpy as np
import pytest

from speech.audio import NullSink, WavSink, read_wav
from speech.errors import SynthesisError
from speech.tts import TextToSpeech, TtsConfig, Voice

QUESTION = "Is the pain in the back of your lower leg?"


@pytest.fixture
def tts():
    engine = TextToSpeech()
    yield engine
    engine.close()


def test_renders_real_speech_and_keeps_stdout_clean(tts, capfd):
    audio = tts.render(QUESTION)
    assert audio.rate in (16000, 22050, 24000)
    assert 1.0 < audio.seconds < 6.0
    assert np.abs(audio.samples.astype(np.int32)).max() > 3000  # audible, not silence
    out, _err = capfd.readouterr()
    assert out == ""  # pyttsx3's "Audio saved to ..." stays in the worker


def test_several_utterances_in_a_row_all_render(tts):
    lengths = [tts.render(text).seconds for text in ("Yes.", "Which leg is it?", "Call for help now.")]
    assert all(length > 0.3 for length in lengths)
    assert lengths[0] < lengths[1]


def test_a_slower_rate_gives_longer_speech():
    slow, fast = TextToSpeech(TtsConfig(rate=110)), TextToSpeech(TtsConfig(rate=250))
    try:
        assert slow.render(QUESTION).seconds > 1.5 * fast.render(QUESTION).seconds
    finally:
        slow.close()
        fast.close()


def test_cached_text_is_not_rendered_again(tts):
    first = tts.render(QUESTION)
    assert tts.is_cached(QUESTION)
    tts._worker.process.kill()  # a render would now fail: the cached audio needs no worker
    tts._worker.process.wait()
    again = tts.render("  " + QUESTION)
    assert np.array_equal(again.samples, first.samples) and again.rate == first.rate


def test_prerender_fills_the_cache_in_the_background(tts):
    texts = ["Does your leg feel warm?", "Is it swollen?"]
    tts.prerender(texts).join(timeout=30)
    assert all(tts.is_cached(text) for text in texts)


def test_voice_plays_into_the_sink(tts, tmp_path):
    sink = WavSink(tmp_path / "out.wav")
    spoken = Voice(tts, sink, fallback=io.StringIO()).speak(QUESTION)
    sink.close()
    assert spoken.spoken and not spoken.error
    assert read_wav(tmp_path / "out.wav", rate=None).seconds > 1.0


def test_a_missing_speech_program_prints_the_text_instead():
    tts = TextToSpeech(TtsConfig(command=("/nonexistent/legcheck-tts",)))
    printed = io.StringIO()
    spoken = Voice(tts, NullSink(), fallback=printed).speak("Call 911 now.")
    assert not spoken.spoken and "cannot start the speech worker" in spoken.error
    assert "Call 911 now." in printed.getvalue()


def test_a_hanging_speech_worker_times_out_and_the_text_is_printed():
    tts = TextToSpeech(TtsConfig(command=("sleep", "60"), timeout_s=0.5))
    printed = io.StringIO()
    spoken = Voice(tts, NullSink(), fallback=printed).speak("Call 911 now.")
    tts.close()
    assert not spoken.spoken and "timed out" in spoken.error
    assert "Call 911 now." in printed.getvalue()


def test_a_worker_that_writes_no_file_is_a_synthesis_error():
    liar = "import sys\nfor line in sys.stdin:\n    print('{\"ok\": true}', flush=True)\n"
    tts = TextToSpeech(TtsConfig(command=(sys.executable, "-c", liar)))
    with pytest.raises(SynthesisError, match="not found"):
        tts.render("Hello.")
    tts.close()


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="rate"):
        TtsConfig(rate=5)
