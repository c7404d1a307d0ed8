"""Voice settings (skill/settings.py): defaults < settings file < environment < flags, and clear errors for a
bad file, variable or flag. Real TOML files in tmp_path; the CLI through skill.cli.main."""

from __future__ import annotations

import dataclasses
import wave
from pathlib import Path

import pytest

from skill.cli import main
from skill.settings import DEFAULTS, FILE_KEYS, SettingsError, VoiceSettings, build_settings, config_path
from speech.endpointer import EndpointConfig
from speech.tts import TtsConfig


@pytest.fixture(autouse=True)
def no_user_settings(tmp_path, monkeypatch):
    """Neither this machine's ~/.config/legcheck/voice.toml nor LEGCHECK_<SETTING> variables reach the tests."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("LEGCHECK_CONFIG", raising=False)
    for key in FILE_KEYS:
        monkeypatch.delenv(f"LEGCHECK_{key.upper()}", raising=False)


def settings_file(folder: Path, text: str, name: str = "voice.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def build(flags=None, environ=None, config=None, home: Path | None = None) -> VoiceSettings:
    """build_settings with only the given environment (HOME at `home`, or a folder with no settings)."""
    environ = {"HOME": str(home or Path("/nonexistent-home")), **(environ or {})}
    return build_settings(flags, environ, config)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# ---- defaults -------------------------------------------------------------------------------------------------

def test_with_no_file_variables_or_flags_the_settings_are_the_defaults():
    settings = build()
    assert settings == VoiceSettings() == DEFAULTS
    assert (settings.engine, settings.vosk_model, settings.noise_suppression) == ("auto", None, None)
    assert (settings.locale, settings.emergency_number, settings.kind, settings.question) == ("en-US", None,
                                                                                             "yes_no", None)
    assert not settings.json and not settings.realtime and settings.input_wav is None and settings.output_wav is None


def test_the_defaults_are_those_of_the_speech_components():
    """The rate and the endpointing defaults are the ones the bench measured TtsConfig and EndpointConfig with."""
    assert DEFAULTS.rate == TtsConfig().rate == 160
    assert DEFAULTS.trailing_silence == EndpointConfig().trailing_silence_ms
    assert DEFAULTS.no_speech_timeout == EndpointConfig().no_speech_timeout_ms


def test_the_settings_are_frozen_and_checked_when_made_directly():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULTS.rate = 100  # type: ignore[misc]
    with pytest.raises(SettingsError, match="rate must be a whole number"):
        VoiceSettings(rate="fast")  # type: ignore[arg-type]
    assert VoiceSettings(input_wav="~/a.wav").input_wav == Path.home() / "a.wav"


# ---- file < environment < flags -----------------------------------------------------------------------------

def test_a_flag_beats_the_environment_which_beats_the_file_which_beats_the_default(tmp_path):
    path = settings_file(tmp_path, 'rate = 150\nlocale = "en-GB"\ntrailing_silence = 700\nengine = "vosk"\n')
    environ = {"LEGCHECK_RATE": "170", "LEGCHECK_LOCALE": "en-AU"}
    flags = {"rate": 180}
    settings = build(flags, environ, path)
    assert (settings.rate, settings.locale, settings.trailing_silence, settings.engine) == (180, "en-AU", 700, "vosk")
    assert settings.no_speech_timeout == DEFAULTS.no_speech_timeout
    assert build({}, environ, path).rate == 170
    assert build({}, {}, path).rate == 150
    assert build({}, {}, None).rate == DEFAULTS.rate


def test_a_flag_left_as_none_is_not_given(tmp_path):
    path = settings_file(tmp_path, 'locale = "en-GB"\n')
    assert build({"locale": None, "rate": None}, {}, path).locale == "en-GB"


def test_the_file_comes_from_the_flag_then_legcheck_config_then_the_default_place(tmp_path):
    home = tmp_path / "home"
    default = settings_file(home / ".config" / "legcheck", "rate = 110\n")
    named = settings_file(tmp_path / "named", "rate = 120\n")
    flagged = settings_file(tmp_path / "flagged", "rate = 130\n")
    assert config_path(None, {"HOME": str(home)}) == default
    assert build(home=home).rate == 110
    assert build(environ={"LEGCHECK_CONFIG": str(named)}, home=home).rate == 120
    assert build(environ={"LEGCHECK_CONFIG": str(named)}, config=flagged, home=home).rate == 130
    xdg = settings_file(tmp_path / "xdg" / "legcheck", "rate = 140\n")
    assert build(environ={"XDG_CONFIG_HOME": str(tmp_path / "xdg")}, home=home).rate == 140
    assert config_path(None, {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}) == xdg
    assert config_path(None, {"HOME": str(tmp_path / "nobody")}) is None  # no file there: defaults only


def test_paths_in_the_file_are_relative_to_it_and_may_start_with_a_tilde(tmp_path):
    path = settings_file(tmp_path / "conf", 'vosk_model = "models/small"\n')
    assert build(config=path).vosk_model == tmp_path / "conf" / "models" / "small"
    path = settings_file(tmp_path / "conf", 'vosk_model = "~/small"\n')
    assert build(config=path).vosk_model == Path.home() / "small"


def test_environment_values_are_read_as_their_types():
    environ = {"LEGCHECK_TRAILING_SILENCE": "800", "LEGCHECK_VOSK_MODEL": "/opt/vosk",
               "LEGCHECK_EMERGENCY_NUMBER": "112", "LEGCHECK_NOISE_SUPPRESSION": "webrtc", "LEGCHECK_RATE": ""}
    settings = build(environ=environ)
    assert (settings.trailing_silence, settings.vosk_model) == (800, Path("/opt/vosk"))
    assert (settings.emergency_number, settings.noise_suppression, settings.rate) == ("112", "webrtc", DEFAULTS.rate)


def test_per_run_options_come_from_flags_only(tmp_path):
    settings = build({"input_wav": tmp_path / "in.wav", "json": True, "question": "swelling"},
                     {"LEGCHECK_JSON": "1", "LEGCHECK_INPUT_WAV": "/elsewhere.wav"})
    assert (settings.input_wav, settings.json, settings.question) == (tmp_path / "in.wav", True, "swelling")
    assert build(environ={"LEGCHECK_JSON": "1"}).json is False  # not a variable legcheck reads


# ---- a bad file, variable or flag ---------------------------------------------------------------------------

def test_an_unknown_key_is_named_with_the_file_and_a_suggestion(tmp_path):
    path = settings_file(tmp_path, "rat = 150\n")
    with pytest.raises(SettingsError) as error:
        build(config=path)
    message = str(error.value)
    assert message.startswith(f"{path}: unknown setting 'rat' (did you mean 'rate'?)")
    assert "the file can set engine, vosk_model" in message


def test_a_key_written_as_its_flag_is_unknown_with_the_right_name_suggested(tmp_path):
    path = settings_file(tmp_path, "trailing-silence = 700\n")
    with pytest.raises(SettingsError, match="unknown setting 'trailing-silence' \\(did you mean 'trailing_silence'"):
        build(config=path)


@pytest.mark.parametrize(("line", "expected"), [
    ('rate = "150"', 'rate must be a whole number, not "150"'),
    ("rate = 150.5", "rate must be a whole number, not 150.5"),
    ("trailing_silence = true", "trailing_silence must be a whole number, not true"),
    ("emergency_number = 999", 'emergency_number must be a string (in quotes), not 999'),
    ("locale = [\"en-GB\"]", 'locale must be a string (in quotes), not ["en-GB"]'),
    ("vosk_model = 3", "vosk_model must be a path (a string in quotes), not 3"),
    ('engine = "whisper"', 'engine must be one of auto, pocketsphinx, moonshine, both, vosk, not "whisper"'),
    ('noise_suppression = "loud"', 'noise_suppression must be one of deepfilter, webrtc, off, not "loud"'),
    ('emergency_number = "nine"', "emergency number must be 2 to 6 digits, not 'nine'"),
    ("[voice]\nrate = 150", "unknown setting 'voice'"),
])
def test_a_wrong_type_or_value_is_named_with_the_file(tmp_path, line, expected):
    path = settings_file(tmp_path, line + "\n")
    with pytest.raises(SettingsError) as error:
        build(config=path)
    assert str(error.value).startswith(f"{path}: ") and expected in str(error.value)


def test_every_problem_in_the_file_is_named_at_once(tmp_path):
    path = settings_file(tmp_path, 'rate = "slow"\ncolour = "blue"\nlocale = "en-GB"\n')
    with pytest.raises(SettingsError) as error:
        build(config=path)
    assert "rate must be a whole number" in str(error.value) and "unknown setting 'colour'" in str(error.value)


def test_a_per_run_option_in_the_file_says_to_use_the_flag(tmp_path):
    path = settings_file(tmp_path, 'output_wav = "said.wav"\n')
    with pytest.raises(SettingsError, match="'output_wav' is not a setting for the file: give --output-wav"):
        build(config=path)


def test_a_file_that_is_not_toml_is_named_with_the_place_of_the_mistake(tmp_path):
    path = settings_file(tmp_path, "rate = 150\nlocale en-GB\n")
    with pytest.raises(SettingsError) as error:
        build(config=path)
    assert str(error.value).startswith(f"{path}: not valid TOML: ") and "line 2" in str(error.value)


def test_a_file_that_is_not_utf8_or_cannot_be_read_is_a_clear_error(tmp_path):
    latin = tmp_path / "latin.toml"
    latin.write_bytes('locale = "en-GB" # café\n'.encode("latin-1"))
    with pytest.raises(SettingsError, match="not UTF-8 text"):
        build(config=latin)
    with pytest.raises(SettingsError, match="cannot read the settings file"):
        build(config=tmp_path)  # a folder


def test_a_named_file_that_is_missing_is_an_error_but_a_missing_default_file_is_not(tmp_path):
    with pytest.raises(SettingsError, match=f"settings file not found: {tmp_path / 'nope.toml'}"):
        build(config=tmp_path / "nope.toml")
    with pytest.raises(SettingsError, match="settings file not found"):
        build(environ={"LEGCHECK_CONFIG": str(tmp_path / "nope.toml")})
    assert build(home=tmp_path) == DEFAULTS


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("LEGCHECK_RATE", "fast", 'environment variable LEGCHECK_RATE: rate must be a whole number, not "fast"'),
    ("LEGCHECK_ENGINE", "whisper", "environment variable LEGCHECK_ENGINE: engine must be one of auto, pocketsphinx"),
    ("LEGCHECK_EMERGENCY_NUMBER", "call 911", "environment variable LEGCHECK_EMERGENCY_NUMBER: emergency number"),
])
def test_a_bad_environment_variable_is_named(variable, value, expected):
    with pytest.raises(SettingsError) as error:
        build(environ={variable: value})
    assert str(error.value).startswith(expected)


def test_a_bad_flag_value_is_named_by_its_flag():
    with pytest.raises(SettingsError, match="^--emergency-number: emergency number must be 2 to 6 digits"):
        build({"emergency_number": "abc"})


# ---- through the command line -------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["voice", "listen", "start"])
def test_a_bad_settings_file_is_exit_2_with_the_file_and_key_named(capsys, tmp_path, command):
    path = settings_file(tmp_path, "rat = 150\n")
    code, _out, err = run(capsys, command, "--config", str(path))
    assert code == 2 and "Traceback" not in err
    assert err.startswith(f"legcheck: {path}: unknown setting 'rat' (did you mean 'rate'?)")


def test_a_bad_toml_file_from_legcheck_config_is_exit_2(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("LEGCHECK_CONFIG", str(settings_file(tmp_path, "rate = = 1\n")))
    code, _out, err = run(capsys, "voice")
    assert code == 2 and "not valid TOML" in err and "Traceback" not in err


def test_the_cli_reads_the_file_and_the_environment_and_flags_win(capsys, tmp_path, monkeypatch):
    """A file choosing Vosk with a model folder that is not there: the error names the folder, relative to the
    file; the environment's folder replaces it; with a folder that exists (not a model), the --engine flag
    turns Vosk off, and the quiet recording is listened to with PocketSphinx (no noise suppression: the file
    says off)."""
    quiet = tmp_path / "quiet.wav"
    with wave.open(str(quiet), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(bytes(2 * 16000))
    path = settings_file(tmp_path / "conf", 'engine = "vosk"\nvosk_model = "no-model"\nnoise_suppression = "off"\n')
    code, _out, err = run(capsys, "listen", "--config", str(path), "--input-wav", str(quiet))
    assert code == 2 and err == f"legcheck: Vosk model folder not found: {tmp_path / 'conf' / 'no-model'}\n"
    monkeypatch.setenv("LEGCHECK_VOSK_MODEL", str(tmp_path / "from-env"))
    code, _out, err = run(capsys, "listen", "--config", str(path), "--input-wav", str(quiet))
    assert code == 2 and err == f"legcheck: Vosk model folder not found: {tmp_path / 'from-env'}\n"
    monkeypatch.setenv("LEGCHECK_VOSK_MODEL", str(tmp_path))
    code, out, err = run(capsys, "listen", "--config", str(path), "--engine", "pocketsphinx", "--input-wav",
                         str(quiet), "--no-speech-timeout", "1000")
    assert code == 0, err
    assert "intent: not understood" in out


def test_a_bad_emergency_number_flag_is_exit_2_not_a_traceback(capsys, tmp_path):
    code, _out, err = run(capsys, "voice", "--emergency-number", "abc", "--input-wav", str(tmp_path / "a.wav"))
    assert code == 2 and "--emergency-number: emergency number must be 2 to 6 digits" in err
    assert "Traceback" not in err


def test_voice_help_names_the_settings_file_and_the_variables(capsys):
    with pytest.raises(SystemExit):
        main(["voice", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--config FILE" in out and "~/.config/legcheck/voice.toml" in out and "$LEGCHECK_CONFIG" in out
    assert "LEGCHECK_<KEY>" in out and f"(default {DEFAULTS.rate}, a little slow)" in out
