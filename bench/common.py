"""Shared helpers for bench scripts."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def eval_data_dir() -> Path:
    """The public evaluation data: $MARSAD_EVAL_DATA, default ../shared/eval beside the repo."""
    return Path(os.environ.get("MARSAD_EVAL_DATA", REPO.parent / "shared" / "eval"))
