"""`marsad search`: search the stored articles (the same service as the web page and the API)."""

from __future__ import annotations

import argparse
from typing import Any

from marsad.cli.context import CLIContext, print_json_line
from marsad.errors import UserError
from marsad.search import reindex_all, search


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "search",
        help="search the stored articles",
        description=(
            'Search the stored articles. Words, "exact phrases", OR, -exclusion, and filters '
            "source: country: region: lang: from: to: story: (e.g. "
            "'بوتين country:EG from:2024-05'). Spelling variants (diacritics, hamza, ة, ال) "
            "find the same articles."
        ),
    )
    p.add_argument("query", nargs="*", metavar="QUERY", help="the query (quote it in the shell)")
    p.add_argument("--json", action="store_true", help="JSON Lines, one object per hit")
    p.add_argument("--limit", type=int, default=20, help="how many hits (default 20, max 100)")
    p.add_argument("--offset", type=int, default=0, help="skip this many hits (paging)")
    p.add_argument("--group", action="store_true", help="one hit per story")
    p.add_argument(
        "--reindex", action="store_true", help="rebuild the search index from the stored articles"
    )
    p.set_defaults(handler=_search)


def _search(ctx: CLIContext, args: argparse.Namespace) -> int:
    if args.reindex:
        count = reindex_all(ctx.store)
        print(f"indexed {count} articles")
        if not args.query:
            return 0
    query = " ".join(args.query).strip()
    if not query:
        raise UserError("give a query, e.g. marsad search 'بوتين'", message_ar="اكتب نص البحث")
    if not 1 <= args.limit <= 100:
        raise UserError("--limit must be between 1 and 100")
    if args.offset < 0:
        raise UserError("--offset must not be negative")
    results = search(
        ctx.store,
        query,
        limit=args.limit,
        offset=args.offset,
        group_by_story=args.group,
        facets=False,
        recency_weight=ctx.settings.search_recency_weight,
    )
    if args.json:
        for hit in results.hits:
            data = hit.to_json()
            print_json_line(
                {
                    "url": data["url"],
                    "title": data["title"],
                    "score": data["score"],
                    "story": data["story"],
                    "snippet": data["snippet"],
                    "id": data["id"],
                    "published": data["published"],
                    "source": data["source"],
                    "language": data["language"],
                }
            )
        return 0
    for notice in results.notices:
        print(f"note: {notice}")
    more = "+" if results.total_is_lower_bound else ""
    print(f"{results.total}{more} results ({results.elapsed_ms:.0f} ms)")
    for i, hit in enumerate(results.hits, start=args.offset + 1):
        when = hit.published_at.strftime("%Y-%m-%d") if hit.published_at else "-"
        print(f"{i:>3}. {hit.title or '(no title)'}  [{hit.source or '-'} {when}]")
        print(f"     {hit.url}")
        print(f"     {hit.snippet.marked('«', '»')}")
    return 0
