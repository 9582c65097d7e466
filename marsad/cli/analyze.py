"""`marsad analyze`: extract (and later analyse) HTML files or URLs without storing anything."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path
from typing import Any

from marsad.cli.context import CLIContext, iso, print_json_line
from marsad.config import Settings
from marsad.errors import FetchError
from marsad.extract import ExtractedArticle, extract_page
from marsad.extract.decode import charset_from_content_type
from marsad.ingest.fetcher import PAGE_ACCEPT, Fetcher, FetchResult
from marsad.models import ExtractionStatus
from marsad.understand import load_knowledge, understand, understanding_to_json

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "analyze",
        help="extract and analyse HTML files or URLs without storing anything",
        description="Extract the article (title, clean text, date, author, language...) from "
        "local HTML files or URLs, without storing anything.",
    )
    p.add_argument("inputs", nargs="+", metavar="PATH_OR_URL", help="HTML file or http(s) URL")
    p.add_argument("--json", action="store_true", help="JSON Lines, one object per input")
    p.add_argument("--url", help="the page's URL, for local files (default file:// path)")
    p.set_defaults(handler=_analyze)


def analysis_record(input_: str, extracted: ExtractedArticle) -> dict[str, Any]:
    """The JSON object printed for one input. Later stages add their fields here
    (countries, regions, mentions, entities) from the same ``extracted`` article."""
    return {
        "input": input_,
        "url": extracted.canonical_url or extracted.url,
        "title": extracted.title,
        "text": extracted.text,
        "summary": extracted.summary,
        "language": extracted.language,
        "published": iso(extracted.published),
        "modified": iso(extracted.modified),
        "author": extracted.author,
        "image": extracted.image,
        "site_name": extracted.site_name,
        "status": extracted.status.value,
        "reason": extracted.reason,
        "warning": extracted.warning,
    }


def fetch_page(url: str, settings: Settings) -> FetchResult:
    """GET one page through the one fetcher, with every guard a crawl has: the SSRF guard
    (unless ``allow_private_networks``), robots.txt, ``max_redirects``, no proxy variables,
    the size cap and ``request_deadline``. Raises a ``FetchError`` with one clear message."""

    async def get() -> FetchResult:
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(url, accept=PAGE_ACCEPT)

    return asyncio.run(get())


def _failed(url: str, status: ExtractionStatus, reason: str) -> ExtractedArticle:
    return ExtractedArticle(url=url, status=status, reason=reason)


def analyze_input(input_: str, settings: Settings, page_url: str | None = None) -> ExtractedArticle:
    """Read or fetch one input and extract it; every failure becomes a status, never raises."""
    declared: str | None = None
    if input_.startswith(("http://", "https://")):
        try:
            result = fetch_page(input_, settings)
        except FetchError as exc:
            return _failed(input_, ExtractionStatus.FETCH_FAILED, exc.message[:200])
        data, url = result.body, result.final_url
        declared = charset_from_content_type(result.headers.get("content-type", ""))
    else:
        path = Path(input_)
        url = page_url or path.resolve().as_uri()
        try:
            if path.stat().st_size > settings.max_body_bytes:
                return _failed(url, ExtractionStatus.BAD_INPUT, "file larger than max_body_bytes")
            data = path.read_bytes()
        except OSError as exc:
            return _failed(url, ExtractionStatus.FETCH_FAILED, exc.strerror or str(exc))
    return extract_page(
        data,
        url,
        timeout=settings.extract_timeout,
        max_bytes=settings.max_body_bytes,
        declared_charset=declared,
    )


def _analyze(ctx: CLIContext, args: argparse.Namespace) -> int:
    if ctx.settings.log_level != "DEBUG":
        # trafilatura and htmldate log hostile pages at ERROR; here the status line says it
        for name in ("trafilatura", "htmldate"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    failed = 0
    knowledge = load_knowledge(ctx.settings.entities_file)
    for input_ in args.inputs:
        extracted = analyze_input(input_, ctx.settings, args.url)
        failed += not extracted.ok
        record = analysis_record(input_, extracted)
        understood = understand(
            knowledge, extracted.title or "", extracted.text or "", extracted.language
        )
        record.update(understanding_to_json(understood))
        if args.json:
            print_json_line(record)
            continue
        print(
            f"== {input_}: {record['status']}"
            + (f" ({extracted.reason})" if extracted.reason else "")
        )
        if extracted.warning:
            print(f"warning:   {extracted.warning}")
        if extracted.ok:
            print(f"title:     {record['title'] or '-'}")
            print(f"published: {record['published'] or '-'}   author: {record['author'] or '-'}")
            print(f"language:  {record['language'] or '-'}   site: {record['site_name'] or '-'}")
            print(f"url:       {record['url']}")
            print(
                f"countries: {', '.join(record['countries']) or '-'}   regions: {', '.join(record['regions']) or '-'}"
            )
            names = [f"{e['name']} ({e['type']})" for e in record["entities"]]
            print(f"entities:  {', '.join(names) or '-'}")
            print()
            print(record["text"] or "")
            print()
    return 1 if failed else 0
