"""The voice settings: one frozen dataclass, `VoiceSettings`, for every option of `legcheck voice`, `legcheck
listen` and the voice side of `legcheck start`, and the one function that builds it, `build_settings`
(`settings_from_args` for a parsed command line). Each source overrides the one before:

1. the defaults declared on VoiceSettings (the only place they are written);
2. a settings file in TOML: ``--config FILE``, else ``$LEGCHECK_CONFIG``, else
   ``~/.config/legcheck/voice.toml`` (``$XDG_CONFIG_HOME/legcheck/voice.toml``) if it exists;
3. environment variables ``LEGCHECK_<SETTING>`` (``LEGCHECK_RATE=150``);
4. the command-line flags (argparse defaults are None or SUPPRESS: a flag not given does not count).

The file and the environment hold the settings of a machine and a person (engine, model, noise suppression,
speaking rate, locale, emergency number, endpointing); the per-run options (the recordings, --realtime,
--json, the grammar `listen` uses) come from flags only. Types and choices are checked here, with an error
naming the file or variable and the key (SettingsError); ranges are checked where the values are used
(TtsConfig, EndpointConfig).

    rate = 150                  # ~/.config/legcheck/voice.toml
    locale = "en-GB"
    noise_suppression = "webrtc"
    vosk_model = "~/models/vosk-model-small-en-us-0.15"   # a relative path is relative to the file
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from intents import KINDS
from speech.denoise import SUPPRESSORS
from speech.recognizer import ENGINES
from speech.tts import DEFAULT_RATE

from .locale import emergency_number

__all__ = ["VoiceSettings", "SettingsError", "build_settings", "settings_from_args", "config_path",
           "add_config_option", "FILE_KEYS", "CONFIG_ENV", "DEFAULTS"]

CONFIG_ENV = "LEGCHECK_CONFIG"
"""A settings file to read instead of the default one (it must exist)."""
ENV_PREFIX = "LEGCHECK_"
DEFAULT_FILE = Path("legcheck") / "voice.toml"
"""Under $XDG_CONFIG_HOME, or ~/.config."""


class SettingsError(ValueError):
    """A settings file, environment variable or value that cannot be used; the message names which."""


def _option(default: Any, *, choices: tuple[str, ...] | None = None, per_run: bool = False) -> Any:
    return field(default=default, metadata={"choices": choices, "per_run": per_run})


@dataclass(frozen=True)
class VoiceSettings:
    """Every voice option, with its default. Build one with `build_settings` (file, environment, flags)."""

    engine: str = _option("auto", choices=ENGINES)
    """The speech recognizer: auto (PocketSphinx and Moonshine together where Moonshine can run, else
    PocketSphinx alone), or one engine; PocketSphinx needs no download, Moonshine and Vosk need a model."""
    vosk_model: Path | None = _option(None)
    """Vosk model folder (None with engine vosk: one installed under models/)."""
    noise_suppression: str | None = _option(None, choices=SUPPRESSORS)
    """In front of PocketSphinx (None: deepfilter, or webrtc where DeepFilterNet is not installed)."""
    rate: int = _option(DEFAULT_RATE)
    """Speaking rate in words per minute (60..400)."""
    locale: str = _option("en-US")
    """Picks the emergency number and the advice line."""
    emergency_number: str | None = _option(None)
    """The number to call (None: the locale's)."""
    trailing_silence: int = _option(600)
    """Silence that ends an answer, in milliseconds."""
    no_speech_timeout: int = _option(7000)
    """How long to wait for an answer to start, in milliseconds."""

    input_wav: Path | None = _option(None, per_run=True)
    """A recording to use as the microphone."""
    realtime: bool = _option(False, per_run=True)
    """With input_wav: take the recording at the pace of a live microphone."""
    output_wav: Path | None = _option(None, per_run=True)
    """Write everything said into this WAV file instead of playing it (voice)."""
    json: bool = _option(False, per_run=True)
    """Print machine-readable JSON lines."""
    kind: str = _option("yes_no", choices=KINDS, per_run=True)
    """The grammar `legcheck listen` listens with (unless question is given)."""
    question: str | None = _option(None, per_run=True)
    """`legcheck listen`: listen with the grammar of this question."""

    def __post_init__(self) -> None:
        for item in fields(self):
            object.__setattr__(self, item.name, _checked(item.name, getattr(self, item.name)))


_FIELDS = {item.name: item for item in fields(VoiceSettings)}
FILE_KEYS = tuple(name for name, item in _FIELDS.items() if not item.metadata["per_run"])
"""What the settings file and the environment may set (the rest are per-run flags)."""


def _base_types() -> dict[str, type]:
    """Each field's type without its `| None`."""
    found = {}
    for name, hint in typing.get_type_hints(VoiceSettings).items():
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        found[name] = args[0] if isinstance(hint, types.UnionType) else hint
    return found


_TYPES = _base_types()
_OPTIONAL = {name for name, item in _FIELDS.items() if item.default is None}
_WANTED = {int: "a whole number", bool: "true or false", str: "a string (in quotes)",
           Path: "a path (a string in quotes)"}


def _shown(value: Any) -> str:
    """A value as TOML (and JSON) would write it: "150" is a string, 150 a number."""
    return json.dumps(value, default=str)


def _checked(name: str, value: Any) -> Any:
    """The value for field `name` (a path expanded), or SettingsError saying what is wrong with it."""
    if value is None and name in _OPTIONAL:
        return None
    wanted = _TYPES[name]
    if wanted is Path and isinstance(value, str | os.PathLike) and str(value):
        return Path(value).expanduser()
    if not isinstance(value, wanted) or (wanted is int and isinstance(value, bool)):  # True is an int too
        raise SettingsError(f"{name} must be {_WANTED[wanted]}, not {_shown(value)}")
    choices = _FIELDS[name].metadata["choices"]
    if choices and value not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, not {_shown(value)}")
    if name == "emergency_number":
        try:
            emergency_number(None, value)
        except ValueError as err:
            raise SettingsError(str(err)) from None
    return value


DEFAULTS = VoiceSettings()


def config_path(flag: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Path | None:
    """The settings file to read: the flag's, else $LEGCHECK_CONFIG's, else the default one if it exists."""
    environ = os.environ if environ is None else environ
    given = flag or environ.get(CONFIG_ENV)
    if given:
        return Path(given).expanduser()
    base = environ.get("XDG_CONFIG_HOME", "")
    if not Path(base).is_absolute():  # unset, empty or relative: the XDG default
        base = Path(environ.get("HOME") or Path.home()) / ".config"
    default = Path(base) / DEFAULT_FILE
    return default if default.exists() else None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"settings file not found: {path}") from None
    except OSError as err:
        raise SettingsError(f"cannot read the settings file {path}: {err.strerror}") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: not UTF-8 text (save the settings file as UTF-8)") from None
    except tomllib.TOMLDecodeError as err:
        raise SettingsError(f"{path}: not valid TOML: {err}") from None


def _from_file(path: Path) -> dict[str, Any]:
    """The settings in a TOML file; every problem in it named in one SettingsError."""
    values, problems = {}, []
    for key, value in _read_file(path).items():
        if key not in _FIELDS:
            close = difflib.get_close_matches(key.replace("-", "_"), FILE_KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"unknown setting {key!r}{hint}; the file can set {', '.join(FILE_KEYS)}")
        elif key in FILE_KEYS:
            try:
                values[key] = _checked(key, value)
            except SettingsError as err:
                problems.append(str(err))
            if isinstance(values.get(key), Path):
                values[key] = path.parent / values[key]  # relative to the file (an absolute path stays)
        else:
            problems.append(f"{key!r} is not a setting for the file: give --{key.replace('_', '-')} on the "
                            "command line")
    if problems:
        raise SettingsError(f"{path}: {'; '.join(problems)}")
    return values


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    values = {}
    for name in FILE_KEYS:
        variable = ENV_PREFIX + name.upper()
        text = environ.get(variable, "").strip()
        if not text:
            continue
        try:
            values[name] = _checked(name, _parsed(name, text))
        except SettingsError as err:
            raise SettingsError(f"environment variable {variable}: {err}") from None
    return values


def _parsed(name: str, text: str) -> Any:
    """A variable's text as the field's type (what is left unconverted fails the type check)."""
    wanted = _TYPES[name]
    if wanted is int:
        try:
            return int(text)
        except ValueError:
            return text
    if wanted is bool:
        return {"1": True, "true": True, "yes": True, "on": True,
                "0": False, "false": False, "no": False, "off": False}.get(text.lower(), text)
    return text


def _from_flags(flags: Mapping[str, Any]) -> dict[str, Any]:
    values = {}
    for name, value in flags.items():
        if name not in _FIELDS:
            raise TypeError(f"not a voice setting: {name!r}")
        if value is None:
            continue  # not given
        try:
            values[name] = _checked(name, value)
        except SettingsError as err:
            raise SettingsError(f"--{name.replace('_', '-')}: {err}") from None
    return values


def build_settings(flags: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None,
                   config: str | Path | None = None) -> VoiceSettings:
    """The settings from the defaults, then the settings file (`config`, else $LEGCHECK_CONFIG, else the
    default file if it exists), then the environment (default os.environ), then `flags` (field name ->
    value; None is not given). Raises SettingsError naming the file, variable or flag at fault."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = config_path(config, environ)
    if path is not None:
        values.update(_from_file(path))
    values.update(_from_environment(environ))
    values.update(_from_flags(flags or {}))
    return VoiceSettings(**values)


def settings_from_args(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> VoiceSettings:
    """build_settings with the flags of a parsed command line (`--config` and every voice option it has)."""
    given = vars(args)
    flags = {name: given[name] for name in _FIELDS if given.get(name) is not None}
    return build_settings(flags, environ, config=given.get("config"))


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """`--config FILE`, with an epilog saying where settings come from."""
    parser.add_argument("--config", metavar="FILE", type=Path, default=None,
                        help=f"settings file in TOML (default: ${CONFIG_ENV}, else ~/.config/{DEFAULT_FILE} "
                             "if it exists)")
    parser.epilog = (
        f"Settings, each source overriding the one before: the defaults shown; the settings file (--config); "
        f"environment variables {ENV_PREFIX}<KEY>, e.g. {ENV_PREFIX}RATE=150; these options. The file and the "
        f"environment can set {', '.join(FILE_KEYS)} (in the file as key = value, e.g. rate = 150 or "
        'locale = "en-GB"); the other options only come from the command line.'
    )
