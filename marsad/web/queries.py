"""Read queries behind the pages, feeds and API (SQLAlchemy Core; SQLite and PostgreSQL).

Every function takes an open ``sa.Connection`` so one page is rendered from one connection, and
returns plain frozen records. Queries are bounded (``limit``) and lean on the schema's indexes:
``stories.last_seen``, ``articles.story_id``, ``articles.published_at``,
``article_countries.country`` and ``article_entities.entity_id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from marsad.models import Article, ExtractionStatus, Source, SourceKind
from marsad.store import schema as t

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


def _newest_first(conn: sa.Connection) -> tuple[Any, ...]:
    """Newest articles first, undated ones last, in an order the published_at index serves.

    (Ordering by ``coalesce(published_at, created_at)`` sorted the whole table: 180 ms at
    100,000 articles on SQLite, against under 1 ms walking the index.)
    """
    published = t.articles.c.published_at.desc()
    if conn.dialect.name != "sqlite":  # SQLite already puts NULLs last in DESC order
        published = published.nulls_last()
    return (published, t.articles.c.id.desc())


# Articles read per story wanted when stories are listed through their articles: articles per
# story average a handful, and 20x finds the stories even when one big story dominates.
ARTICLES_READ_PER_STORY = 20


def _recent_story_ids(conn: sa.Connection, article_filter: sa.Select[Any], want: int) -> list[int]:
    """Story ids of the newest articles matched by ``article_filter`` (a select of article ids),
    newest first, reading at most a bounded number of rows."""
    rows = conn.execute(
        article_filter.order_by(sa.desc(article_filter.selected_columns[0])).limit(
            want * ARTICLES_READ_PER_STORY
        )
    ).all()
    return _story_ids_of(conn, [int(r[0]) for r in rows])


def recent_about_article_ids(conn: sa.Connection, countries: Sequence[str], want: int) -> list[int]:
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
    if conn.dialect.name == "sqlite":
        matches, newest = conn.execute(_MATCH_COUNT_SQL, {"codes": codes}).one()
        # Rows the walk reads ~ want * newest / matches; rows the index plan sorts ~ matches.
        walk = bool(matches) and matches * matches > want * (newest or 0)
    query = _about_walk_sql if walk else _about_index_sql
    rows = conn.execute(query, {"codes": codes, "yes": True, "want": want})
    return [int(r[0]) for r in rows]


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


def _story_ids_of(conn: sa.Connection, ids: list[int]) -> list[int]:
    """The stories of these articles, in the order the articles come, each once."""
    if not ids:
        return []
    story_of = dict(
        conn.execute(
            sa.select(t.articles.c.id, t.articles.c.story_id).where(
                t.articles.c.id.in_(ids), t.articles.c.story_id.is_not(None)
            )
        ).all()
    )
    return list(dict.fromkeys(int(story_of[i]) for i in ids if i in story_of))


# -- stories ------------------------------------------------------------------------------
def top_stories(conn: sa.Connection, *, now: datetime, limit: int = 12) -> list[StoryCard]:
    """Stories now: many distinct sources and recent. Falls back to the newest when all are old."""
    since = now - timedelta(hours=TOP_WINDOW_HOURS)
    base = sa.select(t.stories).where(t.stories.c.merged_into.is_(None))
    rows = conn.execute(
        base.where(t.stories.c.last_seen >= since)
        .order_by(t.stories.c.last_seen.desc())
        .limit(_TOP_CANDIDATES)
    ).all()
    if not rows:
        rows = conn.execute(
            base.order_by(t.stories.c.last_seen.desc(), t.stories.c.id.desc()).limit(limit)
        ).all()
    cards = [_story_card(r) for r in rows]

    def weight(card: StoryCard) -> float:
        age_h = max(0.0, (now - card.last_seen).total_seconds() / 3600) if card.last_seen else 1e6
        return max(card.source_count, 1) * 0.5 ** (age_h / TOP_HALF_LIFE_HOURS)

    cards.sort(key=lambda c: (weight(c), c.id), reverse=True)
    return cards[:limit]


def list_stories(
    conn: sa.Connection,
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
        return [_story_card(r) for r in conn.execute(query.limit(limit).offset(offset))]
    if countries is not None:
        if not countries:
            return []
        want = (limit + offset) * ARTICLES_READ_PER_STORY
        article_ids = recent_about_article_ids(conn, countries, want)
        story_ids = _story_ids_of(conn, article_ids)[offset : offset + limit]
        return _story_cards(conn, story_ids)
    if entity_id is not None:
        matched = sa.select(t.article_entities.c.article_id).where(
            t.article_entities.c.entity_id == entity_id
        )
    else:
        matched = sa.select(t.article_sources.c.article_id).where(
            t.article_sources.c.source_id == source_id
        )
    story_ids = _recent_story_ids(conn, matched, limit + offset)[offset : offset + limit]
    return _story_cards(conn, story_ids)


def _story_cards(conn: sa.Connection, story_ids: Sequence[int]) -> list[StoryCard]:
    """Cards of these stories (merged ones left out), newest first."""
    if not story_ids:
        return []
    base = sa.select(t.stories).where(t.stories.c.merged_into.is_(None))
    rows = conn.execute(base.where(t.stories.c.id.in_(list(story_ids)))).all()
    cards = [_story_card(r) for r in rows]
    cards.sort(key=lambda c: (c.last_seen.timestamp() if c.last_seen else 0.0, c.id), reverse=True)
    return cards


def get_story(conn: sa.Connection, story_id: int) -> StoryCard | None:
    row = conn.execute(sa.select(t.stories).where(t.stories.c.id == story_id)).first()
    return _story_card(row) if row else None


def story_articles(conn: sa.Connection, story_id: int, *, limit: int = 500) -> list[Article]:
    """Every article of a story, oldest first (the timeline order)."""
    query = (
        _article_select()
        .where(t.articles.c.story_id == story_id)
        .order_by(_article_time(), t.articles.c.id)
        .limit(limit)
    )
    return [_article(r) for r in conn.execute(query)]


def story_countries(conn: sa.Connection, story_id: int) -> list[tuple[str, int]]:
    query = (
        sa.select(t.article_countries.c.country, sa.func.count().label("n"))
        .join(t.articles, t.articles.c.id == t.article_countries.c.article_id)
        .where(t.articles.c.story_id == story_id)
        .group_by(t.article_countries.c.country)
        .order_by(sa.desc("n"), t.article_countries.c.country)
    )
    return [(r.country, int(r.n)) for r in conn.execute(query)]


def story_entities(conn: sa.Connection, story_id: int, *, limit: int = 20) -> list[EntityRow]:
    n = sa.func.count().label("n")
    query = (
        sa.select(t.entities.c.id, t.entities.c.type, t.entities.c.name_ar, t.entities.c.name_en, n)
        .join(t.article_entities, t.article_entities.c.entity_id == t.entities.c.id)
        .join(t.articles, t.articles.c.id == t.article_entities.c.article_id)
        .where(t.articles.c.story_id == story_id)
        .group_by(t.entities.c.id, t.entities.c.type, t.entities.c.name_ar, t.entities.c.name_en)
        .order_by(sa.desc("n"), t.entities.c.id)
        .limit(limit)
    )
    return [EntityRow(r.id, r.type, r.name_ar, r.name_en, int(r.n)) for r in conn.execute(query)]


def related_stories(
    conn: sa.Connection,
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
            .order_by(sa.desc("n"))
            .limit(limit * 4)
        )
        for r in conn.execute(shared):
            scores[int(r.story_id)] = scores.get(int(r.story_id), 0.0) + 2.0 * int(r.n)
    if countries and len(scores) < limit:
        # Places are a weaker tie than people and organisations: only the newest stories about
        # the same countries, read from a bounded number of recent articles.
        about = sa.select(t.article_countries.c.article_id).where(
            t.article_countries.c.country.in_(list(countries))
        )
        for other in _recent_story_ids(conn, about, limit * 2):
            if other != story_id:
                scores[other] = scores.get(other, 0.0) + 1.0
    if not scores:
        return []
    rows = conn.execute(
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


# -- articles -----------------------------------------------------------------------------
def get_article(conn: sa.Connection, article_id: int) -> Article | None:
    row = conn.execute(_article_select().where(t.articles.c.id == article_id)).first()
    return _article(row) if row else None


def get_articles(conn: sa.Connection, ids: Sequence[int]) -> list[Article]:
    """Articles by id, in no particular order (callers reorder)."""
    out: list[Article] = []
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 500):
        query = _article_select().where(t.articles.c.id.in_(unique[start : start + 500]))
        out.extend(_article(r) for r in conn.execute(query))
    return out


def list_articles(
    conn: sa.Connection,
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
    query = query.order_by(*_newest_first(conn))
    return [_article(r) for r in conn.execute(query.limit(limit).offset(offset))]


def article_countries(conn: sa.Connection, article_id: int) -> list[tuple[str, bool]]:
    query = (
        sa.select(t.article_countries.c.country, t.article_countries.c.is_about)
        .where(t.article_countries.c.article_id == article_id)
        .order_by(t.article_countries.c.score.desc(), t.article_countries.c.country)
    )
    return [(r.country, bool(r.is_about)) for r in conn.execute(query)]


def article_entities(conn: sa.Connection, article_id: int) -> list[EntityRow]:
    query = (
        sa.select(t.entities, t.article_entities.c.mentions)
        .join(t.article_entities, t.article_entities.c.entity_id == t.entities.c.id)
        .where(t.article_entities.c.article_id == article_id)
        .order_by(t.article_entities.c.salience.desc(), t.entities.c.id)
    )
    return [
        EntityRow(r.id, r.type, r.name_ar, r.name_en, int(r.mentions)) for r in conn.execute(query)
    ]


def article_source_titles(conn: sa.Connection, article_id: int) -> list[tuple[int, str]]:
    """Every source that carried the article (id, title or URL)."""
    query = (
        sa.select(t.sources.c.id, sa.func.coalesce(t.sources.c.title, t.sources.c.url).label("n"))
        .join(t.article_sources, t.article_sources.c.source_id == t.sources.c.id)
        .where(t.article_sources.c.article_id == article_id)
        .order_by(t.article_sources.c.first_seen)
    )
    return [(int(r.id), str(r.n)) for r in conn.execute(query)]


def translations_for(
    conn: sa.Connection, article_ids: Sequence[int], target_language: str = "ar"
) -> dict[int, dict[str, TranslationRow]]:
    """Machine translations of the given articles: {article_id: {field: translation}}."""
    out: dict[int, dict[str, TranslationRow]] = {}
    ids = list(dict.fromkeys(article_ids))
    for start in range(0, len(ids), 500):
        query = sa.select(t.translations).where(
            t.translations.c.article_id.in_(ids[start : start + 500]),
            t.translations.c.target_language == target_language,
        )
        for r in conn.execute(query):
            out.setdefault(int(r.article_id), {})[r.field] = TranslationRow(
                r.field, r.engine, r.model, r.text
            )
    return out


# -- sources, entities, countries ---------------------------------------------------------
def _source(row: Any) -> Source:
    m = dict(row._mapping)
    m.pop("updated_at", None)
    m["kind"] = SourceKind(m["kind"])
    m["article_count"] = int(m.get("article_count") or 0)
    return Source(**m)


def list_sources(conn: sa.Connection, *, limit: int, offset: int = 0) -> list[Source]:
    counts = (
        sa.select(t.article_sources.c.source_id, sa.func.count().label("n"))
        .group_by(t.article_sources.c.source_id)
        .subquery()
    )
    query = (
        sa.select(t.sources, sa.func.coalesce(counts.c.n, 0).label("article_count"))
        .outerjoin(counts, counts.c.source_id == t.sources.c.id)
        .order_by(t.sources.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [_source(r) for r in conn.execute(query)]


def get_source(conn: sa.Connection, source_id: int) -> Source | None:
    n = (
        sa.select(sa.func.count())
        .where(t.article_sources.c.source_id == source_id)
        .scalar_subquery()
    )
    row = conn.execute(
        sa.select(t.sources, n.label("article_count")).where(t.sources.c.id == source_id)
    ).first()
    return _source(row) if row else None


def get_entity(conn: sa.Connection, entity_id: str) -> EntityRow | None:
    row = conn.execute(sa.select(t.entities).where(t.entities.c.id == entity_id)).first()
    return EntityRow(row.id, row.type, row.name_ar, row.name_en) if row else None


def entity_names(conn: sa.Connection, entity_id: str) -> list[tuple[str, str]]:
    query = (
        sa.select(t.entity_names.c.name, t.entity_names.c.language)
        .where(t.entity_names.c.entity_id == entity_id)
        .order_by(t.entity_names.c.language, t.entity_names.c.name)
        .limit(50)
    )
    return [(r.name, r.language) for r in conn.execute(query)]


def list_entities(
    conn: sa.Connection, *, limit: int, offset: int = 0, entity_type: str | None = None
) -> list[EntityRow]:
    query = sa.select(t.entities)
    if entity_type:
        query = query.where(t.entities.c.type == entity_type)
    query = query.order_by(t.entities.c.id).limit(limit).offset(offset)
    return [EntityRow(r.id, r.type, r.name_ar, r.name_en) for r in conn.execute(query)]


def country_article_counts(conn: sa.Connection) -> list[tuple[str, int]]:
    """Articles per country mentioned (the country index; cache it, it scans the table)."""
    query = (
        sa.select(t.article_countries.c.country, sa.func.count().label("n"))
        .group_by(t.article_countries.c.country)
        .order_by(sa.desc("n"), t.article_countries.c.country)
    )
    return [(r.country, int(r.n)) for r in conn.execute(query)]


# -- search fallback ----------------------------------------------------------------------
def simple_title_search(
    conn: sa.Connection, words: Sequence[str], *, limit: int, offset: int = 0
) -> list[Article]:
    """FALLBACK ONLY, used while ``marsad.search`` is not importable: titles containing every word."""
    query = _article_select().where(_not_a_republished_copy())
    for word in words[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(t.articles.c.title.like(f"%{escaped}%", escape="\\"))
    query = query.order_by(*_newest_first(conn))
    return [_article(r) for r in conn.execute(query.limit(limit).offset(offset))]


__all__ = [
    "TOP_HALF_LIFE_HOURS",
    "TOP_WINDOW_HOURS",
    "EntityRow",
    "StoryCard",
    "TranslationRow",
    "article_countries",
    "article_entities",
    "article_source_titles",
    "country_article_counts",
    "entity_names",
    "get_article",
    "get_articles",
    "get_entity",
    "get_source",
    "get_story",
    "list_articles",
    "list_entities",
    "list_sources",
    "list_stories",
    "related_stories",
    "simple_title_search",
    "story_articles",
    "story_countries",
    "story_entities",
    "top_stories",
    "translations_for",
]
