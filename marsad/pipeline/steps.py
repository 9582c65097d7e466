"""The pipeline's steps over plain data: extract, then analyse.

fetch -> parse (``marsad.ingest``) -> ``extract_step`` -> ``analyse_step`` -> group -> store
(``marsad.pipeline.process``). Each step takes frozen dataclasses and options and returns
frozen dataclasses, and can be called on its own: no store, no network, no clock (the caller
says when the article was fetched), no state (the caller passes the source's learned
boilerplate and learns from what the step returns).

Every path into Marsad goes through these two: ``Pipeline.ingest`` (the crawler, ``marsad
import``, the demo) and ``marsad cluster`` (``marsad.pipeline.stream``), so the text, language,
dates and features an article is grouped on are decided in one place.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from marsad.dedup import ArticleFeatures, content_hash, features_from, features_to_dict
from marsad.extract import (
    ExtractedArticle,
    LanguageDetector,
    extract_page,
    lines_for_learning,
)
from marsad.ingest.urls import publisher_canonical
from marsad.models import (
    AnalysedArticle,
    ArticleEntity,
    Entity,
    ExtractionStatus,
    NewArticle,
)
from marsad.understand import Knowledge, Understanding, understand

log = logging.getLogger(__name__)

# Feed summaries are often one sentence; below this a page's text is not better than the feed's.
MIN_TEXT_CHARS = 80
_LANGUAGE_RE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9-]*)?$", re.IGNORECASE)
# Clocks and time zones differ; a day ahead is still believable.
_FUTURE_SLACK = timedelta(days=1)
# Characters of the text the language detector reads (with the title).
_DETECT_CHARS = 2000


@dataclass(frozen=True)
class IncomingArticle:
    """An article as the crawler or an importer found it, before extraction."""

    url: str  # canonical URL
    source_id: int | None = None
    guid: str | None = None
    aliases: tuple[str, ...] = ()  # other URL variants it was seen under
    html: str | bytes | None = None  # the fetched article page, if any
    page_status: str | None = None  # why there is no page (e.g. "fetch_failed: 404")
    page_charset: str | None = None  # the page's charset as its HTTP header declared it
    # What the feed entry said (fallbacks when the page gives nothing better):
    title: str | None = None
    summary: str | None = None
    text: str | None = None
    author: str | None = None
    image: str | None = None
    language: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    site_name: str | None = None
    source_country: str | None = None  # the source's country (sources.country): a weak prior


@dataclass(frozen=True)
class ExtractLimits:
    """What one page may cost: seconds of extraction (None: no limit) and bytes read."""

    timeout: float | None = 5.0
    max_bytes: int = 10 * 1024 * 1024


@dataclass(frozen=True)
class Extracted:
    """What ``extract_step`` gives: the article to analyse and store, and the page's own
    extraction when there was a page (its status and reason; what to learn from it)."""

    article: NewArticle
    page: ExtractedArticle | None = None

    @property
    def learned_lines(self) -> list[str]:
        """What the source's ``BoilerplateLearner.add`` takes from this page ([] if none)."""
        return lines_for_learning(self.page) if self.page is not None and self.page.ok else []


@dataclass(frozen=True)
class Evidence:
    """Analysis given with an input (``marsad cluster``'s JSON Lines fields ``entities``,
    ``countries``, ``translated_title``): it replaces the understanding's in the features."""

    entities: tuple[str, ...] | None = None
    countries: tuple[str, ...] | None = None
    translated_title: str | None = None


@dataclass(frozen=True)
class Analysed:
    """What ``analyse_step`` gives: the understanding, the features grouping decides on, and
    the record the store keeps (``stored``: countries, entities, signature, features)."""

    article: NewArticle
    understanding: Understanding
    features: ArticleFeatures
    stored: AnalysedArticle


def extract_step(
    item: IncomingArticle,
    *,
    fetched_at: datetime,
    detector: LanguageDetector,
    limits: ExtractLimits | None = None,
    boilerplate: frozenset[str] = frozenset(),
) -> Extracted:
    """The page's article when it has one; the feed entry's fields otherwise, with why.

    ``boilerplate``: the lines learned for the item's source (removed from the text);
    ``fetched_at``: when the item was fetched (a date more than a day after it is dropped).
    Language: the page's, else the entry's, else detected from the title and text.
    """
    limits = limits or ExtractLimits()
    extracted: ExtractedArticle | None = None
    if item.html is not None:
        extracted = extract_page(
            item.html,
            item.url,
            feed_published=item.published_at,
            source_boilerplate=boilerplate,
            timeout=limits.timeout,
            max_bytes=limits.max_bytes,
            detector=detector,
            declared_charset=item.page_charset,
        )
        if extracted.warning:
            # A declared charset that the bytes contradict: decoded by detection instead.
            log.warning("article %s: %s", item.url, extracted.warning)
    feed_text = item.text or item.summary
    url, aliases = item.url, item.aliases
    if extracted is not None and extracted.ok and len(extracted.text or "") >= MIN_TEXT_CHARS:
        status = ExtractionStatus.OK
        canonical = publisher_canonical(extracted.canonical_url, item.url)
        if canonical and canonical != url:
            url, aliases = canonical, (*aliases, item.url)
        title = extracted.title or item.title
        text = extracted.text
        summary = extracted.summary or item.summary
        language = extracted.language
    else:
        if extracted is not None:
            status = extracted.status if not extracted.ok else ExtractionStatus.FEED_ONLY
        elif item.page_status:
            status = ExtractionStatus.FETCH_FAILED
        else:
            status = ExtractionStatus.FEED_ONLY
        title, text, summary, language = item.title, feed_text, item.summary, None
        if extracted is not None and not title:
            title = extracted.title  # a page too thin to be an article still names itself
    language = language_code(language or item.language) or _detect(detector, title, text)
    title, text, summary = _no_nul(title), _no_nul(text), _no_nul(summary)
    e = extracted if extracted is not None and extracted.ok else None
    article = NewArticle(
        url=url,
        source_id=item.source_id,
        guid=item.guid,
        aliases=tuple(dict.fromkeys(a for a in aliases if a and a != url)),
        title=(title or "").strip() or None,
        text=text,
        summary=summary,
        author=(e.author if e else None) or item.author,
        image=(e.image if e else None) or item.image,
        language=language,
        site_name=(e.site_name if e else None) or item.site_name,
        published_at=plausible(item.published_at or (e.published if e else None), fetched_at),
        updated_at=plausible((e.modified if e else None) or item.updated_at, fetched_at),
        fetched_at=fetched_at,
        content_hash=content_hash(text) if text else None,
        extraction_status=status,
    )
    return Extracted(article, extracted)


def analyse_step(
    new: NewArticle,
    knowledge: Knowledge,
    *,
    key: str | None = None,
    source: str | None = None,
    evidence: Evidence | None = None,
    source_country: str | None = None,
) -> Analysed:
    """Places, countries, regions and entities of ``new``, and the features it is grouped on.

    ``key`` names the article in the grouping window (default: its URL); ``source`` names its
    outlet (default: its source id). The features' time is the publication date, else the
    fetch time. ``evidence`` given with the input replaces the understanding's in the features
    (not in ``stored``). ``source_country``: the outlet's country, ``understand``'s prior.
    """
    u = understand(knowledge, new.title or "", new.text or "", new.language, source_country)
    if source is None and new.source_id is not None:
        source = str(new.source_id)
    given = evidence or Evidence()
    features = features_from(
        key or new.url,
        title=new.title,
        text=new.text,
        language=new.language,
        published=new.published_at or new.fetched_at,
        url=new.url,
        entities=given.entities if given.entities is not None else [e.id for e in u.entities],
        countries=given.countries if given.countries is not None else u.about,
        regions=u.regions,
        source=source,
        translated_title=given.translated_title,
    )
    stored = AnalysedArticle(
        article=new,
        countries=u.countries,
        entity_links=entity_links(u),
        entities=entities_of(knowledge, u),
        minhash=features.signature or None,
        features=features_to_dict(features),
    )
    return Analysed(new, u, features, stored)


def entity_links(u: Understanding) -> tuple[ArticleEntity, ...]:
    """The article's entities with their mentions and salience (share of all mentions)."""
    total = sum(e.count for e in u.entities) or 1
    return tuple(
        ArticleEntity(e.id, mentions=e.count, salience=round(e.count / total, 4))
        for e in u.entities
    )


def entities_of(knowledge: Knowledge, u: Understanding) -> tuple[Entity, ...]:
    """The entity records the article names (for the store to make sure they exist)."""
    found = (knowledge.entity(e.id) for e in u.entities)
    return tuple(e for e in found if e is not None)


def plausible(when: datetime | None, fetched: datetime) -> datetime | None:
    """A date more than a day in the future is a typo or a lie: one such date would move the
    story window's clock years ahead and empty it, so it is dropped."""
    if when is None:
        return None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return None if when > fetched + _FUTURE_SLACK else when


def language_code(value: str | None) -> str | None:
    """ISO 639 code from whatever an importer or page said ("ar-SA" -> "ar"); None if not one."""
    match = _LANGUAGE_RE.match((value or "").strip())
    return match.group(1).lower() if match else None


def _detect(detector: LanguageDetector, title: str | None, text: str | None) -> str | None:
    sample = f"{title or ''}\n{(text or '')[:_DETECT_CHARS]}".strip()
    return detector.detect(sample) if sample else None


def _no_nul(text: str | None) -> str | None:
    """PostgreSQL refuses NUL in text; SQLite would keep it. Both get the same."""
    return text.replace("\x00", "") if text else text


__all__ = [
    "Analysed",
    "Evidence",
    "ExtractLimits",
    "Extracted",
    "IncomingArticle",
    "analyse_step",
    "entities_of",
    "entity_links",
    "extract_step",
    "language_code",
    "plausible",
]
