"""The store's read interface: every read the site, feeds, API and CLI make.

``Store.reading()`` borrows one pooled connection for one page or request and hands back a
:class:`Reads` over it, so a page is rendered from one connection and no caller ever holds the
connection itself. Each query has one meaning on SQLite and PostgreSQL: the same rows in the
same order (ties broken by id, NULLs last, text ordered by code point), which
``tests/store/test_reads.py`` checks on both. Queries are bounded (``limit``) and lean on the
schema's indexes: ``stories.last_seen``, ``articles.story_id``, ``articles.published_at``,
``article_countries.country`` and ``article_entities.entity_id``.

A database that is down or refuses raises :class:`~marsad.errors.StorageUnavailable` (the
engine's ``handle_error`` hook); any other operational failure raises ``StorageError``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from marsad.errors import StorageError
from marsad.models import Article, ExtractionStatus, Source, SourceKind
from marsad.store import schema as t
from marsad.store.engine import first_line

# How far back "top stories now" looks, and how fast a story's weight halves with age. Chosen
# by hand for a news front page: a day-old story with twice the sources ranks with a fresh one.
TOP_WINDOW_HOURS = 48
TOP_HALF_LIFE_HOURS = 24.0
_TOP_CANDIDATES = 300


@dataclass(frozen=True)
class StoryCard:
    id: int
    title: str
    title_lang: str | None
    first_seen: datetime | None
    last_seen: datetime | None
    article_count: int
    source_count: int
    countries: tuple[str, ...]
    regions: tuple[str, ...]
    merged_into: int | None = None


@dataclass(frozen=True)
class EntityRow:
    id: str
    type: str
    name_ar: str | None
    name_en: str | None
    count: int = 0

    def name(self, lang: str) -> str:
        if lang == "ar":
            return self.name_ar or self.name_en or self.id
        return self.name_en or self.name_ar or self.id


@dataclass(frozen=True)
class TranslationRow:
    field: str
    engine: str
    model: str
    text: str


def _story_card(row: Any) -> StoryCard:
    m = row._mapping
    if m["title_ar"]:
        title, lang = m["title_ar"], "ar"
    else:
        title, lang = m["title"] or "", None
    return StoryCard(
        id=int(m["id"]),
        title=title,
        title_lang=lang,
        first_seen=m["first_seen"],
        last_seen=m["last_seen"],
        article_count=int(m["article_count"] or 0),
        source_count=int(m["source_count"] or 0),
        countries=tuple(m["countries"] or ()),
        regions=tuple(m["regions"] or ()),
        merged_into=m["merged_into"],
    )


def _not_a_republished_copy() -> sa.ColumnElement[bool]:
    """Lists hide republished copies; an article that may translate another stays listed: it is
    the report Arabic (or English) readers can read, and its link to the original is shown."""
    return sa.or_(t.articles.c.duplicate_of.is_(None), t.articles.c.duplicate_kind == "translation")


def _article_select() -> sa.Select[Any]:
    return sa.select(t.articles, t.sources.c.title.label("source_title")).outerjoin(
        t.sources, t.sources.c.id == t.articles.c.source_id
    )


def _article(row: Any) -> Article:
    m = dict(row._mapping)
    m["extraction_status"] = ExtractionStatus(m["extraction_status"])
    return Article(**m)


def _article_time() -> sa.ColumnElement[Any]:
    return sa.func.coalesce(t.articles.c.published_at, t.articles.c.created_at)


# Articles read per story wanted when stories are listed through their articles: articles per
# story average a handful, and 20x finds the stories even when one big story dominates.
ARTICLES_READ_PER_STORY = 20


_MATCH_COUNT_SQL = sa.text(
    "SELECT (SELECT count(*) FROM article_countries WHERE country IN :codes), "
    "(SELECT max(article_id) FROM article_countries)"
).bindparams(sa.bindparam("codes", expanding=True))
_ABOUT_SQL = (
    "SELECT DISTINCT article_id FROM article_countries WHERE is_about = :yes AND {col} IN :codes "
    "ORDER BY article_id DESC LIMIT :want"
)
# ``+country`` keeps SQLite off the country index, so it walks the primary key in id order.
_about_walk_sql = sa.text(_ABOUT_SQL.format(col="+country")).bindparams(
    sa.bindparam("codes", expanding=True)
)
_about_index_sql = sa.text(_ABOUT_SQL.format(col="country")).bindparams(
    sa.bindparam("codes", expanding=True)
)


def _source(row: Any) -> Source:
    m = dict(row._mapping)
    m.pop("updated_at", None)
    m["kind"] = SourceKind(m["kind"])
    m["article_count"] = int(m.get("article_count") or 0)
    return Source(**m)


def _source_with_count() -> sa.Select[Any]:
    # A correlated count reads one source's links through the primary key index; a grouped
    # count over all of article_sources costs time in proportion to the whole store.
    count = (
        sa.select(sa.func.count())
        .select_from(t.article_sources)
        .where(t.article_sources.c.source_id == t.sources.c.id)
        .correlate(t.sources)
        .scalar_subquery()
    )
    return sa.select(t.sources, count.label("article_count"))


class Reads:
    """The read queries over one borrowed connection (get one from ``Store.reading()``)."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def _by_code_point(self, column: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
        """Text ordered by code point on both backends (SQLite's BINARY; PostgreSQL's own
        collation would otherwise depend on how the database was created)."""
        if self._conn.dialect.name == "postgresql":
            return column.collate("C")
        return column

    def _newest_first(self) -> tuple[Any, ...]:
        """Newest articles first, undated ones last, in an order the published_at index serves.

        (Ordering by ``coalesce(published_at, created_at)`` sorted the whole table: 180 ms at
        100,000 articles on SQLite, against under 1 ms walking the index.)
        """
        published = t.articles.c.published_at.desc()
        if self._conn.dialect.name != "sqlite":  # SQLite already puts NULLs last in DESC order
            published = published.nulls_last()
        return (published, t.articles.c.id.desc())

    def _recent_story_ids(self, article_filter: sa.Select[Any], want: int) -> list[int]:
        """Story ids of the newest articles matched by ``article_filter`` (a select of article ids),
        newest first, reading at most a bounded number of rows."""
        rows = self._conn.execute(
            article_filter.order_by(sa.desc(article_filter.selected_columns[0])).limit(
                want * ARTICLES_READ_PER_STORY
            )
        ).all()
        return self._story_ids_of([int(r[0]) for r in rows])

    def recent_about_article_ids(self, countries: Sequence[str], want: int) -> list[int]:
        """Ids of the newest articles *about* any of ``countries`` (pages list what an article is
        about, not every passing mention), newest first, at most ``want``.

        Two plans, chosen from the number of matching rows (an index-only count): walk the primary
        key newest-first and test each row's country (cheap when the countries are common, it stops
        after ``want``), or take every match from the (country, article_id) index and sort (cheap
        when they are rare). SQLite's own choice flipped between them by accident of statistics: a
        region block took 15-64 ms at 100,000 articles where the right plan takes 0.2-2 ms, and the
        walk takes 13 ms for a country with 1% of the articles where the index takes 0.3 ms.
        """
        codes = sorted({c.upper() for c in countries})
        if not codes or want <= 0:
            return []
        walk = False  # PostgreSQL's planner has the statistics to choose well by itself
        if self._conn.dialect.name == "sqlite":
            matches, newest = self._conn.execute(_MATCH_COUNT_SQL, {"codes": codes}).one()
            # Rows the walk reads ~ want * newest / matches; rows the index plan sorts ~ matches.
            walk = bool(matches) and matches * matches > want * (newest or 0)
        query = _about_walk_sql if walk else _about_index_sql
        rows = self._conn.execute(query, {"codes": codes, "yes": True, "want": want})
        return [int(r[0]) for r in rows]

    def _story_ids_of(self, ids: list[int]) -> list[int]:
        """The stories of these articles, in the order the articles come, each once."""
        if not ids:
            return []
        story_of = dict(
            self._conn.execute(
                sa.select(t.articles.c.id, t.articles.c.story_id).where(
                    t.articles.c.id.in_(ids), t.articles.c.story_id.is_not(None)
                )
            ).all()
        )
        return list(dict.fromkeys(int(story_of[i]) for i in ids if i in story_of))

    def top_stories(self, *, now: datetime, limit: int = 12) -> list[StoryCard]:
        """Stories now: many distinct sources and recent. Falls back to the newest when all are old."""
        since = now - timedelta(hours=TOP_WINDOW_HOURS)
        base = sa.select(t.stories).where(t.stories.c.merged_into.is_(None))
        rows = self._conn.execute(
            base.where(t.stories.c.last_seen >= since)
            .order_by(t.stories.c.last_seen.desc(), t.stories.c.id.desc())
            .limit(_TOP_CANDIDATES)
        ).all()
        if not rows:
            rows = self._conn.execute(
                base.order_by(t.stories.c.last_seen.desc(), t.stories.c.id.desc()).limit(limit)
            ).all()
        cards = [_story_card(r) for r in rows]

        def weight(card: StoryCard) -> float:
            age_h = (
                max(0.0, (now - card.last_seen).total_seconds() / 3600) if card.last_seen else 1e6
            )
            return max(card.source_count, 1) * 0.5 ** (age_h / TOP_HALF_LIFE_HOURS)

        cards.sort(key=lambda c: (weight(c), c.id), reverse=True)
        return cards[:limit]

    def list_stories(
        self,
        *,
        limit: int,
        offset: int = 0,
        countries: Sequence[str] | None = None,
        entity_id: str | None = None,
        source_id: int | None = None,
    ) -> list[StoryCard]:
        """Newest stories first; with a filter, the stories of the newest matching articles."""
        base = sa.select(t.stories).where(t.stories.c.merged_into.is_(None))
        if countries is None and entity_id is None and source_id is None:
            query = base.order_by(t.stories.c.last_seen.desc(), t.stories.c.id.desc())
            return [_story_card(r) for r in self._conn.execute(query.limit(limit).offset(offset))]
        if countries is not None:
            if not countries:
                return []
            want = (limit + offset) * ARTICLES_READ_PER_STORY
            article_ids = self.recent_about_article_ids(countries, want)
            story_ids = self._story_ids_of(article_ids)[offset : offset + limit]
            return self._story_cards(story_ids)
        if entity_id is not None:
            matched = sa.select(t.article_entities.c.article_id).where(
                t.article_entities.c.entity_id == entity_id
            )
        else:
            matched = sa.select(t.article_sources.c.article_id).where(
                t.article_sources.c.source_id == source_id
            )
        story_ids = self._recent_story_ids(matched, limit + offset)[offset : offset + limit]
        return self._story_cards(story_ids)

    def _story_cards(self, story_ids: Sequence[int]) -> list[StoryCard]:
        """Cards of these stories (merged ones left out), newest first."""
        if not story_ids:
            return []
        base = sa.select(t.stories).where(t.stories.c.merged_into.is_(None))
        rows = self._conn.execute(base.where(t.stories.c.id.in_(list(story_ids)))).all()
        cards = [_story_card(r) for r in rows]
        cards.sort(
            key=lambda c: (c.last_seen.timestamp() if c.last_seen else 0.0, c.id), reverse=True
        )
        return cards

    def get_story(self, story_id: int) -> StoryCard | None:
        row = self._conn.execute(sa.select(t.stories).where(t.stories.c.id == story_id)).first()
        return _story_card(row) if row else None

    def story_articles(self, story_id: int, *, limit: int = 500) -> list[Article]:
        """Every article of a story, oldest first (the timeline order)."""
        query = (
            _article_select()
            .where(t.articles.c.story_id == story_id)
            .order_by(_article_time(), t.articles.c.id)
            .limit(limit)
        )
        return [_article(r) for r in self._conn.execute(query)]

    def story_countries(self, story_id: int) -> list[tuple[str, int]]:
        query = (
            sa.select(t.article_countries.c.country, sa.func.count().label("n"))
            .join(t.articles, t.articles.c.id == t.article_countries.c.article_id)
            .where(t.articles.c.story_id == story_id)
            .group_by(t.article_countries.c.country)
            .order_by(sa.desc("n"), t.article_countries.c.country)
        )
        return [(r.country, int(r.n)) for r in self._conn.execute(query)]

    def story_entities(self, story_id: int, *, limit: int = 20) -> list[EntityRow]:
        n = sa.func.count().label("n")
        query = (
            sa.select(
                t.entities.c.id, t.entities.c.type, t.entities.c.name_ar, t.entities.c.name_en, n
            )
            .join(t.article_entities, t.article_entities.c.entity_id == t.entities.c.id)
            .join(t.articles, t.articles.c.id == t.article_entities.c.article_id)
            .where(t.articles.c.story_id == story_id)
            .group_by(
                t.entities.c.id, t.entities.c.type, t.entities.c.name_ar, t.entities.c.name_en
            )
            .order_by(sa.desc("n"), self._by_code_point(t.entities.c.id))
            .limit(limit)
        )
        return [
            EntityRow(r.id, r.type, r.name_ar, r.name_en, int(r.n))
            for r in self._conn.execute(query)
        ]

    def related_stories(
        self,
        story_id: int,
        entity_ids: Sequence[str],
        countries: Sequence[str],
        *,
        limit: int = 5,
    ) -> list[StoryCard]:
        """ "Read also": other stories sharing the most entities, then places, with this one."""
        scores: dict[int, float] = {}
        if entity_ids:
            shared = (
                sa.select(
                    t.articles.c.story_id,
                    sa.func.count(sa.distinct(t.article_entities.c.entity_id)).label("n"),
                )
                .join(t.article_entities, t.article_entities.c.article_id == t.articles.c.id)
                .where(
                    t.article_entities.c.entity_id.in_(list(entity_ids)),
                    t.articles.c.story_id.is_not(None),
                    t.articles.c.story_id != story_id,
                )
                .group_by(t.articles.c.story_id)
                .order_by(sa.desc("n"), t.articles.c.story_id.desc())
                .limit(limit * 4)
            )
            for r in self._conn.execute(shared):
                scores[int(r.story_id)] = scores.get(int(r.story_id), 0.0) + 2.0 * int(r.n)
        if countries and len(scores) < limit:
            # Places are a weaker tie than people and organisations: only the newest stories about
            # the same countries, read from a bounded number of recent articles.
            about = sa.select(t.article_countries.c.article_id).where(
                t.article_countries.c.country.in_(list(countries))
            )
            for other in self._recent_story_ids(about, limit * 2):
                if other != story_id:
                    scores[other] = scores.get(other, 0.0) + 1.0
        if not scores:
            return []
        rows = self._conn.execute(
            sa.select(t.stories).where(
                t.stories.c.id.in_(list(scores)), t.stories.c.merged_into.is_(None)
            )
        ).all()
        cards = [_story_card(r) for r in rows]
        cards.sort(
            key=lambda c: (scores[c.id], c.last_seen.timestamp() if c.last_seen else 0.0, c.id),
            reverse=True,
        )
        return cards[:limit]

    def story_member_titles(self, story_ids: Sequence[int]) -> dict[int, dict[str, str]]:
        """Per story, one original member's title in each language it has, Arabic first, then
        English, then by code. The Arabic one is the story's stored Arabic title when an Arabic
        member carries it (the clustering's most central), else the earliest Arabic member's."""
        ids = list(dict.fromkeys(story_ids))
        if not ids:
            return {}
        a = t.articles
        originals = sa.and_(
            a.c.story_id.in_(ids),
            a.c.duplicate_of.is_(None),
            a.c.language.is_not(None),
            a.c.title.is_not(None),
            a.c.title != "",
        )
        first = (
            sa.select(sa.func.min(a.c.id).label("id"))
            .where(originals)
            .group_by(a.c.story_id, a.c.language)
            .subquery()
        )
        rows = self._conn.execute(
            sa.select(a.c.story_id, a.c.language, a.c.title).join(first, first.c.id == a.c.id)
        ).all()
        central = self._conn.execute(
            sa.select(t.stories.c.id, t.stories.c.title_ar).where(
                t.stories.c.id.in_(ids),
                sa.exists().where(
                    a.c.story_id == t.stories.c.id,
                    a.c.language == "ar",
                    a.c.title == t.stories.c.title_ar,
                ),
            )
        ).all()
        found: dict[int, dict[str, str]] = {}
        for r in rows:
            found.setdefault(int(r.story_id), {})[str(r.language)] = str(r.title)
        for c in central:
            found.setdefault(int(c.id), {})["ar"] = str(c.title_ar)
        order = lambda code: (code != "ar", code != "en", code)  # noqa: E731
        return {sid: {k: by[k] for k in sorted(by, key=order)} for sid, by in found.items()}

    def story_names(
        self, story_ids: Sequence[int], *, per_story: int = 4
    ) -> dict[int, list[EntityRow]]:
        """Per story, the people and organisations most of its articles mention."""
        ids = list(dict.fromkeys(story_ids))
        if not ids:
            return {}
        n = sa.func.count().label("n")
        e = t.entities
        query = (
            sa.select(t.articles.c.story_id, e.c.id, e.c.type, e.c.name_ar, e.c.name_en, n)
            .join(t.article_entities, t.article_entities.c.entity_id == e.c.id)
            .join(t.articles, t.articles.c.id == t.article_entities.c.article_id)
            .where(t.articles.c.story_id.in_(ids), e.c.type.in_(("person", "organization")))
            .group_by(t.articles.c.story_id, e.c.id, e.c.type, e.c.name_ar, e.c.name_en)
            .order_by(t.articles.c.story_id, sa.desc("n"), self._by_code_point(e.c.id))
        )
        out: dict[int, list[EntityRow]] = {}
        for r in self._conn.execute(query):
            kept = out.setdefault(int(r.story_id), [])
            if len(kept) < per_story:
                kept.append(EntityRow(r.id, r.type, r.name_ar, r.name_en, int(r.n)))
        return out

    def article_facts(
        self, article_ids: Sequence[int], *, per_article: int = 4
    ) -> dict[int, tuple[list[str], list[EntityRow]]]:
        """Per article, the countries it is about (best first) and its most salient people and
        organisations: what a line of key facts says about an untranslated article."""
        ids = list(dict.fromkeys(article_ids))
        out: dict[int, tuple[list[str], list[EntityRow]]] = {i: ([], []) for i in ids}
        if not ids:
            return out
        ac = t.article_countries
        for r in self._conn.execute(
            sa.select(ac.c.article_id, ac.c.country)
            .where(ac.c.article_id.in_(ids), ac.c.is_about.is_(True))
            .order_by(ac.c.article_id, ac.c.score.desc(), ac.c.country)
        ):
            out[int(r.article_id)][0].append(str(r.country))
        ae, e = t.article_entities, t.entities
        for m in self._conn.execute(
            sa.select(ae.c.article_id, e.c.id, e.c.type, e.c.name_ar, e.c.name_en, ae.c.mentions)
            .join(e, e.c.id == ae.c.entity_id)
            .where(ae.c.article_id.in_(ids), e.c.type.in_(("person", "organization")))
            .order_by(ae.c.article_id, ae.c.salience.desc(), self._by_code_point(e.c.id))
        ):
            kept = out[int(m.article_id)][1]
            if len(kept) < per_article:
                kept.append(EntityRow(m.id, m.type, m.name_ar, m.name_en, int(m.mentions)))
        return out

    def get_article(self, article_id: int) -> Article | None:
        row = self._conn.execute(_article_select().where(t.articles.c.id == article_id)).first()
        return _article(row) if row else None

    def get_articles(self, ids: Sequence[int]) -> list[Article]:
        """Articles by id, in no particular order (callers reorder)."""
        out: list[Article] = []
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):
            query = _article_select().where(t.articles.c.id.in_(unique[start : start + 500]))
            out.extend(_article(r) for r in self._conn.execute(query))
        return out

    def list_articles(
        self,
        *,
        limit: int,
        offset: int = 0,
        source_id: int | None = None,
        story_id: int | None = None,
        language: str | None = None,
        countries: Sequence[str] | None = None,
        entity_id: str | None = None,
        include_duplicates: bool = False,
    ) -> list[Article]:
        """Newest articles first, with optional filters."""
        query = _article_select()
        if source_id is not None:
            carried = sa.select(t.article_sources.c.article_id).where(
                t.article_sources.c.source_id == source_id
            )
            query = query.where(
                sa.or_(t.articles.c.source_id == source_id, t.articles.c.id.in_(carried))
            )
        if story_id is not None:
            query = query.where(t.articles.c.story_id == story_id)
        if language:
            query = query.where(t.articles.c.language == language)
        if countries is not None:
            codes = [c.upper() for c in countries]
            if len(codes) > 1:
                # A region matches many articles: a correlated EXISTS lets SQLite walk the
                # published_at index and stop at the page (3 ms against 30-100 ms for IN at
                # 100,000 articles, which sorts every match).
                about: Any = sa.exists().where(
                    t.article_countries.c.article_id == t.articles.c.id,
                    t.article_countries.c.country.in_(codes),
                    t.article_countries.c.is_about.is_(True),
                )
                query = query.where(about)
            else:
                query = query.where(
                    t.articles.c.id.in_(
                        sa.select(t.article_countries.c.article_id).where(
                            t.article_countries.c.country.in_(codes),
                            t.article_countries.c.is_about.is_(True),
                        )
                    )
                )
        if entity_id is not None:
            mentions = sa.select(t.article_entities.c.article_id).where(
                t.article_entities.c.entity_id == entity_id
            )
            query = query.where(t.articles.c.id.in_(mentions))
        if not include_duplicates:
            query = query.where(_not_a_republished_copy())
        query = query.order_by(*self._newest_first())
        return [_article(r) for r in self._conn.execute(query.limit(limit).offset(offset))]

    def article_countries(self, article_id: int) -> list[tuple[str, bool]]:
        query = (
            sa.select(t.article_countries.c.country, t.article_countries.c.is_about)
            .where(t.article_countries.c.article_id == article_id)
            .order_by(t.article_countries.c.score.desc(), t.article_countries.c.country)
        )
        return [(r.country, bool(r.is_about)) for r in self._conn.execute(query)]

    def article_entities(self, article_id: int) -> list[EntityRow]:
        query = (
            sa.select(t.entities, t.article_entities.c.mentions)
            .join(t.article_entities, t.article_entities.c.entity_id == t.entities.c.id)
            .where(t.article_entities.c.article_id == article_id)
            .order_by(t.article_entities.c.salience.desc(), self._by_code_point(t.entities.c.id))
        )
        return [
            EntityRow(r.id, r.type, r.name_ar, r.name_en, int(r.mentions))
            for r in self._conn.execute(query)
        ]

    def article_source_titles(self, article_id: int) -> list[tuple[int, str]]:
        """Every source that carried the article (id, title or URL)."""
        query = (
            sa.select(
                t.sources.c.id, sa.func.coalesce(t.sources.c.title, t.sources.c.url).label("n")
            )
            .join(t.article_sources, t.article_sources.c.source_id == t.sources.c.id)
            .where(t.article_sources.c.article_id == article_id)
            .order_by(t.article_sources.c.first_seen, t.sources.c.id)
        )
        return [(int(r.id), str(r.n)) for r in self._conn.execute(query)]

    def translations_for(
        self, article_ids: Sequence[int], target_language: str = "ar"
    ) -> dict[int, dict[str, TranslationRow]]:
        """Machine translations of the given articles: {article_id: {field: translation}}."""
        out: dict[int, dict[str, TranslationRow]] = {}
        ids = list(dict.fromkeys(article_ids))
        for start in range(0, len(ids), 500):
            query = sa.select(t.translations).where(
                t.translations.c.article_id.in_(ids[start : start + 500]),
                t.translations.c.target_language == target_language,
            )
            for r in self._conn.execute(query):
                out.setdefault(int(r.article_id), {})[r.field] = TranslationRow(
                    r.field, r.engine, r.model, r.text
                )
        return out

    def list_sources(self, *, limit: int | None = None, offset: int = 0) -> list[Source]:
        """Sources in the order they were added, each with the number of articles it carried."""
        query = _source_with_count().order_by(t.sources.c.id).limit(limit).offset(offset)
        return [_source(r) for r in self._conn.execute(query)]

    def get_source(self, source_id: int) -> Source | None:
        row = self._conn.execute(_source_with_count().where(t.sources.c.id == source_id)).first()
        return _source(row) if row else None

    def get_entity(self, entity_id: str) -> EntityRow | None:
        row = self._conn.execute(sa.select(t.entities).where(t.entities.c.id == entity_id)).first()
        return EntityRow(row.id, row.type, row.name_ar, row.name_en) if row else None

    def entity_names(self, entity_id: str) -> list[tuple[str, str]]:
        query = (
            sa.select(t.entity_names.c.name, t.entity_names.c.language)
            .where(t.entity_names.c.entity_id == entity_id)
            .order_by(
                self._by_code_point(t.entity_names.c.language),
                self._by_code_point(t.entity_names.c.name),
            )
            .limit(50)
        )
        return [(r.name, r.language) for r in self._conn.execute(query)]

    def list_entities(
        self, *, limit: int, offset: int = 0, entity_type: str | None = None
    ) -> list[EntityRow]:
        query = sa.select(t.entities)
        if entity_type:
            query = query.where(t.entities.c.type == entity_type)
        query = query.order_by(self._by_code_point(t.entities.c.id)).limit(limit).offset(offset)
        return [EntityRow(r.id, r.type, r.name_ar, r.name_en) for r in self._conn.execute(query)]

    def country_article_counts(self) -> list[tuple[str, int]]:
        """Articles per country mentioned (the country index; cache it, it scans the table)."""
        query = (
            sa.select(t.article_countries.c.country, sa.func.count().label("n"))
            .group_by(t.article_countries.c.country)
            .order_by(sa.desc("n"), t.article_countries.c.country)
        )
        return [(r.country, int(r.n)) for r in self._conn.execute(query)]

    def simple_title_search(
        self, words: Sequence[str], *, limit: int, offset: int = 0
    ) -> list[Article]:
        """FALLBACK ONLY, used while ``marsad.search`` is not importable: titles containing every word."""
        query = _article_select().where(_not_a_republished_copy())
        for word in words[:8]:
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            # ILIKE on both: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
            query = query.where(t.articles.c.title.ilike(f"%{escaped}%", escape="\\"))
        query = query.order_by(*self._newest_first())
        return [_article(r) for r in self._conn.execute(query.limit(limit).offset(offset))]


class StoreReads:
    """Mixed into :class:`~marsad.store.Store`: the read interface and the borrowed connections."""

    engine: sa.Engine

    @contextmanager
    def reading(self) -> Iterator[Reads]:
        """One pooled connection for the reads of one page or request, returned afterwards."""
        with self._borrow() as conn:
            yield Reads(conn)

    @contextmanager
    def search_connection(self) -> Iterator[sa.Connection]:
        """A read connection for ``marsad.search`` only, whose index SQL is backend-specific;
        everything else reads through :meth:`reading`."""
        with self._borrow() as conn:
            yield conn

    @contextmanager
    def _borrow(self) -> Iterator[sa.Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except sa.exc.OperationalError as exc:
            # A lost or refused connection is already StorageUnavailable (engine.py); what is
            # left here is a locked, damaged or unmigrated database.
            raise StorageError(f"database read failed: {first_line(exc)}") from None


__all__ = [
    "ARTICLES_READ_PER_STORY",
    "TOP_HALF_LIFE_HOURS",
    "TOP_WINDOW_HOURS",
    "EntityRow",
    "Reads",
    "StoreReads",
    "StoryCard",
    "TranslationRow",
]
