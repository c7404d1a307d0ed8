"""`python -m triage validate [FILE] [--advice FILE]`: check the protocol and the advice texts (default: the
ones in use) and list their problems."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import advice
from .protocol import PROTOCOL, ProtocolError, problems, read, read_yaml


def _read_advice(path: Path) -> Any:
    return read_yaml(path, "advice texts", ProtocolError)


def _check(path: Path, reader: Callable[[Path], Any], checks: Callable[[Any], list[str]], what: str) -> bool:
    try:
        found = checks(reader(path))
    except ProtocolError as error:
        print(f"triage validate: {error}", file=sys.stderr)
        return False
    if found:
        print(f"{path}: {len(found)} problem(s)", *(f"- {problem}" for problem in found), sep="\n", file=sys.stderr)
        return False
    print(f"{path}: {what}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m triage", description="Tools for the clinical protocol.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate = commands.add_parser("validate", help="check the protocol and the advice texts, listing every problem",
                                   description="Check a protocol file (findings, thresholds, rules, the question "
                                   "plan, sources) and the advice texts, and list every problem; exit 1 if there "
                                   "is any.")
    validate.add_argument("file", nargs="?", type=Path, default=PROTOCOL,
                          help=f"the protocol to check (default: {PROTOCOL})")
    validate.add_argument("--advice", type=Path, default=advice.ADVICE_TEXTS, metavar="FILE",
                          help=f"the advice texts to check (default: {advice.ADVICE_TEXTS})")
    args = parser.parse_args(argv)
    sound = _check(args.file, read, problems, "the protocol is sound")
    sound = _check(args.advice, _read_advice, advice.problems, "the advice texts are sound") and sound
    return 0 if sound else 1


if __name__ == "__main__":
    sys.exit(main())
