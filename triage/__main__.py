"""`python -m triage validate [FILE]`: check a protocol file (default: the one in use) and list its problems."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .protocol import PROTOCOL, ProtocolError, problems, read


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m triage", description="Tools for the clinical protocol.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate = commands.add_parser("validate", help="check a protocol file and list every problem",
                                   description="Check a protocol file (findings, thresholds, rules, sources) "
                                   "and list every problem; exit 1 if there is any.")
    validate.add_argument("file", nargs="?", type=Path, default=PROTOCOL,
                          help=f"the protocol to check (default: {PROTOCOL})")
    args = parser.parse_args(argv)
    try:
        found = problems(read(args.file))
    except ProtocolError as error:
        print(f"triage validate: {error}", file=sys.stderr)
        return 1
    if found:
        print(f"{args.file}: {len(found)} problem(s)", *(f"- {problem}" for problem in found), sep="\n",
              file=sys.stderr)
        return 1
    print(f"{args.file}: the protocol is sound")
    return 0


if __name__ == "__main__":
    sys.exit(main())
