"""Run every benchmark in turn (what `make bench` does). Each script updates its own part of RESULTS.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("voice.py", "voice_latency.py", "endpoint.py", "red_flags.py --write", "natural_answers.py --write")


def main() -> int:
    failed = []
    for name in SCRIPTS:
        print(f"== bench/{name}", flush=True)
        script, *flags = name.split()
        if subprocess.run([sys.executable, str(HERE / script), *flags], cwd=HERE.parent).returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
