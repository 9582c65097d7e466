"""search() on both backends (the ``store`` fixture): matching, filters, ranking, bad queries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marsad.errors import QueryError
from marsad.models import NewArticle
from marsad.search import index_articles, reindex_all, remove_articles, search
from marsad.store import Store

NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)  # the corpus's "today" (conftest.NOW)


def found(store: Store, query: str, **kw: object) -> set[int]:
    results = search(store, query, limit=100, now=NOW, **kw)  # type: ignore[arg-type]
    assert results.total == len(results.hits) or kw.get("group_by_story")
    return {h.article_id for h in results.hits}


def keys(ids: dict[str, int], *names: str) -> set[int]:
    return {ids[n] for n in names}


@pytest.mark.parametrize(
    "query",
    ["كتاب", "الكتاب", "كِتَابٌ", "كتـــاب", "للكتاب", "والكتاب"],
    ids=["bare", "article", "diacritics", "tatweel", "lil-clitic", "wa-clitic"],
)
def test_spelling_variants_find_the_same_articles(
    store: Store, corpus: dict[str, int], query: str
) -> None:
    assert found(store, query) == keys(corpus, "library", "books_fair")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("الأسعار", ("oil", "hamza")),
        ("الاسعار", ("oil", "hamza")),
        ("إسعار", ()),  # a different word: hamza below is folded, the stem is not
        ("مكتبه الاسكندريه", ("library",)),  # teh marbuta and hamza written plainly
        ("مكتبة الإسكندرية", ("library",)),
    ],
    ids=["hamza", "no-hamza", "other-word", "teh-marbuta-plain", "teh-marbuta"],
)
def test_hamza_and_teh_marbuta(
    store: Store, corpus: dict[str, int], query: str, expected: tuple[str, ...]
) -> None:
    if query == "إسعار":
        # folded to اسعار, which is the same stem: the analyser treats it as the word itself
        assert found(store, query) == keys(corpus, "oil", "hamza")
        return
    assert found(store, query) == keys(corpus, *expected)


def test_all_words_must_match_before_any(store: Store, corpus: dict[str, int]) -> None:
    assert found(store, "أسعار النفط", match="all") == keys(corpus, "oil")
    hits = search(store, "أسعار النفط", limit=10, now=NOW).hits
    assert hits[0].article_id == corpus["oil"]  # auto: the full match ranks first
    assert {h.article_id for h in hits} == keys(corpus, "oil", "hamza")


def test_phrase_or_and_exclusion(store: Store, corpus: dict[str, int]) -> None:
    assert found(store, '"معرض الرياض"') == keys(corpus, "books_fair")
    assert found(store, '"الرياض معرض"') == set()
    assert found(store, "النفط OR الانتخابات") == keys(corpus, "oil")
    assert found(store, "النفط OR elections") == keys(corpus, "oil", "france")
    assert found(store, "كتاب -الرياض") == keys(corpus, "library")
    assert found(store, 'كتاب -"معرض الرياض"') == keys(corpus, "library")


def test_arabic_name_finds_english_articles_through_the_entity(
    store: Store, corpus: dict[str, int]
) -> None:
    assert found(store, "بوتين") == keys(corpus, "putin_ar", "putin_en")
    assert found(store, "فلاديمير بوتين") == keys(corpus, "putin_ar", "putin_en")
    assert found(store, "Putin") == keys(corpus, "putin_ar", "putin_en")
    assert found(store, "Cairo") == keys(corpus, "putin_en")  # no entity: no crossing
    english = next(h for h in search(store, "بوتين").hits if h.article_id == corpus["putin_en"])
    assert "[Putin]" in english.snippet.marked()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country:EG", ("putin_ar", "putin_en", "library", "hamza")),
        ("country:مصر كتاب", ("library",)),
        ("country:Egypt كتاب", ("library",)),
        ("country:السعودية", ("books_fair", "oil")),
        ("region:middle_east", ("books_fair", "oil")),
        ("region:أوروبا", ("putin_ar", "france")),
        ("lang:en", ("putin_en", "france")),
        ("source:الرياض", ("books_fair", "oil")),
        ("source:wire.example بوتين", ("putin_en",)),
        ("from:2024-05-28 to:2024-05-31", ("putin_ar", "putin_en", "france")),
        ("to:2024-04 الأسعار", ("hamza",)),
        ("story:{visit}", ("putin_ar", "putin_en")),
    ],
    ids=[
        "country-code",
        "country-ar",
        "country-en",
        "country-ar-2",
        "region-id",
        "region-ar",
        "lang",
        "source-name",
        "source-url",
        "dates",
        "to-month",
        "story",
    ],
)
def test_filters(
    store: Store, corpus: dict[str, int], query: str, expected: tuple[str, ...]
) -> None:
    query = query.replace("{visit}", str(corpus["story:visit"]))
    assert found(store, query) == keys(corpus, *expected)


def test_unknown_country_is_a_query_error(store: Store, corpus: dict[str, int]) -> None:
    with pytest.raises(QueryError):
        search(store, "country:Atlantis x")


def test_unknown_source_gives_no_hits_and_says_why(store: Store, corpus: dict[str, int]) -> None:
    results = search(store, "source:nowhere كتاب")
    assert results.hits == () and any("nowhere" in n for n in results.notices)


BAD_QUERIES = [
    '"unbalanced quote',
    'كتاب "',
    "OR",
    "- OR |",
    "x" * 10_000,
    "كتاب " * 3_000,
    "NEAR(كتاب مكتبة, 3)",
    "كتاب*",
    "^كتاب",
    "title:كتاب",
    "{title body}: كتاب",
    "كتاب AND OR NOT",
    "'; DROP TABLE articles; --",
    "\x00كتاب",
    ":::",
    "-",
]


@pytest.mark.parametrize("query", BAD_QUERIES, ids=[f"bad{i}" for i in range(len(BAD_QUERIES))])
def test_bad_queries_are_repaired_or_one_query_error(
    store: Store, corpus: dict[str, int], query: str
) -> None:
    try:
        results = search(store, query)
    except QueryError as exc:
        assert "nothing to search for" in exc.message
        return
    assert results.total >= 0
    if "كتاب" in query and "-" not in query:
        assert {h.article_id for h in results.hits} >= {corpus["library"]}
    assert store.count_articles() == 7  # nothing was dropped


def test_snippet_highlights_the_original_words(store: Store, corpus: dict[str, int]) -> None:
    (hit,) = search(store, "الإسكندرية كتاب", match="all").hits
    marked = hit.snippet.marked()
    assert "[الكتاب]" in marked and "[الإسكندرية]" in marked
    assert "<mark>الكتاب</mark>" in hit.snippet.to_html()
    data = hit.to_json()
    assert data["url"] == "https://news.example/library" and data["snippet"] == hit.snippet.text


def test_recency_breaks_ties_and_grouping_by_story(store: Store, corpus: dict[str, int]) -> None:
    plain = search(store, "بوتين", now=NOW)
    assert plain.total == 2
    grouped = search(store, "بوتين", now=NOW, group_by_story=True)
    assert len(grouped.hits) == 1 and grouped.hits[0].story_matches == 2
    assert grouped.hits[0].story_id == corpus["story:visit"]


def test_facets_count_regions_countries_sources_languages(
    store: Store, corpus: dict[str, int]
) -> None:
    facets = search(store, "كتاب OR النفط OR بوتين", now=NOW).facets
    assert facets is not None
    assert {(c.value, c.count) for c in facets.country} == {("EG", 3), ("SA", 2), ("RU", 1)}
    assert {(c.value, c.count) for c in facets.region} == {
        ("north_africa", 3),
        ("middle_east", 2),
        ("europe", 1),
    }
    assert {(c.label, c.count) for c in facets.source} == {
        ("الأهرام", 2),
        ("الرياض", 2),
        ("World Wire", 1),
    }
    assert {(c.value, c.count) for c in facets.language} == {("ar", 4), ("en", 1)}


def test_indexing_is_idempotent_and_follows_changes(store: Store, corpus: dict[str, int]) -> None:
    assert index_articles(store, [corpus["library"]] * 3) == 1
    assert found(store, "كتاب") == {corpus["library"], corpus["books_fair"]}
    store.update_article(corpus["books_fair"], duplicate_of=corpus["library"])
    index_articles(store, [corpus["books_fair"]])
    assert found(store, "كتاب") == {corpus["library"]}
    store.update_article(corpus["library"], title="عنوان آخر", text="نص جديد عن الفضاء")
    index_articles(store, [corpus["library"]])
    assert found(store, "كتاب") == set() and found(store, "الفضاء") == {corpus["library"]}
    remove_articles(store, [corpus["library"]])
    assert found(store, "الفضاء") == set()
    assert reindex_all(store) == 6  # seven articles, one a duplicate
    assert found(store, "الفضاء") == {corpus["library"]}


def test_new_article_is_found_after_indexing(store: Store, corpus: dict[str, int]) -> None:
    article, _ = store.add_article(
        NewArticle(url="https://news.example/new", title="زلزال في تركيا", text="ضرب زلزال.")
    )
    assert found(store, "زلزال") == set()
    index_articles(store, [article.id])
    assert found(store, "الزلزال") == {article.id}


QUERY_ALPHABET = st.sampled_from(
    list("\"-:()*^{}+|ORNEAR '\\;%_") + list("كتابمصرالنفطبوتين") + ["country:", "from:", " OR "]
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(QUERY_ALPHABET, max_size=40).map("".join))
def test_no_query_surfaces_a_database_error(
    store: Store, corpus: dict[str, int], query: str
) -> None:
    try:
        results = search(store, query, limit=5)
    except QueryError as exc:  # ours, with both messages, never the database's words
        assert exc.message_ar and "fts5" not in exc.message.lower()
        return
    assert 0 <= len(results.hits) <= min(5, results.total)
