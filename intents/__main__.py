"""Try the matcher from a shell.

    python -m intents "um yeah I think so" --kind yes_no     # one JSON line per text
    python -m intents --phrases duration                      # the grammar phrases of a kind
"""

from __future__ import annotations

import argparse
import json
import sys

from .errors import IntentsError
from .nlu import KINDS, match, phrases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intents", description="Match answers to legcheck intents.")
    parser.add_argument("texts", nargs="*", help="answers to match (one JSON line each)")
    parser.add_argument("--kind", choices=KINDS, help="the open question's kind")
    parser.add_argument("--phrases", choices=KINDS, metavar="KIND", help="print the grammar phrases of KIND")
    args = parser.parse_args(argv)
    if args.phrases:
        print("\n".join(phrases(args.phrases)))
        return 0
    if not args.texts:
        parser.error("give at least one text, or --phrases KIND")
    try:
        for text in args.texts:
            print(json.dumps(match(text, args.kind).to_json()))
    except IntentsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
