"""What the scaling-out tests share: the services, the test installation, loopback feeds and
checks on the record (fixtures in conftest.py). The real PostgreSQL, RabbitMQ and Redis of this
machine are used.

Each test gets its own PostgreSQL schema (``pg_url``), its own queue names and Redis keys (a
``queue_prefix`` of its own), and its queues and keys are deleted afterwards, so tests never
disturb each other. Services: ``MARSAD_TEST_BROKER_URL`` (default amqp://guest:guest@127.0.0.1:5672/)
and ``MARSAD_TEST_REDIS_URL`` (default redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ingest"))

import sqlalchemy as sa
from feedgen_helpers import rss
from loopback import LoopbackServer, Reply

from marsad.store import open_store
from marsad.store import schema as t

BROKER_URL = os.environ.get("MARSAD_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/")
REDIS_URL = os.environ.get("MARSAD_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# Words that make each story's reports alike and unlike the other stories'.
TOPICS = [
    "floods river valley rescue boats villagers",
    "election ballots turnout parliament candidates",
    "earthquake tremor buildings collapsed aftershock",
    "wheat harvest drought farmers prices",
    "football final stadium goal champions",
]


def marsad_command(*args: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys; from marsad.cli.main import main; sys.exit(main())",
        *args,
    ]


@dataclass
class Scale:
    """One test's installation: store, queues, Redis keys, and the processes it started."""

    home: Path
    database_url: str
    prefix: str
    env: dict[str, str]
    procs: list[subprocess.Popen[str]] = field(default_factory=list)

    def start(self, *args: str, **env: str) -> subprocess.Popen[str]:
        log = self.home / f"{args[0]}-{len(self.procs)}.log"
        proc = subprocess.Popen(
            marsad_command(*args),
            env={**self.env, **env},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            text=True,
        )
        proc.log_path = log  # type: ignore[attr-defined]
        self.procs.append(proc)
        return proc

    def output(self, proc: subprocess.Popen[str]) -> str:
        return proc.log_path.read_text()  # type: ignore[attr-defined, no-any-return]

    def run(self, *args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            marsad_command(*args),
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def settings(self, **overrides: object) -> object:
        from marsad.config import load_settings

        return load_settings(env=self.env, overrides=overrides)


def wait_for(what: str, check: Callable[[], bool], timeout: float, step: float = 0.5) -> None:
    """Wait until ``check()``; fail saying ``what`` did not happen in ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(step)
    raise AssertionError(f"{what}: not within {timeout:.0f}s")


RSS = {"Content-Type": "application/rss+xml"}
HTML = {"Content-Type": "text/html"}


def story_page(feed: int, item: int, n_items: int) -> tuple[str, bytes]:
    """A report of one of five stories, in words of its own outlet (no two are copies)."""
    topic = TOPICS[(feed * n_items + item) % len(TOPICS)]
    words = topic.split()
    rng = random.Random(feed * 1000 + item)
    syllables = ["ka", "lo", "mi", "ren", "tas", "vu", "zor", "bel", "dri", "fen", "gul", "hos"]
    own = ["".join(rng.choice(syllables) for _ in range(4)) for _ in range(60)]
    title = f"{words[0].title()} {words[1]} {words[2]}: {own[0]} {own[1]}"
    sentences = " ".join(
        f"{own[2 + 6 * j].title()} {own[3 + 6 * j]} {words[j % len(words)]} {own[4 + 6 * j]} "
        f"{own[5 + 6 * j]} {own[6 + 6 * j]} {own[7 + 6 * j]}."
        for j in range(9)
    )
    html = (
        f"<!doctype html><html><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1><p>The {topic}.</p><p>{sentences}</p></article></body></html>"
    )
    return title, html.encode()


def serve_feeds(
    server: LoopbackServer,
    n_feeds: int,
    n_items: int,
    *,
    page_delay: float = 0.0,
    feed_delay: float = 0.0,
) -> tuple[list[str], set[str]]:
    feeds, expected = [], set()
    for f in range(n_feeds):
        items = []
        for i in range(n_items):
            title, html = story_page(f, i, n_items)
            url = server.route(f"/o{f}/a{i}", Reply(body=html, headers=HTML, delay=page_delay))
            items.append((url, title))
            expected.add(url)
        feeds.append(
            server.route(f"/o{f}.xml", Reply(body=rss(items), headers=RSS, delay=feed_delay))
        )
    return feeds, expected


def add_sources(database_url: str, feeds: list[str]) -> None:
    store = open_store(database_url)
    try:
        for url in feeds:
            store.add_source(url)
    finally:
        store.close()


def progress(database_url: str) -> tuple[int, int]:
    """(articles stored, outbox rows waiting for grouping)."""
    store = open_store(database_url, migrate_schema=False)
    try:
        return store.count_articles(), store.outbox_counts().get("group", 0)
    finally:
        store.close()


def check_record(database_url: str, expected: set[str]) -> None:
    """Every article stored once, each in exactly one story, nothing left in the outbox."""
    store = open_store(database_url, migrate_schema=False)
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(sa.select(t.articles.c.url, t.articles.c.story_id)).all()
            waiting = conn.execute(sa.select(sa.func.count()).select_from(t.outbox)).scalar_one()
            counted = conn.execute(
                sa.select(sa.func.sum(t.stories.c.article_count)).where(
                    t.stories.c.merged_into.is_(None)
                )
            ).scalar_one()
        urls = [r.url for r in rows]
        assert len(urls) == len(set(urls)), "an article stored twice"
        assert set(urls) == expected
        assert all(r.story_id is not None for r in rows), "an article without a story"
        assert waiting == 0, f"{waiting} rows left in the outbox"
        assert counted == len(expected), "story counts disagree with the articles"
    finally:
        store.close()
