"""``Store.apply_groupings`` writes a batch of decisions as the same decisions one by one write
them (stories, copy links, demoted originals, merges, counts, search rows, alert rows), with a
number of statements that does not grow with the batch."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from marsad.models import AnalysedArticle, NewArticle, StoryChange
from marsad.search.index import index_disagreement, index_in
from marsad.store import Store, open_store
from marsad.store import schema as t
from marsad.store.store import GROUPING_LOCK, OUTBOX_ALERT, OUTBOX_GROUP

HOLDER = "holder:1:test"
T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[Store]]:
    """Three empty stores on one backend (one per way of writing the same decisions)."""
    urls = []
    schemas = []
    if request.param == "sqlite":
        urls = [f"sqlite:///{tmp_path / f'{n}.db'}" for n in range(3)]
    else:
        admin = request.getfixturevalue("pg_admin")
        base = request.getfixturevalue("pg_url").split("?")[0]
        for _ in range(3):
            schema = f"marsad_tg_{uuid.uuid4().hex[:12]}"
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            schemas.append(schema)
            urls.append(f"{base}?options={quote(f'-csearch_path={schema}')}")
    opened = [open_store(url) for url in urls]
    yield opened
    for store in opened:
        store.close()
    for schema in schemas:
        with request.getfixturevalue("pg_admin").connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@dataclass(frozen=True)
class Step:
    """One decision of the script: the article (by index), its story (by reference), the
    article it copies (by index), the stories it merges into its own (by reference)."""

    article: int
    story: str
    copy_of: int | None = None
    absorbs: tuple[str, ...] = ()


def _script(seed: int, n: int) -> tuple[list[datetime], list[Step]]:
    """A stream of decisions: new stories, joins, copies of articles decided before (in the
    batch or earlier; sometimes published before their original, which demotes it), merges."""
    rng = random.Random(seed)
    times = [T0 + timedelta(minutes=rng.randrange(600)) for _ in range(n)]
    steps: list[Step] = []
    live: list[str] = []  # stories not merged away
    for i in range(n):
        roll = rng.random()
        if not live or roll < 0.3:
            ref = f"s{i}"
            live.append(ref)
            steps.append(Step(i, ref))
        elif roll < 0.55 and steps:
            original = rng.choice(steps)
            ref = _alive(steps, original.story, live)
            steps.append(Step(i, ref, copy_of=original.article))
        elif roll < 0.62 and len(live) >= 3:
            survivor, *gone = rng.sample(live, 2 + (roll < 0.58))
            for g in gone:
                live.remove(g)
            steps.append(Step(i, survivor, absorbs=tuple(gone)))
        else:
            steps.append(Step(i, rng.choice(live)))
    return times, steps


def _alive(steps: list[Step], ref: str, live: list[str]) -> str:
    """The story a merged one lives on in."""
    while ref not in live:
        ref = next(s.story for s in steps if ref in s.absorbs)
    return ref


def _store_pending(store: Store, times: list[datetime]) -> list[int]:
    sources = [store.add_source(f"https://site{n}.example/feed").id for n in range(3)]
    ids = []
    for i, when in enumerate(times):
        bundle = AnalysedArticle(
            article=NewArticle(
                url=f"https://news.example/{i}",
                title=f"report {i}",
                text=f"report number {i} of the batch test",
                published_at=when,
                source_id=sources[i % 3],
            )
        )
        article_id, _, created = store.save_analysed(bundle, outbox=[OUTBOX_GROUP], index=index_in)
        assert created
        ids.append(article_id)
    assert store.acquire_lock(GROUPING_LOCK, HOLDER)
    return ids


def _decide(store: Store, times: list[datetime], steps: list[Step], batch: int) -> None:
    """Write the script as the holder does: ``batch`` decisions a transaction, a merge after
    what came before it is written (it names stored stories)."""
    ids = _store_pending(store, times)
    stored: dict[str, int] = {}  # story reference -> stored id, once written
    pending: list[tuple[int, AnalysedArticle, str | None]] = []

    def write() -> None:
        got = store.apply_groupings(
            pending, holder=HOLDER, index=index_in, story_outbox=[OUTBOX_ALERT]
        )
        assert got is not None and None not in got
        for (_, bundle, ref), story_id in zip(pending, got, strict=True):
            assert ref is not None and bundle.story is not None
            stored.setdefault(ref, story_id)
        pending.clear()

    for step in steps:
        if step.absorbs:
            write()
        when = times[step.article]
        bundle = AnalysedArticle(
            article=NewArticle(url=f"https://news.example/{step.article}", published_at=when),
            duplicate_of=ids[step.copy_of] if step.copy_of is not None else None,
            duplicate_kind="near" if step.copy_of is not None else None,
            duplicate_evidence={"step": step.article} if step.copy_of is not None else None,
            story=StoryChange(
                stored.get(step.story),
                title_ar=f"عنوان {step.article}",
                title=f"title {step.article}",
                first_seen=when - timedelta(hours=1),
                last_seen=when,
                countries=("eg", f"c{step.article % 4}"),
                regions=("mena",),
                absorbed=tuple(stored[g] for g in step.absorbs),
            ),
        )
        pending.append((ids[step.article], bundle, step.story))
        if len(pending) >= batch:
            write()
    write()


def _state(store: Store) -> dict[str, Any]:
    """Every column the decisions write (not the clock's), and the stories alerted."""
    a, s, o = t.articles, t.stories, t.outbox
    with store.engine.connect() as conn:
        articles = conn.execute(
            sa.select(
                a.c.id,
                a.c.story_id,
                a.c.duplicate_of,
                a.c.duplicate_kind,
                a.c.duplicate_evidence,
            ).order_by(a.c.id)
        ).all()
        stories = conn.execute(
            sa.select(
                s.c.id,
                s.c.title_ar,
                s.c.title,
                s.c.first_seen,
                s.c.last_seen,
                s.c.countries,
                s.c.regions,
                s.c.article_count,
                s.c.source_count,
                s.c.merged_into,
            ).order_by(s.c.id)
        ).all()
        # Alert rows are one per decision alone, one per story a batch changed: the stories
        # they lead to are the same.
        alerted = conn.execute(
            sa.select(a.c.story_id)
            .join(o, o.c.article_id == a.c.id)
            .where(o.c.kind == OUTBOX_ALERT)
        ).scalars()
        return {
            "articles": [tuple(r) for r in articles],
            "stories": [tuple(r) for r in stories],
            "alerted": set(alerted),
        }


def _recorder(into: list[str]) -> Any:
    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        into.append(statement)

    return record


@pytest.mark.parametrize("seed", [3, 6])
def test_a_batch_writes_what_its_decisions_write_one_by_one(stores: list[Store], seed: int) -> None:
    times, steps = _script(seed, 60)
    assert any(s.absorbs for s in steps) and any(s.copy_of is not None for s in steps)
    demoting = [s for s in steps if s.copy_of is not None and times[s.article] < times[s.copy_of]]
    assert demoting  # some copies turn out to be the original
    states = []
    for store, batch in zip(stores, [1, 7, 100], strict=True):
        _decide(store, times, steps, batch)
        assert store.outbox_counts().get(OUTBOX_GROUP, 0) == 0
        assert index_disagreement(store) == ([], [])
        states.append(_state(store))
    one_by_one = states[0]
    assert sum(r[2] is not None for r in one_by_one["articles"]) >= len(demoting)
    assert sum(r[9] is not None for r in one_by_one["stories"]) >= 1  # merged stories
    assert one_by_one["alerted"] == {r[0] for r in one_by_one["stories"] if r[7]}
    assert states[1] == one_by_one
    assert states[2] == one_by_one


def test_statements_per_batch_do_not_grow_with_its_decisions(stores: list[Store]) -> None:
    """Joins and new stories: the same statements for 10 decisions as for 80."""
    counts = []
    for store, n in zip(stores, (10, 80), strict=False):
        times = [T0 + timedelta(minutes=i) for i in range(n)]
        ids = _store_pending(store, times)
        decisions = [
            (
                article_id,
                AnalysedArticle(
                    article=NewArticle(url=f"https://news.example/{i}", published_at=times[i]),
                    story=StoryChange(None, title=f"title {i}", last_seen=times[i]),
                ),
                f"shared{i % 5}" if i % 2 else f"new{i}",  # one of five stories, or its own
            )
            for i, article_id in enumerate(ids)
        ]
        statements: list[str] = []
        sa.event.listen(store.engine, "before_cursor_execute", _recorder(statements))
        assert store.apply_groupings(decisions, holder=HOLDER, index=index_in) is not None
        counts.append(len(statements))
        with store.engine.connect() as conn:
            live = conn.execute(
                sa.select(sa.func.count())
                .select_from(t.stories)
                .where(t.stories.c.article_count > 0)
            ).scalar_one()
        assert live == n // 2 + 5
    assert counts[0] == counts[1] <= 15, counts
