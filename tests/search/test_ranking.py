"""Ranking: the title outweighs the body, recency is tunable, and the schema is in place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from marsad.models import NewArticle
from marsad.search import index_articles, search
from marsad.store import Store

NOW = datetime(2024, 6, 1, tzinfo=UTC)


def _add(store: Store, key: str, title: str, text: str, when: datetime) -> int:
    article, _ = store.add_article(
        NewArticle(
            url=f"https://r.example/{key}", title=title, text=text, language="ar", published_at=when
        )
    )
    index_articles(store, [article.id])
    return article.id


def test_title_match_outranks_body_match(store: Store) -> None:
    filler = "تقرير عن الطقس والأمطار في المدن الساحلية خلال الأسبوع. " * 3
    body_only = _add(store, "b", "أخبار اليوم", filler + "زلزال قوي", NOW)
    in_title = _add(store, "t", "زلزال قوي يضرب المنطقة", filler, NOW)
    hits = search(store, "زلزال", now=NOW, recency_weight=0.0).hits
    assert [h.article_id for h in hits] == [in_title, body_only]


def test_recency_weight_lifts_fresh_articles(store: Store) -> None:
    old = _add(store, "old", "زلزال زلزال", "زلزال يضرب. زلزال آخر.", NOW - timedelta(days=200))
    new = _add(store, "new", "أخبار", "وقع زلزال أمس في المنطقة الجبلية البعيدة.", NOW)
    no_recency = search(store, "زلزال", now=NOW, recency_weight=0.0).hits
    assert [h.article_id for h in no_recency] == [old, new]
    with_recency = search(store, "زلزال", now=NOW, recency_weight=50.0).hits
    assert [h.article_id for h in with_recency] == [new, old]


def test_migration_created_the_search_tables(store: Store) -> None:
    names = set(sa.inspect(store.engine).get_table_names())
    assert "search_names" in names
    assert ("search_fts" if store.dialect == "sqlite" else "search_docs") in names
