"""A grouping decision that changes a story leaves ``story_outbox`` work (the alert consumer's)
in its own transaction: one row per story a decision or a batch changed, naming the story's
last article of it; none when the pipeline does not ask."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from test_drain_batches import STORIES, _reports

from marsad.config import load_settings
from marsad.pipeline import process
from marsad.pipeline.process import Pipeline
from marsad.store import Store
from marsad.store import schema as t
from marsad.store.store import OUTBOX_ALERT


def _alert_rows(store: Store) -> list[tuple[int, int]]:
    """(article id, its story id) of each alert row."""
    o, a = t.outbox, t.articles
    query = (
        sa.select(o.c.article_id, a.c.story_id)
        .join(a, a.c.id == o.c.article_id)
        .where(o.c.kind == OUTBOX_ALERT)
    )
    with store.engine.connect() as conn:
        return [(int(r.article_id), int(r.story_id)) for r in conn.execute(query)]


def test_the_holder_leaves_an_alert_row_per_changed_story(store: Store, tmp_path: Path) -> None:
    settings = load_settings(env={"MARSAD_HOME": str(tmp_path)})
    holder = Pipeline(store, settings, story_outbox=[OUTBOX_ALERT])
    reports = _reports()
    for report in reports[: len(STORIES)]:  # one report of each story: three new stories
        assert holder.ingest(report)[1]
    rows = _alert_rows(store)
    assert len(rows) == len(STORIES)
    assert len({story for _, story in rows}) == len(STORIES)
    holder.close()


def test_a_batch_leaves_one_alert_row_per_story_it_changed(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(process, "GROUP_BATCH", 100)
    settings = load_settings(env={"MARSAD_HOME": str(tmp_path)})
    holder = Pipeline(store, settings, story_outbox=[OUTBOX_ALERT])
    fetcher = Pipeline(store, settings, groups=False)
    reports = _reports()
    for report in reports:
        assert fetcher.ingest(report)[1]
    fetcher.close()
    assert _alert_rows(store) == []  # stored, not yet grouped: no story changed
    assert len(holder.drain()) == len(reports)
    rows = _alert_rows(store)
    # One batch changed three stories: one row each, for the story's last article in it.
    assert len(rows) == len(STORIES) and len({s for _, s in rows}) == len(STORIES)
    with store.engine.connect() as conn:
        for article_id, story_id in rows:
            newest = conn.execute(
                sa.select(sa.func.max(t.articles.c.id)).where(t.articles.c.story_id == story_id)
            ).scalar_one()
            assert article_id == newest
    holder.close()


def test_no_alert_rows_unless_asked(store: Store, tmp_path: Path) -> None:
    holder = Pipeline(store, load_settings(env={"MARSAD_HOME": str(tmp_path)}))
    for report in _reports()[:4]:
        holder.ingest(report)
    assert _alert_rows(store) == []
    assert OUTBOX_ALERT not in store.outbox_counts()
    holder.close()
