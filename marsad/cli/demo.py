"""`marsad demo`: start an instance with the demo corpus and serve it."""

from __future__ import annotations

import argparse
from typing import Any

from marsad.cli._notbuilt import not_built


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="start an instance with the demo corpus and serve it",
        description="start an instance with the demo corpus and serve it.",
    )
    p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(handler=not_built("demo", "the publishing issue"))
