"""Re-ranking: coverage, proximity, bm25 from stored terms on both backends; no tier in ``auto``."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from search_corpus import NOW as CORPUS_NOW
from search_corpus import populate

from marsad.models import NewArticle
from marsad.search import index_articles, search
from marsad.search.proximity import (
    FIELDS,
    best_window,
    bm25,
    bm25_idf,
    clause_share,
    doc_from_columns,
    doc_from_tsvector,
    phrase_count,
)
from marsad.search.service import _PG_COMMON_TERMS, _pg_frequencies
from marsad.search.terms import document_terms, entity_term, tsvector_literal
from marsad.store import Store, open_store
from marsad.text import analyze

NOW = datetime(2024, 6, 1, tzinfo=UTC)


def test_clause_share_counts_clauses_not_alternatives() -> None:
    clauses = [[("cairo",), ("paris",)], [("oil", "price")], [("gas",)]]
    # One alternative of an OR clause is enough; a phrase needs all its terms.
    assert clause_share(clauses, {"paris", "oil", "price"}) == 2 / 3
    assert clause_share(clauses, {"cairo", "oil", "gas"}) == 2 / 3
    assert clause_share(clauses, {"paris", "price", "gas"}) == 2 / 3
    assert clause_share(clauses, set()) == 0.0
    assert clause_share([], {"oil"}) == 0.0


def test_best_window_counts_distinct_terms_close_together() -> None:
    seq = ["a", "x", "x", "x", "b", "x", "x", "a", "b", "c"]
    hits = [(i, t) for i, t in enumerate(seq) if t in "abc"]
    assert best_window(hits, 3) == 3  # "a b c" at the end
    assert best_window(hits, 2) == 2
    assert best_window(hits[:2], 4) == 1  # a at 0 and b at 4 are 5 positions apart
    assert best_window(hits[:2], 5) == 2
    assert best_window([], 5) == 0


def test_tsvector_and_fts5_columns_give_the_same_features(pg_url: str) -> None:
    """What PostgreSQL stores and prints reads back as what the FTS5 columns hold."""
    doc = document_terms(
        1,
        "بوتين يزور القاهرة",
        "قال الكرملين إن بوتين سيلتقي الرئيس المصري في القاهرة، وبوتين يزور مصر",
        "ar",
        ("Q7747",),
    )
    store = open_store(pg_url)
    try:
        with store.search_connection() as conn:
            text = conn.execute(
                sa.text("SELECT CAST(:lit AS tsvector)::text"), {"lit": tsvector_literal(doc)}
            ).scalar_one()
    finally:
        store.close()
    putin, visit, cairo = doc.title
    wanted = {putin, visit, cairo, entity_term("Q7747")}
    pg = doc_from_tsvector(text, wanted)
    lite = doc_from_columns(" ".join(doc.title), " ".join(doc.body), " ".join(doc.names), wanted)
    assert pg.length == lite.length == len(doc.title) + len(doc.body) + 1
    for field in FIELDS:
        assert [t for _, t in pg.hits[field]] == [t for _, t in lite.hits[field]], field
    assert pg.terms_in("names") == {entity_term("Q7747")}
    for width in (2, 5, 15):
        assert best_window(pg.hits["body"], width) == best_window(lite.hits["body"], width)
    for d in (pg, lite):
        assert phrase_count(d.hits["body"], (putin, visit)) == 1
        assert phrase_count(d.hits["title"], (putin, visit)) == 1
        assert phrase_count(d.hits["body"], (visit, putin)) == 0


def _add(store: Store, key: str, title: str, text: str) -> int:
    article, _ = store.add_article(
        NewArticle(
            url=f"https://rr.example/{key}", title=title, text=text, language="ar", published_at=NOW
        )
    )
    index_articles(store, [article.id])
    return article.id


def test_auto_ranks_a_strong_partial_match_above_a_weak_full_one(store: Store) -> None:
    """``auto`` falls back to any word when all words give less than a page, and then ranks
    by relevance with a coverage bonus, not every all-word match first."""
    for i in range(10):
        _add(store, f"filler{i}", f"تقرير رقم {i}", "أخبار الطقس والأمطار في المدن الساحلية.")
    filler = "تقرير طويل عن الطقس والأمطار والرياح في المدن الساحلية والجبلية خلال الأسبوع. "
    full = _add(store, "full", "أخبار متفرقة", "زلزال. " + filler * 8 + "بركان.")
    partial = _add(store, "partial", "زلزال قوي: زلزال ثان", "زلزال يضرب المنطقة. زلزال آخر.")
    hits = search(store, "زلزال بركان", now=NOW, recency_weight=0.0).hits
    assert [h.article_id for h in hits] == [partial, full]
    # ``all`` still keeps to the articles with every word.
    only = search(store, "زلزال بركان", now=NOW, recency_weight=0.0, match="all").hits
    assert [h.article_id for h in only] == [full]


def test_bm25_is_fts5s_formula() -> None:
    """Our bm25 (used on PostgreSQL) gives what FTS5's bm25() gives for the same rows."""
    docs = [
        ("نفط اسعار", "ارتفع اسعار نفط اليوم نفط خام", ""),
        ("طقس", "امطار غزير مدن ساحل نفط", "zent1"),
        ("اسعار ذهب", "ذهب اسعار استقر اسبوع", ""),
        ("رياض", "معرض كتاب رياض افتتح", "zent1"),
        ("كتاب", "كتاب نادر معرض", ""),
    ]
    alts = [("نفط",), ("اسعار",), ("معرض", "كتاب"), ("zent1",)]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE f USING fts5(title, body, names)")
    db.executemany(
        "INSERT INTO f(rowid, title, body, names) VALUES (?, ?, ?, ?)",
        [(i, *d) for i, d in enumerate(docs, 1)],
    )
    expr = " OR ".join('"' + " ".join(a) + '"' for a in alts)
    fts5 = dict(db.execute("SELECT rowid, -bm25(f, 4.0, 1.0, 1.0) FROM f WHERE f MATCH ?", (expr,)))
    wanted = {t for a in alts for t in a}
    stored = {i: doc_from_columns(*d, wanted) for i, d in enumerate(docs, 1)}
    df = {
        a: sum(1 for d in stored.values() if any(phrase_count(h, a) for h in d.hits.values()))
        for a in alts
    }
    idf = {a: bm25_idf(len(docs), n) for a, n in df.items()}
    avg = sum(d.length for d in stored.values()) / len(docs)
    weights = {"title": 4.0, "body": 1.0, "names": 1.0}
    assert len(fts5) == 4  # the comparison must see rows
    for i, score in fts5.items():
        assert bm25(stored[i], weights, idf, avg) == pytest.approx(score, rel=1e-9)


# Queries of the shared search corpus with two or more hits.
ORDERED = ["كتاب", "الكتاب OR النفط", "بوتين", "Putin talks", "أسعار النفط", "cairo OR paris"]


def test_both_backends_rank_in_the_same_order(sqlite_url: str, pg_url: str) -> None:
    """PostgreSQL re-scores its best candidates with FTS5's formula, so orders agree too."""
    lite, pg = open_store(sqlite_url), open_store(pg_url)
    try:
        populate(lite)
        populate(pg)
        for query in ORDERED:
            a = [h.url for h in search(lite, query, now=CORPUS_NOW).hits]
            b = [h.url for h in search(pg, query, now=CORPUS_NOW).hits]
            assert len(a) >= 2, query
            assert a == b, query
    finally:
        lite.close()
        pg.close()


def test_a_rare_word_outweighs_a_repeated_common_one(store: Store) -> None:
    """IDF on both backends: ts_rank_cd alone would put the four common hits first."""
    for i in range(10):
        _add(store, f"filler{i}", f"تقرير رقم {i}", "أخبار الطقس والأمطار في المدن الساحلية.")
    common = _add(store, "common", "نشرة", "الطقس الطقس الطقس الطقس في البلاد.")
    rare = _add(store, "rare", "نشرة", "الطقس والإعصار في البلاد.")
    hits = search(store, "الطقس الإعصار", now=NOW, recency_weight=0.0, match="any").hits
    assert [h.article_id for h in hits][:2] == [rare, common]


def test_pg_frequencies_agree_before_and_after_analyze(pg_url: str) -> None:
    """Counted in the index, or read from ANALYZE's common elements: the same frequencies."""
    store = open_store(pg_url)
    try:
        for i in range(40):
            _add(store, f"f{i}", f"تقرير {i}", ("الطقس" if i % 2 else "الإعصار") + " في البلاد")
        _add(store, "rare", "تقرير", "حدث نادر")
        terms = [analyze(w)[0] for w in ("الطقس", "الإعصار", "البلاد", "نادر", "غائب")]
        with store.search_connection() as conn:
            counted = _pg_frequencies(conn, terms)
            conn.exec_driver_sql("ANALYZE search_docs")
            assert conn.execute(_PG_COMMON_TERMS, {"terms": terms}).all()  # stats path taken
            assert _pg_frequencies(conn, terms) == counted
        assert counted == (41, dict(zip(terms, (20, 20, 40, 1, 0), strict=True)))
    finally:
        store.close()
