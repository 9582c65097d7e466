"""A grouping holder's decisions push the lock's expiry at most once a second, and each one
still checks that the lock is held: a holder that lost it has its decisions refused."""

from __future__ import annotations

from datetime import timedelta

from marsad.store import Store, utcnow
from marsad.store import schema as t
from marsad.store.store import GROUPING_LOCK, LOCK_SECONDS, RENEW_EVERY_SECONDS


def _expiry(store: Store) -> object:
    held = store.lock_holder(GROUPING_LOCK)
    assert held is not None
    return held[1]


def test_decisions_renew_the_lock_at_most_once_a_second_and_stay_fenced(store: Store) -> None:
    assert store.acquire_lock(GROUPING_LOCK, "a")
    taken = _expiry(store)
    # Decisions right after the renewal check the lock without rewriting it.
    assert store.save_grouping_snapshot(b"1", "test", holder="a")
    assert store.save_grouping_snapshot(b"2", "test", holder="a")
    assert _expiry(store) == taken
    # A renewal older than a second: the next decision pushes the expiry again.
    stale = utcnow() + timedelta(seconds=LOCK_SECONDS - RENEW_EVERY_SECONDS - 2)
    with store.transaction() as conn:
        conn.execute(t.locks.update().values(expires_at=stale))
    assert store.save_grouping_snapshot(b"3", "test", holder="a")
    renewed = _expiry(store)
    assert renewed > stale + timedelta(seconds=1)  # type: ignore[operator]
    # Another holder takes the lock (the first stalled past its expiry): refused at once,
    # though its last renewal is less than a second old.
    store.break_lock(GROUPING_LOCK, "a")
    assert store.acquire_lock(GROUPING_LOCK, "b")
    assert not store.save_grouping_snapshot(b"4", "test", holder="a")
    assert store.grouping_snapshot("test") == b"3"
    # An expired lock nobody took is renewed by its holder's next decision, as before.
    with store.transaction() as conn:
        conn.execute(t.locks.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    assert store.save_grouping_snapshot(b"5", "test", holder="b")
    assert store.lock_holder(GROUPING_LOCK) is not None
