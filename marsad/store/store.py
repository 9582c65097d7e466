"""The storage interface: one class over SQLAlchemy Core, the same on SQLite and PostgreSQL.

Every write runs in one short transaction (``_write``); on SQLite writes are serialised by a
lock so the file has one writer. Rows come back as the frozen records of ``marsad.models``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from marsad.errors import NotFoundError, StorageError, UserError
from marsad.models import (
    AnalysedArticle,
    Article,
    ArticleCountry,
    ArticleEntity,
    Entity,
    EntityName,
    EntityType,
    ExtractionStatus,
    NewArticle,
    Source,
    SourceKind,
    Story,
    Translation,
)
from marsad.store import schema as t
from marsad.store.engine import create_engine, first_line, migrate


def utcnow() -> datetime:
    return datetime.now(UTC)


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _inserted_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


_SOURCE_FIELDS = {c.name for c in t.sources.columns} - {"id", "created_at"}
_ARTICLE_FIELDS = {c.name for c in t.articles.columns} - {"id", "created_at"}
_STORY_FIELDS = {c.name for c in t.stories.columns} - {"id", "created_at"}


class Store:
    """Typed access to the database. Create with :func:`open_store`."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._write_lock = threading.RLock()

    # -- plumbing -------------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with self._write_lock:
            try:
                with (
                    self.engine.connect().execution_options(marsad_write=True) as conn,
                    conn.begin(),
                ):
                    yield conn
            except sa.exc.OperationalError as exc:
                raise StorageError(f"database write failed: {first_line(exc)}") from None

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except sa.exc.OperationalError as exc:
            raise StorageError(f"database read failed: {first_line(exc)}") from None

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """A write transaction for callers (search indexing, clustering) that batch statements."""
        with self._write() as conn:
            yield conn

    def connect(self) -> sa.Connection:
        """A plain read connection (caller closes it)."""
        return self.engine.connect()

    def close(self) -> None:
        self.engine.dispose()

    # -- sources --------------------------------------------------------------------------
    def add_source(
        self,
        url: str,
        kind: SourceKind | str = SourceKind.FEED,
        *,
        title: str | None = None,
        country: str | None = None,
        language: str | None = None,
        site_url: str | None = None,
        next_poll_at: datetime | None = None,
    ) -> Source:
        now = utcnow()
        values = {
            "url": url,
            "kind": SourceKind(kind).value,
            "title": title,
            "country": country.upper() if country else None,
            "language": language.lower() if language else None,
            "site_url": site_url,
            "next_poll_at": next_poll_at or now,
            "created_at": now,
            "updated_at": now,
        }
        try:
            with self._write() as conn:
                new_id = _inserted_id(conn.execute(t.sources.insert().values(**values)))
        except sa.exc.IntegrityError:
            raise UserError(
                f"source already exists: {url}", message_ar=f"المصدر موجود من قبل: {url}"
            ) from None
        return self.get_source(int(new_id))

    def _source_query(self) -> sa.Select[Any]:
        # A correlated count reads one source's links through the primary key index; a grouped
        # count over all of article_sources cost time in proportion to the whole store.
        count = (
            sa.select(sa.func.count())
            .select_from(t.article_sources)
            .where(t.article_sources.c.source_id == t.sources.c.id)
            .correlate(t.sources)
            .scalar_subquery()
        )
        return sa.select(t.sources, count.label("article_count"))

    @staticmethod
    def _row_to_source(row: sa.Row[Any]) -> Source:
        m = dict(row._mapping)
        m.pop("updated_at", None)
        m["kind"] = SourceKind(m["kind"])
        return Source(**m)

    def get_source(self, source_id: int) -> Source:
        with self._read() as conn:
            row = conn.execute(self._source_query().where(t.sources.c.id == source_id)).first()
        if row is None:
            raise NotFoundError(
                f"unknown source: {source_id}", message_ar=f"مصدر غير معروف: {source_id}"
            )
        return self._row_to_source(row)

    def find_source(self, url: str) -> Source | None:
        with self._read() as conn:
            row = conn.execute(self._source_query().where(t.sources.c.url == url)).first()
        return self._row_to_source(row) if row else None

    def get_source_by_url(self, url: str) -> Source:
        source = self.find_source(url)
        if source is None:
            raise NotFoundError(f"unknown source: {url}", message_ar=f"مصدر غير معروف: {url}")
        return source

    def list_sources(
        self, *, due_before: datetime | None = None, include_paused: bool = True
    ) -> list[Source]:
        query = self._source_query().order_by(t.sources.c.id)
        if due_before is not None:
            query = query.where(
                sa.or_(t.sources.c.next_poll_at.is_(None), t.sources.c.next_poll_at <= due_before)
            )
        if not include_paused:
            query = query.where(t.sources.c.paused.is_(False))
        with self._read() as conn:
            return [self._row_to_source(r) for r in conn.execute(query)]

    def update_source(self, source_id: int, **fields: Any) -> Source:
        unknown = set(fields) - _SOURCE_FIELDS
        if unknown:
            raise ValueError(f"unknown source fields: {sorted(unknown)}")
        fields["updated_at"] = utcnow()
        with self._write() as conn:
            result = conn.execute(
                t.sources.update().where(t.sources.c.id == source_id).values(**fields)
            )
        if result.rowcount == 0:
            raise NotFoundError(f"unknown source: {source_id}")
        return self.get_source(source_id)

    def remove_source(self, url: str) -> Source:
        """Remove a source. Its articles stay (they may be carried by other sources too)."""
        source = self.get_source_by_url(url)
        with self._write() as conn:
            conn.execute(
                t.articles.update()
                .where(t.articles.c.source_id == source.id)
                .values(source_id=None)
            )
            conn.execute(t.sources.delete().where(t.sources.c.id == source.id))
        return source

    # -- articles -------------------------------------------------------------------------
    def find_article_id(self, keys: Iterable[str]) -> int | None:
        """The id of the article stored under any of ``keys`` (canonical URL, alias or guid)."""
        keys = [k for k in keys if k]
        if not keys:
            return None
        with self._read() as conn:
            found = conn.execute(
                sa.select(t.articles.c.id).where(t.articles.c.url.in_(keys))
            ).first()
            if found is None:
                found = conn.execute(
                    sa.select(t.article_aliases.c.article_id).where(
                        t.article_aliases.c.alias.in_(keys)
                    )
                ).first()
        return int(found[0]) if found else None

    def add_article(self, new: NewArticle) -> tuple[Article, bool]:
        """Store ``new`` once. Returns (article, created); a known URL/alias only records the source."""
        with self._write() as conn:
            article_id, created = self._add_article_in(conn, new, utcnow())
        return self.get_article(article_id), created

    def add_articles(self, batch: Sequence[NewArticle]) -> list[tuple[int, bool]]:
        """Store a batch in one transaction: all of it is committed, or none. Returns (id, created)."""
        now = utcnow()
        with self._write() as conn:
            return [self._add_article_in(conn, new, now) for new in batch]

    def _add_article_in(
        self, conn: sa.Connection, new: NewArticle, now: datetime
    ) -> tuple[int, bool]:
        keys = [new.url, *new.aliases, *([new.guid] if new.guid else [])]
        existing = conn.execute(
            sa.select(t.articles.c.id).where(t.articles.c.url.in_(keys))
        ).first()
        if existing is None:
            existing = conn.execute(
                sa.select(t.article_aliases.c.article_id).where(t.article_aliases.c.alias.in_(keys))
            ).first()
        created = existing is None
        if created:
            values = {k: v for k, v in vars(new).items() if k in _ARTICLE_FIELDS}
            values["extraction_status"] = ExtractionStatus(new.extraction_status).value
            values["created_at"] = now
            article_id = _inserted_id(conn.execute(t.articles.insert().values(**values)))
        else:
            article_id = int(existing[0])  # type: ignore[index]
        aliases = [k for k in keys if k != new.url] + ([] if created else [new.url])
        self._add_aliases(conn, article_id, aliases)
        if new.source_id is not None:
            self._link_source(conn, article_id, new.source_id, now)
        return article_id, created

    def save_analysed(self, bundle: AnalysedArticle) -> tuple[int, int | None, bool]:
        """Store an article with its analysis, duplicate link and story in ONE transaction.

        A crash leaves either all of it or none of it. Returns (article id, story id, created);
        an article already stored is left as it is (only its new alias and source are recorded).
        """
        now = utcnow()
        with self._write() as conn:
            article_id, created = self._add_article_in(conn, bundle.article, now)
            if not created:
                row = conn.execute(
                    sa.select(t.articles.c.story_id).where(t.articles.c.id == article_id)
                ).first()
                return article_id, (row.story_id if row else None), False
            if bundle.entities:
                self._upsert_entities_in(conn, bundle.entities)
            if bundle.countries:
                conn.execute(
                    t.article_countries.insert(),
                    [{"article_id": article_id, **vars(c)} for c in bundle.countries],
                )
            if bundle.entity_links:
                conn.execute(
                    t.article_entities.insert(),
                    [{"article_id": article_id, **vars(e)} for e in bundle.entity_links],
                )
            if bundle.minhash is not None or bundle.features is not None:
                conn.execute(
                    t.article_signatures.insert().values(
                        article_id=article_id, minhash=bundle.minhash, features=bundle.features
                    )
                )
            story_id = self._apply_story_in(conn, bundle, article_id, now)
            duplicate_of = self._link_copy_in(conn, article_id, bundle)
            conn.execute(
                t.articles.update()
                .where(t.articles.c.id == article_id)
                .values(
                    duplicate_of=duplicate_of,
                    duplicate_kind=bundle.duplicate_kind if duplicate_of else None,
                    story_id=story_id,
                )
            )
            if story_id is not None:
                self._refresh_story_counts_in(conn, story_id)
        return article_id, story_id, True

    def _link_copy_in(
        self, conn: sa.Connection, article_id: int, bundle: AnalysedArticle
    ) -> int | None:
        """The original a new copy points to; when the copy turns out to be the earlier one
        (crawls meet articles out of publication order), it becomes the original instead."""
        if bundle.duplicate_of is None:
            return None
        root = bundle.duplicate_of
        for _ in range(8):  # follow a chain of copies to its original (chains are short)
            up = conn.execute(
                sa.select(t.articles.c.duplicate_of).where(t.articles.c.id == root)
            ).scalar()
            if up is None:
                break
            root = int(up)
        when = sa.func.coalesce(t.articles.c.published_at, t.articles.c.created_at)
        root_time = conn.execute(sa.select(when).where(t.articles.c.id == root)).scalar()
        new = bundle.article
        new_time = new.published_at or new.fetched_at
        if root_time is None or new_time is None or _as_utc(new_time) >= _as_utc(root_time):
            return root
        conn.execute(
            t.articles.update()
            .where(t.articles.c.duplicate_of == root)
            .values(duplicate_of=article_id)
        )
        conn.execute(
            t.articles.update()
            .where(t.articles.c.id == root)
            .values(duplicate_of=article_id, duplicate_kind=bundle.duplicate_kind)
        )
        return None

    def _apply_story_in(
        self, conn: sa.Connection, bundle: AnalysedArticle, article_id: int, now: datetime
    ) -> int | None:
        change = bundle.story
        if change is None:
            return None
        values: dict[str, Any] = {
            "title_ar": change.title_ar,
            "title": change.title,
            "first_seen": change.first_seen,
            "last_seen": change.last_seen,
            "countries": list(change.countries),
            "regions": list(change.regions),
            "updated_at": now,
        }
        if change.story_id is None:
            story_id = _inserted_id(
                conn.execute(t.stories.insert().values(created_at=now, **values))
            )
        else:
            story_id = change.story_id
            conn.execute(t.stories.update().where(t.stories.c.id == story_id).values(**values))
        for gone in change.absorbed:
            if gone == story_id:
                continue
            conn.execute(
                t.articles.update().where(t.articles.c.story_id == gone).values(story_id=story_id)
            )
            conn.execute(
                t.stories.update()
                .where(t.stories.c.id == gone)
                .values(merged_into=story_id, article_count=0, source_count=0, updated_at=now)
            )
        return story_id

    def _refresh_story_counts_in(self, conn: sa.Connection, story_id: int) -> None:
        members = sa.select(t.articles.c.id).where(t.articles.c.story_id == story_id)
        articles = conn.execute(
            sa.select(sa.func.count())
            .select_from(t.articles)
            .where(t.articles.c.story_id == story_id)
        ).scalar_one()
        sources = conn.execute(
            sa.select(sa.func.count(sa.distinct(t.article_sources.c.source_id))).where(
                t.article_sources.c.article_id.in_(members)
            )
        ).scalar_one()
        conn.execute(
            t.stories.update()
            .where(t.stories.c.id == story_id)
            .values(article_count=articles, source_count=sources)
        )

    def _add_aliases(self, conn: sa.Connection, article_id: int, aliases: Sequence[str]) -> None:
        for alias in dict.fromkeys(a for a in aliases if a):
            exists = conn.execute(
                sa.select(t.article_aliases.c.alias).where(t.article_aliases.c.alias == alias)
            ).first()
            if exists is None:
                conn.execute(t.article_aliases.insert().values(alias=alias, article_id=article_id))

    def _link_source(
        self, conn: sa.Connection, article_id: int, source_id: int, when: datetime
    ) -> None:
        exists = conn.execute(
            sa.select(t.article_sources.c.article_id).where(
                t.article_sources.c.article_id == article_id,
                t.article_sources.c.source_id == source_id,
            )
        ).first()
        if exists is None:
            conn.execute(
                t.article_sources.insert().values(
                    article_id=article_id, source_id=source_id, first_seen=when
                )
            )

    def _article_query(self) -> sa.Select[Any]:
        return sa.select(t.articles, t.sources.c.title.label("source_title")).outerjoin(
            t.sources, t.sources.c.id == t.articles.c.source_id
        )

    @staticmethod
    def _row_to_article(row: sa.Row[Any]) -> Article:
        m = dict(row._mapping)
        m["extraction_status"] = ExtractionStatus(m["extraction_status"])
        return Article(**m)

    def get_article(self, article_id: int) -> Article:
        with self._read() as conn:
            row = conn.execute(self._article_query().where(t.articles.c.id == article_id)).first()
        if row is None:
            raise NotFoundError(
                f"unknown article: {article_id}", message_ar=f"مقال غير معروف: {article_id}"
            )
        return self._row_to_article(row)

    def get_articles(self, ids: Sequence[int]) -> list[Article]:
        if not ids:
            return []
        with self._read() as conn:
            rows = conn.execute(self._article_query().where(t.articles.c.id.in_(list(ids)))).all()
        by_id = {r.id: self._row_to_article(r) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def list_articles(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        source_id: int | None = None,
        story_id: int | None = None,
        language: str | None = None,
        country: str | None = None,
        include_duplicates: bool = True,
    ) -> list[Article]:
        order = sa.func.coalesce(t.articles.c.published_at, t.articles.c.created_at)
        query = self._article_query().order_by(order.desc(), t.articles.c.id.desc())
        if source_id is not None:
            carried = sa.select(t.article_sources.c.article_id).where(
                t.article_sources.c.source_id == source_id
            )
            query = query.where(t.articles.c.id.in_(carried))
        if story_id is not None:
            query = query.where(t.articles.c.story_id == story_id)
        if language:
            query = query.where(t.articles.c.language == language)
        if country:
            about = sa.select(t.article_countries.c.article_id).where(
                t.article_countries.c.country == country.upper(),
                t.article_countries.c.is_about.is_(True),
            )
            query = query.where(t.articles.c.id.in_(about))
        if not include_duplicates:
            query = query.where(t.articles.c.duplicate_of.is_(None))
        with self._read() as conn:
            return [
                self._row_to_article(r) for r in conn.execute(query.limit(limit).offset(offset))
            ]

    def count_articles(self) -> int:
        with self._read() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(t.articles)).scalar_one()
            )

    def update_article(self, article_id: int, **fields: Any) -> None:
        unknown = set(fields) - _ARTICLE_FIELDS
        if unknown:
            raise ValueError(f"unknown article fields: {sorted(unknown)}")
        if "extraction_status" in fields:
            fields["extraction_status"] = ExtractionStatus(fields["extraction_status"]).value
        with self._write() as conn:
            conn.execute(t.articles.update().where(t.articles.c.id == article_id).values(**fields))

    def article_source_ids(self, article_id: int) -> list[int]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(t.article_sources.c.source_id)
                .where(t.article_sources.c.article_id == article_id)
                .order_by(t.article_sources.c.first_seen)
            )
            return [int(r[0]) for r in rows]

    # -- analysis results -----------------------------------------------------------------
    def set_article_countries(self, article_id: int, countries: Sequence[ArticleCountry]) -> None:
        with self._write() as conn:
            conn.execute(
                t.article_countries.delete().where(t.article_countries.c.article_id == article_id)
            )
            if countries:
                conn.execute(
                    t.article_countries.insert(),
                    [{"article_id": article_id, **vars(c)} for c in countries],
                )

    def get_article_countries(self, article_id: int) -> list[ArticleCountry]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(t.article_countries)
                .where(t.article_countries.c.article_id == article_id)
                .order_by(t.article_countries.c.score.desc())
            )
            return [
                ArticleCountry(
                    country=r.country, score=r.score, is_about=r.is_about, mentions=r.mentions
                )
                for r in rows
            ]

    def upsert_entities(self, entities: Iterable[Entity]) -> None:
        with self._write() as conn:
            self._upsert_entities_in(conn, entities)

    def _upsert_entities_in(self, conn: sa.Connection, entities: Iterable[Entity]) -> None:
        for entity in entities:
            exists = conn.execute(
                sa.select(t.entities.c.id).where(t.entities.c.id == entity.id)
            ).first()
            values = {
                "type": EntityType(entity.type).value,
                "name_ar": entity.name_ar,
                "name_en": entity.name_en,
            }
            if exists:
                conn.execute(
                    t.entities.update().where(t.entities.c.id == entity.id).values(**values)
                )
            else:
                conn.execute(t.entities.insert().values(id=entity.id, **values))
            known = {
                (r.name, r.language)
                for r in conn.execute(
                    sa.select(t.entity_names).where(t.entity_names.c.entity_id == entity.id)
                )
            }
            fresh = [n for n in dict.fromkeys(entity.names) if (n.name, n.language) not in known]
            if fresh:
                conn.execute(
                    t.entity_names.insert(),
                    [
                        {"entity_id": entity.id, "name": n.name, "language": n.language}
                        for n in fresh
                    ],
                )

    def get_entity(self, entity_id: str) -> Entity:
        with self._read() as conn:
            row = conn.execute(sa.select(t.entities).where(t.entities.c.id == entity_id)).first()
            if row is None:
                raise NotFoundError(
                    f"unknown entity: {entity_id}", message_ar=f"كيان غير معروف: {entity_id}"
                )
            names = conn.execute(
                sa.select(t.entity_names)
                .where(t.entity_names.c.entity_id == entity_id)
                .order_by(t.entity_names.c.language)
            ).all()
        return Entity(
            id=row.id,
            type=EntityType(row.type),
            name_ar=row.name_ar,
            name_en=row.name_en,
            names=tuple(EntityName(n.name, n.language) for n in names),
        )

    def set_article_entities(self, article_id: int, links: Sequence[ArticleEntity]) -> None:
        with self._write() as conn:
            conn.execute(
                t.article_entities.delete().where(t.article_entities.c.article_id == article_id)
            )
            if links:
                conn.execute(
                    t.article_entities.insert(),
                    [{"article_id": article_id, **vars(link)} for link in links],
                )

    def get_article_entities(self, article_id: int) -> list[ArticleEntity]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(t.article_entities)
                .where(t.article_entities.c.article_id == article_id)
                .order_by(t.article_entities.c.salience.desc(), t.article_entities.c.entity_id)
            )
            return [
                ArticleEntity(entity_id=r.entity_id, mentions=r.mentions, salience=r.salience)
                for r in rows
            ]

    def set_signature(
        self, article_id: int, minhash: bytes | None, features: dict[str, Any] | None
    ) -> None:
        with self._write() as conn:
            conn.execute(
                t.article_signatures.delete().where(t.article_signatures.c.article_id == article_id)
            )
            conn.execute(
                t.article_signatures.insert().values(
                    article_id=article_id, minhash=minhash, features=features
                )
            )

    def get_signature(self, article_id: int) -> tuple[bytes | None, dict[str, Any] | None] | None:
        with self._read() as conn:
            row = conn.execute(
                sa.select(t.article_signatures).where(
                    t.article_signatures.c.article_id == article_id
                )
            ).first()
        return (row.minhash, row.features) if row else None

    # -- stories --------------------------------------------------------------------------
    @staticmethod
    def _row_to_story(row: sa.Row[Any]) -> Story:
        m = dict(row._mapping)
        m.pop("created_at", None)
        m.pop("updated_at", None)
        m["countries"] = tuple(m.get("countries") or ())
        m["regions"] = tuple(m.get("regions") or ())
        return Story(**m)

    def create_story(self, **fields: Any) -> Story:
        unknown = set(fields) - _STORY_FIELDS
        if unknown:
            raise ValueError(f"unknown story fields: {sorted(unknown)}")
        now = utcnow()
        for key in ("countries", "regions"):
            if key in fields:
                fields[key] = list(fields[key])
        with self._write() as conn:
            new_id = _inserted_id(
                conn.execute(t.stories.insert().values(created_at=now, updated_at=now, **fields))
            )
        return self.get_story(int(new_id))

    def update_story(self, story_id: int, **fields: Any) -> None:
        unknown = set(fields) - _STORY_FIELDS
        if unknown:
            raise ValueError(f"unknown story fields: {sorted(unknown)}")
        for key in ("countries", "regions"):
            if key in fields:
                fields[key] = list(fields[key])
        with self._write() as conn:
            conn.execute(
                t.stories.update()
                .where(t.stories.c.id == story_id)
                .values(updated_at=utcnow(), **fields)
            )

    def get_story(self, story_id: int) -> Story:
        with self._read() as conn:
            row = conn.execute(sa.select(t.stories).where(t.stories.c.id == story_id)).first()
        if row is None:
            raise NotFoundError(
                f"unknown story: {story_id}", message_ar=f"قصة غير معروفة: {story_id}"
            )
        return self._row_to_story(row)

    def list_stories(self, *, limit: int = 50, offset: int = 0) -> list[Story]:
        query = (
            sa.select(t.stories)
            .where(t.stories.c.merged_into.is_(None))
            .order_by(t.stories.c.last_seen.desc(), t.stories.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self._read() as conn:
            return [self._row_to_story(r) for r in conn.execute(query)]

    # -- translations ---------------------------------------------------------------------
    def put_translation(self, tr: Translation) -> None:
        """Store a translation, replacing an earlier one of the same field and language."""
        with self._write() as conn:
            conn.execute(
                t.translations.delete().where(
                    t.translations.c.article_id == tr.article_id,
                    t.translations.c.field == tr.field,
                    t.translations.c.target_language == tr.target_language,
                )
            )
            conn.execute(
                t.translations.insert().values(
                    article_id=tr.article_id,
                    field=tr.field,
                    target_language=tr.target_language,
                    engine=tr.engine,
                    model=tr.model,
                    text=tr.text,
                    created_at=tr.created_at or utcnow(),
                )
            )

    def get_translations(
        self, article_id: int, target_language: str = "ar"
    ) -> dict[str, Translation]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(t.translations).where(
                    t.translations.c.article_id == article_id,
                    t.translations.c.target_language == target_language,
                )
            )
            return {
                r.field: Translation(
                    article_id=r.article_id,
                    field=r.field,
                    target_language=r.target_language,
                    engine=r.engine,
                    model=r.model,
                    text=r.text,
                    created_at=r.created_at,
                )
                for r in rows
            }


def open_store(database_url: str, *, migrate_schema: bool = True) -> Store:
    """Open the database at ``database_url``, migrating it to the newest schema first."""
    engine = create_engine(database_url)
    if migrate_schema:
        try:
            migrate(engine)
        except Exception:
            engine.dispose()
            raise
    return Store(engine)
