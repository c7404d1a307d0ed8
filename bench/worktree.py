"""Run a bench script's measure on another commit (the baseline of the same run), in a git worktree of it."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure_at(revision: str, script: Path, *args: str) -> dict:
    """`script --json ARGS` run with the packages of `revision` (this tree's script and data), parsed."""
    with tempfile.TemporaryDirectory(prefix="legcheck-bench-") as folder:
        tree = Path(folder) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), revision], check=True)
        try:
            run = subprocess.run([sys.executable, str(script.resolve()), "--json", *args], cwd=tree,
                                 env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
                                 capture_output=True, text=True, check=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    return json.loads(run.stdout)


RESULTS = ROOT / "bench" / "RESULTS.md"


def replace_section(heading: str, text: str) -> None:
    """Replace one "## " section of RESULTS.md (up to the next "## " heading), or add it at the end."""
    import re

    content = RESULTS.read_text()
    pattern = re.compile(rf"^{re.escape(heading)}.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(content):
        content = pattern.sub(lambda _: text + "\n", content, count=1)
    else:
        content = content.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(content.rstrip("\n") + "\n")
