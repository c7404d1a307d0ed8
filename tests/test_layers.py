"""The layers point one way (DEVELOPERS.md, "Layout"): lint-imports keeps them so in `make test`. Here it is
shown to fail on a deliberately wrong import, in a copy of the packages, so the check cannot pass vacuously."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("triage", "intents", "skill", "speech")


def _lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.skipif(not LINT.exists(), reason="import-linter (the dev extra) is not installed in this Python")
def test_the_layers_hold_in_a_copy_of_the_packages(copy):
    run = _lint(copy)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 kept, 0 broken" in run.stdout


@pytest.mark.skipif(not LINT.exists(), reason="import-linter (the dev extra) is not installed in this Python")
@pytest.mark.parametrize(("module", "wrong"), [
    ("speech/tts.py", "import skill.dialogue  # noqa"),        # speech reaching up into the skill
    ("triage/levels.py", "import intents  # noqa"),            # the clinical core importing the matcher
    ("speech/audio.py", "import intents.redflags  # noqa"),    # speech reading words, not only the grammars
])
def test_a_wrong_import_breaks_the_check(copy, module, wrong):
    path = copy / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{wrong}\n", encoding="utf-8")
    run = _lint(copy)
    assert run.returncode != 0 and "BROKEN" in run.stdout, run.stdout + run.stderr


def test_no_two_of_our_modules_import_each_other_even_inside_a_function():
    """Issue 11: speech/recognizer.py and the engines imported each other (the dispatcher inside a function).
    grimp (import-linter's graph) sees imports inside functions too."""
    grimp = pytest.importorskip("grimp", reason="grimp comes with import-linter (the dev extra)")
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    cycles = {tuple(sorted((module, imported))) for module in graph.modules
              for imported in graph.find_modules_directly_imported_by(module)
              if graph.find_shortest_chain(importer=imported, imported=module)}
    assert cycles == set()
