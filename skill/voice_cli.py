"""The `legcheck voice`, `legcheck listen` and `legcheck models` subcommands.

Every expected failure (no microphone, a wrong model path, an unreadable WAV, a failed download, a bad
settings file) is one clear line on stderr and exit code 2, never a traceback.

`voice` and `listen` hand their flags to skill/settings.py, which builds the VoiceSettings (defaults, settings
file, environment, flags): the parsers have no defaults of their own (SUPPRESS), so a flag not given
overrides nothing, and the help texts quote the dataclass's defaults.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from intents import KINDS
from speech.denoise import SUPPRESSORS
from speech.errors import NoMicrophoneError, SpeechError
from speech.models import default_models_dir, install, installed_models, load_manifest
from speech.recognizer import ENGINES

from .settings import DEFAULTS, SettingsError, VoiceSettings, add_config_option, settings_from_args

__all__ = ["register", "start_voice"]

EXIT_ERROR = 2


def register(subparsers) -> None:
    """Add the voice, listen and models subcommands to the `legcheck` parser."""
    _register_voice(subparsers)
    _register_listen(subparsers)
    _register_models(subparsers)


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", choices=ENGINES,
                        help=f"speech recognizer (default: {DEFAULTS.engine}: both where the Moonshine model can "
                        "run, else pocketsphinx, saying why); pocketsphinx needs no download; moonshine scores "
                        "the question's phrases with the Moonshine base model (`make run` installs it on "
                        "x86_64, `legcheck models install moonshine-base` elsewhere); both hears each answer "
                        "with the two and settles what they disagree on; vosk needs a Vosk model")
    parser.add_argument("--vosk-model", metavar="DIR", type=Path,
                        help="Vosk model folder (default with --engine vosk: one installed under models/)")
    parser.add_argument("--noise-suppression", choices=SUPPRESSORS,
                        help="noise suppression in front of PocketSphinx (default: deepfilter, or webrtc where "
                             "DeepFilterNet is not installed; webrtc costs less CPU)")
    parser.add_argument("--input-wav", metavar="FILE", type=Path,
                        help="use this recording as the microphone")
    parser.add_argument("--realtime", action="store_true",
                        help="with --input-wav: take the recording at the pace of a live microphone")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON lines")
    parser.add_argument("--trailing-silence", metavar="MS", type=int,
                        help=f"silence that ends an answer, in milliseconds (default {DEFAULTS.trailing_silence})")
    parser.add_argument("--no-speech-timeout", metavar="MS", type=int,
                        help="how long to wait for an answer to start, in milliseconds (default "
                             f"{DEFAULTS.no_speech_timeout})")


def _register_voice(subparsers) -> None:
    parser = subparsers.add_parser(
        "voice", help="hands-free check: spoken questions, spoken answers",
        description="The whole check by voice: microphone in, speaker out. Not a diagnosis.",
        argument_default=argparse.SUPPRESS,
    )
    _add_engine_options(parser)
    parser.add_argument("--output-wav", metavar="FILE", type=Path,
                        help="write everything said into this WAV file instead of playing it")
    parser.add_argument("--rate", type=int, metavar="WPM",
                        help=f"speaking rate in words per minute (default {DEFAULTS.rate}, a little slow)")
    parser.add_argument("--locale", help=f"locale, e.g. en-US or en-GB (default {DEFAULTS.locale})")
    parser.add_argument("--emergency-number", help="emergency number (default: the locale's)")
    add_config_option(parser)
    parser.set_defaults(func=_run_voice)


def _register_listen(subparsers) -> None:
    parser = subparsers.add_parser(
        "listen", help="recognise one answer and show what was heard (a microphone and model check)",
        argument_default=argparse.SUPPRESS,
    )
    _add_engine_options(parser)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--kind", choices=KINDS, help=f"the grammar to listen with (default {DEFAULTS.kind})")
    which.add_argument("--question", metavar="ID", help="listen with the grammar of this question")
    add_config_option(parser)
    parser.set_defaults(func=_run_listen)


def _register_models(subparsers) -> None:
    parser = subparsers.add_parser("models", help="list, install or verify speech models (Moonshine, Vosk)")
    parser.add_argument("--manifest", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="where models live (default: models/ in the project)")
    actions = parser.add_subparsers(dest="models_action", metavar="ACTION", required=True)
    actions.add_parser("list", help="known and installed models").set_defaults(func=_run_models_list)
    install = actions.add_parser("install", help="download, check and unpack a model")
    install.add_argument("name", help="model name from `legcheck models list`")
    install.add_argument("--sha256", default=None,
                         help="expected SHA-256 of the archive, for a model whose checksum is not published")
    install.add_argument("--from", dest="sources", metavar="FILE", type=Path, action="append", default=[],
                         help="use this archive already on disk instead of downloading it (repeat for a model "
                              "in several archives, e.g. the two wheels of moonshine-base); each is "
                              "recognised by its SHA-256")
    install.set_defaults(func=_run_models_install)
    actions.add_parser("verify", help="check every installed model").set_defaults(func=_run_models_verify)


def _fail(message: str) -> int:
    print(f"legcheck: {message}", file=sys.stderr)
    return EXIT_ERROR


def _run_models_list(args) -> int:

    try:
        entries = load_manifest(args.manifest)
    except SpeechError as err:
        return _fail(str(err))
    models_dir = args.models_dir or default_models_dir()
    present = {item.directory.name: item for item in installed_models(models_dir)}
    for entry in entries.values():
        item = present.pop(entry.directory, None)
        state = "not installed" if item is None else ("installed" if item.ok else "BROKEN")
        sizes = [part.size for part in entry.parts]
        size = f"{sum(sizes) / 1e6:.0f} MB" if all(sizes) else "size unknown"
        checksum = "checksum known" if all(part.sha256 for part in entry.parts) else "no published checksum"
        print(f"{entry.name:16} {entry.engine:10} {state:14} {size:>8}  {checksum}  {entry.description}")
    for name, item in present.items():
        print(f"{name:16} {item.engine:10} {'installed' if item.ok else 'BROKEN':14} (not in the manifest)")
    print(f"models folder: {models_dir}")
    return 0


def _run_models_install(args) -> int:

    try:
        target = install(args.name, args.models_dir, args.manifest, sha256=args.sha256,
                         progress=sys.stderr.isatty(), sources=args.sources)
    except SpeechError as err:
        return _fail(str(err))
    print(f"installed {args.name} in {target}")
    return 0


def _run_models_verify(args) -> int:

    found = installed_models(args.models_dir)
    if not found:
        print(f"no models installed in {args.models_dir or default_models_dir()}")
        return 0
    for item in found:
        print(f"{item.directory.name}: {'ok' if item.ok else item.problem}")
    return 0 if all(item.ok for item in found) else EXIT_ERROR


def _run_voice(args) -> int:
    try:
        settings = settings_from_args(args)
    except SettingsError as err:
        return _fail(str(err))
    return start_voice(settings)


def start_voice(settings: VoiceSettings) -> int:
    """The voice conversation (`legcheck voice`, and `legcheck start` with a microphone)."""
    from .voice import run_voice  # the speech stack (numpy, engines, sound) loads only for these commands

    try:
        return run_voice(settings)
    except NoMicrophoneError as err:
        return _fail(f"{err}. No microphone was found: use `legcheck chat` to answer by typing, "
                     "or --input-wav FILE to use a recording")
    except SpeechError as err:
        return _fail(str(err))


def _run_listen(args) -> int:
    from .voice import listen_once  # the speech stack loads only for these commands

    try:
        settings = settings_from_args(args)
        result = listen_once(settings)
    except SettingsError as err:
        return _fail(str(err))
    except NoMicrophoneError as err:
        return _fail(f"{err}. No microphone was found: pass --input-wav FILE to use a recording")
    except SpeechError as err:
        return _fail(str(err))
    if settings.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(_describe(result))
    return 0


def _describe(result: dict) -> str:
    slots = ", ".join(f"{key}={value}" for key, value in result["slots"].items()) or "none"
    return (f"engine: {result['engine']}\n"
            f"heard: {result['text']!r}\nintent: {result['intent'] or 'not understood'}\nslots: {slots}\n"
            f"confidence: {result['confidence']:.2f}\nspeech: {result['timing']['speech_ms']:.0f} ms, "
            f"decode after the end: {result['timing']['decode_ms']:.0f} ms")
