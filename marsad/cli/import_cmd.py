"""`marsad import`: store local HTML pages or JSON Lines articles through the full pipeline."""

from __future__ import annotations

import argparse
from typing import Any

from marsad.cli._notbuilt import not_built


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "import",
        help="store local HTML pages or JSON Lines articles through the full pipeline",
        description="store local HTML pages or JSON Lines articles through the full pipeline.",
    )
    p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(handler=not_built("import", "the grouping issue"))
