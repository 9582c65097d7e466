"""The database schema as SQLAlchemy Core tables (the current shape; migrations build it).

Tables
    sources            one row per followed feed / sitemap / page, with its HTTP validators and
                       schedule state
    articles           one row per distinct article (canonical URL); ``duplicate_of`` points to the
                       original of a republished copy, ``story_id`` to its story
    article_aliases    every other URL or guid an article was seen under (so it is stored once)
    article_sources    every source that carried an article
    stories            clusters of articles about one event
    entities           people, organisations and places under one canonical id
    entity_names       the names of an entity in several languages
    article_entities   which entities an article mentions
    article_countries  which countries an article mentions and which it is about
    article_signatures dedup / clustering features kept so the stream state survives restarts
    translations       machine translations of an article's fields
    outbox             work that follows a stored article (translate, group), written in the
                       article's transaction and deleted by the consumer that does it
    locks              named locks with an expiry (SQLite's grouping lock)
    source_state       what the pipeline learned about a source (boilerplate lines)
    pipeline_state     the grouping decision counter and the holder's window snapshot
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, returns aware datetimes on every backend (SQLite keeps no zone)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.Text, nullable=False, unique=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("site_url", sa.Text),
    sa.Column("language", sa.String(8)),
    sa.Column("country", sa.String(2)),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("content_hash", sa.String(64)),
    sa.Column("poll_interval", sa.Integer),
    sa.Column("next_poll_at", UTCDateTime),
    sa.Column("failure_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("last_polled_at", UTCDateTime),
    sa.Column("last_success_at", UTCDateTime),
    sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("paused_reason", sa.Text),
    sa.Column("translate_policy", sa.String(16)),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("lease_owner", sa.Text),  # the process fetching it now (see Store.claim_sources)
    sa.Column("lease_until", UTCDateTime),
)

stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title_ar", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("first_seen", UTCDateTime),
    sa.Column("last_seen", UTCDateTime),
    sa.Column("article_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("source_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("countries", sa.JSON),
    sa.Column("regions", sa.JSON),
    sa.Column("merged_into", sa.Integer, sa.ForeignKey("stories.id", ondelete="SET NULL")),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Index("ix_stories_last_seen", "last_seen"),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.Text, nullable=False, unique=True),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="SET NULL")),
    sa.Column("guid", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("text", sa.Text),
    sa.Column("summary", sa.Text),
    sa.Column("author", sa.Text),
    sa.Column("image", sa.Text),
    sa.Column("language", sa.String(8)),
    sa.Column("site_name", sa.Text),
    sa.Column("published_at", UTCDateTime),
    sa.Column("updated_at", UTCDateTime),
    sa.Column("fetched_at", UTCDateTime),
    sa.Column("content_hash", sa.String(64)),
    sa.Column("extraction_status", sa.String(16), nullable=False),
    sa.Column("duplicate_of", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
    sa.Column("duplicate_kind", sa.String(16)),  # url | text | near | version | translation
    sa.Column("duplicate_evidence", sa.JSON),  # why it is a copy (alignment, anchors)
    sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id", ondelete="SET NULL")),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_articles_published_at", "published_at"),
    sa.Index("ix_articles_source_id", "source_id"),
    sa.Index("ix_articles_story_id", "story_id"),
    sa.Index("ix_articles_content_hash", "content_hash"),
    sa.Index("ix_articles_duplicate_of", "duplicate_of"),
)

article_aliases = sa.Table(
    "article_aliases",
    metadata,
    sa.Column("alias", sa.Text, primary_key=True),
    sa.Column(
        "article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Index("ix_article_aliases_article_id", "article_id"),
)

article_sources = sa.Table(
    "article_sources",
    metadata,
    sa.Column(
        "article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("first_seen", UTCDateTime, nullable=False),
    sa.Index("ix_article_sources_source_id", "source_id"),
)

entities = sa.Table(
    "entities",
    metadata,
    sa.Column("id", sa.String(128), primary_key=True),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("name_ar", sa.Text),
    sa.Column("name_en", sa.Text),
)

entity_names = sa.Table(
    "entity_names",
    metadata,
    sa.Column(
        "entity_id",
        sa.String(128),
        sa.ForeignKey("entities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("language", sa.String(8), primary_key=True),
)

article_entities = sa.Table(
    "article_entities",
    metadata,
    sa.Column(
        "article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "entity_id",
        sa.String(128),
        sa.ForeignKey("entities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("mentions", sa.Integer, nullable=False, server_default="1"),
    sa.Column("salience", sa.Float, nullable=False, server_default="0"),
    sa.Index("ix_article_entities_entity_id", "entity_id"),
)

article_countries = sa.Table(
    "article_countries",
    metadata,
    sa.Column(
        "article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("country", sa.String(2), primary_key=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("is_about", sa.Boolean, nullable=False),
    sa.Column("mentions", sa.Integer, nullable=False, server_default="0"),
    sa.Index("ix_article_countries_country", "country"),
    sa.Index("ix_article_countries_country_article_id", "country", "article_id"),
)

article_signatures = sa.Table(
    "article_signatures",
    metadata,
    sa.Column(
        "article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("minhash", sa.LargeBinary),
    sa.Column("features", sa.JSON),
)

translations = sa.Table(
    "translations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("field", sa.String(16), nullable=False),
    sa.Column("target_language", sa.String(8), nullable=False),
    sa.Column("engine", sa.String(32), nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("article_id", "field", "target_language"),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # translate | group
    sa.Column(
        "article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("fields", sa.JSON),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("claimed_by", sa.Text),
    sa.Column("claimed_until", UTCDateTime),
    sa.UniqueConstraint("kind", "article_id"),
    sa.Index("ix_outbox_kind_id", "kind", "id"),
)

locks = sa.Table(
    "locks",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("holder", sa.Text, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
)

source_state = sa.Table(
    "source_state",
    metadata,
    sa.Column(
        "source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("boilerplate", sa.JSON),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

pipeline_state = sa.Table(
    "pipeline_state",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, nullable=False),  # grouping decisions applied so far
    sa.Column("snapshot_seq", sa.Integer),  # ``seq`` when the snapshot was taken
    sa.Column("snapshot_format", sa.Text),
    sa.Column("snapshot", sa.LargeBinary),
    sa.Column("saved_at", UTCDateTime),
)

__all__ = [
    "UTCDateTime",
    "article_aliases",
    "article_countries",
    "article_entities",
    "article_signatures",
    "article_sources",
    "articles",
    "entities",
    "entity_names",
    "locks",
    "metadata",
    "outbox",
    "pipeline_state",
    "source_state",
    "sources",
    "stories",
    "translations",
]

# Reader-facing tables live in modules of their own on the same metadata; importing them here
# keeps ``metadata`` whole wherever the schema is used (migrations' autogenerate, tests).
from marsad.store import account_tables, alert_tables  # noqa: E402, F401
