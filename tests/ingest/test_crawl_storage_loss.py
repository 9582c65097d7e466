"""The database lost in the middle of ``marsad crawl``: one clear line, exit 2, and nothing lost.

A TCP proxy between Marsad and PostgreSQL is cut while a pass stores articles. Before, the
pass printed hundreds of tracebacks ("cannot schedule new futures after shutdown", "client has
been closed") and the finished sources lost their poll state; now the other sources are
cancelled and awaited, one ``marsad: error:`` line is printed, and once the database is back a
rerun stores the rest: every article once, every one searchable.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from loopback import LoopbackServer
from pgproxy import TCPProxy, target_of
from test_crawl_processes import (
    N_ITEMS,
    check_store,
    marsad_command,
    marsad_env,
    serve_feeds,
    user_visible_problems,
)

from marsad.store import open_store

N_FEEDS = 40


def test_database_cut_mid_pass_stops_cleanly_then_rerun_completes(
    pg_url: str, tmp_path: Path, server: LoopbackServer
) -> None:
    feeds, expected = serve_feeds(server, N_FEEDS)
    store = open_store(pg_url)
    for url in feeds:
        store.add_source(url)
    with TCPProxy(target_of(pg_url)) as proxy:
        env = marsad_env(tmp_path / "home", proxy.rewrite_url(pg_url))
        env["MARSAD_PER_HOST_CONCURRENCY"] = "2"  # a pass long enough to be cut
        child = subprocess.Popen(
            marsad_command("crawl", "--once"),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while store.count_articles() < 40:
            assert child.poll() is None, "the pass ended before the cut"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proxy.cut()
        out, err = child.communicate(timeout=120)
        stored_at_cut = store.count_articles()
        assert child.returncode == 2, (out, err)
        errors = [line for line in err.splitlines() if line.startswith("marsad: error:")]
        assert len(errors) == 1, err
        assert user_visible_problems(out + err) == [], err[-3000:]
        assert len(err.splitlines()) <= 3, err  # the error line, at most a warning or two
        # Every source saved as polled has all its articles stored (its state came after them).
        done = [s for s in store.list_sources() if s.last_success_at is not None]
        for source in done:
            assert source.article_count == N_ITEMS, source.url
        proxy.restore()
        rerun = subprocess.run(
            marsad_command("crawl", "--once"), env=env, capture_output=True, text=True, timeout=300
        )
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        assert user_visible_problems(rerun.stdout + rerun.stderr) == []
    store.close()
    assert stored_at_cut < len(expected)
    check_store(pg_url, expected)
    # Sources whose poll state was saved before the cut were not fetched again.
    for source in done:
        assert server.hits[source.url.split(str(server.port), 1)[1]] == 1
