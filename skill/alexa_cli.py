"""`legcheck alexa export DIR`: write the Alexa skill-package generated from the intent templates."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

__all__ = ["register"]

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `alexa export DIR` to the legcheck command line."""
    alexa = subparsers.add_parser("alexa", help="Alexa skill tools")
    commands = alexa.add_subparsers(dest="alexa_command", metavar="ALEXA_COMMAND", required=True)
    export = commands.add_parser(
        "export",
        help="write an ASK CLI skill-package (manifest and interaction models) generated from the intents",
    )
    export.add_argument("directory", type=Path, help="where to write skill-package/ (created if missing)")
    export.add_argument("--endpoint", metavar="URI",
                        help="the skill's endpoint: an https:// URL (legcheck serve) or a Lambda function ARN")
    export.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    from intents import load_intents  # loaded here, so other commands start fast
    from intents.alexa import AlexaExportError, export_skill_package

    if args.directory.exists() and not args.directory.is_dir():
        print(f"legcheck alexa export: {args.directory} exists and is not a directory")
        return 2
    try:
        written = export_skill_package(load_intents(), args.directory, endpoint=args.endpoint)
    except (AlexaExportError, OSError) as error:
        print(f"legcheck alexa export: {error}")
        return 1
    for path in written:
        print(path)
    return 0
