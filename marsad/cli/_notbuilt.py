"""Commands whose stage has not landed yet say so plainly and exit non-zero."""

from __future__ import annotations

import argparse

from marsad.cli.context import CLIContext
from marsad.errors import NotBuiltError


def not_built(feature: str, issue: str) -> object:
    def handler(ctx: CLIContext, args: argparse.Namespace) -> int:
        raise NotBuiltError(f"`marsad {feature}` is not built yet ({issue}); nothing was done")

    return handler
