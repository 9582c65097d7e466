"""Search at scale: build rate, index size and query latency on SQLite FTS5 and PostgreSQL.

    nice -n 10 .venv/bin/python -m bench.search.scale --articles 200000 [--backend sqlite]
        [--pg-url postgresql://postgres@127.0.0.1:5432/test] [--workers 2] [--queries 300]

Articles are made by resampling the sentences and titles of the ANT sample
(``$MARSAD_EVAL_DATA/ant-arabic-news/ant_multisource_sample.jsonl.gz``, 3,075 Arabic news
articles): each body draws sentences until it reaches the length of a random real body, so the
vocabulary and term frequencies are those of real Arabic news. Dates rise with the id over one
year; each article gets one of the 5 ANT sources, a language (90% ar) and 1-2 countries.

Queries: 1-3 words drawn from three frequency bands of the generated text (common: the 100 most
frequent analysed terms, the known FTS5 trap; medium; rare), with and without filters, through
``marsad.search.search`` (limit 10, facets on, snippets). Side by side: the bare FTS5 query a
plain deployment would run (``ORDER BY bm25 LIMIT 10`` over every match) for the same words.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import random
import re
import resource
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.common import eval_data_dir
from marsad.search import reindex_all, search
from marsad.store import Store, open_store
from marsad.store import schema as t
from marsad.text import analyze

_SENTENCE_RE = re.compile(r"[^.!?؟\n]+[.!?؟]?")
COUNTRIES = ["EG", "SA", "AE", "SY", "IQ", "LB", "US", "RU", "FR", "GB", "TR", "IR", "MA", "PS"]
START = datetime(2024, 1, 1, tzinfo=UTC)


def load_ant() -> tuple[list[str], list[str], list[int], list[str]]:
    path = eval_data_dir() / "ant-arabic-news" / "ant_multisource_sample.jsonl.gz"
    titles, sentences, lengths, texts = [], [], [], []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if not d.get("text"):
                continue
            titles.append(d["title"])
            texts.append(d["text"])
            lengths.append(len(d["text"]))
            sentences.extend(s.strip() for s in _SENTENCE_RE.findall(d["text"]) if len(s) > 20)
    return titles, sentences, lengths, texts


def populate(store: Store, n: int, seed: int = 7) -> float:
    """Insert ``n`` synthetic articles in bulk; returns seconds (not part of the index build)."""
    rng = random.Random(seed)
    titles, sentences, lengths, _ = load_ant()
    started = time.perf_counter()
    now = datetime.now(UTC)
    with store.transaction() as conn:
        source_ids = [
            int(
                conn.execute(
                    t.sources.insert().values(
                        url=f"https://{name}.example/rss",
                        kind="feed",
                        title=name,
                        created_at=now,
                        updated_at=now,
                    )
                ).inserted_primary_key[0]
            )
            for name in ("Alarabia", "BBC", "CNN", "France24", "SkyNews")
        ]
    batch: list[dict[str, Any]] = []
    countries: list[dict[str, Any]] = []
    step = timedelta(days=365) / max(n, 1)
    for i in range(1, n + 1):
        target = rng.choice(lengths)
        body: list[str] = []
        size = 0
        while size < target:
            s = rng.choice(sentences)
            body.append(s)
            size += len(s) + 1
        batch.append(
            {
                "id": i,
                "url": f"https://news.example/{i}",
                "title": rng.choice(titles),
                "text": " ".join(body),
                "language": "ar" if rng.random() < 0.9 else "en",
                "source_id": rng.choice(source_ids),
                "published_at": START + step * i,
                "extraction_status": "ok",
                "created_at": now,
            }
        )
        for c in rng.sample(COUNTRIES, rng.choice((1, 1, 2))):
            countries.append(
                {"article_id": i, "country": c, "score": 1.0, "is_about": True, "mentions": 1}
            )
        if len(batch) == 5_000 or i == n:
            with store.transaction() as conn:
                conn.execute(t.articles.insert(), batch)
                conn.execute(t.article_countries.insert(), countries)
            batch, countries = [], []
    return time.perf_counter() - started


def term_bands(texts: list[str], rng: random.Random) -> dict[str, list[str]]:
    """Surface words by the document frequency of their analysed term in the ANT sample."""
    df: Counter[str] = Counter()
    surface: dict[str, Counter[str]] = {}
    for text in texts[:1500]:
        for word in set(re.findall(r"[^\W\d_]{3,}", text)):
            terms = analyze(word, "ar")
            if len(terms) != 1:
                continue
            df[terms[0]] += 1
            surface.setdefault(terms[0], Counter())[word] += 1
    ranked = [term for term, _ in df.most_common()]
    pick = {term: surface[term].most_common(1)[0][0] for term in ranked}
    return {
        "common": [pick[x] for x in ranked[:100]],
        "medium": [pick[x] for x in ranked[300:2000]],
        "rare": [pick[x] for x in ranked if 2 <= df[x] <= 3][:3000],
    }


def make_queries(
    bands: dict[str, list[str]], count: int, rng: random.Random
) -> list[tuple[str, str]]:
    filters = ["country:EG", "lang:ar", "source:BBC", "from:2024-10-01", "region:middle_east"]
    out: list[tuple[str, str]] = []
    kinds = [(b, f) for b in bands for f in (False, True)]
    for i in range(count):
        band, with_filter = kinds[i % len(kinds)]
        words = rng.sample(bands[band], rng.choice((1, 2, 3)))
        query = " ".join(words)
        if with_filter:
            query += " " + rng.choice(filters)
        out.append((f"{band}{'+filter' if with_filter else ''}", query))
    return out


def percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    q = statistics.quantiles(values, n=100, method="inclusive")
    return f"p50 {q[49]:7.1f}  p95 {q[94]:7.1f}  p99 {q[98]:7.1f} ms (n={len(values)})"


def index_size(store: Store, path: Path | None) -> int:
    if store.dialect == "sqlite":
        with store.search_connection() as conn:
            try:
                return int(
                    conn.exec_driver_sql(
                        "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_fts%'"
                    ).scalar_one()
                )
            except sa.exc.OperationalError:  # SQLite built without dbstat
                return path.stat().st_size if path else -1
    with store.search_connection() as conn:
        return int(
            conn.exec_driver_sql("SELECT pg_total_relation_size('search_docs')").scalar_one()
        )


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the analysis workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def bare_fts5(store: Store, words: str) -> float:
    """The plain FTS5 query: rank every match by bm25, take 10 (the known trap)."""
    terms = [x for w in words.split() for x in analyze(w, None)]
    if not terms:
        return 0.0
    expr = " AND ".join(f'"{x}"' for x in terms)
    with store.search_connection() as conn:
        started = time.perf_counter()
        conn.exec_driver_sql(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY bm25(search_fts) "
            "LIMIT 10",
            (expr,),
        ).all()
        return (time.perf_counter() - started) * 1000


def run_backend(name: str, url: str, path: Path | None, args: argparse.Namespace) -> None:
    store = open_store(url)
    if store.count_articles():  # --sqlite-path / --pg-schema from a former run
        print(f"[{name}] reusing the index ({store.count_articles():,} articles)")
        try:
            measure_queries(name, store, args)
        finally:
            store.close()
        return
    try:
        insert_s = populate(store, args.articles)
        print(f"[{name}] inserted {args.articles:,} articles in {insert_s:.1f}s (setup)")
        started = time.perf_counter()
        cpu_before = _cpu_seconds()
        indexed = reindex_all(store, workers=args.workers)
        build_s = time.perf_counter() - started
        cpu_s = _cpu_seconds() - cpu_before
        size = index_size(store, path)
        print(
            f"[{name}] index build: {indexed:,} articles in {build_s:.1f}s wall = "
            f"{indexed / build_s:,.0f} articles/s (workers={args.workers}); "
            f"{cpu_s:.1f} CPU-s in Python = {indexed / max(cpu_s, 1e-9):,.0f} articles/CPU-s "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores); "
            f"index size {size / 2**20:,.1f} MiB ({size / max(indexed, 1):,.0f} B/article)"
        )
        measure_queries(name, store, args)
    finally:
        store.close()


def measure_queries(name: str, store: Store, args: argparse.Namespace) -> None:
    rng = random.Random(11)
    _, _, _, texts = load_ant()
    bands = term_bands(texts, rng)
    queries = make_queries(bands, args.queries, rng)
    if args.sqlite_path and store.dialect == "sqlite":
        # A busy server's index stays in the page cache; an idle one's may not (this VM gives
        # cold pages back within minutes, and then the same queries took 2-4x as long).
        started = time.perf_counter()
        with open(args.sqlite_path, "rb") as fh:
            while fh.read(1 << 24):
                pass
        print(f"[{name}] read the database file once in {time.perf_counter() - started:.1f}s")
    for _, q in queries[:10]:  # warm the page cache
        search(store, q, limit=10)
    by_kind: dict[str, list[float]] = {}
    cpu_by_kind: dict[str, list[float]] = {}
    timed: list[tuple[float, str]] = []
    load = os.getloadavg()[0]
    for kind, q in queries:
        started, cpu = time.perf_counter(), time.process_time()
        search(store, q, limit=10)
        elapsed = (time.perf_counter() - started) * 1000
        cpu_by_kind.setdefault(kind, []).append((time.process_time() - cpu) * 1000)
        by_kind.setdefault(kind, []).append(elapsed)
        timed.append((elapsed, q))
    everything = [v for vs in by_kind.values() for v in vs]
    print(
        f"[{name}] search latency, all queries:   {percentiles(everything)} "
        f"(load average {load:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    for kind in sorted(by_kind):
        print(f"[{name}]   {kind:15s}               {percentiles(by_kind[kind])}")
    # On a shared machine wall time includes waiting for a core; the CPU time this process
    # spent (all of SQLite's work, none of PostgreSQL's server) does not.
    cpu_all = [v for vs in cpu_by_kind.values() for v in vs]
    print(f"[{name}] CPU time of this process, all:  {percentiles(cpu_all)}")
    for elapsed, q in sorted(timed, reverse=True)[:3]:
        print(f"[{name}]   slowest: {elapsed:8.1f} ms  {q}")
    if store.dialect == "sqlite":
        bare = [bare_fts5(store, q) for kind, q in queries if kind == "common"]
        print(f"[{name}] bare FTS5 bm25 over all matches, common words: {percentiles(bare)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--dir", help="where the SQLite file goes (default: a temporary directory)")
    ap.add_argument(
        "--pg-schema", help="keep the PostgreSQL index in this schema; when filled, only measure"
    )
    ap.add_argument(
        "--sqlite-path", help="keep the SQLite index here; when it exists, only measure queries"
    )
    args = ap.parse_args()
    # The rebuild's own log line says how long the final merge (FTS5 optimize) took.
    logging.basicConfig(level=logging.WARNING, format="[%(name)s] %(message)s")
    logging.getLogger("marsad.search.index").setLevel(logging.INFO)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        if args.backend in ("sqlite", "both"):
            path = Path(args.sqlite_path) if args.sqlite_path else Path(tmp) / "scale.db"
            run_backend("sqlite", f"sqlite:///{path}", path, args)
        if args.backend in ("postgresql", "both"):
            schema = args.pg_schema or f"bench_search_{int(time.time())}"
            admin = sa.create_engine(
                args.pg_url.replace("postgresql://", "postgresql+psycopg://", 1),
                isolation_level="AUTOCOMMIT",
            )
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            sep = "&" if "?" in args.pg_url else "?"
            try:
                run_backend(
                    "postgresql", f"{args.pg_url}{sep}options=-csearch_path%3D{schema}", None, args
                )
            finally:
                if not args.pg_schema:
                    with admin.connect() as conn:
                        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                admin.dispose()


if __name__ == "__main__":
    main()
