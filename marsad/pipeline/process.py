"""One article through the stages: extract -> analyse -> dedup -> cluster -> store -> index.

``Pipeline.ingest`` is called by the crawler (``marsad.pipeline.crawl``), by ``marsad import``
and by the demo. It is idempotent: an article already stored under any of its URLs or guids is
not stored again (its new source and alias are remembered). Everything an article gets (text,
countries, entities, duplicate link, story) is written in one transaction, so a crash leaves
all of it or none of it; the clusterer's window is rebuilt from the store on start.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from marsad.cluster import (
    Assignment,
    ClusterOptions,
    DocumentFrequencies,
    StoryClusterer,
    document_frequencies,
)
from marsad.config import Settings
from marsad.dedup import (
    ArticleFeatures,
    content_hash,
    features_from,
    features_from_dict,
    features_to_dict,
)
from marsad.extract import (
    BoilerplateLearner,
    ExtractedArticle,
    LanguageDetector,
    extract_page,
    lines_for_learning,
)
from marsad.extract.langid import default_detector
from marsad.ingest.urls import publisher_canonical
from marsad.models import (
    AnalysedArticle,
    Article,
    ArticleEntity,
    Entity,
    ExtractionStatus,
    NewArticle,
    StoryChange,
)
from marsad.search import index_articles
from marsad.store import Store, utcnow
from marsad.store import schema as t
from marsad.translate import Translator, names_from_knowledge
from marsad.translate.pipeline_hook import TranslateOnIngest
from marsad.understand import Knowledge, Understanding, load_knowledge, understand

log = logging.getLogger(__name__)

# Feed summaries are often one sentence; below this a page's text is not better than the feed's.
_MIN_TEXT_CHARS = 80
_LANGUAGE_RE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9-]*)?$", re.IGNORECASE)
# Clocks and time zones differ; a day ahead is still believable.
_FUTURE_SLACK = timedelta(days=1)
# Older articles read at start-up for the clusterer's word statistics: bounded, so a big archive
# does not slow a restart (5,000 articles' features load in about a second).
BACKGROUND_ARTICLES = 5_000


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
    site_name: str | None = None


@dataclass(frozen=True)
class IngestResult:
    article: Article
    created: bool
    understanding: Understanding | None = None
    assignment: Assignment | None = None


class Pipeline:
    """Holds the per-process state of the stages: knowledge, language model, story window."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        knowledge: Knowledge | None = None,
        detector: LanguageDetector | None = None,
        translator: Translator | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.knowledge = knowledge or load_knowledge(settings.entities_file)
        self.detector = detector or default_detector()
        self.clusterer = StoryClusterer(
            ClusterOptions(
                window_days=settings.cluster_window_days, dedup_threshold=settings.dedup_threshold
            )
        )
        self.names = names_from_knowledge(self.knowledge, source_lang="en")
        self.translation = TranslateOnIngest(
            store, settings, translator=translator, names=self.names
        )
        self._boilerplate: dict[int, BoilerplateLearner] = {}
        self._story_ids: dict[str, int] = {}  # clusterer story key -> stories.id
        self._article_ids: dict[str, int] = {}  # clusterer article key -> articles.id
        self.restored = self._restore_window()

    # -- public -----------------------------------------------------------------------------
    def known(self, url: str, *aliases: str) -> bool:
        """True when the article is already stored under ``url`` or an alias."""
        return self.store.find_article_id([url, *aliases]) is not None

    def ingest(self, item: IncomingArticle) -> tuple[Article, bool]:
        """Store ``item`` (once). Returns (article, created)."""
        result = self.ingest_full(item)
        return result.article, result.created

    def ingest_full(self, item: IncomingArticle) -> IngestResult:
        keys = [item.url, *item.aliases, *([item.guid] if item.guid else [])]
        if self.store.find_article_id(keys) is not None:
            article, _ = self.store.add_article(self._bare(item))
            return IngestResult(article, False)
        new = self._extract(item)
        if new.url != item.url and self.store.find_article_id([new.url]) is not None:
            article, _ = self.store.add_article(new)  # the publisher's canonical is known
            return IngestResult(article, False)
        understanding = understand(self.knowledge, new.title or "", new.text or "", new.language)
        features = self._features(new, understanding)
        assignment = self.clusterer.add(features)
        original_key = assignment.duplicate_of_key or assignment.translation_of_key
        kind = assignment.duplicate_kind if assignment.duplicate_of_key else "translation"
        bundle = AnalysedArticle(
            article=new,
            countries=understanding.countries,
            entity_links=self._entity_links(understanding),
            entities=self._entities(understanding),
            minhash=features.signature or None,
            features=features_to_dict(features),
            duplicate_of=self._article_ids.get(original_key or ""),
            duplicate_kind=kind,
            story=self._story_change(assignment),
        )
        try:
            article_id, story_id, created = self.store.save_analysed(bundle)
        except Exception:
            # The clusterer already holds the article: rebuild its window from the store so
            # memory and database agree again, then let the caller record the failure.
            self._reset_window()
            raise
        self._article_ids[features.key] = article_id
        if story_id is not None:
            self._story_ids[self.clusterer.resolve(assignment.story_key)] = story_id
        article = self.store.get_article(article_id)
        if created:
            # A copy leaves the index; so does an earlier original that just became a copy.
            index_articles(self.store, [article_id, *self._demoted(article_id)])
            # Titles and leads go to the background worker; ingestion never waits for a model.
            self.translation.article_stored(article, created)
        return IngestResult(article, created, understanding, assignment)

    def _demoted(self, article_id: int) -> list[int]:
        with self.store.connect() as conn:
            rows = conn.execute(
                sa.select(t.articles.c.id).where(t.articles.c.duplicate_of == article_id)
            )
            return [int(r[0]) for r in rows]

    def _reset_window(self) -> None:
        self._story_ids.clear()
        self._article_ids.clear()
        self.restored = self._restore_window()

    def close(self) -> None:
        """Finish queued translations and stop the worker."""
        self.translation.close()

    # -- stages -----------------------------------------------------------------------------
    def _bare(self, item: IncomingArticle) -> NewArticle:
        return NewArticle(
            url=item.url, source_id=item.source_id, guid=item.guid, aliases=item.aliases
        )

    def _extract(self, item: IncomingArticle) -> NewArticle:
        """The page's article when it has one; the feed entry's fields otherwise, with why."""
        extracted: ExtractedArticle | None = None
        if item.html is not None:
            learner = self._learner(item.source_id)
            extracted = extract_page(
                item.html,
                item.url,
                feed_published=item.published_at,
                source_boilerplate=learner.boilerplate() if learner else frozenset(),
                timeout=self.settings.extract_timeout,
                max_bytes=self.settings.max_body_bytes,
                detector=self.detector,
            )
            if learner is not None and extracted.ok:
                learner.add(lines_for_learning(extracted))
        feed_text = item.text or item.summary
        url, aliases = item.url, item.aliases
        if extracted is not None and extracted.ok and len(extracted.text or "") >= _MIN_TEXT_CHARS:
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
        language = _language_code(language or item.language) or self._detect(title, text)
        fetched = utcnow()
        title, text, summary = _no_nul(title), _no_nul(text), _no_nul(summary)
        e = extracted if extracted is not None and extracted.ok else None
        return NewArticle(
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
            published_at=_plausible(item.published_at or (e.published if e else None), fetched),
            updated_at=_plausible((e.modified if e else None) or item.updated_at, fetched),
            fetched_at=fetched,
            content_hash=content_hash(text) if text else None,
            extraction_status=status,
        )

    def _detect(self, title: str | None, text: str | None) -> str | None:
        sample = f"{title or ''}\n{(text or '')[:2000]}".strip()
        return self.detector.detect(sample) if sample else None

    def _learner(self, source_id: int | None) -> BoilerplateLearner | None:
        if source_id is None:
            return None
        return self._boilerplate.setdefault(source_id, BoilerplateLearner())

    def _features(self, new: NewArticle, u: Understanding) -> ArticleFeatures:
        return features_from(
            new.url,
            title=new.title,
            text=new.text,
            language=new.language,
            published=new.published_at or new.fetched_at,
            url=new.url,
            entities=[e.id for e in u.entities],
            countries=u.about,
            regions=u.regions,
            source=str(new.source_id) if new.source_id is not None else None,
        )

    @staticmethod
    def _entity_links(u: Understanding) -> tuple[ArticleEntity, ...]:
        total = sum(e.count for e in u.entities) or 1
        return tuple(
            ArticleEntity(e.id, mentions=e.count, salience=round(e.count / total, 4))
            for e in u.entities
        )

    def _entities(self, u: Understanding) -> tuple[Entity, ...]:
        found = (self.knowledge.entity(e.id) for e in u.entities)
        return tuple(e for e in found if e is not None)

    def _story_change(self, assignment: Assignment) -> StoryChange:
        key = self.clusterer.resolve(assignment.story_key)
        view = self.clusterer.story(key)
        absorbed = tuple(
            self._story_ids.pop(k) for k in assignment.merged_story_keys if k in self._story_ids
        )
        story_id = self._story_ids.get(key)
        if view is None:  # cannot happen for a story just joined; keep the article anyway
            return StoryChange(story_id=story_id, absorbed=absorbed)
        return StoryChange(
            story_id=story_id,
            title_ar=view.title_ar,
            title=view.title,
            first_seen=datetime.fromtimestamp(view.first_seen, UTC),
            last_seen=datetime.fromtimestamp(view.last_seen, UTC),
            countries=view.countries,
            regions=view.regions,
            absorbed=absorbed,
        )

    # -- restart ----------------------------------------------------------------------------
    def _restore_window(self) -> int:
        """Put the stored articles of the window back into the clusterer, in stream order.

        The clusterer is rebuilt first with a background of the articles just before the window
        (``_background``): its word statistics look back weeks, the replay only days.
        """
        # A story that keeps getting reports stays open past the window (up to horizon_days).
        horizon = self.clusterer.options.horizon_days
        since = utcnow() - timedelta(days=horizon)
        background = self._background(since)
        self.background_articles = background.docs if background else 0
        self.clusterer = StoryClusterer(self.clusterer.options, background=background)
        when = _stream_time()
        query = (
            sa.select(
                t.articles.c.id,
                t.articles.c.url,
                t.articles.c.story_id,
                t.articles.c.duplicate_of,
                t.article_signatures.c.minhash,
                t.article_signatures.c.features,
                t.stories.c.first_seen.label("story_first_seen"),
            )
            .join(t.article_signatures, t.article_signatures.c.article_id == t.articles.c.id)
            .outerjoin(t.stories, t.stories.c.id == t.articles.c.story_id)
            .where(when >= since)
            .order_by(when, t.articles.c.id)
        )
        with self.store.connect() as conn:
            rows = conn.execute(query).all()
        url_of = {r.id: r.url for r in rows}
        for row in rows:
            stored = _stored_features(row)
            if stored is None:
                continue
            features = replace(stored, key=row.url)
            story_key = f"db:{row.story_id}" if row.story_id is not None else f"story:{row.url}"
            # A story that began before the replayed span keeps its age (and so its lifetime).
            first_seen = row.story_first_seen.timestamp() if row.story_first_seen else None
            self.clusterer.restore(
                features, story_key, url_of.get(row.duplicate_of), story_first_seen=first_seen
            )
            self._article_ids[row.url] = row.id
            if row.story_id is not None:
                self._story_ids[story_key] = row.story_id
        if rows:
            log.info(
                "restored %d articles of the last %g days",
                len(rows),
                horizon,
            )
        return len(rows)

    def _background(self, before: datetime) -> DocumentFrequencies | None:
        """Document frequencies of up to ``BACKGROUND_ARTICLES`` stored articles from the
        ``df_half_life_days`` before ``before``: what a clusterer that had kept running would
        remember of them (the bench's background plays the same part, bench/cluster)."""
        since = before - timedelta(days=self.clusterer.options.df_half_life_days)
        when = _stream_time()
        query = (
            sa.select(
                t.articles.c.id, t.article_signatures.c.minhash, t.article_signatures.c.features
            )
            .join(t.articles, t.article_signatures.c.article_id == t.articles.c.id)
            .where(when >= since, when < before, t.articles.c.duplicate_of.is_(None))
            .order_by(when.desc())
            .limit(BACKGROUND_ARTICLES)
        )
        with self.store.connect() as conn:
            rows = conn.execute(query).all()
        features = [f for f in map(_stored_features, rows) if f is not None]
        return document_frequencies(features) if features else None


def _stream_time() -> Any:
    """An article's place in the stream: when it was published, else when it was fetched."""
    return sa.func.coalesce(t.articles.c.published_at, t.articles.c.fetched_at)


def _stored_features(row: Any) -> ArticleFeatures | None:
    """The features stored with an article (``id``, ``features``, ``minhash``); None, logged,
    when they are missing or unreadable."""
    if not row.features:
        return None
    try:
        return features_from_dict(row.features, row.minhash)
    except (KeyError, TypeError, ValueError) as exc:
        log.warning("article %s: stored features unreadable (%s); not used", row.id, exc)
        return None


def _plausible(when: datetime | None, fetched: datetime) -> datetime | None:
    """A date more than a day in the future is a typo or a lie: one such date would move the
    story window's clock years ahead and empty it, so it is dropped."""
    if when is None:
        return None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return None if when > fetched + _FUTURE_SLACK else when


def _language_code(value: str | None) -> str | None:
    """ISO 639 code from whatever an importer or page said ("ar-SA" -> "ar"); None if not one."""
    match = _LANGUAGE_RE.match((value or "").strip())
    return match.group(1).lower() if match else None


def _no_nul(text: str | None) -> str | None:
    """PostgreSQL refuses NUL in text; SQLite would keep it. Both get the same."""
    return text.replace("\x00", "") if text else text
