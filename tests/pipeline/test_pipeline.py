"""The whole pipeline (extract -> understand -> dedup -> cluster -> store -> index) over the
shipped demo corpus, whose answer key says which articles report one event and which are copies."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from marsad.config import load_settings
from marsad.demo.corpus import DemoArticle, load_corpus
from marsad.pipeline.process import IncomingArticle, Pipeline
from marsad.search import search
from marsad.store import Store
from marsad.store.store import GROUPING_LOCK

BASE = "http://demo.example"


@pytest.fixture(scope="module")
def corpus_pages() -> list[tuple[DemoArticle, str, bytes]]:
    corpus = load_corpus()
    routes = corpus.routes(BASE, now=datetime.now(UTC))
    outlet_path = {o.id: o.path for o in corpus.outlets}
    pages = []
    for article in sorted(corpus.articles, key=lambda a: a.published):
        path = next(
            p
            for p, (ctype, _) in routes.items()
            if p.startswith(outlet_path[article.outlet] + "/")
            and article.slug in p
            and ctype.startswith("text/html")
        )
        pages.append((article, BASE + path, routes[path][1]))
    return pages


def test_corpus_stories_copies_and_restart(
    store: Store, tmp_path: object, corpus_pages: list[tuple[DemoArticle, str, bytes]]
) -> None:
    settings = load_settings(env={"MARSAD_HOME": str(tmp_path)})
    pipeline = Pipeline(store, settings)
    ids: dict[str, int] = {}
    for article, url, html in corpus_pages:
        stored, created = pipeline.ingest(IncomingArticle(url=url, html=html))
        assert created, url
        ids[article.key] = stored.id
    by_key = {k: store.get_article(i) for k, i in ids.items()}
    assert all(a.extraction_status.value == "ok" for a in by_key.values())
    assert {a.language for a in by_key.values()} == {"ar", "en"}

    # Stories: pairs of articles that report one event share a story (pair precision/recall).
    tp = fp = fn = 0
    for (x, _, _), (y, _, _) in itertools.combinations(corpus_pages, 2):
        gold = x.story == y.story
        got = by_key[x.key].story_id == by_key[y.key].story_id
        tp += gold and got
        fp += got and not gold
        fn += gold and not got
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.85 and recall >= 0.85, (precision, recall)

    # Copies point to their original, and say how they relate.
    copies = [a for a, _, _ in corpus_pages if a.copy_of]
    assert copies
    for copy in copies:
        stored = by_key[copy.key]
        assert stored.duplicate_of == ids[copy.copy_of], copy.key
        expected = "translation" if copy.copy_kind == "translated" else None
        if expected:
            assert stored.duplicate_kind == "translation"
        else:
            assert stored.duplicate_kind in ("url", "text", "near")

    # Countries are stored per article, and the story keeps them.
    pk = by_key[next(a.key for a, _, _ in corpus_pages if a.story == "pakistan-floods")]
    assert "PK" in [c.country for c in store.get_article_countries(pk.id) if c.is_about]
    assert "PK" in store.get_story(pk.story_id).countries

    # Search sees what the pipeline stored, across spellings.
    hits = search(store, "فيضانات باكستان", limit=50).hits
    assert pk.story_id in {h.story_id for h in hits}

    # Seen again (same URL): stored once.
    count = store.count_articles()
    article, url, html = corpus_pages[0]
    again, created = pipeline.ingest(IncomingArticle(url=url, html=html))
    assert not created and again.id == ids[article.key]
    assert store.count_articles() == count

    # A restart rebuilds the story window from the store: a late report joins its story.
    pipeline.close()  # the process ends (and gives back the grouping lock)
    restarted = Pipeline(store, settings)
    assert restarted.restored > 0
    late_source, late_url, late_html = next(
        (a, u, h) for a, u, h in reversed(corpus_pages) if a.story == "pakistan-floods"
    )
    # The same report re-published under another address (its canonical link moves with it).
    slug = late_source.slug.encode()
    late_page = late_html.replace(slug, slug + b"-late").replace(b"214", b"215")
    late, created = restarted.ingest(IncomingArticle(url=late_url + "-late", html=late_page))
    assert created
    assert late.story_id == by_key[late_source.key].story_id
    assert late.duplicate_of is not None  # a near-copy of a stored article


def test_page_without_article_is_recorded_with_status(store: Store, tmp_path: object) -> None:
    pipeline = Pipeline(store, load_settings(env={"MARSAD_HOME": str(tmp_path)}))
    article, created = pipeline.ingest(
        IncomingArticle(
            url="https://x.example/empty",
            html=b"<html><body><nav>Home</nav></body></html>",
            title="Feed title of an empty page",
            summary="What the feed said.",
        )
    )
    assert created
    assert article.extraction_status.value not in ("ok", "pending")
    assert article.title == "Feed title of an empty page" and article.text == "What the feed said."
    failed, _ = pipeline.ingest(
        IncomingArticle(
            url="https://x.example/404", page_status="fetch_failed: HTTP 404", title="t"
        )
    )
    assert failed.extraction_status.value == "fetch_failed"


def test_restart_counts_older_articles_as_the_clusterers_background(
    store: Store, tmp_path: object
) -> None:
    """Articles from before the story window are not replayed, but a restarted clusterer still
    learns its word statistics from them, as one that had kept running would have."""
    settings = load_settings(env={"MARSAD_HOME": str(tmp_path)})
    pipeline = Pipeline(store, settings)
    now = datetime.now(UTC)
    topics = ["floods in the valley", "a new trade deal", "the football final", "a court ruling"]
    for i, topic in enumerate(topics):
        when = now - timedelta(days=10) if i < 3 else now - timedelta(hours=1)
        text = f"Report number {i} about {topic}. " + " ".join(
            f"Detail {j} of {topic} told by witness {i}{j} in plain words." for j in range(8)
        )
        _, created = pipeline.ingest(
            IncomingArticle(
                url=f"https://x.example/{i}",
                title=f"Report {i}: {topic}",
                text=text,
                language="en",
                published_at=when,
            )
        )
        assert created
    assert pipeline.background_articles == 0  # empty store at start-up
    # Killed (no window snapshot): the successor replays the window.
    pipeline.translation.close()
    store.release_lock(GROUPING_LOCK, pipeline.holder)
    restarted = Pipeline(store, settings)
    assert not restarted.snapshot_loaded
    assert restarted.restored == 1
    assert restarted.background_articles == 3
    # Closed: the successor takes the closed holder's window, which counted the older
    # articles as it met them, not as a background.
    restarted.close()
    again = Pipeline(store, settings)
    assert again.snapshot_loaded
    assert again.background_articles == 3 and again.restored == 1
    again.close()
