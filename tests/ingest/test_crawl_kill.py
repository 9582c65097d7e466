"""SIGKILL of a crawling process at random points, then a rerun: the same articles, stories and
search index as an uninterrupted run (compared as partitions of article URLs).

Before the outbox, an article stored just before a kill was never indexed (1,000 stored, 999
searchable) and the rerun called it "already known"; now the article, its index entry and its
grouping hand-off commit together, and the next grouping holder decides what a killed one left.
SQLite gets 20 kills; PostgreSQL 6, to keep the suite's time modest on 2 cores.
"""

from __future__ import annotations

import random
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from loopback import LoopbackServer
from test_crawl_processes import (
    check_store,
    marsad_command,
    marsad_env,
    serve_feeds,
    user_visible_problems,
)

from marsad.search.index import index_disagreement
from marsad.store import open_store
from marsad.store import schema as t

N_FEEDS = 16


def _partition(database_url: str) -> tuple[set[frozenset[str]], set[str]]:
    """(stories as sets of URLs, URLs in the search index)."""
    store = open_store(database_url)
    try:
        missing, extra = index_disagreement(store)
        assert (missing, extra) == ([], [])
        with store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(t.articles.c.url, t.articles.c.story_id, t.articles.c.duplicate_of)
            ).all()
        stories: dict[int, set[str]] = {}
        for r in rows:
            stories.setdefault(r.story_id, set()).add(r.url)
        indexed = {r.url for r in rows if r.duplicate_of is None}
        return {frozenset(s) for s in stories.values()}, indexed
    finally:
        store.close()


def _setup(database_url: str, feeds: list[str]) -> None:
    store = open_store(database_url)
    for url in feeds:
        store.add_source(url)
    store.close()


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        marsad_command("crawl", "--once"), env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert user_visible_problems(done.stdout + done.stderr) == [], done.stderr[-3000:]
    return done


@pytest.mark.parametrize(("backend", "kills"), [("sqlite", 20), ("postgresql", 6)])
def test_sigkill_at_random_points_then_rerun_matches_an_uninterrupted_run(
    backend: str,
    kills: int,
    tmp_path: Path,
    server: LoopbackServer,
    request: pytest.FixtureRequest,
) -> None:
    feeds, expected = serve_feeds(server, N_FEEDS)

    def url_for(name: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / name / 'marsad.db'}"
        return str(request.getfixturevalue("pg_url")) if name == "killed" else _second_pg(request)

    reference_url = url_for("reference")
    _setup(reference_url, feeds)
    _run(marsad_env(tmp_path / "reference", reference_url))
    check_store(reference_url, expected)

    killed_url = url_for("killed")
    _setup(killed_url, feeds)
    env = marsad_env(tmp_path / "killed", killed_url)
    rng = random.Random(16)
    for _ in range(kills):
        child = subprocess.Popen(
            marsad_command("crawl", "--once"),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Start-up (imports, knowledge) takes a second or two: kill anywhere from there.
        time.sleep(rng.uniform(0.5, 3.5))
        child.kill()
        child.wait()
    _run(env)
    check_store(killed_url, expected)
    killed, reference = _partition(killed_url), _partition(reference_url)
    assert killed[1] == reference[1], "indexed articles differ"
    assert killed[0] == reference[0], _describe(killed[0], reference[0])


def _describe(a: set[frozenset[str]], b: set[frozenset[str]]) -> str:
    def short(story: frozenset[str]) -> list[str]:
        return sorted(u.split("/", 3)[-1] for u in story)

    return (
        f"sizes {sorted(map(len, a))} vs {sorted(map(len, b))}; only after kills: "
        f"{[short(s) for s in a - b]}; only uninterrupted: {[short(s) for s in b - a]}"
    )


def _second_pg(request: pytest.FixtureRequest) -> str:
    """Another fresh PostgreSQL schema beside ``pg_url``'s (dropped afterwards)."""
    admin = request.getfixturevalue("pg_admin")
    first = str(request.getfixturevalue("pg_url"))
    schema = f"marsad_t_ref_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    request.addfinalizer(drop)
    base = first.split("options=", 1)[0].rstrip("?&")
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
