"""Eight processes writing the same 1,000 articles at once: one row per natural key, no errors.

Before ON CONFLICT writes, three crawls at once on PostgreSQL printed about 1,600
``IntegrityError`` tracebacks (select-then-insert lost the race); here every write path of an
article (row, aliases, source link, entities, names, countries, signature, translation) is
raced by eight real processes, on both backends.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from marsad.store import open_store
from marsad.store import schema as t

CHILD = Path(__file__).with_name("same_articles_child.py")
WRITERS = 8
N = 1000


def test_eight_writers_of_the_same_articles_store_each_once(database_url: str) -> None:
    store = open_store(database_url)
    store.add_source("https://same.example/feed")
    env = {**os.environ, "PYTHONPATH": str(CHILD.parent.parent.parent)}
    children = [
        subprocess.Popen(
            [sys.executable, str(CHILD), database_url, str(seed)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for seed in range(WRITERS)
    ]
    results = [child.communicate(timeout=600) for child in children]
    try:
        for child, (_out, err) in zip(children, results, strict=True):
            assert child.returncode == 0, err[-3000:]
            assert "Traceback" not in err and "IntegrityError" not in err, err[-3000:]
        # Between them the writers created each article exactly once.
        assert sum(int(out) for out, _ in results) == N
        with store.engine.connect() as conn:

            def count(table: sa.Table) -> int:
                return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())

            assert count(t.articles) == N
            # The guid and the tracking-parameter URL, plus the URL itself: a writer that finds
            # an article known records the key it came with (as a single writer re-run does).
            assert count(t.article_aliases) == 3 * N
            assert count(t.article_sources) == N
            assert count(t.article_countries) == N
            assert count(t.article_entities) == N
            assert count(t.article_signatures) == N
            assert count(t.entities) == 37
            assert count(t.entity_names) == 2 * 37
            assert count(t.translations) == N // 10
            urls = conn.execute(sa.select(t.articles.c.url)).scalars().all()
        assert sorted(urls) == sorted(f"https://same.example/a/{i}" for i in range(N))
    finally:
        store.close()
