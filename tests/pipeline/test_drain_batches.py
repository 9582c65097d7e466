"""The grouping holder decides others' articles in batches (``GROUP_BATCH`` to a transaction) and
its own as it stores them: both give the stories and copy links that deciding every article on
its own gives, and a batch refused by the lock writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from marsad.config import load_settings
from marsad.models import AnalysedArticle, NewArticle, StoryChange
from marsad.pipeline import process
from marsad.pipeline.process import IncomingArticle, Pipeline
from marsad.search.index import index_disagreement, index_in
from marsad.store import Store, open_store
from marsad.store import schema as t
from marsad.store.store import GROUPING_LOCK

STORIES = [
    (
        "Floods in the Swat valley: rescuers reach cut-off villages",
        "Rescue boats reached villages cut off by the floods in the Swat valley on Tuesday, "
        "officials said, as the river rose again and families left for higher ground. The "
        "provincial disaster authority said the floods had destroyed bridges and roads.",
    ),
    (
        "Wheat harvest shrinks as drought grips the plains",
        "Farmers on the plains expect the smallest wheat harvest in a decade after months "
        "without rain, the agriculture ministry said, and flour prices rose in the markets of "
        "the capital as mills bought what grain was left in the silos.",
    ),
    (
        "Satellite launch delayed after a fault in the rocket's second stage",
        "The space agency put off the launch of its weather satellite by a week after engineers "
        "found a fault in the second stage of the rocket during the final checks, a spokesman "
        "told reporters at the launch site on the coast.",
    ),
]


def _reports() -> list[IncomingArticle]:
    """Five reports of each story, interleaved, and word-for-word copies of a few of them."""
    reports = []
    for n in range(5):
        for s, (title, text) in enumerate(STORIES):
            body = f"Report {n} of story {s}. {text} Witness {n} spoke to our reporter {s}{n}."
            reports.append(
                IncomingArticle(
                    url=f"https://news{n}.example/story-{s}",
                    title=f"{title} ({n})",
                    text=body,
                    language="en",
                )
            )
            if n in (1, 3):  # a wire copy, stored by another outlet
                reports.append(
                    IncomingArticle(
                        url=f"https://wire{n}.example/story-{s}",
                        title=f"{title} ({n})",
                        text=body,
                        language="en",
                    )
                )
    return reports


def _decisions(store: Store) -> tuple[set[frozenset[str]], dict[str, str | None], list[int]]:
    """Stories as sets of URLs, each article's original by URL, and the live stories' counts."""
    a, s = t.articles, t.stories
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(a.c.id, a.c.url, a.c.story_id, a.c.duplicate_of)).all()
        counts = conn.execute(
            sa.select(s.c.article_count).where(s.c.merged_into.is_(None), s.c.article_count > 0)
        ).all()
    url_of = {r.id: r.url for r in rows}
    stories: dict[int, set[str]] = {}
    for r in rows:
        assert r.story_id is not None, f"{r.url} was not grouped"
        stories.setdefault(r.story_id, set()).add(r.url)
    partition = {frozenset(urls) for urls in stories.values()}
    originals = {r.url: url_of.get(r.duplicate_of) for r in rows}
    return partition, originals, sorted(c[0] for c in counts)


def test_a_batched_drain_decides_as_the_holder_deciding_each_alone(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = _reports()
    # The reference: one process deciding each article as it stores it.
    reference = open_store(f"sqlite:///{tmp_path / 'reference.db'}")
    alone = Pipeline(reference, load_settings(env={"MARSAD_HOME": str(tmp_path / "ref")}))
    for report in reports:
        assert alone.ingest(report)[1]
    alone.close()
    expected = _decisions(reference)
    reference.close()
    assert len(expected[0]) == len(STORIES)  # the stories are told apart ...
    assert sum(o is not None for o in expected[1].values()) >= 6  # ... and the copies found
    # Batches of 4: stories begun, joined and copied inside a batch and across batches.
    monkeypatch.setattr(process, "GROUP_BATCH", 4)
    settings = load_settings(env={"MARSAD_HOME": str(tmp_path / "shared")})
    holder = Pipeline(store, settings)
    fetcher = Pipeline(store, settings, groups=False)  # stores only, as a fetch worker does
    for report in reports:
        assert fetcher.ingest(report)[1]
    fetcher.close()
    assert store.outbox_counts() == {"group": len(reports)}
    writes = []
    apply = store.apply_groupings

    def counting(decisions, **kwargs):  # type: ignore[no-untyped-def]
        writes.append(len(decisions))
        return apply(decisions, **kwargs)

    monkeypatch.setattr(store, "apply_groupings", counting)
    assert len(holder.drain()) == len(reports)
    assert store.outbox_counts() == {}
    assert sum(writes) == len(reports) and max(writes) <= 4
    assert len(writes) < len(reports)  # batched, not one transaction each
    assert _decisions(store) == expected
    assert index_disagreement(store) == ([], [])
    holder.close()


def test_a_batch_refused_by_the_lock_writes_nothing(store: Store, tmp_path: Path) -> None:
    fetcher = Pipeline(store, load_settings(env={"MARSAD_HOME": str(tmp_path)}), groups=False)
    for report in _reports()[:6]:
        fetcher.ingest(report)
    fetcher.close()
    rows = store.pending_grouping()
    # New stories named by the window's keys: the decisions naming one key share one story.
    refs = ["story:a", "story:a", "story:b", "story:b", "story:b", None]
    decisions = [
        (r.id, AnalysedArticle(article=NewArticle(url=r.url), story=StoryChange(None)), ref)
        for r, ref in zip(rows, refs, strict=True)
    ]
    # A holder that stalled past its expiry while another process took the lock.
    assert store.acquire_lock(GROUPING_LOCK, "elsewhere:1:a")
    assert store.apply_groupings(decisions, holder="stalled:2:b", index=index_in) is None
    assert store.outbox_counts() == {"group": 6}
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.stories)).scalar_one() == 0
    store.release_lock(GROUPING_LOCK, "elsewhere:1:a")
    assert store.acquire_lock(GROUPING_LOCK, "stalled:2:b")
    story_ids = store.apply_groupings(decisions, holder="stalled:2:b", index=index_in)
    assert story_ids is not None and None not in story_ids
    assert story_ids[0] == story_ids[1] and story_ids[2] == story_ids[3] == story_ids[4]
    assert len(set(story_ids)) == 3
    assert store.outbox_counts() == {}
    # Run again (a retried batch): each row is gone, so nothing is decided twice.
    assert store.apply_groupings(decisions, holder="stalled:2:b", index=index_in) == story_ids
    with store.engine.connect() as conn:
        counts = conn.execute(sa.select(t.stories.c.article_count)).scalars().all()
    assert sorted(counts) == [1, 2, 3]
    assert index_disagreement(store) == ([], [])


@pytest.mark.parametrize(("seconds", "one_write"), [(3600.0, True), (0.0, False)])
def test_a_batch_is_written_when_its_deciding_outlasts_a_third_of_the_lock(
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    seconds: float,
    one_write: bool,
) -> None:
    """However many decisions a batch may hold, it is written once it has been deciding for
    GROUP_BATCH_SECONDS since the lock was renewed, so a slow holder keeps its lock (each
    write renews it) instead of losing it mid-batch; the stories are the same either way."""
    reports = _reports()
    monkeypatch.setattr(process, "GROUP_BATCH", 10_000)
    monkeypatch.setattr(process, "GROUP_BATCH_SECONDS", seconds)
    settings = load_settings(env={"MARSAD_HOME": str(tmp_path / "shared")})
    fetcher = Pipeline(store, settings, groups=False)
    for report in reports:
        assert fetcher.ingest(report)[1]
    fetcher.close()
    writes: list[int] = []
    apply = store.apply_groupings

    def counting(decisions, **kwargs):  # type: ignore[no-untyped-def]
        writes.append(len(decisions))
        return apply(decisions, **kwargs)

    monkeypatch.setattr(store, "apply_groupings", counting)
    holder = Pipeline(store, settings)  # takes the lock and drains what waits
    holder.close()
    assert store.outbox_counts() == {}
    assert sum(writes) == len(reports)
    assert (len(writes) == 1) == one_write  # 0 s: each decision its own write
    partition, originals, _ = _decisions(store)
    assert len(partition) == len(STORIES)
    assert sum(o is not None for o in originals.values()) >= 6
    assert index_disagreement(store) == ([], [])
