"""The consumer's one write (``Alerts.commit``): a story's payload is stored once for all the
alerts of a batch, each delivery reads back with its own rule and follow, a batch written
again adds nothing, rule states are upserted (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa
from alertkit import NOW

from marsad.alerts.model import Fire, RuleState
from marsad.store import Store
from marsad.store.accounts import Accounts
from marsad.store.alert_tables import alert_payloads
from marsad.store.alerts import Alerts


def test_one_payload_per_story_and_batch_shared_by_its_deliveries(store: Store) -> None:
    accounts, alerts = Accounts(store), Alerts(store)
    user = accounts.add_user("leila", "a long enough password", now=NOW)
    pk = accounts.add_follow(user.id, "country", "PK", "باكستان", now=NOW)
    ai = accounts.add_follow(user.id, "search", "الذكاء الاصطناعي", "AI", now=NOW)
    one = alerts.add_rule(
        user.id, pk.id, mode="new", channel="webhook", target="https://h.example/1"
    )
    two = alerts.add_rule(user.id, ai.id, mode="new", channel="email", target="l@example.org")
    story = {"id": 5, "title": "S", "source_count": 2}
    fires = [(Fire(one.id, 5, "new", story), one, None), (Fire(two.id, 5, "new", story), two, NOW)]
    states = [RuleState(one.id, 5, NOW), RuleState(two.id, 5, NOW, languages=frozenset({"ar"}))]
    alerts.commit([], fires, states)
    alerts.commit([], fires, [RuleState(one.id, 5, NOW, growing_step=2)])  # the batch again

    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(alert_payloads)).scalar() == 2
    deliveries = alerts.all_deliveries()
    assert [(d.rule_id, d.event, d.channel) for d in deliveries] == [
        (one.id, "new", "webhook"),
        (two.id, "new", "email"),
    ]
    assert deliveries[0].payload == {
        "event": "new",
        "rule_id": one.id,
        "follow": {"id": pk.id, "kind": "country", "label": "باكستان"},
        "story": story,
    }
    assert deliveries[1].payload["follow"]["label"] == "AI"
    assert deliveries[1].next_attempt_at == NOW  # the digest's time, as given
    known = alerts.rule_states([5])
    assert known[(one.id, 5)].growing_step == 2  # upserted
    assert known[(two.id, 5)].languages == frozenset({"ar"})
    assert known[(two.id, 5)].first_matched_at == NOW
