"""Alerts in the single-process mode (issue 20): a reader's rule exists, `marsad crawl --once`
stores a new story about the followed country, and the crawl itself delivers the signed webhook
(the pipeline leaves the changed story to the alert consumer only while some rule exists)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from feedgen_helpers import rss
from loopback import LoopbackServer, Reply

from marsad.alerts.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from marsad.cli.main import main
from marsad.store import open_store
from marsad.store.accounts import Accounts
from marsad.store.alerts import Alerts

RSS = {"Content-Type": "application/rss+xml"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
PAGES = [
    (
        "Pakistan floods: Sindh villages evacuated as the Indus rises",
        "Authorities in Pakistan evacuated villages in Sindh province on Monday as the Indus "
        "river rose after days of monsoon rain. Officials in Islamabad said the army had sent "
        "boats and helicopters to Karachi and Hyderabad districts. Pakistan's disaster "
        "management authority warned of more rain in the coming days.",
    ),
    (
        "Late goal wins the cup final in Madrid",
        "A header in the last minute won the cup final at the stadium in Madrid on Saturday "
        "night, and the fans of the winning club sang in the streets of Spain's capital.",
    ),
]


def _page(title: str, text: str) -> bytes:
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1><p>{text}</p><p>{text}</p></article></body></html>"
    ).encode()


@contextmanager
def _receiver(posts: list[tuple[dict[str, str], bytes]]) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            posts.append(({k: v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def _sources_and_reader(home: Path, server: LoopbackServer, hook: str | None) -> str:
    """The feed of PAGES followed; a reader following Pakistan, with a webhook rule when
    ``hook`` is given. Returns the rule's secret."""
    items = [
        (server.route(f"/a/{n}", Reply(body=_page(title, text), headers=HTML)), title)
        for n, (title, text) in enumerate(PAGES)
    ]
    assert (
        main(["sources", "add", server.route("/feed.xml", Reply(body=rss(items), headers=RSS))])
        == 0
    )
    store = open_store(f"sqlite:///{home / 'marsad.db'}")
    secret = ""
    try:
        now = datetime.now(UTC)
        reader = Accounts(store).add_user("amina", "a long enough password", now=now)
        follow = Accounts(store).add_follow(reader.id, "country", "PK", "باكستان", now=now)
        if hook is not None:
            rule = Alerts(store).add_rule(
                reader.id, follow.id, mode="new", channel="webhook", target=hook
            )
            secret = rule.secret
    finally:
        store.close()
    return secret


def test_crawl_once_delivers_the_alert_of_a_new_story(
    marsad_home: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARSAD_ALERTS_ALLOW_PRIVATE_NETWORKS", "true")
    posts: list[tuple[dict[str, str], bytes]] = []
    with _receiver(posts) as hook:
        secret = _sources_and_reader(marsad_home, server, hook)
        assert main(["crawl", "--once"]) == 0
    assert len(posts) == 1  # the Pakistan story; the cup final concerns no follow
    headers, body = posts[0]
    assert verify(secret, headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
    assert headers[DELIVERY_HEADER]
    assert "Pakistan" in json.loads(body)["story"]["title"]
    store = open_store(f"sqlite:///{marsad_home / 'marsad.db'}")
    try:
        assert store.outbox_counts() == {}  # the alert rows were consumed
    finally:
        store.close()


def test_without_a_rule_no_alert_work_is_left(marsad_home: Path, server: LoopbackServer) -> None:
    _sources_and_reader(marsad_home, server, None)
    assert main(["crawl", "--once"]) == 0
    store = open_store(f"sqlite:///{marsad_home / 'marsad.db'}")
    try:
        assert store.count_articles() == len(PAGES)
        assert store.outbox_counts() == {}
    finally:
        store.close()
