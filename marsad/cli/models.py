"""`marsad models`: list and install offline translation models."""

from __future__ import annotations

import argparse
from typing import Any

from marsad.cli._notbuilt import not_built


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "models",
        help="list and install offline translation models",
        description="list and install offline translation models.",
    )
    p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(handler=not_built("models", "the translation issue"))
