"""Account storage on both backends: users, tokens, sessions, follows, feed tokens, read state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from marsad.errors import NotFoundError, UserError
from marsad.models import NewArticle
from marsad.store import Store
from marsad.store import account_tables as at
from marsad.store.accounts import Accounts

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def accounts(store: Store) -> Accounts:
    return Accounts(store)


def test_users_round_trip_and_password_is_hashed(accounts: Accounts, store: Store) -> None:
    alice = accounts.add_user("alice", "correct horse", role="admin", email="a@x.org", now=NOW)
    assert accounts.get_user(alice.id) == alice
    assert accounts.find_user("alice") == alice
    assert [u.name for u in accounts.list_users()] == ["alice"]
    with pytest.raises(UserError):
        accounts.add_user("alice", "another one", now=NOW)
    with pytest.raises(UserError):
        accounts.add_user("bob", "short", now=NOW)
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(at.users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert accounts.check_login("alice", "correct horse") == alice
    assert accounts.check_login("alice", "wrong horse") is None
    assert accounts.check_login("nobody", "correct horse") is None
    accounts.set_password("alice", "battery staple")
    assert accounts.check_login("alice", "correct horse") is None
    assert accounts.check_login("alice", "battery staple") == alice


def test_tokens_are_stored_hashed_and_revocable(accounts: Accounts, store: Store) -> None:
    alice = accounts.add_user("alice", "correct horse", now=NOW)
    bob = accounts.add_user("bob", "correct horse", now=NOW)
    record, token = accounts.add_token(alice.id, "phone", now=NOW)
    with store.engine.connect() as conn:
        hashes = conn.execute(sa.select(at.user_tokens.c.token_hash)).scalars().all()
    assert token not in hashes and len(hashes[0]) == 64
    assert accounts.user_for_token(token, now=NOW) == alice
    assert accounts.list_tokens(alice.id)[0].last_used_at == NOW
    assert accounts.user_for_token(token + "x", now=NOW) is None
    assert accounts.revoke_token(bob.id, record.id) is False  # not bob's
    assert accounts.user_for_token(token, now=NOW) == alice
    assert accounts.revoke_token(alice.id, record.id) is True
    assert accounts.user_for_token(token, now=NOW) is None


def test_sessions_expire_and_die_with_password_change(accounts: Accounts) -> None:
    alice = accounts.add_user("alice", "correct horse", now=NOW)
    sid, csrf = accounts.new_session(
        alice.id, address="1.2.3.4", now=NOW, lifetime=timedelta(hours=1)
    )
    found = accounts.session(sid, now=NOW)
    assert found is not None and found.user == alice and found.csrf_secret == csrf
    assert accounts.session(sid, now=NOW + timedelta(hours=2)) is None
    sid2, _ = accounts.new_session(alice.id, address=None, now=NOW, lifetime=timedelta(hours=1))
    assert sid2 != sid
    accounts.end_session(sid2)
    assert accounts.session(sid2, now=NOW) is None
    accounts.set_password("alice", "battery staple")
    assert accounts.session(sid, now=NOW) is None


def test_login_failures_count_by_name_and_address(accounts: Accounts) -> None:
    for i in range(3):
        accounts.record_login_failure("alice", "10.0.0.1", NOW + timedelta(minutes=i))
    accounts.record_login_failure("bob", "10.0.0.1", NOW)
    assert accounts.login_failures("alice", "10.0.0.9", NOW) == (3, 0)
    assert accounts.login_failures("carol", "10.0.0.1", NOW) == (0, 4)
    assert accounts.login_failures("alice", "10.0.0.1", NOW + timedelta(minutes=2)) == (1, 1)


def test_follows_are_scoped_to_their_user(accounts: Accounts) -> None:
    alice = accounts.add_user("alice", "correct horse", now=NOW)
    bob = accounts.add_user("bob", "correct horse", now=NOW)
    pk = accounts.add_follow(alice.id, "country", "PK", "باكستان", now=NOW)
    assert accounts.add_follow(alice.id, "country", "PK", "again", now=NOW) == pk
    ai = accounts.add_follow(bob.id, "search", "الذكاء الاصطناعي", "", now=NOW)
    assert ai.label == "الذكاء الاصطناعي"
    with pytest.raises(UserError):
        accounts.add_follow(alice.id, "planet", "Mars", "", now=NOW)
    assert accounts.list_follows(alice.id) == [pk]
    assert accounts.list_follows_all() == [pk, ai]
    assert accounts.get_follow(bob.id, pk.id) is None
    assert accounts.remove_follow(bob.id, pk.id) is False
    assert accounts.get_follow(alice.id, pk.id) == pk
    later = NOW + timedelta(days=1)
    accounts.mark_visited(bob.id, [pk.id], now=later)  # not bob's: nothing changes
    assert accounts.last_visits(alice.id) == {pk.id: NOW}
    accounts.mark_visited(alice.id, [pk.id], now=later)
    assert accounts.last_visits(alice.id) == {pk.id: later}
    assert accounts.remove_follow(alice.id, pk.id) is True
    assert accounts.list_follows(alice.id) == []


def test_feed_tokens_rotate_and_revoke(accounts: Accounts) -> None:
    alice = accounts.add_user("alice", "correct horse", now=NOW)
    bob = accounts.add_user("bob", "correct horse", now=NOW)
    pk = accounts.add_follow(alice.id, "country", "PK", "Pakistan", now=NOW)
    with pytest.raises(NotFoundError):
        accounts.new_feed_token(bob.id, pk.id, now=NOW)
    first = accounts.new_feed_token(alice.id, pk.id, now=NOW)
    assert accounts.follow_for_feed_token(first) == pk
    second = accounts.new_feed_token(alice.id, pk.id, now=NOW)
    assert accounts.follow_for_feed_token(first) is None
    assert accounts.follow_for_feed_token(second) == pk
    assert accounts.follows_with_feeds(alice.id) == {pk.id}
    assert accounts.revoke_feed_tokens(bob.id, pk.id) is False
    assert accounts.revoke_feed_tokens(alice.id, pk.id) is True
    assert accounts.follow_for_feed_token(second) is None


def test_removed_user_leaves_nothing(accounts: Accounts, store: Store) -> None:
    alice = accounts.add_user("alice", "correct horse", now=NOW)
    _, token = accounts.add_token(alice.id, "phone", now=NOW)
    sid, _ = accounts.new_session(alice.id, address=None, now=NOW, lifetime=timedelta(hours=1))
    pk = accounts.add_follow(alice.id, "country", "PK", "Pakistan", now=NOW)
    feed = accounts.new_feed_token(alice.id, pk.id, now=NOW)
    accounts.remove_user("alice")
    assert accounts.user_for_token(token, now=NOW) is None
    assert accounts.session(sid, now=NOW) is None
    assert accounts.follow_for_feed_token(feed) is None
    assert accounts.list_follows_all() == []
    with pytest.raises(NotFoundError):
        accounts.remove_user("alice")


def test_read_state(accounts: Accounts, store: Store) -> None:
    alice = accounts.add_user("alice", "correct horse", now=NOW)
    bob = accounts.add_user("bob", "correct horse", now=NOW)
    source = store.add_source("https://example.org/feed.xml")
    ids = []
    for i in range(3):
        article, _ = store.add_article(
            NewArticle(url=f"https://example.org/{i}", source_id=source.id, title=f"t{i}")
        )
        ids.append(article.id)
    accounts.mark_read(alice.id, [ids[0], ids[1], 999999], now=NOW)
    accounts.mark_read(alice.id, [ids[0]], now=NOW)  # twice is fine
    assert accounts.read_ids(alice.id, ids) == {ids[0], ids[1]}
    assert accounts.read_ids(bob.id, ids) == set()
    accounts.mark_unread(alice.id, [ids[1]])
    assert accounts.read_ids(alice.id, ids) == {ids[0]}


def test_prune_keeps_the_newest_tokens_of_a_name(accounts: Accounts) -> None:
    alice = accounts.add_user("alice", "correct horse", now=NOW)
    secrets = [accounts.add_token(alice.id, "reader app", now=NOW)[1] for _ in range(4)]
    _, script = accounts.add_token(alice.id, "script", now=NOW)
    assert accounts.prune_tokens(alice.id, "reader app", keep=2) == 2
    alive = [accounts.user_for_token(s, now=NOW) is not None for s in secrets]
    assert alive == [False, False, True, True]
    assert accounts.user_for_token(script, now=NOW) == alice
    accounts.forget_login_failures(NOW)  # nothing to forget is fine
