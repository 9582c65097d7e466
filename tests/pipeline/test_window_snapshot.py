"""The grouping window handed from one holder to the next: snapshot, staleness, replay."""

from __future__ import annotations

import json
import os
import pickle
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from marsad.cluster import ClusterOptions, StoryClusterer
from marsad.cluster.snapshot import SNAPSHOT_FORMAT, WindowSnapshot, dump_window, load_window
from marsad.config import Settings, load_settings
from marsad.extract.langid import default_detector
from marsad.pipeline.process import IncomingArticle, Pipeline
from marsad.store import Store, open_store
from marsad.store.store import GROUPING_LOCK
from marsad.understand import Knowledge, load_knowledge

CORPUS = Path(__file__).resolve().parents[2] / "marsad" / "demo" / "data" / "articles.jsonl"
# The first this many reports (in publication order) are grouped before the restart.
BEFORE = 50


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge(None)


def _reports() -> list[IncomingArticle]:
    """The demo corpus's reports as feed entries with their text, oldest first."""
    records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    records.sort(key=lambda r: (r["published"], r["slug"]))
    return [
        IncomingArticle(
            url=f"https://{r['outlet']}.example/{r['slug']}",
            title=r["title"],
            text="\n\n".join(r["paragraphs"]),
            language=r["language"],
            published_at=datetime.fromisoformat(r["published"].replace("Z", "+00:00")),
        )
        for r in records
    ]


def _pipeline(store: Store, settings: Settings, knowledge: Knowledge) -> Pipeline:
    return Pipeline(store, settings, knowledge=knowledge, detector=default_detector())


def _kill(pipeline: Pipeline) -> None:
    """What a SIGKILL leaves: learned state flushed as it goes, no snapshot, the lock freed
    (as ``dead_local_owners`` frees a dead holder's lock)."""
    pipeline.translation.close()
    pipeline.store.release_lock(GROUPING_LOCK, pipeline.holder)


def _decisions(store: Store) -> tuple[set[frozenset[str]], dict[str, str | None]]:
    """The store's stories as sets of URLs, and each article's original (by URL)."""
    articles = store.list_articles(limit=10_000)
    url = {a.id: a.url for a in articles}
    stories: dict[int, set[str]] = {}
    for a in articles:
        assert a.story_id is not None, a.url  # every article grouped
        stories.setdefault(a.story_id, set()).add(a.url)
    copies = {a.url: url.get(a.duplicate_of) if a.duplicate_of else None for a in articles}
    return {frozenset(s) for s in stories.values()}, copies


def _scores(results: list[Any]) -> list[tuple[str, bool, str | None, str | None, float]]:
    return [
        (
            r.article.url,
            r.assignment.new_story,
            r.assignment.duplicate_kind,
            r.assignment.translation_of_key,
            r.assignment.score,
        )
        for r in results
    ]


@pytest.mark.parametrize("handoff", ["snapshot", "replay"])
def test_a_restarted_holder_assigns_the_next_articles_as_an_uninterrupted_one(
    store: Store, tmp_path: Path, knowledge: Knowledge, handoff: str
) -> None:
    settings = load_settings(env={"MARSAD_HOME": str(tmp_path)})
    reports = _reports()
    assert len(reports) > BEFORE + 20

    reference = open_store(f"sqlite:///{tmp_path / 'reference.db'}")
    uninterrupted = _pipeline(reference, settings, knowledge)
    expected = [uninterrupted.ingest_full(r) for r in reports]
    uninterrupted.close()

    first = _pipeline(store, settings, knowledge)
    for report in reports[:BEFORE]:
        assert first.ingest_full(report).created
    if handoff == "snapshot":
        first.close()  # saves the window
    else:
        _kill(first)
    restarted = _pipeline(store, settings, knowledge)
    assert restarted.holds_grouping
    assert restarted.snapshot_loaded is (handoff == "snapshot")
    after = [restarted.ingest_full(r) for r in reports[BEFORE:]]
    restarted.close()

    assert all(r.assignment is not None for r in after)
    assert _decisions(store) == _decisions(reference)
    if handoff == "snapshot":
        # The very state, so the very scores; a replay rebuilds word statistics from a
        # background instead of the faded counts, so its scores differ a little.
        assert _scores(after) == _scores(expected[BEFORE:])
    reference.close()


def test_a_snapshot_is_not_trusted_once_a_later_decision_is_stored(
    store: Store, tmp_path: Path, knowledge: Knowledge
) -> None:
    settings = load_settings(env={"MARSAD_HOME": str(tmp_path)})
    reports = _reports()
    first = _pipeline(store, settings, knowledge)
    for report in reports[:10]:
        first.ingest(report)
    first.close()
    assert store.grouping_snapshot(SNAPSHOT_FORMAT) is not None
    assert store.grouping_snapshot("written-by-other-code") is None

    second = _pipeline(store, settings, knowledge)
    assert second.snapshot_loaded
    assert second.restored == first.clusterer.article_count
    late = second.ingest_full(reports[10])  # a decision the saved snapshot does not hold
    assert late.assignment is not None
    _kill(second)  # gone before saving its window

    third = _pipeline(store, settings, knowledge)
    assert not third.snapshot_loaded  # replayed instead
    assert third.restored == 11
    assert third.clusterer.holds(reports[10].url)
    third.close()
    fourth = _pipeline(store, settings, knowledge)  # third saved the replayed window on close
    assert fourth.snapshot_loaded and fourth.clusterer.holds(reports[10].url)
    fourth.close()


def test_a_holder_that_lost_the_lock_saves_no_snapshot(
    store: Store, tmp_path: Path, knowledge: Knowledge
) -> None:
    settings = load_settings(env={"MARSAD_HOME": str(tmp_path)})
    holder = _pipeline(store, settings, knowledge)
    holder.ingest(_reports()[0])
    store.release_lock(GROUPING_LOCK, holder.holder)
    assert store.acquire_lock(GROUPING_LOCK, "another-host:1:x")
    assert not holder.save_window()  # refused in the store's transaction
    assert store.grouping_snapshot("any") is None


def test_a_snapshot_from_other_options_or_damaged_is_replayed_not_trusted() -> None:
    clusterer = StoryClusterer(ClusterOptions())
    data = dump_window(WindowSnapshot(clusterer, {}, {}))
    assert load_window(data, ClusterOptions()) is not None
    assert load_window(data, ClusterOptions(join_threshold=0.3)) is None
    assert load_window(data[: len(data) // 2], ClusterOptions()) is None


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))


def test_a_tampered_snapshot_runs_no_code(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    evil = pickle.dumps(_Payload(marker), protocol=5)
    assert load_window(evil, ClusterOptions()) is None
    assert not marker.exists()
    assert pickle.loads(evil) == 0 and marker.exists()  # what a plain unpickler would do
