"""Reading articles for ``marsad cluster`` (JSON Lines or HTML pages) and clustering a stream.

``read_inputs`` turns files into ``StreamArticle`` records in the given order, recording a bad
line or page as an error record instead of stopping. ``cluster_stream`` runs them through the
same ``features_from`` -> ``StoryClusterer.add`` path the pipeline uses, with the understanding
stage (entities, countries, regions) when it is installed.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from marsad.cluster.clusterer import Assignment, ClusterOptions, StoryClusterer
from marsad.cluster.recheck import StoryTracker
from marsad.dedup.features import ArticleFeatures, features_from, to_timestamp
from marsad.extract import extract_article
from marsad.models import ExtractionStatus
from marsad.understand import load_knowledge, understand

log = logging.getLogger(__name__)

# (entity ids in order, country codes ranked, regions) for (title, text, language).
Understander = Callable[[str, str, str], tuple[Sequence[str], Sequence[str], Sequence[str]]]

MAX_LINE_CHARS = 2_000_000  # one JSON Lines article; longer lines are refused, not parsed
MAX_PAGE_BYTES = 10 * 1024 * 1024
_ARABIC_RE = re.compile("[\u0600-\u06ff]")
_LATIN_RE = re.compile("[A-Za-z]")


@dataclass(frozen=True)
class StreamArticle:
    """One input article; ``error`` is set (and the rest may be empty) when it was unreadable."""

    input: str
    url: str | None = None
    title: str = ""
    text: str = ""
    language: str | None = None
    published: datetime | None = None
    source: str | None = None
    translated_title: str | None = None
    # Pre-analysed evidence given with the input (JSON Lines ``entities`` / ``countries``).
    entities: tuple[str, ...] | None = None
    countries: tuple[str, ...] | None = None
    error: str | None = None


def parse_time(value: Any) -> datetime | None:
    """ISO 8601, RFC 2822 or POSIX seconds; None when absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):  # 1e20, NaN: unreadable, not fatal
            return None
    text = str(value).strip()[:64]
    for parse in (
        lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")),
        parsedate_to_datetime,
    ):
        try:
            parsed = parse(text)
        except (ValueError, TypeError, IndexError):
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def guess_language(title: str, text: str) -> str:
    """``ar`` when Arabic letters outnumber Latin ones in the title and lead, else ``en``."""
    sample = title + " " + text[:2000]
    return "ar" if len(_ARABIC_RE.findall(sample)) >= len(_LATIN_RE.findall(sample)) else "en"


def _record(input_name: str, data: Any) -> StreamArticle:
    if not isinstance(data, dict):
        return StreamArticle(input_name, error="not a JSON object")
    ident = data.get("id")
    url = data.get("url")
    name = str(ident) if ident not in (None, "") else str(url or input_name)
    title, text = str(data.get("title") or ""), str(data.get("text") or "")
    if not title and not text:
        return StreamArticle(name, url=url, error="no title and no text")
    return StreamArticle(
        input=name,
        url=str(url) if url else None,
        title=title,
        text=text,
        language=str(data["language"]).lower() if data.get("language") else None,
        published=parse_time(data.get("published")),
        source=str(data["source"]) if data.get("source") else None,
        translated_title=str(data["translated_title"]) if data.get("translated_title") else None,
        entities=_strings(data.get("entities")),
        countries=_strings(data.get("countries")),
    )


def _strings(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        return None
    return tuple(str(v)[:200] for v in value[:100] if isinstance(v, str | int))


def read_jsonl(path: Path) -> Iterator[StreamArticle]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            if len(line) > MAX_LINE_CHARS:
                yield StreamArticle(where, error="line too long")
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield StreamArticle(where, error=f"bad JSON: {exc.msg}")
                continue
            yield _record(where, data)


def read_html(path: Path) -> StreamArticle:
    """One saved HTML page through the extraction stage (the page's own URL is its file URI)."""
    data = path.read_bytes()[:MAX_PAGE_BYTES]
    article = extract_article(data, path.resolve().as_uri())
    if article is None:
        return StreamArticle(str(path), error="no article in the page")
    if article.status is not ExtractionStatus.OK or not (article.text or article.title):
        return StreamArticle(str(path), error=f"{article.status.value}: {article.reason or ''}")
    return StreamArticle(
        input=str(path),
        url=article.canonical_url or None,
        title=article.title or "",
        text=article.text or "",
        language=article.language,
        published=article.published,
        source=article.site_name,
    )


def read_inputs(paths: Iterable[Path]) -> Iterator[StreamArticle]:
    """Articles from JSON Lines files (.jsonl, .jsonl.gz, .json) and HTML pages, in order."""
    for path in paths:
        if path.is_dir():
            yield from read_inputs(sorted(p for p in path.iterdir() if p.is_file()))
            continue
        name = path.name.lower()
        if name.endswith((".jsonl", ".jsonl.gz", ".json", ".ndjson")):
            try:
                yield from read_jsonl(path)
            except OSError as exc:
                yield StreamArticle(str(path), error=f"unreadable: {exc.strerror or exc}")
        else:
            try:
                yield read_html(path)
            except OSError as exc:
                yield StreamArticle(str(path), error=f"unreadable: {exc.strerror or exc}")


def load_understander() -> Understander:
    """The understanding stage as a callable: (entity ids, countries about, regions)."""
    knowledge = load_knowledge()

    def run(title: str, text: str, language: str) -> tuple[list[str], list[str], list[str]]:
        result = understand(knowledge, title, text, language)
        return [e.id for e in result.entities], list(result.about), list(result.regions)

    return run


def cluster_stream(
    articles: Iterable[StreamArticle],
    options: ClusterOptions | None = None,
    understander: Understander | None = None,
    clusterer: StoryClusterer | None = None,
    add: Callable[[ArticleFeatures], Assignment] | None = None,
) -> Iterator[tuple[StreamArticle, Assignment | None]]:
    """Assign each article in order (with ``add``, else ``clusterer.add``); unreadable ones come
    back with ``None``.

    Article keys are ``"<position>:<input>"`` so equal inputs given twice stay distinct.
    """
    if add is None:
        add = (clusterer or StoryClusterer(options)).add
    clock: datetime | None = None
    for index, article in enumerate(articles):
        if article.error:
            yield article, None
            continue
        # An article without a date is taken to come right after the previous one.
        published = article.published or clock or datetime(1970, 1, 1, tzinfo=UTC)
        clock = max(clock or published, published)
        language = article.language or guess_language(article.title, article.text)
        entities: Sequence[str] = ()
        countries: Sequence[str] = ()
        regions: Sequence[str] = ()
        if understander is not None:
            entities, countries, regions = understander(article.title, article.text, language)
        if article.entities is not None:
            entities = article.entities
        if article.countries is not None:
            countries = article.countries
        features = features_from(
            f"{index}:{article.input}",
            title=article.title,
            text=article.text,
            language=language,
            published=to_timestamp(published),
            url=article.url,
            entities=entities,
            countries=countries,
            regions=regions,
            source=article.source,
            translated_title=article.translated_title,
        )
        yield article, add(features)


__all__ = [
    "StoryTracker",
    "StreamArticle",
    "Understander",
    "cluster_stream",
    "guess_language",
    "load_understander",
    "parse_time",
    "read_inputs",
    "read_jsonl",
]
