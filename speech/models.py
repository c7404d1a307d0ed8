"""The Vosk model manager: a manifest of known English models, a checked download, an atomic install.

An install never leaves half a model behind: the archive is downloaded into a hidden temporary file in
the models directory itself (same filesystem), its size and SHA-256 are checked, it is unpacked into a
hidden temporary directory there, checked to look like a Vosk model, and only then renamed into place
(a rename within one filesystem is atomic). Any failure removes the temporary file and directory.

PocketSphinx needs none of this: its English model ships in its wheel. Vosk is optional.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import logging
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from speech.errors import ModelError

__all__ = [
    "ModelEntry",
    "Installed",
    "default_models_dir",
    "default_manifest_path",
    "load_manifest",
    "install",
    "installed_models",
    "find_vosk_model",
    "check_model_dir",
    "sha256_of",
]

log = logging.getLogger(__name__)

MODELS_DIR_ENV = "LEGCHECK_MODELS_DIR"
MANIFEST_ENV = "LEGCHECK_MODEL_MANIFEST"
REQUIRED_FILES = ("am/final.mdl", "conf/model.conf")
"""Files every Vosk model directory has (the small, lgraph and the Korean wheel's model alike)."""
MARKER = ".legcheck-install.json"
CHUNK = 1 << 16


@dataclass(frozen=True)
class ModelEntry:
    """One downloadable model, as listed in the manifest."""

    name: str
    """Short name used on the command line, e.g. "small-en-us"."""
    directory: str
    """The folder the archive unpacks to, e.g. "vosk-model-small-en-us-0.15"."""
    url: str
    size: int | None
    """Archive size in bytes, or None if not published."""
    sha256: str | None
    """Published SHA-256 of the archive, or None when none was found (install then needs --sha256)."""
    language: str = "en-us"
    description: str = ""


@dataclass(frozen=True)
class Installed:
    """A model directory found under the models directory."""

    directory: Path
    ok: bool
    problem: str = ""
    name: str = ""
    sha256: str = ""


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


def default_models_dir() -> Path:
    return Path(os.environ.get(MODELS_DIR_ENV) or _repo_root() / "models")


def default_manifest_path() -> Path:
    return Path(os.environ.get(MANIFEST_ENV) or _repo_root() / "models" / "manifest.json")


def load_manifest(path: str | Path | None = None) -> dict[str, ModelEntry]:
    """Read the manifest: {"models": [{name, directory, url, size, sha256, ...}, ...]}."""
    path = Path(path) if path else default_manifest_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [_entry(item) for item in data["models"]]
    except FileNotFoundError:
        raise ModelError(f"model manifest not found: {path}") from None
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
        raise ModelError(f"model manifest {path} is malformed: {err}") from None
    return {entry.name: entry for entry in entries}


def _entry(item: dict) -> ModelEntry:
    fields = {key: item[key] for key in ModelEntry.__dataclass_fields__ if key in item}
    entry = ModelEntry(**fields)
    if entry.sha256 is not None and not _is_sha256(entry.sha256):
        raise ValueError(f"{entry.name}: sha256 must be 64 hex digits")
    if "/" in entry.directory or entry.directory.startswith("."):
        raise ValueError(f"{entry.name}: directory must be a plain folder name")
    return entry


def _is_sha256(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text.lower())


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def check_model_dir(directory: Path) -> str:
    """'' when `directory` looks like a Vosk model, else what is wrong with it."""
    if not directory.is_dir():
        return f"{directory} is not a directory"
    missing = [name for name in REQUIRED_FILES if not (directory / name).is_file()]
    if missing:
        return f"{directory} is not a Vosk model: missing {', '.join(missing)}"
    return ""


def install(
    name: str,
    models_dir: Path | None = None,
    manifest: Path | None = None,
    sha256: str | None = None,
    progress: bool = True,
) -> Path:
    """Download, check and unpack the model `name`; return its directory. Raises ModelError."""
    entry = _lookup(name, manifest)
    expected = _expected_sha256(entry, sha256)
    models_dir = Path(models_dir) if models_dir else default_models_dir()
    target = models_dir / entry.directory
    if target.exists():
        raise ModelError(f"{entry.name} is already installed in {target} (remove it to reinstall)")
    _make_dir(models_dir)
    with _temporary_file(models_dir) as archive:
        actual = _download(entry, archive, progress)
        if actual != expected:
            raise ModelError(
                f"checksum mismatch for {entry.name}: expected SHA-256 {expected}, got {actual}; "
                "the download is corrupt or not the published file, nothing was installed"
            )
        with _temporary_dir(models_dir) as unpacked:
            _unpack(archive, unpacked, entry)
            _write_marker(unpacked / entry.directory, entry, actual)
            os.rename(unpacked / entry.directory, target)
    log.info("installed model %s in %s", entry.name, target)
    return target


def _lookup(name: str, manifest: Path | None) -> ModelEntry:
    entries = load_manifest(manifest)
    if name not in entries:
        known = ", ".join(sorted(entries)) or "none"
        raise ModelError(f"unknown model {name!r}; known models: {known}")
    return entries[name]


def _expected_sha256(entry: ModelEntry, given: str | None) -> str:
    if given is not None:
        if not _is_sha256(given):
            raise ModelError("--sha256 must be 64 hexadecimal digits")
        if entry.sha256 and given.lower() != entry.sha256.lower():
            raise ModelError(f"--sha256 differs from the published checksum of {entry.name}")
        return given.lower()
    if entry.sha256 is None:
        raise ModelError(
            f"no published checksum is known for {entry.name}, so the download cannot be verified; "
            "pass --sha256 with a checksum you trust"
        )
    return entry.sha256.lower()


def _make_dir(models_dir: Path) -> None:
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ModelError(f"cannot create the models directory {models_dir}: {err.strerror}") from None
    if not os.access(models_dir, os.W_OK | os.X_OK):
        raise ModelError(f"cannot write to the models directory {models_dir} (permission denied)")


@contextlib.contextmanager
def _temporary_file(models_dir: Path) -> Iterator[Path]:
    try:
        handle, name = tempfile.mkstemp(prefix=".download-", suffix=".zip", dir=models_dir)
    except OSError as err:
        raise ModelError(f"cannot write to the models directory {models_dir}: {err.strerror}") from None
    os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


@contextlib.contextmanager
def _temporary_dir(models_dir: Path) -> Iterator[Path]:
    try:
        name = tempfile.mkdtemp(prefix=".unpack-", dir=models_dir)
    except OSError as err:
        raise ModelError(f"cannot write to the models directory {models_dir}: {err.strerror}") from None
    try:
        yield Path(name)
    finally:
        shutil.rmtree(name, ignore_errors=True)


def _download(entry: ModelEntry, archive: Path, progress: bool) -> str:
    """Stream the archive into `archive`; return its SHA-256. Checks the length against the server's
    Content-Length and the manifest's size."""
    try:
        with urllib.request.urlopen(entry.url, timeout=60) as response:
            announced = _content_length(response)
            received, digest = _copy(response, archive, announced or entry.size, progress, entry.name)
    except urllib.error.HTTPError as err:
        raise ModelError(f"download of {entry.name} failed: HTTP {err.code} from {entry.url}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
        reason = getattr(err, "reason", err)
        raise ModelError(f"download of {entry.name} failed: {reason} ({entry.url})") from None
    except OSError as err:
        raise ModelError(
            f"cannot save the download in {archive.parent}: {err.strerror or err} (disk full?); "
            "nothing was installed"
        ) from None
    _check_length(entry, received, announced)
    return digest


def _content_length(response) -> int | None:
    value = response.headers.get("Content-Length")
    return int(value) if value and value.isdigit() else None


def _copy(response, archive: Path, total: int | None, progress: bool, label: str) -> tuple[int, str]:
    from tqdm import tqdm

    digest = hashlib.sha256()
    received = 0
    bar = tqdm(total=total, unit="B", unit_scale=True, desc=label, disable=None if progress else True)
    with bar, archive.open("wb") as out:
        while True:
            try:
                block = response.read(CHUNK)
            except (ConnectionError, http.client.IncompleteRead) as err:
                raise ModelError(f"download of {label} was cut off after {received} bytes ({err})") from None
            if not block:
                break
            out.write(block)
            digest.update(block)
            received += len(block)
            bar.update(len(block))
    return received, digest.hexdigest()


def _check_length(entry: ModelEntry, received: int, announced: int | None) -> None:
    if announced is not None and received != announced:
        raise ModelError(
            f"download of {entry.name} was cut off: got {received} of {announced} bytes; nothing was installed"
        )
    if entry.size is not None and received != entry.size:
        raise ModelError(
            f"download of {entry.name} has {received} bytes, the manifest says {entry.size}; nothing was installed"
        )


def _unpack(archive: Path, into: Path, entry: ModelEntry) -> None:
    try:
        with zipfile.ZipFile(archive) as bundle:
            for member in bundle.namelist():
                _check_member(member, entry)
            bundle.extractall(into)
    except zipfile.BadZipFile:
        raise ModelError(f"the archive of {entry.name} is not a valid zip file; nothing was installed") from None
    except OSError as err:
        raise ModelError(
            f"cannot unpack {entry.name} in {into.parent}: {err.strerror or err} (disk full?); nothing was installed"
        ) from None
    problem = check_model_dir(into / entry.directory)
    if problem:
        raise ModelError(f"the archive of {entry.name} does not hold a usable model: {problem}")


def _check_member(member: str, entry: ModelEntry) -> None:
    parts = PurePosixPath(member).parts
    if member.startswith("/") or ".." in parts or not parts or parts[0] != entry.directory:
        raise ModelError(
            f"the archive of {entry.name} has an unexpected entry {member!r} "
            f"(everything must be inside {entry.directory}/); nothing was installed"
        )


def _write_marker(directory: Path, entry: ModelEntry, sha256: str) -> None:
    marker = {"name": entry.name, "url": entry.url, "sha256": sha256}
    (directory / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


def installed_models(models_dir: Path | None = None) -> list[Installed]:
    """Every model directory under the models directory, checked (hidden temporary folders skipped)."""
    models_dir = Path(models_dir) if models_dir else default_models_dir()
    if not models_dir.is_dir():
        return []
    found = []
    for directory in sorted(models_dir.iterdir()):
        if not directory.is_dir() or directory.name.startswith("."):
            continue
        marker = _read_marker(directory)
        problem = check_model_dir(directory)
        found.append(Installed(directory, not problem, problem, marker.get("name", ""), marker.get("sha256", "")))
    return found


def _read_marker(directory: Path) -> dict:
    try:
        data = json.loads((directory / MARKER).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def find_vosk_model(models_dir: Path | None = None) -> Path | None:
    """The first usable model installed under the models directory (for `make_recognizer("vosk")` with no
    model given), preferring English ones; None when there is none."""
    usable = [item.directory for item in installed_models(models_dir) if item.ok]
    english = [path for path in usable if "-en" in path.name]
    return (english or usable or [None])[0]
