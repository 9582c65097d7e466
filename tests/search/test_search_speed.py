"""The fast paths of search give what the plain paths give: snippets, parallel rebuilds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.search import reindex_all, search, service
from marsad.search.results import Snippet
from marsad.search.snippets import _WORD_RE, SCAN_CHARS, WINDOW_WORDS, make_snippet
from marsad.search.terms import clean_terms
from marsad.store import Store
from marsad.store import schema as t
from marsad.text import analyze

# The skeleton rule of ``snippets`` written out plainly: a word reaches the analyser when a
# query term minus its last letter is inside the word with marks and hamza dropped and the
# alef, yeh, waw and heh forms folded.
_SKELETON = str.maketrans(
    {
        **{chr(c): None for c in (*range(0x0610, 0x061B), *range(0x064B, 0x0660))},
        **dict.fromkeys("\u0670\u0640\u0621\u200c\u200d\u200f"),
        **dict.fromkeys("\u0622\u0623\u0625\u0671", "\u0627"),
        **dict.fromkeys("\u0649\u0626", "\u064a"),
        "\u0624": "\u0648",
        "\u0629": "\u0647",
    }
)


def reference_snippet(text: str, query_terms: frozenset[str], language: str | None) -> Snippet:
    """Word by word: analyse every word that passes the skeleton rule, score every window."""
    truncated = len(text) > SCAN_CHARS
    text = text[:SCAN_CHARS]
    words = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]
    if not words:
        return Snippet(text.strip()[:300])
    probes = {t[:-1] if len(t) > 3 else t for t in query_terms if t}
    matched = [
        frozenset(clean_terms(analyze(w, language))) & query_terms
        if any(p in w.lower().translate(_SKELETON) for p in probes)
        else frozenset()
        for _, _, w in words
    ]
    best_start, best_score = 0, -1
    for i in range(len(words)):
        if i and not matched[i]:
            continue
        window = matched[i : i + WINDOW_WORDS]
        score = len(frozenset().union(*window)) * 100 + sum(1 for m in window if m)
        if score > best_score:
            best_start, best_score = i, score
    start = max(0, best_start - 4) if best_start else 0
    end = min(len(words), start + WINDOW_WORDS)
    begin = words[start][0] if start else 0
    finish = words[end - 1][1] if end < len(words) else len(text.rstrip())
    prefix = "… " if start else ""
    suffix = " …" if end < len(words) or truncated else ""
    marks = tuple(
        (len(prefix) + s - begin, len(prefix) + e - begin)
        for (s, e, _), m in zip(words[start:end], matched[start:end], strict=True)
        if m
    )
    return Snippet(prefix + text[begin:finish].replace("\n", " ") + suffix, marks)


# Words written every way a reader meets them: clitics, diacritics, tatweel, hamza and teh
# marbuta forms, Latin case, an apostrophe.
VOCABULARY = [
    "الكتاب",
    "وبالكتابِ",
    "كتـــاب",
    "كِتَابٌ",
    "للكتب",
    "مكتبة",
    "مكتبه",
    "الأسعار",
    "اسعار",
    "إسعار",
    "آسيا",
    "مسؤول",
    "المسئولين",
    "رئيس",
    "الرئيس",
    "ىرئيس",
    "القرآن",
    "قرءان",
    "Putin's",
    "PUTIN",
    "putin",
    "Oil",
    "2024",
    "٢٠٢٤",
    "في",
    "من",
    "ماء",
    "جزء",
    "x",
]
SEPARATORS = [" ", " ", " ", "، ", ". ", "\n", " (", ") ", " - ", "\u200c"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(VOCABULARY), st.sampled_from(SEPARATORS)), max_size=120),
    st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=3),
    st.sampled_from(["ar", "en", None]),
)
def test_snippets_equal_the_word_by_word_rule(
    pieces: list[tuple[str, str]], query: list[str], language: str | None
) -> None:
    text = "".join(w + s for w, s in pieces)
    terms = frozenset(t for w in query for t in clean_terms(analyze(w)))
    assert make_snippet(text, terms, language, analyze) == reference_snippet(text, terms, language)


def test_snippet_cache_shared_across_hits_changes_nothing() -> None:
    terms = frozenset(analyze("الكتاب"))
    texts = ["قرأ الكتاب ثم للكتاب آخر", "وبالكتابِ بدأ", "لا شيء هنا"]
    cache: dict[str, frozenset[str]] = {}
    shared = [make_snippet(t, terms, "ar", analyze, cache=cache) for t in texts]
    assert shared == [make_snippet(t, terms, "ar", analyze) for t in texts]
    assert [len(s.highlights) for s in shared] == [2, 1, 0]


def index_rows(store: Store) -> list[tuple[object, ...]]:
    with store.search_connection() as conn:
        if store.dialect == "sqlite":
            query = "SELECT rowid, title, body, names FROM search_fts ORDER BY rowid"
        else:
            query = "SELECT article_id, tsv::text FROM search_docs ORDER BY article_id"
        return [tuple(r) for r in conn.execute(sa.text(query)).all()]


def test_parallel_rebuild_writes_the_same_index(
    store: Store, corpus: dict[str, int], now: datetime
) -> None:
    serial = reindex_all(store)
    rows = index_rows(store)
    # Batches of 2 over 2 workers: several batches in flight, written in order.
    assert reindex_all(store, workers=2, batch=2) == serial == len(rows) > 4
    assert index_rows(store) == rows
    hits = search(store, "كتاب", now=now).hits
    assert {h.article_id for h in hits} == {corpus["library"], corpus["books_fair"]}


def bulk_articles(store: Store, n: int) -> dict[str, set[int]]:
    """``n`` short articles straight into the tables, indexed; ids by word and by country."""
    now = datetime(2024, 6, 1, tzinfo=UTC)
    with store.transaction() as conn:
        source_id = conn.execute(
            t.sources.insert().values(
                url="https://bulk.example/rss",
                kind="feed",
                title="Bulk",
                created_at=now,
                updated_at=now,
            )
        ).inserted_primary_key[0]
        rows, about = [], []
        for i in range(1, n + 1):
            words = ["alpha", "beta" if i % 3 == 0 else "delta", "gamma" if i % 97 == 0 else ""]
            rows.append(
                {
                    "id": i,
                    "url": f"https://bulk.example/{i}",
                    "title": f"report {i}",
                    "text": " ".join(words),
                    "language": "en",
                    "source_id": source_id,
                    "published_at": now - timedelta(hours=n - i),
                    "extraction_status": "ok",
                    "created_at": now,
                }
            )
            about.append(
                {
                    "article_id": i,
                    "country": "EG" if i % 2 else "FR",
                    "score": 1.0,
                    "is_about": True,
                    "mentions": 1,
                }
            )
        conn.execute(t.articles.insert(), rows)
        conn.execute(t.article_countries.insert(), about)
    reindex_all(store)
    ids = range(1, n + 1)
    return {
        "alpha": set(ids),
        "beta": {i for i in ids if i % 3 == 0},
        "gamma": {i for i in ids if i % 97 == 0},
        "EG": {i for i in ids if i % 2},
    }


def test_candidates_are_the_newest_matches_on_every_path(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small bounds so that 300 articles take every path: on PostgreSQL "alpha", "beta" and
    # "alpha country:EG" walk the newest articles (uncounted), "beta country:EG" and the rare
    # "gamma" come from the GIN index (counted).
    monkeypatch.setattr(service, "CANDIDATES", 5)
    monkeypatch.setattr(service, "PG_SAMPLE", 60)
    ids = bulk_articles(store, 300)
    for query, expected in [
        ("alpha", ids["alpha"]),
        ("beta", ids["beta"]),
        ("alpha country:EG", ids["alpha"] & ids["EG"]),
        ("beta country:EG", ids["beta"] & ids["EG"]),
        ("gamma", ids["gamma"]),
    ]:
        results = search(store, query, limit=20)
        assert {h.article_id for h in results.hits} == set(sorted(expected)[-5:]), query
        if results.total_is_lower_bound:
            assert results.total == 5, query
        else:
            assert results.total == len(expected), query
    counted = {q: not search(store, q).total_is_lower_bound for q in ("alpha", "beta", "gamma")}
    # SQLite counts in the index (up to COUNT_CAP); the PostgreSQL walk does not count.
    assert counted == {
        "alpha": store.dialect == "sqlite",
        "beta": store.dialect == "sqlite",
        "gamma": True,
    }
