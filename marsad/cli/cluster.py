"""`marsad cluster`: group pages or JSON Lines articles into stories and duplicates, without storing."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from marsad.cli.context import CLIContext, print_json_line
from marsad.cluster.clusterer import ClusterOptions, StoryClusterer
from marsad.cluster.recheck import RecheckedStream
from marsad.errors import UserError
from marsad.extract.langid import default_detector
from marsad.pipeline.steps import ExtractLimits
from marsad.pipeline.stream import cluster_stream, read_inputs
from marsad.understand import load_knowledge


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "cluster",
        help="group pages or JSON Lines articles into stories and duplicates, without storing",
        description="Group HTML pages or JSON Lines articles (fields: url, title, text, language, "
        "published, source, optional id) into stories and duplicates as one stream. Each goes "
        "through the pipeline's own extract and analyse steps (a page like a crawled page, a "
        "record like a feed entry with its text), so it is grouped as it would be stored. "
        "Articles are "
        "decided as they come, then re-checked in publication order, so the result does not "
        "depend on the order of the inputs. Nothing is stored.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="JSON Lines files, HTML pages, folders")
    p.add_argument("--json", action="store_true", help="JSON Lines, one object per input")
    p.add_argument(
        "--window-days",
        type=float,
        metavar="DAYS",
        help="story window (default: setting `cluster_window_days`)",
    )
    p.set_defaults(handler=_cluster)


def _cluster(ctx: CLIContext, args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UserError(f"no such file: {', '.join(missing)}")
    window = args.window_days if args.window_days is not None else ctx.settings.cluster_window_days
    if window <= 0:
        raise UserError("--window-days must be positive")
    options = ClusterOptions(
        window_days=window, dedup_threshold=float(ctx.settings.dedup_threshold)
    )
    grouped = RecheckedStream(StoryClusterer(options))
    input_of: dict[str, str] = {}
    rows: list[tuple[Any, str | None]] = []
    # The pipeline's own extract and analyse steps, with its settings: the stream is grouped on
    # the features the pipeline would store for the same inputs.
    settings = ctx.settings
    results = cluster_stream(
        read_inputs(paths),
        grouped.add,
        knowledge=load_knowledge(settings.entities_file),
        detector=default_detector(),
        limits=ExtractLimits(settings.extract_timeout, settings.max_body_bytes),
    )
    for article, assignment in results:
        rows.append((article, assignment.key if assignment else None))
        if assignment is not None:
            input_of[assignment.key] = article.input
    grouped.finish()  # the links and stories publication order gives
    # Names (s1, s2, ...) are given after the whole stream, so inputs of stories merged later
    # share one.
    names: dict[str, str] = {}
    rows_out: list[dict[str, Any]] = []
    for article, key in rows:
        if key is None:
            rows_out.append({"input": article.input, "error": article.error})
            continue
        final = grouped.decisions[key]
        rows_out.append(
            {
                "input": article.input,
                "story": names.setdefault(grouped.story_of(key) or "", f"s{len(names) + 1}"),
                "duplicate_of": input_of.get(final.duplicate_of_key or ""),
                "duplicate_kind": final.duplicate_kind,
                "translation_of": input_of.get(final.translation_of_key or ""),
                "title": article.title,
                "language": article.language,
                "score": final.score,
            }
        )
    if args.json:
        for row in rows_out:
            print_json_line({"input": row.pop("input"), "story": row.pop("story", None), **row})
        return 0
    for row in rows_out:
        if "error" in row:
            print(f"!     {row['input']}: {row['error']}")
            continue
        mark = f" (copy of {row['duplicate_of']})" if row["duplicate_of"] else ""
        if row["translation_of"]:
            mark += f" (translation of {row['translation_of']})"
        print(f"{row['story']:>5} {row['input']}{mark}\n      {row['title']}")
    return 0
