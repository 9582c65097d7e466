"""The read interface: one meaning per query on SQLite and PostgreSQL.

Every test runs on both backends (the ``store`` fixture) against the same small store, built
so that each query meets its awkward cases: equal times (ties broken by id), undated articles
(last), republished copies (hidden) and translations (listed), a merged story (hidden), text
that orders differently under a locale collation than by code point. The expected answers are
written from how the store was filled, not read back from the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from pgproxy import TCPProxy, target_of

from marsad.errors import StorageError, StorageUnavailable
from marsad.models import (
    ArticleCountry,
    ArticleEntity,
    Entity,
    EntityName,
    EntityType,
    ExtractionStatus,
    NewArticle,
    Translation,
)
from marsad.store import Store, open_store

T = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class World:
    s1: int
    s2: int
    a1: int
    a2: int
    a3: int
    a4: int
    a5: int
    st1: int
    st2: int
    st3: int
    st4: int


def _fill(store: Store) -> World:
    s1 = store.add_source("http://one.example/feed", title="Source One", language="ar").id
    s2 = store.add_source("http://two.example/feed", title=None, language="en").id

    def add(url: str, source: int, title: str, when: datetime | None, lang: str = "ar") -> int:
        new = NewArticle(
            url=url,
            source_id=source,
            title=title,
            text=f"{title} text",
            language=lang,
            published_at=when,
            extraction_status=ExtractionStatus.OK,
        )
        return store.add_article(new)[0].id

    a1 = add("http://one.example/a1", s1, "Alpha summit", T - timedelta(hours=1))
    a2 = add("http://one.example/a2", s1, "alpha talks", T - timedelta(hours=1))  # same time
    a3 = add("http://one.example/a3", s1, "Undated note", None)
    a4 = add("http://two.example/a4", s2, "Alpha summit", T - timedelta(hours=3))  # a copy
    a5 = add("http://two.example/a5", s2, "Summit in English", T - timedelta(hours=2), "en")
    # s2 carries a1 as well (the same URL seen in its feed).
    store.add_article(NewArticle(url="http://one.example/a1", source_id=s2, title="Alpha summit"))
    store.update_article(a4, duplicate_of=a1, duplicate_kind="text")
    store.update_article(a5, duplicate_of=a1, duplicate_kind="translation")

    def story(title: str, last: datetime, sources: int, **more: object) -> int:
        return store.create_story(
            title=title,
            first_seen=last - timedelta(hours=2),
            last_seen=last,
            article_count=1,
            source_count=sources,
            **more,  # type: ignore[arg-type]
        ).id

    st1 = story("Summit", T - timedelta(hours=1), 2, countries=["EG"])
    st2 = story("Talks", T - timedelta(hours=1), 1)  # same last_seen as st1
    st3 = story("Old note", T - timedelta(hours=30), 1)
    st4 = story("Merged away", T, 5)
    store.update_story(st4, merged_into=st1)
    for article, st in ((a1, st1), (a4, st1), (a5, st1), (a2, st2), (a3, st3)):
        store.update_article(article, story_id=st)

    store.set_article_countries(a1, [ArticleCountry("EG", 0.9, True, 2)])
    store.set_article_countries(
        a2, [ArticleCountry("EG", 0.9, True, 1), ArticleCountry("FR", 0.2, False, 1)]
    )
    store.set_article_countries(a3, [ArticleCountry("FR", 0.8, True, 1)])
    store.set_article_countries(a5, [ArticleCountry("EG", 0.7, True, 1)])

    # Code point order: "Zed" < "adam", "Alpha" < "alpha" < "beta"; a locale collation
    # (en_US) would give adam < Zed and alpha < Alpha.
    store.upsert_entities(
        [
            Entity("person:Zed", EntityType.PERSON, name_en="Zed"),
            Entity(
                "person:adam",
                EntityType.PERSON,
                name_en="Adam",
                names=(
                    EntityName("beta", "en"),
                    EntityName("alpha", "en"),
                    EntityName("Alpha", "en"),
                    EntityName("آدم", "ar"),
                ),
            ),
            Entity("org:un", EntityType.ORGANIZATION, name_en="UN"),
        ]
    )
    for article in (a1, a2):
        store.set_article_entities(
            article, [ArticleEntity("person:adam", 1, 0.5), ArticleEntity("person:Zed", 1, 0.5)]
        )
    store.set_article_entities(a3, [ArticleEntity("person:Zed", 1, 0.5)])
    store.put_translation(Translation(a5, "title", "ar", "ctranslate2", "m", "قمة بالإنجليزية"))
    return World(s1, s2, a1, a2, a3, a4, a5, st1, st2, st3, st4)


@pytest.fixture
def world(store: Store) -> World:
    return _fill(store)


def _ids(items: list) -> list[int]:  # type: ignore[type-arg]
    return [i.id for i in items]


def test_article_lists_newest_first_ties_by_id_undated_last(store: Store, world: World) -> None:
    w = world
    with store.reading() as r:
        assert _ids(r.list_articles(limit=10)) == [w.a2, w.a1, w.a5, w.a3]
        assert _ids(r.list_articles(limit=10, include_duplicates=True)) == [
            w.a2, w.a1, w.a5, w.a4, w.a3,
        ]  # fmt: skip
        assert _ids(r.list_articles(limit=2, offset=1)) == [w.a1, w.a5]
        assert _ids(r.list_articles(limit=10, language="en")) == [w.a5]
        # A source lists what it carried, its own articles and those it saw first elsewhere.
        assert _ids(r.list_articles(limit=10, source_id=w.s2, include_duplicates=True)) == [
            w.a1, w.a5, w.a4,
        ]  # fmt: skip
        assert _ids(r.list_articles(limit=10, story_id=w.st1)) == [w.a1, w.a5]


@pytest.mark.parametrize(
    ("codes", "expected"),
    [(["EG"], ["a2", "a1", "a5"]), (["fr"], ["a3"]), (["EG", "FR"], ["a2", "a1", "a5", "a3"])],
    ids=["one-country", "about-not-mentioned", "region"],
)
def test_articles_about_countries(
    store: Store, world: World, codes: list[str], expected: list[str]
) -> None:
    with store.reading() as r:
        got = _ids(r.list_articles(limit=10, countries=codes))
    assert got == [getattr(world, name) for name in expected]


def test_story_lists(store: Store, world: World) -> None:
    w = world
    with store.reading() as r:
        assert _ids(r.list_stories(limit=10)) == [w.st2, w.st1, w.st3]  # merged st4 hidden
        assert _ids(r.list_stories(limit=10, countries=["EG"])) == [w.st2, w.st1]
        assert _ids(r.list_stories(limit=10, countries=[])) == []
        assert _ids(r.list_stories(limit=10, entity_id="person:Zed")) == [w.st2, w.st1, w.st3]
        assert _ids(r.list_stories(limit=10, source_id=w.s2)) == [w.st1]
        # Two sources an hour ago outweigh one source an hour ago; the merged one is gone.
        assert _ids(r.top_stories(now=T, limit=2)) == [w.st1, w.st2]
        card = r.get_story(w.st4)
        assert card is not None and card.merged_into == w.st1
        assert r.get_story(10_000) is None


def test_story_detail(store: Store, world: World) -> None:
    w = world
    with store.reading() as r:
        assert _ids(r.story_articles(w.st1)) == [w.a4, w.a5, w.a1]  # timeline: oldest first
        assert r.story_countries(w.st1) == [("EG", 2)]
        assert [(e.id, e.count) for e in r.story_entities(w.st2)] == [
            ("person:Zed", 1),
            ("person:adam", 1),
        ]
        related = r.related_stories(w.st1, ["person:adam", "person:Zed"], ["EG"])
        assert _ids(related) == [w.st2, w.st3]  # st2 shares two entities, st3 one


def test_article_detail(store: Store, world: World) -> None:
    w = world
    with store.reading() as r:
        article = r.get_article(w.a1)
        assert article is not None and article.source_title == "Source One"
        assert r.get_article(10_000) is None
        assert sorted(_ids(r.get_articles([w.a3, w.a1, w.a3, 10_000]))) == sorted([w.a1, w.a3])
        assert r.article_countries(w.a2) == [("EG", True), ("FR", False)]
        assert [e.id for e in r.article_entities(w.a1)] == ["person:Zed", "person:adam"]
        assert r.article_source_titles(w.a1) == [
            (w.s1, "Source One"),
            (w.s2, "http://two.example/feed"),
        ]
        translations = r.translations_for([w.a5, w.a1])
        assert list(translations) == [w.a5]
        assert translations[w.a5]["title"].text == "قمة بالإنجليزية"
        assert r.translations_for([w.a5], "en") == {}


def test_sources_entities_countries(store: Store, world: World) -> None:
    w = world
    with store.reading() as r:
        assert [(s.id, s.article_count) for s in r.list_sources()] == [(w.s1, 3), (w.s2, 3)]
        assert _ids(r.list_sources(limit=1, offset=1)) == [w.s2]
        found = r.get_source(w.s2)
        assert found is not None and found.article_count == 3 and found.title is None
        assert r.get_source(10_000) is None
        assert [e.id for e in r.list_entities(limit=10)] == ["org:un", "person:Zed", "person:adam"]
        assert [e.id for e in r.list_entities(limit=10, entity_type="person")] == [
            "person:Zed",
            "person:adam",
        ]
        assert r.entity_names("person:adam") == [
            ("آدم", "ar"),
            ("Alpha", "en"),
            ("alpha", "en"),
            ("beta", "en"),
        ]
        entity = r.get_entity("person:adam")
        assert entity is not None and entity.name("ar") == "Adam"
        assert r.get_entity("person:nobody") is None
        assert r.country_article_counts() == [("EG", 3), ("FR", 2)]


def test_title_fallback_search_ignores_ascii_case_on_both(store: Store, world: World) -> None:
    with store.reading() as r:
        # a4 (a copy) also says "Alpha summit"; lists hide copies.
        assert _ids(r.simple_title_search(["ALPHA"], limit=10)) == [world.a2, world.a1]
        assert _ids(r.simple_title_search(["alpha", "summit"], limit=10)) == [world.a1]
        assert r.simple_title_search(["100%_"], limit=10) == []


def test_reads_say_storage_unavailable_while_postgresql_is_cut(pg_url: str) -> None:
    with TCPProxy(target_of(pg_url)) as proxy:
        store = open_store(proxy.rewrite_url(pg_url))
        try:
            world = _fill(store)
            with store.reading() as r:
                assert r.get_article(world.a1) is not None
            proxy.cut()
            with pytest.raises(StorageUnavailable), store.reading() as r:
                r.list_articles(limit=5)
            proxy.restore()
            with store.reading() as r:  # the pool reconnects; nothing was lost
                assert _ids(r.list_articles(limit=10, include_duplicates=True)) == [
                    world.a2, world.a1, world.a5, world.a4, world.a3,
                ]  # fmt: skip
            # Cut in the middle of a page: the next query on the borrowed connection fails.
            with pytest.raises(StorageUnavailable), store.reading() as r:
                r.get_article(world.a1)
                proxy.cut(refuse=False)
                r.get_article(world.a2)
            proxy.restore()
            with store.reading() as r:
                assert r.get_article(world.a2) is not None
        finally:
            store.close()


def test_a_refused_database_at_open_is_storage_unavailable(pg_url: str) -> None:
    with TCPProxy(target_of(pg_url)) as proxy:
        proxy.cut()
        with pytest.raises(StorageUnavailable) as caught:
            open_store(proxy.rewrite_url(pg_url))
    assert isinstance(caught.value, StorageError) and caught.value.status == 503
    assert "database unreachable" in caught.value.message
