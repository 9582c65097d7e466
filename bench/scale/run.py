"""Issue 19's speed figures, side by side in one run on one loopback corpus (``bench.scale.corpus``):

1. **Modes.** The same F feeds x M article pages (fetched, extracted, analysed, stored, grouped)
   through ``marsad crawl --once`` (the single-process mode, on SQLite, and on PostgreSQL to
   tell the store's share from the distribution's), then through a scheduler and 1, 2 and 4
   ``marsad worker`` processes (2 threads each; every worker serves every queue, one holds the
   grouping lock) on PostgreSQL, RabbitMQ and Redis. Each: wall seconds until every article is
   stored and grouped (workers are started and ready before the clock starts; ``crawl --once``
   includes its own start-up), articles/s, and CPU-seconds per article of Marsad's processes
   (``getrusage`` of the waited children). The PostgreSQL, RabbitMQ and Redis servers' CPU is
   read from /proc for the same span: box-wide, other jobs on the box included.
2. **Grouping holder ceiling.** A PostgreSQL store holding a window of W articles (synthetic
   signatures, stories of ten); a holder (``Pipeline``) loads it; another pipeline stores K new
   analysed articles without grouping (analysis done elsewhere, not timed); the holder's
   ``drain`` of them is timed: articles/s.
3. **Store size.** After the PostgreSQL ``crawl --once``: ``pg_total_relation_size`` of every
   table (indexes, TOAST, the search index included) per stored article.
4. **Unchanged feeds.** E feeds without news, polled once, made due again; the scheduler and the
   4 workers poll them all again (304 Not Modified): feeds/s. ``--parts unchanged`` runs this
   alone (no article feeds), through the most workers of ``--workers``.

Run: ``python -m bench.scale [--feeds 200 --items 5 --window 100000 --drain 1000 --empty 2000 --parts modes,holder,size]``
(needs PostgreSQL at ``MARSAD_BENCH_PG_URL``, default postgresql://postgres@127.0.0.1:5432/test,
RabbitMQ at ``MARSAD_BENCH_BROKER_URL`` and Redis at ``MARSAD_BENCH_REDIS_URL``). Prints one
table and the ratios; ``--quick`` for a smoke run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

HERE = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("MARSAD_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
BROKER_URL = os.environ.get("MARSAD_BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/")
REDIS_URL = os.environ.get("MARSAD_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SERVICES = ("postgres", "beam.smp", "redis-server")


def marsad(*args: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys; from marsad.cli.main import main; sys.exit(main())",
        *args,
    ]


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def proc_cpu(pid: int, *, children: bool = False) -> float:
    """CPU-seconds of a live process (and of its waited children: a server's exited ones)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def services_cpu() -> float:
    """CPU-seconds so far of the PostgreSQL, RabbitMQ and Redis servers (box-wide): their live
    processes and, through their parents' children times, the exited ones (PostgreSQL's
    backends of closed connections)."""
    total = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if name in SERVICES or name.startswith("postgres"):
            total += proc_cpu(int(pid), children=True)
    return total


@contextmanager
def pg_schema() -> Iterator[str]:
    admin = sa.create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    schema = f"bench_scale_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def progress(database_url: str) -> tuple[int, int]:
    from marsad.store import open_store

    store = open_store(database_url, migrate_schema=False)
    try:
        return store.count_articles(), store.outbox_counts().get("group", 0)
    finally:
        store.close()


def add_sources(database_url: str, urls: list[str]) -> None:
    from marsad.store import open_store

    store = open_store(database_url)
    try:
        for url in urls:
            store.add_source(url)
    finally:
        store.close()


@dataclass
class Figure:
    mode: str
    articles: int
    seconds: float
    cpu: float  # Marsad's processes
    services: float  # PostgreSQL + RabbitMQ + Redis servers, box-wide

    @property
    def per_second(self) -> float:
        return self.articles / self.seconds

    @property
    def cpu_per_article(self) -> float:
        return self.cpu / self.articles


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        port_file = work / "port"
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.scale.corpus",
                str(port_file),
                "--feeds",
                str(args.feeds),
                "--items",
                str(args.items),
                "--empty",
                str(args.empty),
            ],
            cwd=HERE,
        )
        while not port_file.exists() or not port_file.read_text():
            time.sleep(0.05)
        self.port = int(port_file.read_text())
        self.feeds = [f"http://127.0.0.1:{self.port}/feed/{i}.xml" for i in range(args.feeds)]
        self.total = args.feeds * args.items

    def close(self) -> None:
        self.server.terminate()
        self.server.wait()

    def env(self, database_url: str, prefix: str, home: Path) -> dict[str, str]:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith("MARSAD_") or k == "PYTHONPATH"
        }
        env.update(
            MARSAD_HOME=str(home),
            MARSAD_DATABASE_URL=database_url,
            MARSAD_BROKER_URL=BROKER_URL,
            MARSAD_REDIS_URL=REDIS_URL,
            MARSAD_QUEUE_PREFIX=prefix,
            MARSAD_ALLOW_PRIVATE_NETWORKS="true",
            MARSAD_PER_HOST_CONCURRENCY="32",
            MARSAD_PER_HOST_DELAY="0",
            MARSAD_GLOBAL_CONCURRENCY="64",
            MARSAD_LOG_LEVEL="WARNING",
        )
        return env

    # -- the single-process mode ----------------------------------------------------------
    def startup(self, database_url: str) -> tuple[float, float]:
        """(wall, CPU) seconds of ``crawl --once`` with nothing to poll: its start-up, taken
        off its figures (the workers are started before their clock starts)."""
        home = Path(tempfile.mkdtemp(dir=self.work))
        env = self.env(database_url, "unused", home)
        add_sources(database_url, [])
        cpu, start = children_cpu(), time.perf_counter()
        subprocess.run(marsad("crawl", "--once"), env=env, capture_output=True, check=True)
        return time.perf_counter() - start, children_cpu() - cpu

    def single(self, database_url: str, label: str, startup: tuple[float, float]) -> Figure:
        home = Path(tempfile.mkdtemp(dir=self.work))
        env = self.env(database_url, "unused", home)
        add_sources(database_url, self.feeds)
        cpu, svc, start = children_cpu(), services_cpu(), time.perf_counter()
        done = subprocess.run(marsad("crawl", "--once"), env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode:
            raise SystemExit(f"crawl --once failed: {done.stderr[-2000:]}")
        stored, waiting = progress(database_url)
        assert stored == self.total and waiting == 0, (stored, waiting)
        return Figure(
            label,
            stored,
            seconds - startup[0],
            children_cpu() - cpu - startup[1],
            services_cpu() - svc,
        )

    # -- the distributed mode -------------------------------------------------------------
    def start_workers(self, env: dict[str, str], n: int, home: Path) -> list[subprocess.Popen[str]]:
        workers = []
        for k in range(n):
            log = (home / f"worker-{k}.log").open("w")
            workers.append(
                subprocess.Popen(
                    marsad("worker", "--threads", "2"),
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )
        deadline = time.monotonic() + 180
        while not all("worker ready" in (home / f"worker-{k}.log").read_text() for k in range(n)):
            if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
                raise SystemExit(f"workers did not start; see {home}")
            time.sleep(0.2)
        return workers

    @staticmethod
    def stop(procs: list[subprocess.Popen[str]]) -> None:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=180)

    def start_scheduler(self, env: dict[str, str], home: Path, name: str) -> subprocess.Popen[str]:
        log = home / f"{name}.log"
        scheduler = subprocess.Popen(
            marsad("scheduler"),
            env={**env, "MARSAD_LOG_LEVEL": "INFO"},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 120
        while "leading" not in log.read_text():
            if time.monotonic() > deadline or scheduler.poll() is not None:
                raise SystemExit(f"the scheduler did not start; see {log}")
            time.sleep(0.1)
        return scheduler

    def distributed(self, database_url: str, n: int, *, unchanged: bool = False) -> list[Figure]:
        """Workers and scheduler started (and ready) first; the clock starts when the sources
        are added; CPU is the processes' own, from /proc, over the same span."""
        home = Path(tempfile.mkdtemp(dir=self.work))
        prefix = f"bench{uuid.uuid4().hex[:8]}"
        env = self.env(database_url, prefix, home)
        add_sources(database_url, [])
        figures = []
        try:
            workers = self.start_workers(env, n, home)
            scheduler = self.start_scheduler(env, home, "scheduler")
            procs = [*workers, scheduler]
            cpu = sum(proc_cpu(p.pid) for p in procs)
            svc, start = services_cpu(), time.perf_counter()
            add_sources(database_url, self.feeds)
            deadline = time.monotonic() + 3600
            while progress(database_url) != (self.total, 0):
                if time.monotonic() > deadline:
                    raise SystemExit(f"not all stored and grouped within an hour; see {home}")
                time.sleep(0.2)
            seconds = time.perf_counter() - start
            if self.total:  # --parts unchanged: no article feeds
                figures.append(
                    Figure(
                        f"scheduler + {n} worker{'s' if n > 1 else ''}",
                        self.total,
                        seconds,
                        sum(proc_cpu(p.pid) for p in procs) - cpu,
                        services_cpu() - svc,
                    )
                )
            if unchanged:
                figures.append(self.unchanged(database_url, procs, home, n))
            self.stop(procs)
        finally:
            self.clean(env)
        return figures

    def unchanged(
        self, database_url: str, procs: list[subprocess.Popen[str]], home: Path, n: int
    ) -> Figure:
        """Poll E feeds without news once (warm), make them due again, time the second round
        (from marking them due until every one is polled: the scheduler notices within its
        2 s idle wait)."""
        from marsad.store import open_store, utcnow
        from marsad.store import schema as t

        urls = [f"http://127.0.0.1:{self.port}/empty/{i}.xml" for i in range(self.args.empty)]
        store = open_store(database_url, migrate_schema=False)
        s = t.sources
        empty = s.c.url.like(f"http://127.0.0.1:{self.port}/empty/%")

        def polled_since(when: object) -> int:
            with store.engine.connect() as conn:
                return int(
                    conn.execute(
                        sa.select(sa.func.count())
                        .select_from(s)
                        .where(empty, s.c.last_polled_at >= when)
                    ).scalar_one()
                )

        try:
            figure = None
            for round_ in ("warm", "timed"):
                marked = utcnow()
                cpu = sum(proc_cpu(p.pid) for p in procs)
                svc, start = services_cpu(), time.perf_counter()
                if round_ == "warm":
                    add_sources(database_url, urls)
                else:
                    with store.engine.begin() as conn:
                        conn.execute(s.update().where(empty).values(next_poll_at=None))
                while polled_since(marked) < len(urls):
                    time.sleep(0.05)
                figure = Figure(
                    f"unchanged feeds, {n} workers",
                    len(urls),
                    time.perf_counter() - start,
                    sum(proc_cpu(p.pid) for p in procs) - cpu,
                    services_cpu() - svc,
                )
            assert figure is not None
            with store.engine.connect() as conn:
                statuses = conn.execute(
                    sa.select(s.c.last_status, sa.func.count())
                    .where(empty)
                    .group_by(s.c.last_status)
                ).all()
            print(f"unchanged feeds' last HTTP status: {dict(statuses)}", flush=True)
            return figure
        finally:
            store.close()

    @staticmethod
    def clean(env: dict[str, str]) -> None:
        import redis

        from marsad.config import load_settings
        from marsad.scale.engine import Queues

        with Queues(load_settings(env=env)) as queues:
            queues.delete_all()
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{env['MARSAD_QUEUE_PREFIX']}:*"))
        if keys:
            client.delete(*keys)
        client.close()


HOLDER_CHILD = r"""
import json, sys, time, logging, random
logging.disable(logging.WARNING)
from datetime import timedelta
import sqlalchemy as sa
from marsad.config import load_settings
from marsad.store import open_store, utcnow
from marsad.store import schema as t
from marsad.dedup import features_from, features_to_dict
from marsad.pipeline.process import Pipeline
from marsad.pipeline.steps import IncomingArticle
url, home, n, k = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
settings = load_settings(env={"MARSAD_HOME": home, "MARSAD_DATABASE_URL": url})
store = open_store(url)
rng = random.Random(7)
vocab = [f"w{i}" for i in range(20000)]
now = utcnow()
STEP = 2.0  # seconds between window articles: 100k span 2.3 days, inside the window
def words(i):
    # The story's own eight words. (Slices of the vocabulary repeated every 2,375 stories:
    # past a 23,750-article window unrelated stories shared them and most decisions merged
    # stories, 62 % of them at 50,000.)
    shared = [f"s{i // 10}k{k}" for k in range(8)]
    return " ".join(shared + [rng.choice(vocab) for _ in range(52)])
built = time.perf_counter()
with store.engine.begin() as conn:
    conn.execute(t.stories.insert(), [{"id": s + 1, "created_at": now, "updated_at": now,
        "first_seen": now - timedelta(seconds=(s * 10 + 9) * STEP), "last_seen": now,
        "article_count": 10} for s in range(n // 10 + 1)])
    for lo in range(0, n, 5000):
        rows, sigs = [], []
        for i in range(lo, min(n, lo + 5000)):
            when = now - timedelta(seconds=i * STEP)
            text = words(i)
            f = features_from(f"https://b.example/{i}", title=f"title {i} " + text[:60],
                text=text, language="en", published=when, url=f"https://b.example/{i}")
            rows.append({"id": i + 1, "url": f"https://b.example/{i}", "title": f"t{i}",
                "extraction_status": "ok", "created_at": now, "published_at": when,
                "story_id": i // 10 + 1})
            sigs.append({"article_id": i + 1, "minhash": f.signature or None,
                "features": features_to_dict(f)})
        conn.execute(t.articles.insert(), rows)
        conn.execute(t.article_signatures.insert(), sigs)
    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('articles', 'id'), {n + 1})")
    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('stories', 'id'), {n // 10 + 2})")
built = time.perf_counter() - built
start = time.perf_counter()
holder = Pipeline(store, settings)
assert holder.drain(limit=1) == {}  # takes the lock, loads the window
load = time.perf_counter() - start
other = Pipeline(store, settings, groups=False)  # a fetch worker: analyses and stores
for j in range(k):
    i = rng.randrange(n)  # a report of a story in the window
    text = words(i)
    other.ingest(IncomingArticle(url=f"https://n.example/{j}", title=f"new {j} " + text[:60],
        text=text, language="en", published_at=now - timedelta(seconds=rng.randrange(3600))))
other.close()
waiting = store.outbox_counts().get("group", 0)
start = time.perf_counter()
done = 0
while True:
    got = holder.drain()
    if not got:
        break
    done += len(got)
drain = time.perf_counter() - start
holder.close()
print(json.dumps({"window": holder.restored, "build_seconds": built, "load_seconds": load,
    "waiting": waiting, "decided": done, "drain_seconds": drain}))
"""


def holder_ceiling(window: int, drain: int, work: Path) -> dict[str, float]:
    with pg_schema() as url:
        home = Path(tempfile.mkdtemp(dir=work))
        env = {k: v for k, v in os.environ.items() if not k.startswith("MARSAD_")}
        out = subprocess.run(
            [sys.executable, "-c", HOLDER_CHILD, url, str(home), str(window), str(drain)],
            env=env,
            cwd=HERE,
            capture_output=True,
            text=True,
        )
    if out.returncode:
        raise SystemExit(f"holder bench failed: {out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def store_size(database_url: str) -> dict[str, object]:
    """PostgreSQL bytes of the store at ``database_url`` (every table with its indexes, TOAST
    and search index: ``pg_total_relation_size``), the articles and their text bytes."""
    from marsad.store import open_store

    store = open_store(database_url, migrate_schema=False)
    try:
        with store.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY 2 DESC"
            ).all()
            count, text = conn.exec_driver_sql(
                "SELECT count(*), coalesce(sum(octet_length(coalesce(text, ''))), 0) FROM articles"
            ).one()
    finally:
        store.close()
    return {
        "articles": int(count),
        "text_bytes": int(text),
        "tables": {str(r[0]): int(r[1]) for r in rows},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=5)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--window", type=int, default=100_000)
    parser.add_argument("--drain", type=int, default=1000)
    parser.add_argument("--empty", type=int, default=2000)
    parser.add_argument(
        "--parts",
        default="modes,holder,size",
        help="modes (crawl --once and the workers), distributed (the workers only), holder, "
        "size, unchanged (the unchanged feeds only)",
    )
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.feeds, args.items, args.window, args.drain, args.empty = 20, 3, 2000, 100, 200
    parts = set(args.parts.split(","))
    counts = [int(x) for x in args.workers.split(",")]
    print(
        f"bench.scale: {args.feeds} feeds x {args.items} article pages = "
        f"{args.feeds * args.items} articles, {args.empty} unchanged feeds; {os.cpu_count()} CPUs, load "
        f"{os.getloadavg()[0]:.1f} at the start",
        flush=True,
    )
    figures: list[Figure] = []
    size = None
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "modes" not in parts and "size" in parts:  # the corpus through crawl --once only
            bench = Bench(args, work)
            try:
                with pg_schema() as url:
                    bench.single(url, "crawl --once, PostgreSQL", (0.0, 0.0))
                    size = store_size(url)
            finally:
                bench.close()
        if "unchanged" in parts:  # the unchanged feeds alone, through the most workers
            args.feeds = 0
            bench = Bench(args, work)
            try:
                with pg_schema() as url:
                    figures.extend(bench.distributed(url, max(counts), unchanged=True))
                print(figures[-1], flush=True)
            finally:
                bench.close()
        elif "modes" in parts or "distributed" in parts:
            bench = Bench(args, work)
            try:
                if "modes" in parts:  # distributed alone: the workers' rows only
                    startup = bench.startup(f"sqlite:///{work / 'empty.db'}")
                    print(f"crawl --once start-up (taken off its figures): {startup}", flush=True)
                    figures.append(
                        bench.single(
                            f"sqlite:///{work / 'single.db'}", "crawl --once, SQLite", startup
                        )
                    )
                    print(figures[-1], flush=True)
                    with pg_schema() as url:
                        figures.append(bench.single(url, "crawl --once, PostgreSQL", startup))
                        size = store_size(url) if "size" in parts else None
                    print(figures[-1], flush=True)
                for n in counts:
                    with pg_schema() as url:
                        figures.extend(
                            bench.distributed(url, n, unchanged=n == max(counts) and args.empty > 0)
                        )
                    print(figures[-1], flush=True)
            finally:
                bench.close()
        holder = holder_ceiling(args.window, args.drain, work) if "holder" in parts else None
    print(f"\nload at the end {os.getloadavg()[0]:.1f} (2-core box shared with other jobs)\n")
    rows = [f for f in figures if not f.mode.startswith("unchanged")]
    if rows:
        base = rows[0]
        pg = next((f for f in rows if f.mode.endswith("PostgreSQL")), base)
        print(
            "| mode | articles | seconds | articles/s | x crawl SQLite | CPU-s/article (Marsad) | "
            "overhead vs crawl PG, CPU-ms/article | PG+MQ+Redis CPU-s (box-wide) |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for f in rows:
            print(
                f"| {f.mode} | {f.articles} | {f.seconds:.1f} | {f.per_second:.1f} | "
                f"{f.per_second / base.per_second:.2f} | {f.cpu_per_article:.3f} | "
                f"{(f.cpu_per_article - pg.cpu_per_article) * 1000:+.0f} | {f.services:.1f} |"
            )
    for f in figures:
        if f.mode.startswith("unchanged"):
            print(
                f"\nunchanged feeds (304) through the scheduler and {f.mode.split(', ')[1]}: "
                f"{f.articles} feeds in "
                f"{f.seconds:.2f} s = {f.per_second:.0f} feeds/s (target >= 100); "
                f"CPU {f.cpu * 1000 / f.articles:.1f} ms/feed (Marsad), services {f.services:.1f} s"
            )
    if holder:
        rate = holder["decided"] / holder["drain_seconds"]
        print(
            f"\ngrouping holder, analysis elsewhere: window {holder['window']} articles "
            f"(built in {holder['build_seconds']:.0f} s, loaded in {holder['load_seconds']:.1f} s); "
            f"{holder['decided']} of {holder['waiting']} waiting decided in "
            f"{holder['drain_seconds']:.2f} s = {rate:.0f} articles/s (target >= 300 at a 1M window)"
        )
    if size:
        n = int(size["articles"])  # type: ignore[call-overload]
        tables: dict[str, int] = size["tables"]  # type: ignore[assignment]
        total = sum(tables.values())
        # The window snapshot (pipeline_state) is one row bounded by the window, not per article.
        per_article = total - tables.get("pipeline_state", 0)
        print(
            f"\nPostgreSQL size (pg_total_relation_size, every table): {n} articles "
            f"(the corpus through crawl --once, mean text {int(size['text_bytes']) / n:.0f} bytes), "  # type: ignore[call-overload]
            f"{total / 2**20:.1f} MiB; without the window snapshot (pipeline_state "
            f"{tables.get('pipeline_state', 0) / 2**20:.1f} MiB) {per_article / n:.0f} bytes/article; "
            "by table: " + ", ".join(f"{k} {v / n:.0f}" for k, v in tables.items() if v / n >= 50)
        )


if __name__ == "__main__":
    main()
