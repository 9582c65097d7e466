"""Shared parts of the alert tests: real articles through the pipeline, a loopback webhook
receiver that checks signatures, a real SMTP server (aiosmtpd). Named ``alertkit`` so no other
test folder's helper module shadows it."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from marsad.alerts.webhook import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify,
)
from marsad.config import Settings, load_settings
from marsad.pipeline.process import IncomingArticle, Pipeline
from marsad.store import Store
from marsad.store.store import OUTBOX_ALERT

NOW = datetime.now(UTC).replace(microsecond=0)

# Real-looking reports: two about Pakistan (English, one story), two Arabic about artificial
# intelligence (one story; the second with the clitic "والذكاء"), and one about neither.
PAKISTAN = [
    IncomingArticle(
        url="https://dawn.example/floods-sindh",
        title="Pakistan floods: Sindh villages evacuated as the Indus rises",
        text="Authorities in Pakistan evacuated villages in Sindh province on Monday as the "
        "Indus river rose after days of monsoon rain. Officials in Islamabad said the army "
        "had sent boats and helicopters to Karachi and Hyderabad districts. Pakistan's "
        "disaster management authority warned of more rain in the coming days.",
        language="en",
    ),
    IncomingArticle(
        url="https://tribune.example/indus-floods",
        title="Indus floods force evacuations across Sindh, Pakistan",
        text="Rising water on the Indus forced evacuations in Sindh, Pakistan, on Monday, "
        "officials in Islamabad said, after days of monsoon rain. The army sent boats and "
        "helicopters to districts near Karachi and Hyderabad, and the disaster management "
        "authority of Pakistan warned of more rain this week.",
        language="en",
    ),
]
AI = [
    IncomingArticle(
        url="https://arabic.example/ai-law",
        title="البرلمان الأوروبي يقر قانون الذكاء الاصطناعي",
        text="أقر البرلمان الأوروبي في ستراسبورغ اليوم قانون الذكاء الاصطناعي الذي ينظم "
        "استخدام أنظمة التعرف على الوجوه والنماذج اللغوية الكبيرة. وقال مقرر القانون إن "
        "الشركات أمامها عامان للالتزام بالقواعد الجديدة، وإن الغرامات قد تصل إلى سبعة في "
        "المئة من رقم المبيعات السنوي.",
        language="ar",
    ),
    IncomingArticle(
        url="https://akhbar.example/ai-europe",
        title="أوروبا تنظم التقنية: قانون جديد والذكاء الاصطناعي تحت الرقابة",
        text="صوّت البرلمان الأوروبي في ستراسبورغ على قانون يضع الذكاء الاصطناعي تحت "
        "الرقابة، ويشمل أنظمة التعرف على الوجوه والنماذج اللغوية الكبيرة. ويمنح القانون "
        "الشركات عامين للالتزام، مع غرامات تصل إلى سبعة في المئة من المبيعات السنوية.",
        language="ar",
    ),
]
OTHER = [
    IncomingArticle(
        url="https://sport.example/cup-final",
        title="Late goal wins the cup final in Madrid",
        text="A header in the last minute won the cup final at the stadium in Madrid on "
        "Saturday night, and the fans of the winning club sang in the streets until dawn.",
        language="en",
    ),
]


def settings_for(tmp_path: Path, **overrides: Any) -> Settings:
    env = {"MARSAD_HOME": str(tmp_path)}
    return load_settings(env=env, overrides=overrides)


def ingest(store: Store, settings: Settings, items: list[IncomingArticle]) -> list[int]:
    """Store ``items`` through the whole pipeline, asking for ``alert`` outbox rows."""
    pipeline = Pipeline(store, settings, story_outbox=[OUTBOX_ALERT])
    ids = []
    for n, item in enumerate(items):
        # Published a few minutes apart, now: stories that began after the rules were made.
        dated = IncomingArticle(**{**vars(item), "published_at": NOW + timedelta(minutes=n)})
        article, _ = pipeline.ingest(dated)
        ids.append(article.id)
    pipeline.close()
    return ids


@dataclass
class Receiver:
    """A loopback webhook receiver: checks each signature, fails the first ``fail_first``
    requests (HTTP 500), or all with ``always_fail``; dedupes by delivery id."""

    secret: dict[int, str] = field(default_factory=dict)  # rule id -> secret (set by the test)
    fail_first: int = 0
    always_fail: bool = False
    delay: float = 0.0  # seconds each request takes (a slow receiver: kills land mid-batch)
    requests: list[dict[str, Any]] = field(default_factory=list)
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def delivered(self) -> list[int]:
        """Delivery ids accepted (200), repeats included."""
        return [r["delivery"] for r in self.requests if r["status"] == 200]

    def handle(self, headers: Any, body: bytes) -> int:
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            payload = json.loads(body)
            secret = self.secret.get(int(payload["rule_id"]), "")
            ok = verify(secret, headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
            if not ok:
                self.bad_signatures += 1
            status = 200
            if not ok:
                status = 401
            elif self.always_fail or len(self.requests) < self.fail_first:
                status = 500
            self.requests.append(
                {"delivery": int(headers[DELIVERY_HEADER]), "status": status, "payload": payload}
            )
            return status


@contextmanager
def webhook_server(receiver: Receiver) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = receiver.handle(self.headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[int, list[Message]]]:
    """A real SMTP server on loopback (aiosmtpd): (port, messages received)."""
    inbox = _Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox.messages
    finally:
        controller.stop()
