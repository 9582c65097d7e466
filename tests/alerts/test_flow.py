"""The issue's "done when", with real parts: a reader follows Pakistan and saves the search
"الذكاء الاصطناعي"; new stories about each come through the pipeline; one signed webhook and one
e-mail digest (a real SMTP server) each. Then retries, dead letters, the SSRF guard, Apprise."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from alertkit import (
    AI,
    NOW,
    OTHER,
    PAKISTAN,
    Receiver,
    ingest,
    settings_for,
    smtp_server,
    webhook_server,
)

from marsad.accounts.model import User
from marsad.alerts.model import DEAD, PENDING, SENT
from marsad.alerts.service import AlertConsumer, AlertSender
from marsad.alerts.webhook import validate_webhook_url
from marsad.config import Settings
from marsad.errors import InvalidURLError, NotFoundError
from marsad.store import Store
from marsad.store.accounts import Accounts
from marsad.store.alerts import Alerts


@pytest.fixture
def reader(store: Store) -> User:
    return Accounts(store).add_user(
        "leila", "a long enough password", email="leila@example.org", language="ar", now=NOW
    )


def _send(alerts: Alerts, settings: Settings, **kw: Any) -> Any:
    return asyncio.run(AlertSender(alerts, settings).send_due(**kw))


def test_follow_pakistan_and_a_saved_search_one_webhook_and_one_mail_each(
    store: Store, reader: User, tmp_path: Path
) -> None:
    accounts, alerts = Accounts(store), Alerts(store)
    pk = accounts.add_follow(reader.id, "country", "PK", "باكستان", now=NOW)
    ai = accounts.add_follow(reader.id, "search", "الذكاء الاصطناعي", "الذكاء الاصطناعي", now=NOW)
    receiver = Receiver()
    with webhook_server(receiver) as url, smtp_server() as (port, inbox):
        settings = settings_for(
            tmp_path,
            alerts_allow_private_networks=True,
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_security="none",
            smtp_from="marsad@example.org",
        )
        for follow in (pk, ai):
            hook = alerts.add_rule(reader.id, follow.id, mode="new", channel="webhook", target=url)
            receiver.secret[hook.id] = hook.secret
            alerts.add_rule(
                reader.id, follow.id, mode="new", channel="email", target="leila@example.org"
            )
        consumer = AlertConsumer(alerts)
        for hour, (batch, label, title_word) in enumerate(
            ((PAKISTAN, "باكستان", "Pakistan"), (AI, "الذكاء الاصطناعي", "الذكاء")), start=1
        ):
            ingest(store, settings, [*batch, *OTHER] if hour == 1 else batch)
            consumer.run_until_empty()
            sent = _send(alerts, settings, now=NOW + timedelta(hours=hour, minutes=5))
            assert sent.sent == 2 and sent.digests == 1, sent
            # One signed webhook for the story (its two reports are one story) ...
            assert receiver.bad_signatures == 0
            assert len(receiver.requests) == hour
            body = receiver.requests[-1]["payload"]
            assert body["event"] == "new" and body["follow"]["label"] == label
            assert title_word in (body["story"]["title"] + str(body["story"]["title_ar"]))
            # ... and one e-mail digest, in the reader's Arabic, text and HTML.
            assert len(inbox) == hour
            mail = inbox[-1]
            assert mail["To"] == "leila@example.org" and "مرصد" in mail["Subject"]
            text = mail.get_body(("plain",)).get_content()
            html = mail.get_body(("html",)).get_content()
            assert label in text and 'dir="rtl"' in html
        # Nothing more: the other story concerns no follow, and nothing is sent twice.
        consumer.run_until_empty()
        again = _send(alerts, settings, now=NOW + timedelta(days=2))
        assert again.sent == 0 and len(receiver.requests) == 2 and len(inbox) == 2
    assert {d.status for d in alerts.all_deliveries()} == {SENT}
    assert len(alerts.all_deliveries()) == 4


def _one_webhook_alert(
    store: Store, reader: User, tmp_path: Path, url: str, receiver: Receiver, **settings: Any
) -> tuple[Alerts, Settings]:
    accounts, alerts = Accounts(store), Alerts(store)
    pk = accounts.add_follow(reader.id, "country", "PK", "Pakistan", now=NOW)
    hook = alerts.add_rule(reader.id, pk.id, mode="new", channel="webhook", target=url)
    receiver.secret[hook.id] = hook.secret
    config = settings_for(tmp_path, alert_retry_seconds=0.01, **settings)
    ingest(store, config, PAKISTAN[:1])
    AlertConsumer(alerts).run_until_empty()
    return alerts, config


def _send_until_settled(alerts: Alerts, settings: Settings, rounds: int = 20) -> None:
    for _ in range(rounds):
        _send(alerts, settings)
        if all(d.status != PENDING for d in alerts.all_deliveries()):
            return
        threading.Event().wait(0.05)


def test_retries_with_backoff_until_the_receiver_takes_it(
    store: Store, reader: User, tmp_path: Path
) -> None:
    receiver = Receiver(fail_first=2)
    with webhook_server(receiver) as url:
        alerts, settings = _one_webhook_alert(
            store, reader, tmp_path, url, receiver, alerts_allow_private_networks=True
        )
        _send_until_settled(alerts, settings)
    [delivery] = alerts.all_deliveries()
    assert delivery.status == SENT and delivery.attempts == 3
    assert [r["status"] for r in receiver.requests] == [500, 500, 200]
    assert len({r["delivery"] for r in receiver.requests}) == 1  # the same id on every try
    assert receiver.bad_signatures == 0


def test_a_receiver_that_always_fails_ends_as_a_dead_letter_shown_to_its_user(
    store: Store, reader: User, tmp_path: Path
) -> None:
    receiver = Receiver(always_fail=True)
    with webhook_server(receiver) as url:
        alerts, settings = _one_webhook_alert(
            store,
            reader,
            tmp_path,
            url,
            receiver,
            alerts_allow_private_networks=True,
            alert_max_attempts=3,
        )
        _send_until_settled(alerts, settings)
    [dead] = alerts.user_deliveries(reader.id, status=DEAD)
    assert dead.attempts == 3 and dead.last_error == "HTTP 500"
    assert len(receiver.requests) == 3
    other = Accounts(store).add_user("omar", "another long password", now=NOW)
    assert alerts.user_deliveries(other.id) == []
    assert not alerts.retry_dead(other.id, dead.id)  # not theirs
    assert alerts.retry_dead(reader.id, dead.id)
    assert alerts.all_deliveries()[0].status == PENDING


def test_webhooks_to_internal_addresses_are_refused_unless_allowed(
    store: Store, reader: User, tmp_path: Path
) -> None:
    with pytest.raises(InvalidURLError):
        validate_webhook_url("http://127.0.0.1:8080/hook", allow_private_networks=False)
    with pytest.raises(InvalidURLError):
        validate_webhook_url("http://[::1]/hook", allow_private_networks=False)
    assert validate_webhook_url("http://127.0.0.1:8080/h", allow_private_networks=True)
    receiver = Receiver()
    with webhook_server(receiver) as url:
        alerts, settings = _one_webhook_alert(
            store, reader, tmp_path, url, receiver, alert_max_attempts=1
        )
        _send(alerts, settings)
    [delivery] = alerts.all_deliveries()
    assert delivery.status == DEAD and "non-public address" in (delivery.last_error or "")
    assert receiver.requests == []  # nothing reached the loopback receiver


def test_a_rule_on_somebody_elses_follow_is_refused(store: Store, reader: User) -> None:
    other = Accounts(store).add_user("omar", "another long password", now=NOW)
    theirs = Accounts(store).add_follow(other.id, "country", "EG", "Egypt", now=NOW)
    with pytest.raises(NotFoundError):
        Alerts(store).add_rule(
            reader.id, theirs.id, mode="new", channel="email", target="x@example.org"
        )


@pytest.fixture
def apprise_inbox() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    got: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            got.append(json.loads(body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"json://127.0.0.1:{server.server_address[1]}/", got
    server.shutdown()
    server.server_close()


def test_apprise_sends_to_a_loopback_json_server(
    store: Store, reader: User, tmp_path: Path, apprise_inbox: tuple[str, list[dict[str, Any]]]
) -> None:
    url, got = apprise_inbox
    accounts, alerts = Accounts(store), Alerts(store)
    ai = accounts.add_follow(reader.id, "search", "الذكاء الاصطناعي", "AI", now=NOW)
    alerts.add_rule(reader.id, ai.id, mode="new", channel="apprise", target=url)
    settings = settings_for(tmp_path, alerts_allow_private_networks=True)
    ingest(store, settings, AI)
    AlertConsumer(alerts).run_until_empty()
    sent = _send(alerts, settings)
    assert sent.sent == 1 and len(got) == 1
    assert "الذكاء الاصطناعي" in got[0]["message"] or "الذكاء" in got[0]["message"]
    # Refused without the setting: the guard resolves the host first.
    refused = settings_for(tmp_path)
    from marsad.alerts.chat import send_apprise

    assert "non-public" in (send_apprise(url, "t", "b", allow_private_networks=False) or "")
    assert refused.alerts_allow_private_networks is False
