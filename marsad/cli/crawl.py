"""`marsad crawl`: poll the sources on their schedule and store new articles."""

from __future__ import annotations

import argparse
from typing import Any

from marsad.cli._notbuilt import not_built


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "crawl",
        help="poll the sources on their schedule and store new articles",
        description="poll the sources on their schedule and store new articles.",
    )
    p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(handler=not_built("crawl", "the ingestion issue"))
