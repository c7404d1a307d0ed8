"""`legcheck serve`: the Alexa endpoint on a development server (production: gunicorn, see skill.web)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register", "serve"]

def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `legcheck serve` to the command line."""
    parser = subparsers.add_parser(
        "serve",
        help="answer Alexa requests over HTTP (put TLS in front of it)",
        description="Serve the Alexa endpoint (POST / or /alexa, GET /healthz). For production run it "
        "under gunicorn: gunicorn -w 2 -b 0.0.0.0:8080 'skill.web:create_app()'",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    parser.add_argument(
        "--no-verify", action="store_true", help="accept unsigned requests: LOCAL TESTING ONLY"
    )
    parser.add_argument(
        "--skill-id",
        action="extend",
        nargs="+",
        default=[],
        metavar="ID",
        help="accept only these skill ids (default: any)",
    )
    parser.set_defaults(func=serve)


def serve(args: argparse.Namespace) -> int:
    from werkzeug.serving import run_simple

    from skill.web import NO_VERIFY_WARNING, create_app  # Flask loads only for this command

    if args.no_verify:
        print(NO_VERIFY_WARNING, file=sys.stderr, flush=True)
    config: dict[str, Any] = {"VERIFY": not args.no_verify}
    if args.skill_id:
        config["SKILL_IDS"] = tuple(args.skill_id)
    app = create_app(config)
    print(f"legcheck: Alexa endpoint on http://{args.host}:{args.port}/", file=sys.stderr, flush=True)
    run_simple(args.host, args.port, app, threaded=True)
    return 0
