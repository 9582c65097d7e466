"""`marsad import`: store local HTML pages or JSON Lines articles through the full pipeline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from marsad.cli.context import CLIContext
from marsad.pipeline.importer import import_paths
from marsad.pipeline.process import Pipeline


def register(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="store local HTML pages or JSON Lines articles through the full pipeline",
        description="Store local HTML pages or JSON Lines articles (fields: url, title, text, "
        "language, published, source) through the full pipeline: extract, analyse, dedup, "
        "cluster, store and index. No network. Inputs are processed in the order given; "
        "folders are walked in name order.",
    )
    p.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="HTML file, JSON Lines file or folder"
    )
    p.set_defaults(handler=_import)


def _import(ctx: CLIContext, args: argparse.Namespace) -> int:
    pipeline = Pipeline(ctx.store, ctx.settings)
    try:
        summary = import_paths(pipeline, args.paths)
    finally:
        pipeline.close()
    for name, why in summary.failed:
        print(f"marsad: skipped {name}: {why}", file=sys.stderr)
    print(
        f"imported {summary.new} new articles, {summary.known} already stored, {len(summary.failed)} failed"
    )
    return 1 if summary.failed else 0
