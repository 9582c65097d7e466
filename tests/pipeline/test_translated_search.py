"""Machine-translated titles make English articles findable with Arabic queries."""

from __future__ import annotations

from marsad.models import NewArticle, Translation
from marsad.search import index_articles, search
from marsad.store import Store


def test_arabic_query_finds_english_article_by_translated_title(store: Store) -> None:
    article, _ = store.add_article(
        NewArticle(
            url="https://wire.example/typhoon",
            title="Typhoon closes schools in Manila",
            text="Schools across the Philippine capital were closed on Monday as the storm neared.",
            language="en",
        )
    )
    index_articles(store, [article.id])
    assert not search(store, "إعصار", limit=5).hits
    store.put_translation(
        Translation(
            article.id, "title", "ar", "ctranslate2", "test", "إعصار يغلق المدارس في مانيلا"
        )
    )
    index_articles(store, [article.id])
    hits = search(store, "الإعصار", limit=5).hits
    assert [h.article_id for h in hits] == [article.id]
    assert hits[0].title == "Typhoon closes schools in Manila"  # the original stays what is shown
