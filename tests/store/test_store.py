"""The storage interface, run identically against SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from marsad.errors import NotFoundError, UserError
from marsad.models import (
    AnalysedArticle,
    ArticleCountry,
    ArticleEntity,
    Entity,
    EntityName,
    EntityType,
    ExtractionStatus,
    NewArticle,
    SourceKind,
    StoryChange,
    Translation,
)
from marsad.store import Store, create_engine, current_revision, head_revision, migrate


def test_migrations_run_from_an_empty_database(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert current_revision(engine) is None
        before, after = migrate(engine)
        assert before is None
        assert after == head_revision()
        tables = set(sa.inspect(engine).get_table_names())
        for name in (
            "sources",
            "articles",
            "article_aliases",
            "article_sources",
            "stories",
            "entities",
            "entity_names",
            "article_entities",
            "article_countries",
            "article_signatures",
            "translations",
        ):
            assert name in tables
        assert migrate(engine) == (head_revision(), head_revision())  # idempotent
    finally:
        engine.dispose()


def test_sources_round_trip(store: Store) -> None:
    a = store.add_source(
        "https://news.example/feed.xml", SourceKind.FEED, country="pk", language="UR"
    )
    b = store.add_source("https://news.example/sitemap.xml", "sitemap", title="Example")
    assert (a.country, a.language, a.kind) == ("PK", "ur", SourceKind.FEED)
    assert [s.url for s in store.list_sources()] == [a.url, b.url]
    with pytest.raises(UserError, match="already exists"):
        store.add_source("https://news.example/feed.xml")
    now = datetime.now(UTC)
    updated = store.update_source(
        a.id,
        etag='"abc"',
        last_status=304,
        last_error=None,
        failure_count=2,
        next_poll_at=now + timedelta(hours=1),
    )
    assert updated.etag == '"abc"' and updated.last_status == 304 and updated.failure_count == 2
    assert updated.next_poll_at is not None and updated.next_poll_at.tzinfo is not None
    due = store.list_sources(due_before=now + timedelta(minutes=1))
    assert [s.id for s in due] == [b.id]
    removed = store.remove_source(b.url)
    assert removed.id == b.id
    with pytest.raises(NotFoundError):
        store.get_source(b.id)
    with pytest.raises(NotFoundError):
        store.remove_source(b.url)


def test_articles_stored_once_under_every_alias(store: Store) -> None:
    s1 = store.add_source("https://one.example/rss")
    s2 = store.add_source("https://two.example/rss")
    published = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    art, created = store.add_article(
        NewArticle(
            url="https://one.example/a/1",
            source_id=s1.id,
            guid="urn:one:1",
            title="بايدن وبوتين",
            text="نص",
            language="ar",
            published_at=published,
            extraction_status=ExtractionStatus.OK,
            aliases=("https://one.example/a/1?utm_source=x",),
        )
    )
    assert created and art.published_at == published and art.title == "بايدن وبوتين"
    # The same article under its guid, and through another source, is not stored twice.
    again, created = store.add_article(
        NewArticle(url="https://one.example/other", guid="urn:one:1", source_id=s2.id)
    )
    assert not created and again.id == art.id
    assert store.find_article_id(["https://one.example/a/1?utm_source=x"]) == art.id
    assert store.find_article_id(["https://one.example/other"]) == art.id
    assert store.article_source_ids(art.id) == [s1.id, s2.id]
    assert store.count_articles() == 1
    assert store.get_source(s2.id).article_count == 1
    listed = store.list_articles(source_id=s2.id)
    assert [a.id for a in listed] == [art.id]
    store.update_article(art.id, extraction_status=ExtractionStatus.NO_ARTICLE)
    assert store.get_article(art.id).extraction_status is ExtractionStatus.NO_ARTICLE
    # Removing a source keeps its articles.
    store.remove_source(s1.url)
    assert store.get_article(art.id).source_id is None
    assert store.count_articles() == 1


def test_analysis_links_stories_and_translations(store: Store) -> None:
    art, _ = store.add_article(NewArticle(url="https://x.example/1", title="Putin", language="en"))
    store.upsert_entities(
        [
            Entity(
                id="person:vladimir-putin",
                type=EntityType.PERSON,
                name_ar="فلاديمير بوتين",
                name_en="Vladimir Putin",
                names=(
                    EntityName("بوتين", "ar"),
                    EntityName("Putin", "en"),
                    EntityName("Poutine", "fr"),
                ),
            )
        ]
    )
    store.upsert_entities(
        [
            Entity(
                id="person:vladimir-putin",
                type=EntityType.PERSON,
                names=(EntityName("Putin", "en"),),
            )
        ]
    )
    entity = store.get_entity("person:vladimir-putin")
    assert {n.name for n in entity.names} == {"بوتين", "Putin", "Poutine"}
    store.set_article_entities(
        art.id, [ArticleEntity("person:vladimir-putin", mentions=3, salience=0.9)]
    )
    assert store.get_article_entities(art.id) == [ArticleEntity("person:vladimir-putin", 3, 0.9)]
    store.set_article_countries(
        art.id, [ArticleCountry("RU", 0.9, True, 4), ArticleCountry("CU", 0.1, False, 1)]
    )
    assert [c.country for c in store.get_article_countries(art.id)] == ["RU", "CU"]
    assert [a.id for a in store.list_articles(country="ru")] == [art.id]
    assert store.list_articles(country="CU") == []  # mentioned, not about

    story = store.create_story(
        title_ar="مكالمة بايدن وبوتين", countries=["RU", "US"], regions=["europe"]
    )
    store.update_article(art.id, story_id=story.id)
    store.update_story(story.id, article_count=1, last_seen=datetime(2026, 11, 2, tzinfo=UTC))
    got = store.get_story(story.id)
    assert got.countries == ("RU", "US") and got.article_count == 1
    assert [a.id for a in store.list_articles(story_id=story.id)] == [art.id]
    assert [s.id for s in store.list_stories()] == [story.id]

    store.set_signature(art.id, b"\x00\x01", {"terms": ["a"]})
    assert store.get_signature(art.id) == (b"\x00\x01", {"terms": ["a"]})

    tr = Translation(art.id, "title", "ar", "ctranslate2", "opus-mt-en-ar", "بوتين")
    store.put_translation(tr)
    store.put_translation(
        Translation(art.id, "title", "ar", "ctranslate2", "opus-mt-en-ar", "بوتين ٢")
    )
    got_tr = store.get_translations(art.id)
    assert list(got_tr) == ["title"] and got_tr["title"].text == "بوتين ٢"
    assert got_tr["title"].created_at is not None


def test_unknown_ids_raise_not_found(store: Store) -> None:
    for call in (
        lambda: store.get_article(999),
        lambda: store.get_source(999),
        lambda: store.get_story(999),
        lambda: store.get_entity("nobody"),
    ):
        with pytest.raises(NotFoundError):
            call()


def test_save_analysed_is_one_transaction_and_merges_stories(store: Store) -> None:
    src = store.add_source("https://wire.example/rss")
    first = AnalysedArticle(
        article=NewArticle(url="https://wire.example/1", title="Putin", source_id=src.id),
        countries=(ArticleCountry("RU", 1.0, True, 2),),
        entity_links=(ArticleEntity("person:putin", 2, 0.8),),
        entities=(
            Entity(
                "person:putin", EntityType.PERSON, "بوتين", "Putin", (EntityName("Putin", "en"),)
            ),
        ),
        minhash=b"\x01\x02",
        features={"v": 1},
        story=StoryChange(story_id=None, title_ar="بوتين", countries=("RU",), regions=("europe",)),
    )
    a_id, story_a, created = store.save_analysed(first)
    assert created and story_a is not None
    assert store.get_article(a_id).story_id == story_a
    assert (
        store.get_story(story_a).article_count == 1 and store.get_story(story_a).source_count == 1
    )
    assert store.get_signature(a_id) == (b"\x01\x02", {"v": 1})
    # A second story, then a third article that shows both are one: the second is absorbed.
    b_id, story_b, _ = store.save_analysed(
        AnalysedArticle(
            article=NewArticle(url="https://wire.example/2"), story=StoryChange(story_id=None)
        )
    )
    c_id, story_c, _ = store.save_analysed(
        AnalysedArticle(
            article=NewArticle(url="https://wire.example/3"),
            duplicate_of=a_id,
            story=StoryChange(story_id=story_a, title_ar="بوتين", absorbed=(story_b,)),
        )
    )
    assert story_c == story_a
    assert store.get_article(b_id).story_id == story_a
    assert store.get_article(c_id).duplicate_of == a_id
    assert store.get_story(story_b).merged_into == story_a
    assert store.get_story(story_a).article_count == 3
    assert [s.id for s in store.list_stories()] == [story_a]
    # Seen again: nothing is rewritten, the known story comes back.
    again = store.save_analysed(AnalysedArticle(article=NewArticle(url="https://wire.example/1")))
    assert again == (a_id, story_a, False)


def test_save_analysed_failure_leaves_nothing(store: Store) -> None:
    bad = AnalysedArticle(
        article=NewArticle(url="https://wire.example/bad"),
        entity_links=(ArticleEntity("person:nobody-known", 1, 0.1),),  # no such entity: FK fails
    )
    with pytest.raises(sa.exc.IntegrityError):
        store.save_analysed(bad)
    assert store.find_article_id(["https://wire.example/bad"]) is None
    assert store.count_articles() == 0


def test_migrations_build_exactly_the_declared_schema(store: Store) -> None:
    """The append-only history and ``schema.py`` agree (search tables are backend-specific)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from marsad.store.schema import metadata

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)

    def table_of(op: Any) -> str:
        if isinstance(op, list):  # column changes: [("modify_type", schema, table, ...)]
            return str(op[0][2])
        obj = op[1]
        table = getattr(obj, "table", None)
        return str(table.name if table is not None else obj.name)

    assert [d for d in diff if not table_of(d).startswith("search_")] == []


def test_copy_met_before_its_original_is_turned_around(store: Store) -> None:
    """Crawls meet articles out of publication order: the earlier one stays the original."""
    later = datetime(2026, 11, 2, tzinfo=UTC)
    earlier = datetime(2026, 11, 1, tzinfo=UTC)
    copy_id, _, _ = store.save_analysed(
        AnalysedArticle(article=NewArticle(url="https://farm.example/1", published_at=later))
    )
    second_copy, _, _ = store.save_analysed(
        AnalysedArticle(
            article=NewArticle(
                url="https://farm.example/2", published_at=later + timedelta(hours=1)
            ),
            duplicate_of=copy_id,
            duplicate_kind="near",
        )
    )
    original_id, _, _ = store.save_analysed(
        AnalysedArticle(
            article=NewArticle(url="https://wire.example/1", published_at=earlier),
            duplicate_of=second_copy,  # whatever the index matched, the chain is followed
            duplicate_kind="translation",
        )
    )
    original = store.get_article(original_id)
    assert original.duplicate_of is None and original.duplicate_kind is None
    first = store.get_article(copy_id)
    assert (first.duplicate_of, first.duplicate_kind) == (original_id, "translation")
    assert store.get_article(second_copy).duplicate_of == original_id
    # A later copy of the same original simply points to it.
    late_id, _, _ = store.save_analysed(
        AnalysedArticle(
            article=NewArticle(
                url="https://farm.example/3", published_at=later + timedelta(days=1)
            ),
            duplicate_of=copy_id,
            duplicate_kind="near",
        )
    )
    assert store.get_article(late_id).duplicate_of == original_id
