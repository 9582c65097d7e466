"""Peak memory of a crawl meeting a huge feed (issue 17, point 8), this tree against a baseline.

One feed of ``--items`` RSS items (default 100,000, about 45 MB) is served by ``feed_server`` in
its own process; each contender crawls it once in a child process, with ``max_body_bytes``
raised so the body is accepted, ``fetch_article_pages`` off and every kept entry stored in a
fresh SQLite store (``Store.add_article`` only: this measures ingestion, not analysis). The
child reports its own peak RSS (``ru_maxrss``) and time.

``--baseline TREE`` runs the same child against the ``marsad`` package of another checkout,
e.g. ``git worktree add /tmp/marsad_old <commit before the fix>``.

Run: ``nice -n 10 .venv/bin/python bench/ingest/hugefeed.py [--items N] [--baseline TREE]``.
Target: peak RSS under 200 MB with 100,000 items.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TARGET_MB = 200.0


def _child(port: int, workdir: str) -> dict[str, Any]:
    # Imported here: the child's ``marsad`` comes from PYTHONPATH (this tree or the baseline).
    from marsad.config import load_settings
    from marsad.models import ExtractionStatus, NewArticle
    from marsad.pipeline.crawl import crawl_once
    from marsad.pipeline.process import IncomingArticle
    from marsad.store import open_store, utcnow

    settings = load_settings(
        env={},
        overrides={
            "home": workdir,
            "allow_private_networks": True,
            "per_host_delay": 0.0,
            "fetch_article_pages": False,
            "max_body_bytes": 200 * 1024 * 1024,
            "read_timeout": 120.0,
            "log_level": "WARNING",
        },
    )
    store = open_store(settings.effective_database_url)
    store.add_source(f"http://127.0.0.1:{port}/feed/0.xml")

    class StoreOnly:
        """Stands in for ``Pipeline``: stores each entry as it is; every other call the crawl
        makes on its pipeline (flush, notes, close: they change as the pipeline grows) is a
        no-op, so this bench measures ingestion alone on any tree."""

        def __getattr__(self, name: str) -> Any:
            return lambda *args, **kwargs: None

        def known(self, url: str, *aliases: str) -> bool:
            return store.find_article_id([url, *aliases]) is not None

        def ingest(self, item: IncomingArticle) -> Any:
            return store.add_article(
                NewArticle(
                    url=item.url,
                    source_id=item.source_id,
                    guid=item.guid,
                    title=item.title,
                    summary=item.summary,
                    text=item.text or item.summary,
                    published_at=item.published_at,
                    fetched_at=utcnow(),
                    extraction_status=ExtractionStatus.FEED_ONLY,
                )
            )

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.monotonic()
    summary = asyncio.run(crawl_once(store, settings, all_sources=True, pipeline=StoreOnly()))
    seconds = time.monotonic() - started
    source = store.list_sources()[0]
    stored = store.count_articles()
    store.close()
    return {
        "seconds": seconds,
        "stored": stored,
        "failed": summary.failed,
        "last_error": source.last_error,
        "rss_before_mb": before,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _run(tree: Path, port: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as workdir:
        env = {**os.environ, "PYTHONPATH": str(tree)}
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--port", str(port), "--workdir", workdir],
            capture_output=True,
            text=True,
            check=False,
            env=env,
            cwd=workdir,  # so the child's ``marsad`` is the one on PYTHONPATH
        )
    if done.returncode != 0:
        raise SystemExit(f"child on {tree} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.port, args.workdir)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "port"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.ingest.feed_server",
                str(port_file),
                "--feeds",
                "1",
                "--items",
                str(args.items),
            ],
            cwd=ROOT,
        )
        try:
            deadline = time.monotonic() + 60
            while not port_file.exists() or not port_file.read_text():
                if time.monotonic() > deadline:
                    raise SystemExit("feed server did not start")
                time.sleep(0.05)
            port = int(port_file.read_text())
            results = {"marsad": _run(ROOT, port)}
            if args.baseline:
                results["baseline"] = _run(args.baseline.resolve(), port)
        finally:
            server.terminate()
            server.wait()
    print(f"huge feed: 1 feed of {args.items} items, loopback, max_body_bytes 200 MiB")
    names = list(results)
    print(
        f"{'':24}" + "".join(f"{n:>14}" for n in names) + ("    marsad/baseline" * (len(names) > 1))
    )
    rows = (
        ("rss_before_mb", "RSS before crawl (MB)"),
        ("peak_rss_mb", "peak RSS (MB)"),
        ("seconds", "crawl seconds"),
    )
    for key, label in rows:
        values = [results[n][key] for n in names]
        line = f"{label:24}" + "".join(f"{v:14.1f}" for v in values)
        if len(values) > 1 and values[1]:
            line += f"{values[0] / values[1]:19.2f}"
        print(line)
    for name in names:
        r = results[name]
        print(f"{name}: stored {r['stored']}, failed {r['failed']}, recorded: {r['last_error']}")
    ours = results["marsad"]
    ok = ours["peak_rss_mb"] < TARGET_MB and ours["failed"] == 0
    print(f"target: peak RSS < {TARGET_MB:.0f} MB: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
