"""`marsad alerts`: match changed stories against alert rules and deliver the alerts."""

from __future__ import annotations

import argparse
from typing import Any

from marsad.cli._notbuilt import not_built


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "alerts", help="match changed stories against alert rules and deliver the alerts"
    )
    p.set_defaults(handler=not_built("alerts", "issue 20"))
