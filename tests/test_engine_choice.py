"""The default engine, "auto": both PocketSphinx and Moonshine where Moonshine can run, PocketSphinx alone
(saying why) where it cannot, the same for `legcheck voice`, `legcheck listen` and `legcheck chat --json`
with @answer.wav lines. Real engines and real recordings; "no model" is made by hiding the installed
moonshine-cpp wheel from the subprocess (a package absent, as on a Raspberry Pi), and a corrupt model by
cutting a real model file short."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.speech_audio import SpeechClips
from speech.moonshine_model import find_moonshine
from speech.recognizer import choose_engine

ROOT = Path(__file__).resolve().parents[1]
NO_WHEEL = ("import sys; sys.modules['moonshine_cpp'] = None; from skill.cli import main; "
            "sys.exit(main(sys.argv[1:]))")
needs_model = pytest.mark.skipif(find_moonshine() is None, reason="no Moonshine model here: the moonshine-cpp "
                                 "wheel is x86_64 only and `legcheck models install moonshine-base` was not run")


@pytest.fixture(scope="module")
def yes_wav(tmp_path_factory):
    clips = SpeechClips(tmp_path_factory.mktemp("choice-clips"))
    return clips.wav("yes", "flite:slt", 20, "pink")


def legcheck(*args: str, env: dict, hide_wheel: bool = False, stdin: str | None = None):
    command = [sys.executable, "-c", NO_WHEEL] if hide_wheel else [sys.executable, "-m", "skill.cli"]
    base = {key: value for key, value in os.environ.items() if key not in ("LEGCHECK_ENGINE", "LEGCHECK_CONFIG")}
    base["XDG_CONFIG_HOME"] = str(ROOT / "no-such-folder")  # no settings file of this machine's user counts
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=300, cwd=ROOT, input=stdin,
                          env={**base, **env})


def _isolated(tmp_path: Path) -> dict:
    """An empty models folder and a private cache, so that only what the test puts there is found."""
    (tmp_path / "models").mkdir(exist_ok=True)
    return {"LEGCHECK_MODELS_DIR": str(tmp_path / "models"), "XDG_CACHE_HOME": str(tmp_path / "cache")}


@needs_model
def test_auto_is_both_engines_where_the_model_is(yes_wav):
    assert choose_engine() == ("both", "")
    run = legcheck("listen", "--input-wav", str(yes_wav), "--json", env={})
    assert run.returncode == 0, run.stderr
    heard = json.loads(run.stdout)
    assert (heard["engine"], heard["intent"]) == ("both", "Yes")
    assert "PocketSphinx alone" not in run.stderr


def test_without_a_model_auto_is_pocketsphinx_and_says_how_to_get_one(yes_wav, tmp_path):
    run = legcheck("listen", "--input-wav", str(yes_wav), "--json", env=_isolated(tmp_path), hide_wheel=True)
    assert run.returncode == 0, run.stderr
    heard = json.loads(run.stdout)
    assert (heard["engine"], heard["intent"]) == ("pocketsphinx", "Yes")
    assert "hearing with PocketSphinx alone: no Moonshine model here" in run.stderr
    assert "legcheck models install moonshine-base" in run.stderr and "Traceback" not in run.stderr


def test_chat_json_hears_wav_lines_with_the_same_default(yes_wav, tmp_path):
    """The first question of the check is a red-flag yes/no: "yes" to it is an emergency, heard from a WAV
    line by PocketSphinx alone when there is no model (and it says so, on stderr, not in the JSON)."""
    run = legcheck("chat", "--json", env=_isolated(tmp_path), hide_wheel=True, stdin=f"@{yes_wav}\n")
    assert run.returncode == 0, run.stderr
    assert "hearing with PocketSphinx alone: no Moonshine model here" in run.stderr
    events = [json.loads(line) for line in run.stdout.splitlines()]
    assert [event["level"] for event in events if event["type"] == "result"] == ["EMERGENCY"]


@needs_model
def test_a_corrupt_model_is_a_clear_message_and_pocketsphinx_carries_on(yes_wav, tmp_path):
    files = find_moonshine()
    folder = tmp_path / "models" / "moonshine-base"
    folder.mkdir(parents=True)
    shutil.copy(files.decoder, folder / files.decoder.name)
    shutil.copy(files.tokenizer, folder / files.tokenizer.name)
    (folder / files.encoder.name).write_bytes(files.encoder.read_bytes()[:4096])
    run = legcheck("listen", "--input-wav", str(yes_wav), "--json", env=_isolated(tmp_path))
    assert run.returncode == 0, run.stderr
    assert (json.loads(run.stdout)["engine"], json.loads(run.stdout)["intent"]) == ("pocketsphinx", "Yes")
    assert "hearing with PocketSphinx alone: the Moonshine model could not be used" in run.stderr
    assert "could not read" in run.stderr and "Traceback" not in run.stderr
    explicit = legcheck("listen", "--engine", "moonshine", "--input-wav", str(yes_wav), env=_isolated(tmp_path))
    assert explicit.returncode == 2 and "could not read" in explicit.stderr  # asked for by name: no fallback
