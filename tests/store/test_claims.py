"""Claimed work: source leases, the grouping lock, outbox claims, and `marsad check`."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from marsad.cli.main import main
from marsad.models import NewArticle
from marsad.search.index import index_articles, index_disagreement, index_in
from marsad.store import Store, open_store, utcnow
from marsad.store.store import GROUPING_LOCK


def test_a_leased_source_is_not_claimed_twice_until_its_lease_ends(store: Store) -> None:
    for i in range(6):
        store.add_source(f"https://s{i}.example/feed")
    first = store.claim_sources("a", limit=4, lease_seconds=0.6)
    second = store.claim_sources("b", limit=10, lease_seconds=60)
    assert len(first) == 4 and len(second) == 2
    assert not {s.id for s in first} & {s.id for s in second}
    assert store.claim_sources("c", limit=10, lease_seconds=60) == []
    time.sleep(0.8)  # "a" was killed: its leases run out and its sources come back
    again = store.claim_sources("c", limit=10, lease_seconds=60)
    assert {s.id for s in again} == {s.id for s in first}
    store.release_sources("c", [again[0].id])
    assert [s.id for s in store.claim_sources("d", limit=10, lease_seconds=60)] == [again[0].id]


def test_one_grouping_holder_and_a_stale_one_is_fenced(store: Store) -> None:
    assert store.acquire_lock(GROUPING_LOCK, "p1", ttl=0.5)
    assert not store.acquire_lock(GROUPING_LOCK, "p2")
    assert store.lock_holder(GROUPING_LOCK) is not None
    time.sleep(0.7)
    assert store.acquire_lock(GROUPING_LOCK, "p2")  # p1 stalled past its expiry
    with store.transaction() as conn:  # p1 wakes up and tries to decide: refused
        assert not store._renew_lock_in(conn, GROUPING_LOCK, "p1", utcnow())
    store.release_lock(GROUPING_LOCK, "p2")
    assert store.acquire_lock(GROUPING_LOCK, "p1")


def test_outbox_claims_do_not_overlap_and_expire(store: Store) -> None:
    ids = [
        i
        for i, _ in store.add_articles([NewArticle(url=f"https://o.example/{n}") for n in range(5)])
    ]
    store.enqueue("translate", ids, fields=["title"])
    store.enqueue("translate", ids)  # twice: still one row per article
    first = store.claim_outbox("translate", "w1", limit=3, lease_seconds=0.5)
    second = store.claim_outbox("translate", "w2", limit=10)
    assert len(first) == 3 and len(second) == 2
    assert first[0][2] == ["title"]
    time.sleep(0.7)
    assert {r[0] for r in store.claim_outbox("translate", "w3", limit=10)} == {r[0] for r in first}
    store.finish_outbox([r[0] for r in first + second])
    assert store.outbox_counts() == {}


def test_marsad_check_reports_and_repairs_the_index(
    marsad_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(f"sqlite:///{marsad_home / 'marsad.db'}")
    ids = [
        i
        for i, _ in store.add_articles(
            [NewArticle(url=f"https://c.example/{n}", title=f"خبر عن المطر {n}") for n in range(4)]
        )
    ]
    index_articles(store, ids)
    with store.transaction() as conn:
        conn.execute(sa.text("DELETE FROM search_fts WHERE rowid = :id"), {"id": ids[1]})
        index_in(conn, [])  # the hook is a no-op for nothing
    assert index_disagreement(store) == ([ids[1]], [])
    store.close()
    assert main(["check"]) == 1
    assert "1 missing" in capsys.readouterr().out
    assert main(["check", "--repair"]) == 0
    assert "(repaired)" in capsys.readouterr().out
    assert main(["check", "--json"]) == 0
    assert '"missing_from_index": 0' in capsys.readouterr().out
