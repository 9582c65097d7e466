"""`marsad serve`: run the web site, feeds, API and crawl scheduler."""

from __future__ import annotations

import argparse
from typing import Any

from marsad.cli._notbuilt import not_built


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "serve",
        help="run the web site, feeds, API and crawl scheduler",
        description="run the web site, feeds, API and crawl scheduler.",
    )
    p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(handler=not_built("serve", "the publishing issue"))
