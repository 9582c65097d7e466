"""`marsad sources`: add, list, remove, import and export the sources Marsad follows."""

from __future__ import annotations

import argparse
from typing import Any

from marsad.cli.context import CLIContext, print_json_line
from marsad.errors import UserError
from marsad.ingest.urls import validate_http_url, validate_source_url
from marsad.models import Source, SourceKind
from marsad.web.shapes import source_record


def register(sub: Any) -> None:
    p = sub.add_parser(
        "sources",
        help="add, list, remove, import and export sources",
        description="Manage the sources Marsad follows.",
    )
    ssub = p.add_subparsers(dest="sources_command", metavar="ACTION")
    ssub.required = True

    add = ssub.add_parser(
        "add",
        help="follow a feed, news sitemap or single page",
        description="Follow a feed, news sitemap or single article page.",
    )
    add.add_argument("url", help="http(s) URL of the feed, sitemap or page")
    add.add_argument(
        "--kind",
        choices=[k.value for k in SourceKind],
        default=SourceKind.FEED.value,
        help="what the URL is (default: feed)",
    )
    add.add_argument(
        "--country",
        metavar="CC",
        help="ISO 3166-1 alpha-2 code of the country the outlet is based in",
    )
    add.add_argument(
        "--language", metavar="LL", help="ISO 639-1 code of the outlet's main language"
    )
    add.add_argument("--title", help="a name for the source")
    add.set_defaults(handler=_add)

    ls = ssub.add_parser(
        "list",
        help="list sources with their fetch status",
        description="List sources with their fetch status and article counts.",
    )
    ls.add_argument("--json", action="store_true", help="JSON Lines, one object per source")
    ls.set_defaults(handler=_list)

    rm = ssub.add_parser(
        "remove",
        help="stop following a source (its articles stay)",
        description="Stop following a source. Articles already stored are kept.",
    )
    rm.add_argument("source", metavar="ID_OR_URL", help="the source's id (as listed) or its URL")
    rm.set_defaults(handler=_remove)

    imp = ssub.add_parser(
        "import",
        help="add the feeds of an OPML file",
        description="Add every feed listed in an OPML file.",
    )
    imp.add_argument("file", help="OPML file")
    imp.set_defaults(handler=_import_opml)

    exp = ssub.add_parser(
        "export",
        help="print the sources as OPML",
        description="Print every source as an OPML document.",
    )
    exp.set_defaults(handler=_export_opml)


def _country(value: str | None) -> str | None:
    if value is None:
        return None
    code = value.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise UserError(f"--country must be a two-letter ISO 3166-1 code, got {value!r}")
    return code


def _language(value: str | None) -> str | None:
    if value is None:
        return None
    code = value.strip().lower()
    if len(code) != 2 or not code.isalpha():
        raise UserError(f"--language must be a two-letter ISO 639-1 code, got {value!r}")
    return code


def _add(ctx: CLIContext, args: argparse.Namespace) -> int:
    # What the crawl's SSRF guard would refuse is refused now, in the guard's words.
    url = validate_source_url(
        args.url, allow_private_networks=bool(ctx.settings.allow_private_networks)
    )
    source = ctx.store.add_source(
        url,
        args.kind,
        country=_country(args.country),
        language=_language(args.language),
        title=args.title,
    )
    print(f"added source {source.id}: {source.url} ({source.kind.value})")
    return 0


def source_to_json(source: Source) -> dict[str, Any]:
    """The API's source record (``marsad.web.shapes``): one shape for CLI, API and feeds."""
    return source_record(source)


def _list(ctx: CLIContext, args: argparse.Namespace) -> int:
    with ctx.store.reading() as r:
        sources = r.list_sources()
    if args.json:
        for source in sources:
            print_json_line(source_to_json(source))
        return 0
    if not sources:
        print("no sources yet: add one with `marsad sources add URL`")
        return 0
    for s in sources:
        status = (
            "paused"
            if s.paused
            else (str(s.last_status) if s.last_status is not None else "never polled")
        )
        line = f"{s.id:>4}  {s.kind.value:<7} {status:<12} {s.article_count:>6} articles  {s.url}"
        if s.last_error:
            line += f"\n      last error: {s.last_error}"
        print(line)
    return 0


def _remove(ctx: CLIContext, args: argparse.Namespace) -> int:
    given = args.source.strip()
    # `marsad sources list` shows ids first: an id is what a reader copies.
    url = ctx.store.get_source(int(given)).url if given.isdecimal() else validate_http_url(given)
    source = ctx.store.remove_source(url)
    print(
        f"removed source {source.id}: {source.url} (its {source.article_count} articles are kept)"
    )
    return 0


def _import_opml(ctx: CLIContext, args: argparse.Namespace) -> int:
    from pathlib import Path

    from marsad.errors import InvalidURLError
    from marsad.ingest.opml import parse_opml

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {args.file}: {exc.strerror}") from None
    parsed = parse_opml(data)
    if parsed.error and not parsed.outlines:
        raise UserError(f"{args.file}: {parsed.error}")
    added = existing = 0
    for outline in parsed.outlines:
        try:
            url = validate_source_url(
                outline.url, allow_private_networks=bool(ctx.settings.allow_private_networks)
            )
        except InvalidURLError as exc:
            print(f"skipped {outline.url}: {exc.message}")
            continue
        if ctx.store.find_source(url) is not None:
            existing += 1
            continue
        ctx.store.add_source(
            url,
            outline.kind,
            title=outline.title,
            site_url=outline.site_url,
            country=outline.country,
            language=outline.language,
        )
        added += 1
    if parsed.error:
        print(f"note: {parsed.error}")
    print(f"imported {args.file}: {added} sources added, {existing} already followed")
    return 0


def _export_opml(ctx: CLIContext, args: argparse.Namespace) -> int:
    import sys

    from marsad.ingest.opml import OpmlOutline, build_opml

    with ctx.store.reading() as r:
        sources = r.list_sources()
    outlines = [
        OpmlOutline(
            url=s.url,
            title=s.title,
            site_url=s.site_url,
            kind=s.kind.value,
            language=s.language,
            country=s.country,
        )
        for s in sources
    ]
    sys.stdout.flush()
    sys.stdout.buffer.write(build_opml(outlines))
    sys.stdout.flush()
    return 0
