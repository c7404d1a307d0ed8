"""Where the speech models live: ``models/`` in the project, or the folder ``$LEGCHECK_MODELS_DIR`` names.

Its own module so that the model manager (speech/models.py) and the engines' file finders
(speech/moonshine_model.py) can both use it without importing each other."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["MODELS_DIR_ENV", "default_models_dir", "repo_root"]

MODELS_DIR_ENV = "LEGCHECK_MODELS_DIR"


def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


def default_models_dir() -> Path:
    return Path(os.environ.get(MODELS_DIR_ENV) or repo_root() / "models")
