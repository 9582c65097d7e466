"""The demo's answer key is a test: after ``marsad demo`` ingests its corpus (the real loopback
feeds, fetcher and pipeline, in a fresh home), every copy and translation label the site shows
equals ``copy_of`` / ``copy_kind`` in ``marsad/demo/data/articles.jsonl``, and every story holds
exactly the articles whose ``story`` is its event."""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from marsad.cli.demo import demo_settings, run_demo
from marsad.demo.corpus import DemoCorpus, load_corpus
from marsad.store import Store, open_store
from marsad.store import schema as t
from marsad.web.app import create_app


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Any:
    home = tmp_path_factory.mktemp("demo-home")
    assert run_demo(home, port=0, serve_site=False, out=io.StringIO()) == 0
    store = open_store(demo_settings(home, 0).effective_database_url)
    yield home, store
    store.close()


def _rows_by_key(store: Store, corpus: DemoCorpus) -> dict[str, Any]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                t.articles.c.id,
                t.articles.c.url,
                t.articles.c.duplicate_of,
                t.articles.c.duplicate_kind,
                t.articles.c.duplicate_evidence,
                t.articles.c.story_id,
            )
        ).all()
    by_key = {}
    for article in corpus.articles:
        suffix = f"/{article.slug}.html"
        found = [r for r in rows if r.url.endswith(suffix) and f"/{article.outlet}/" in r.url]
        assert len(found) == 1, (article.key, [r.url for r in found])
        by_key[article.key] = found[0]
    return by_key


def test_copy_and_translation_labels_equal_the_answer_key(ingested: Any) -> None:
    _, store = ingested
    corpus = load_corpus()
    rows = _rows_by_key(store, corpus)
    key_of = {r.id: k for k, r in rows.items()}
    wrong = []
    for article in corpus.articles:
        row = rows[article.key]
        got_original = key_of.get(row.duplicate_of) if row.duplicate_of else None
        got_kind = None
        if row.duplicate_of:
            got_kind = "translated" if row.duplicate_kind == "translation" else "republished"
        if (got_original, got_kind) != (article.copy_of, article.copy_kind):
            wrong.append((article.key, got_original, got_kind, article.copy_of, article.copy_kind))
    assert wrong == []
    # Every link says why: the translation its alignment, the copy its similarity.
    for article in corpus.articles:
        row = rows[article.key]
        if article.copy_kind == "translated":
            assert row.duplicate_evidence["method"] == "sentence-alignment"
            assert row.duplicate_evidence["aligned_share"] >= 0.7
        elif article.copy_kind == "republished":
            assert row.duplicate_evidence["similarity"] >= 0.5


def test_every_story_holds_exactly_its_members(ingested: Any) -> None:
    _, store = ingested
    corpus = load_corpus()
    rows = _rows_by_key(store, corpus)
    gold: dict[str, set[str]] = defaultdict(set)
    predicted: dict[int, set[str]] = defaultdict(set)
    for article in corpus.articles:
        gold[article.story].add(article.key)
        predicted[rows[article.key].story_id].add(article.key)
    got = sorted(sorted(v) for v in predicted.values())
    expected = sorted(sorted(v) for v in gold.values())
    assert [g for g in got if g not in expected] == []
    assert [e for e in expected if e not in got] == []


def test_the_article_page_shows_why_it_is_a_translation(ingested: Any) -> None:
    home, store = ingested
    corpus = load_corpus()
    rows = _rows_by_key(store, corpus)
    translated = next(a for a in corpus.articles if a.copy_kind == "translated")
    republished = next(a for a in corpus.articles if a.copy_kind == "republished")
    app = create_app(store, demo_settings(Path(home), 0))
    with TestClient(app) as client:
        page = client.get(f"/articles/{rows[translated.key].id}?lang=en").text
        copy_page = client.get(f"/articles/{rows[republished.key].id}?lang=en").text
    assert "Translated from" in page
    assert "aligned sentence by sentence" in page
    assert "Republished from" in copy_page and "of the text in common" in copy_page
