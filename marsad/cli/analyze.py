"""`marsad analyze`: extract and analyse HTML files or URLs without storing anything."""

from __future__ import annotations

import argparse
from typing import Any

from marsad.cli._notbuilt import not_built


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "analyze",
        help="extract and analyse HTML files or URLs without storing anything",
        description="extract and analyse HTML files or URLs without storing anything.",
    )
    p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(handler=not_built("analyze", "the extraction issue"))
