"""`marsad cluster`: group pages or JSON Lines articles into stories and duplicates, without storing."""

from __future__ import annotations

import argparse
from typing import Any

from marsad.cli._notbuilt import not_built


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "cluster",
        help="group pages or JSON Lines articles into stories and duplicates, without storing",
        description="group pages or JSON Lines articles into stories and duplicates, without storing.",
    )
    p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(handler=not_built("cluster", "the grouping issue"))
