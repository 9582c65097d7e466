"""One article through the stages: extract -> analyse -> dedup -> cluster -> store -> index.

``Pipeline.ingest`` is called by the crawler (``marsad.pipeline.crawl``), by ``marsad import``
and by the demo. It is idempotent: an article already stored under any of its URLs or guids is
not stored again (its source is remembered).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from marsad.config import Settings
from marsad.models import Article, ExtractionStatus, NewArticle
from marsad.store import Store, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IncomingArticle:
    """An article as the crawler or an importer found it, before extraction."""

    url: str  # canonical URL
    source_id: int | None = None
    guid: str | None = None
    aliases: tuple[str, ...] = ()  # other URL variants it was seen under
    html: str | bytes | None = None  # the fetched article page, if any
    page_status: str | None = None  # why there is no page (e.g. "fetch_failed: 404")
    # What the feed entry said (fallbacks when the page gives nothing better):
    title: str | None = None
    summary: str | None = None
    text: str | None = None
    author: str | None = None
    image: str | None = None
    language: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None


class Pipeline:
    """Holds the per-process state of the stages (gazetteers, LSH index, story window)."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def known(self, url: str, *aliases: str) -> bool:
        """True when the article is already stored under ``url`` or an alias."""
        return self.store.find_article_id([url, *aliases]) is not None

    def ingest(self, item: IncomingArticle) -> tuple[Article, bool]:
        """Store ``item`` (once). Returns (article, created)."""
        status = ExtractionStatus.FEED_ONLY
        new = NewArticle(
            url=item.url,
            source_id=item.source_id,
            guid=item.guid,
            aliases=item.aliases,
            title=item.title,
            text=item.text or item.summary,
            summary=item.summary,
            author=item.author,
            image=item.image,
            language=item.language,
            published_at=item.published_at,
            updated_at=item.updated_at,
            fetched_at=utcnow(),
            extraction_status=status,
        )
        return self.store.add_article(new)
