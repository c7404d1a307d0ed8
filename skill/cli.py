"""The `legcheck` command line."""

from __future__ import annotations

import argparse
import sys

from skill.alexa_cli import register as register_alexa
from skill.commands import register as register_core
from skill.serve_cli import register as register_serve

from .voice_cli import register as register_speech

# Other packages add their own subcommands here: each module has register(subparsers).
REGISTRARS: list = [register_core, register_serve, register_speech, register_alexa]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="legcheck",
        description="Leg pain: probably a cramp, or a possible blood clot? A hands-free check. "
        "Not a diagnosis: in an emergency call your local emergency number.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in REGISTRARS:
        register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
