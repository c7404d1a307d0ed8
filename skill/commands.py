"""The core subcommands: `chat`, `assess`, `rules` and `start`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from triage import FindingsError, assess, clinician_summary

from .chat import emit_json, run_chat, run_json
from .dialogue import Dialogue
from .locale import emergency_number
from .review import review_sheet
from .settings import SettingsError, add_config_option, settings_from_args

__all__ = ["register", "add_locale_options", "dialogue_from_args"]


def add_locale_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", default="en-US",
                        help="locale, which picks the emergency number (en-US, en-GB, en-AU, ...; default en-US)")
    parser.add_argument("--emergency-number", metavar="DIGITS",
                        help="override the emergency number given by the locale")


def dialogue_from_args(args: argparse.Namespace) -> Dialogue:
    return Dialogue(locale=args.locale, emergency_number=args.emergency_number)


def register(subparsers: Any) -> None:
    chat = subparsers.add_parser("chat", help="the triage as a typed conversation",
                                 description="Answer the questions by typing. Not a diagnosis.")
    chat.add_argument("--json", action="store_true",
                      help="machine mode: one answer per line on stdin (or @file.wav), one JSON event per line out")
    add_locale_options(chat)
    chat.set_defaults(func=_chat)

    check = subparsers.add_parser("assess", help="triage a JSON object of findings",
                                  description="Read findings (a JSON object: name -> yes/no/unknown or a value) "
                                  "from FILE, or from stdin with -, and print the result as JSON. Missing "
                                  "findings count as unknown and are read the cautious way.")
    check.add_argument("file", metavar="FILE", help="JSON file of findings, or - for stdin")
    add_locale_options(check)
    check.set_defaults(func=_assess)

    rules = subparsers.add_parser("rules", help="print the clinician's review sheet (Markdown)",
                                  description="Print every rule in plain words with its sources, the "
                                  "thresholds, every question and every advice text, as Markdown, from the "
                                  "data the product runs on.")
    add_locale_options(rules)
    rules.set_defaults(func=_rules)

    start = subparsers.add_parser("start", help="start legcheck: voice if a microphone is present, else typed",
                                  description="What `make run` starts. It reads the voice settings (see "
                                  "`legcheck voice --help`); their locale and emergency number apply to the "
                                  "typed conversation too.")
    add_locale_options(start)
    add_config_option(start)
    # no --locale given: the voice settings decide (their default is en-US)
    start.set_defaults(func=_start, locale=None)


def _chat(args: argparse.Namespace) -> int:
    dialogue = _dialogue_or_exit(args)
    if args.json:
        return run_json(dialogue, sys.stdin, sys.stdout)
    return run_chat(dialogue)


def _dialogue_or_exit(args: argparse.Namespace) -> Dialogue:
    try:
        return dialogue_from_args(args)
    except ValueError as error:
        raise SystemExit(f"legcheck: {error}") from None


def _read_findings(path: str) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise SystemExit(f"legcheck assess: cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise SystemExit(f"legcheck assess: {path} is not UTF-8 text (save it as UTF-8 JSON)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SystemExit(f"legcheck assess: {path} is not valid JSON ({error.msg}, line {error.lineno})") from None
    if not isinstance(data, dict):
        raise SystemExit("legcheck assess: expected a JSON object of findings, e.g. {\"swelling\": \"yes\"}")
    return data


def _assess(args: argparse.Namespace) -> int:
    findings = _read_findings(args.file)
    try:
        number = emergency_number(args.locale, args.emergency_number)
        outcome = assess(findings, number)
    except (FindingsError, ValueError) as error:
        raise SystemExit(f"legcheck assess: {error}") from None
    result = {"type": "result", **outcome.to_json(), "summary": clinician_summary(outcome), "emergency_number": number}
    emit_json(result, sys.stdout)
    return 0


def _rules(args: argparse.Namespace) -> int:
    dialogue = _dialogue_or_exit(args)
    print(review_sheet(dialogue.number, dialogue.advice_line, dialogue.locale), end="")
    return 0


def _start(args: argparse.Namespace) -> int:
    from speech.audio import has_microphone  # the speech stack loads only when it is used

    try:
        settings = settings_from_args(args)
    except SettingsError as error:
        print(f"legcheck: {error}", file=sys.stderr)
        return 2
    dialogue = Dialogue(locale=settings.locale, emergency_number=settings.emergency_number)  # number checked
    if not has_microphone():
        print("No microphone found: starting the typed conversation. Type your answers.\n")
        return run_chat(dialogue)
    from .voice_cli import start_voice

    print("Microphone found: starting the voice conversation. Speak after each question.\n")
    return start_voice(settings)
