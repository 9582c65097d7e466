"""`marsad articles`: list the stored articles."""

from __future__ import annotations

import argparse
from typing import Any

from marsad.cli.context import CLIContext, print_json_line
from marsad.errors import UserError
from marsad.models import Article
from marsad.web.shapes import article_record


def register(sub: Any) -> None:
    p = sub.add_parser(
        "articles",
        help="list stored articles",
        description="List the stored articles, newest first.",
    )
    asub = p.add_subparsers(dest="articles_command", metavar="ACTION")
    asub.required = True
    ls = asub.add_parser(
        "list", help="list articles, newest first", description="List articles, newest first."
    )
    ls.add_argument("--json", action="store_true", help="JSON Lines, one object per article")
    ls.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    ls.add_argument(
        "--source", type=int, metavar="ID", help="only articles carried by this source id"
    )
    ls.add_argument("--language", metavar="LL", help="only articles in this language")
    ls.set_defaults(handler=_list)


def article_to_json(article: Article) -> dict[str, Any]:
    """The API's article record (``marsad.web.shapes``): one shape for CLI, API and feeds."""
    return article_record(article)


def _list(ctx: CLIContext, args: argparse.Namespace) -> int:
    if args.limit < 1 or args.limit > 100_000:
        raise UserError("--limit must be between 1 and 100000")
    # The same query as the site's and the API's article lists, copies included.
    with ctx.store.reading() as r:
        articles = r.list_articles(
            limit=args.limit,
            source_id=args.source,
            language=args.language,
            include_duplicates=True,
        )
    if args.json:
        for article in articles:
            print_json_line(article_to_json(article))
        return 0
    if not articles:
        print("no articles yet: add sources and run `marsad crawl --once`")
    for a in articles:
        when = a.published_at.strftime("%Y-%m-%d %H:%M") if a.published_at else "-"
        print(
            f"{a.id:>6}  {when}  [{a.language or '??'}]  {a.title or '(no title)'}\n        {a.url}"
        )
    return 0
