"""The holder's re-check in the pipeline: the same stories and copy links whatever order the
articles were stored in, written to the store with story ids kept (both backends)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from marsad.config import load_settings
from marsad.pipeline.process import IncomingArticle, Pipeline
from marsad.search.index import index_disagreement
from marsad.store import Store, open_store
from marsad.store.store import GROUPING_LOCK

DEMO = Path(__file__).resolve().parents[2] / "marsad" / "demo" / "data" / "articles.jsonl"


def _demo() -> list[IncomingArticle]:
    rows = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]
    items = [
        IncomingArticle(
            url=f"https://{r['outlet']}.example/{r['slug']}",
            title=r["title"],
            text="\n\n".join(r["paragraphs"]),
            language=r["language"],
            published_at=datetime.fromisoformat(r["published"].replace("Z", "+00:00")),
        )
        for r in rows
    ]
    items.sort(key=lambda i: (i.published_at, i.url))
    return items


def _grouping(store: Store) -> tuple[set[frozenset[str]], dict[str, str]]:
    articles = store.list_articles(limit=1000)
    url_of = {a.id: a.url for a in articles}
    groups: dict[int | None, set[str]] = {}
    for a in articles:
        assert a.story_id is not None
        groups.setdefault(a.story_id, set()).add(a.url)
    links = {a.url: url_of[a.duplicate_of] for a in articles if a.duplicate_of is not None}
    return {frozenset(g) for g in groups.values()}, links


def _ingest(store: Store, home: Path, items: list[IncomingArticle]) -> Pipeline:
    pipeline = Pipeline(store, load_settings(env={"MARSAD_HOME": str(home)}))
    for item in items:
        pipeline.ingest(item)
    return pipeline


def _publication_order_grouping(
    tmp_path: Path, items: list[IncomingArticle]
) -> tuple[set[frozenset[str]], dict[str, str]]:
    """The stories and copy links of the articles stored in publication order (SQLite)."""
    reference_store = open_store(f"sqlite:///{tmp_path / 'reference.db'}")
    _ingest(reference_store, tmp_path / "ref", items).close()
    grouping = _grouping(reference_store)
    reference_store.close()
    return grouping


def test_stories_do_not_depend_on_the_order_articles_were_stored(
    store: Store, tmp_path: Path
) -> None:
    items = _demo()
    reference, reference_links = _publication_order_grouping(tmp_path, items)
    assert len(reference) < len(items) and reference_links

    # Newest first, as a feed lists them: each is decided as it comes...
    pipeline = _ingest(store, tmp_path / "home", items[::-1])
    online, _ = _grouping(store)
    assert online != reference  # (the test has teeth: arrival order changed the stories)
    before = {a.url: a.story_id for a in store.list_articles(limit=1000)}
    # ... and the re-check (on close, or from flush once a minute) makes them the
    # publication-order ones.
    pipeline.close()
    after, links = _grouping(store)
    assert after == reference
    assert links == reference_links
    # Story ids: a story kept the id most of its articles had; an id no story kept leads to
    # the story its articles went to; counts agree with the articles.
    articles = store.list_articles(limit=1000)
    live = {a.story_id for a in articles}
    for story_id in set(before.values()):
        story = store.get_story(story_id)  # type: ignore[arg-type]
        if story_id in live:
            assert story.merged_into is None
            members = [a for a in articles if a.story_id == story_id]
            assert story.article_count == len(members)
            assert any(before[a.url] == story_id for a in members)
        else:
            assert story.merged_into in live
    # Copies left the search index, originals are in it: the index agrees with the articles.
    assert index_disagreement(store) == ([], [])
    # A restarted holder continues from the re-checked stories: nothing more to re-check.
    again = Pipeline(store, load_settings(env={"MARSAD_HOME": str(tmp_path / "home")}))
    assert again.recheck() == 0
    again.close()
    assert _grouping(store) == (reference, reference_links)


def test_a_holder_killed_before_its_recheck_is_rechecked_by_its_successor(
    store: Store, tmp_path: Path
) -> None:
    items = _demo()
    reference = _publication_order_grouping(tmp_path, items)
    killed = _ingest(store, tmp_path / "home", items[::-1])
    assert _grouping(store) != reference
    # Killed: no close, no re-check, no snapshot; its lock is broken as for a dead process.
    store.break_lock(GROUPING_LOCK, killed.holder)
    successor = Pipeline(store, load_settings(env={"MARSAD_HOME": str(tmp_path / "home")}))
    assert successor.holds_grouping and not successor.snapshot_loaded
    # The store shows articles stored after newer ones: the successor re-checks from there.
    assert successor.clusterer.disorder_since is not None
    successor.close()
    assert _grouping(store) == reference


def test_in_order_articles_need_no_recheck(store: Store, tmp_path: Path) -> None:
    pipeline = _ingest(store, tmp_path, _demo()[:30])
    assert pipeline.clusterer.disorder_since is None
    assert pipeline.recheck() == 0
    pipeline.close()
