"""/me/alerts through the real app: add and remove a rule on one's own follow, CSRF on every
form, another user's follow, rule or delivery is a 404, a loopback webhook is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from alertkit import NOW, settings_for
from starlette.testclient import TestClient

from marsad.alerts.model import Fire
from marsad.store import Store
from marsad.store.accounts import Accounts
from marsad.store.alerts import Alerts
from marsad.web import create_app

PASSWORD = "correct horse battery"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _login(client: TestClient, name: str) -> None:
    page = client.get("/login")
    done = client.post(
        "/login",
        data={"csrf": _csrf(page.text), "next": "/me", "name": name, "password": PASSWORD},
        follow_redirects=False,
    )
    assert done.status_code == 303


@pytest.fixture
def client(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(store, settings_for(tmp_path), search_function=None)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_rules_on_own_follows_only(store: Store, client: TestClient) -> None:
    accounts, alerts = Accounts(store), Alerts(store)
    alice = accounts.add_user("alice", PASSWORD, now=NOW)
    bob = accounts.add_user("bob", PASSWORD, language="en", now=NOW)
    pk = accounts.add_follow(alice.id, "country", "PK", "باكستان", now=NOW)
    eg = accounts.add_follow(bob.id, "country", "EG", "Egypt", now=NOW)
    bobs_rule = alerts.add_rule(bob.id, eg.id, mode="new", channel="email", target="b@example.org")
    rule = alerts.add_rule(
        bob.id, eg.id, mode="new", channel="webhook", target="https://hooks.example/b"
    )
    alerts.commit([], [(Fire(rule.id, 5, "new", {"title": "S"}), rule, None)], [])
    [bobs_delivery] = alerts.all_deliveries()

    assert client.get("/me/alerts", follow_redirects=False).status_code == 303  # sign in first
    _login(client, "alice")
    page = client.get("/me/alerts")
    assert page.status_code == 200 and "باكستان" in page.text
    assert page.headers["cache-control"].startswith("private")
    assert "hooks.example/b" not in page.text and "Egypt" not in page.text
    token = _csrf(page.text)
    form = {"follow_id": str(pk.id), "mode": "growing", "sources": "4", "hours": "6"}
    form |= {"channel": "webhook", "target": "https://hooks.example/alice"}

    assert client.post("/me/alerts/rules", data=form).status_code == 403  # no CSRF token
    assert client.post("/me/alerts/rules", data={**form, "csrf": "x" * 64}).status_code == 403
    assert alerts.list_rules(alice.id) == []
    done = client.post("/me/alerts/rules", data={**form, "csrf": token}, follow_redirects=False)
    assert done.status_code == 303
    [mine] = alerts.list_rules(alice.id)
    assert (mine.mode, mine.params, mine.target) == (
        "growing",
        {"sources": 4, "hours": 6, "new_language": 0},
        "https://hooks.example/alice",
    )
    assert mine.secret in client.get("/me/alerts").text  # shown to its owner to verify with

    # Another user's objects: 404, nothing changed.
    theirs = {**form, "csrf": token, "follow_id": str(eg.id)}
    assert client.post("/me/alerts/rules", data=theirs).status_code == 404
    assert len(alerts.list_rules(bob.id)) == 2
    url = f"/me/alerts/rules/{bobs_rule.id}/remove"
    assert client.post(url, data={"csrf": token}).status_code == 404
    url = f"/me/alerts/deliveries/{bobs_delivery.id}/retry"
    assert client.post(url, data={"csrf": token}).status_code == 404
    assert len(alerts.list_rules(bob.id)) == 2

    # The SSRF guard's refusals at the form: a loopback webhook is a user error.
    loopback = {**form, "csrf": token, "target": "http://127.0.0.1:9/hook"}
    refused = client.post("/me/alerts/rules", data=loopback)
    assert refused.status_code == 400 and len(alerts.list_rules(alice.id)) == 1

    url = f"/me/alerts/rules/{mine.id}/remove"
    assert client.post(url, data={}).status_code == 403
    assert client.post(url, data={"csrf": token}, follow_redirects=False).status_code == 303
    assert alerts.list_rules(alice.id) == []
