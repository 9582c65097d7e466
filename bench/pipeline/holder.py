"""Issue 19's grouping holder, analysis done elsewhere: where a drained decision's time goes, and
two trees side by side in one run.

A store (PostgreSQL database or SQLite file) is built once per window size W: W window articles
with synthetic signatures in stories of ten (as ``bench.scale`` builds them), a snapshot of the
window saved by a holder that replayed it, then K articles stored as another process stores them
(analysed, a ``group`` outbox row each): 90 % new reports of a window story, 10 % copies of a
window article. That store is the template: each run drains a fresh copy of it (PostgreSQL
``CREATE DATABASE ... TEMPLATE``, a file copy on SQLite), so every tree decides the same
articles against the same window.

Each run is a child process in the tree under test (``PYTHONPATH``): a ``Pipeline`` takes the
lock, loads the snapshot (not timed; a tree whose cluster code differs from the template's
replays the window and saves its own snapshot first, then loads that) and drains; its CPU (``time.process_time``) and wall time
are split into (a) reading what waits (``Store.pending_grouping``), (c) writing decisions
(``Store.apply_groupings``) and (b) the rest of ``Pipeline.drain``: the in-memory decisions
(dedup candidates, story assignment) and their bookkeeping. On PostgreSQL the server's CPU for
the holder's connections (their backends, read from /proc) is reported beside it.

    git worktree add /tmp/marsad-15d06ac 15d06ac
    nice -n 5 .venv/bin/python -m bench.pipeline.holder --old /tmp/marsad-15d06ac \
        --windows 20000,100000 --drain 2000 --backends postgresql,sqlite

``--profile`` runs the new tree once more per store under cProfile and prints the top functions.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("MARSAD_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")

BUILD_CHILD = r"""
import json, sys, time, logging, random
logging.disable(logging.WARNING)
from datetime import timedelta
from marsad.config import load_settings
from marsad.store import open_store, utcnow
from marsad.store import schema as t
from marsad.dedup import features_from, features_to_dict
from marsad.pipeline.process import Pipeline
url, home, n, k = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
settings = load_settings(env={"MARSAD_HOME": home, "MARSAD_DATABASE_URL": url})
store = open_store(url)
rng = random.Random(7)
vocab = [f"w{i}" for i in range(20000)]
now = utcnow()
# Seconds between window articles: bench.scale's 2 s up to 100k (2.3 days), the window's three
# days kept above that.
STEP = min(2.0, 200_000 / n)
def words(i):
    # The story's own eight words. (Slices of the vocabulary repeated every 2,375 stories:
    # past a 23,750-article window unrelated stories shared them and most decisions merged
    # stories, 62 % of them at 50,000.)
    shared = [f"s{i // 10}k{k}" for k in range(8)]
    r = random.Random(i)
    return " ".join(shared + [r.choice(vocab) for _ in range(52)])
def signature(key, i, text, when):
    f = features_from(key, title=f"title {i} " + text[:60], text=text, language="en",
        published=when, url=key)
    return f.signature or None, features_to_dict(f)
started = time.perf_counter()
with store.engine.begin() as conn:
    conn.execute(t.stories.insert(), [{"id": s + 1, "created_at": now, "updated_at": now,
        "first_seen": now - timedelta(seconds=(s * 10 + 9) * STEP), "last_seen": now,
        "article_count": 10} for s in range(n // 10 + 1)])
for lo in range(0, n, 5000):
    rows, sigs = [], []
    for i in range(lo, min(n, lo + 5000)):
        when = now - timedelta(seconds=i * STEP)
        key = f"https://b.example/{i}"
        minhash, features = signature(key, i, words(i), when)
        rows.append({"id": i + 1, "url": key, "title": f"t{i}", "extraction_status": "ok",
            "created_at": now, "published_at": when, "story_id": i // 10 + 1})
        sigs.append({"article_id": i + 1, "minhash": minhash, "features": features})
    with store.engine.begin() as conn:
        conn.execute(t.articles.insert(), rows)
        conn.execute(t.article_signatures.insert(), sigs)
if store.dialect == "postgresql":
    with store.engine.begin() as conn:
        conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('articles', 'id'), {n + 1})")
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('stories', 'id'), {n // 10 + 2})")
built = time.perf_counter() - started
started = time.perf_counter()
holder = Pipeline(store, settings)  # takes the lock and replays the window
assert holder.holds_grouping and holder.save_window()
store.release_lock("grouping", holder.holder)
replayed = time.perf_counter() - started
# What another process stored for the holder: analysed, a group row each, not grouped.
rows, sigs, waiting = [], [], []
for j in range(k):
    i = rng.randrange(n)
    key = f"https://n.example/{j}"
    when = now - timedelta(seconds=rng.randrange(3600))
    if j % 10 == 9:  # a copy of a window article (another site's repost)
        text = words(i)
    elif j % 10 == 8:  # a story the window does not have
        text = words(n + 10 * (j + 1))
    else:  # a new report of a window story: its words, the rest its own
        text = " ".join(words(i).split()[:8] + words(n + j).split()[8:])
    minhash, features = signature(key, i, text, when)
    rows.append({"id": n + 2 + j, "url": key, "title": f"n{j}", "extraction_status": "ok",
        "created_at": now, "published_at": when, "fetched_at": now})
    sigs.append({"article_id": n + 2 + j, "minhash": minhash, "features": features})
    waiting.append({"kind": "group", "article_id": n + 2 + j, "created_at": now})
with store.engine.begin() as conn:
    conn.execute(t.articles.insert(), rows)
    conn.execute(t.article_signatures.insert(), sigs)
    conn.execute(t.outbox.insert(), waiting)
    if store.dialect == "postgresql":
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('articles', 'id'), {n + k + 2})")
store.close()
print(json.dumps({"build_seconds": built, "replay_seconds": replayed}))
"""

DRAIN_CHILD = r"""
import json, os, sys, time, logging
logging.disable(logging.WARNING)
from pathlib import Path
import sqlalchemy as sa
from marsad.config import load_settings
from marsad.store import open_store
from marsad.store.store import Store
from marsad.pipeline.process import Pipeline
url, home, app, profile = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
settings = load_settings(env={"MARSAD_HOME": home, "MARSAD_DATABASE_URL": url})
acc = {}
depth = [0]
def wrap(cls, name, slot):
    fn = getattr(cls, name, None)
    if fn is None:
        return
    def timed(*args, **kwargs):
        depth[0] += 1
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            depth[0] -= 1
            got = acc.setdefault(slot, [0.0, 0.0, 0])
            got[0] += time.process_time() - cpu
            got[1] += time.perf_counter() - wall
            got[2] += 1
    setattr(cls, name, timed)
for name in ("pending_grouping", "grouping_rows"):
    wrap(Store, name, "read")
for name in ("apply_groupings",):
    wrap(Store, name, "write")
admin = None
def backends():
    # CPU-seconds of this process's PostgreSQL backends (found by application_name).
    if admin is None:
        return 0.0
    with admin.connect() as conn:
        pids = [r[0] for r in conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (app,))]
    total = 0.0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total
store = open_store(url, migrate_schema=False)
if store.dialect == "postgresql":
    admin = sa.create_engine(url.split("?")[0].replace("postgresql://", "postgresql+psycopg://", 1))
original_drain = Pipeline.drain
drained = {}
armed = [False]
def drain(self, **kwargs):
    if not armed[0]:
        return {}  # not while the pipeline starts
    if depth[0]:
        return original_drain(self, **kwargs)
    before = (time.process_time(), time.perf_counter(), backends())
    depth[0] += 1
    try:
        if profile != "-":
            import cProfile
            prof = cProfile.Profile(time.process_time)  # CPU: the box is shared
            got = prof.runcall(original_drain, self, **kwargs)
            prof.dump_stats(profile)
        else:
            got = original_drain(self, **kwargs)
    finally:
        depth[0] -= 1
    drained["cpu"] = drained.get("cpu", 0.0) + time.process_time() - before[0]
    drained["wall"] = drained.get("wall", 0.0) + time.perf_counter() - before[1]
    drained["server"] = drained.get("server", 0.0) + backends() - before[2]
    drained["decided"] = drained.get("decided", 0) + len(got)
    return got
Pipeline.drain = drain
waiting = store.outbox_counts().get("group", 0)
started = time.perf_counter()
holder = Pipeline(store, settings)  # loads the snapshot
replayed = not holder.snapshot_loaded
if replayed:
    # The template's snapshot is another tree's (its format names the cluster code): this
    # tree replays the window and saves its own, and a holder loads that, so every tree
    # decides from a loaded snapshot (stories packed until first used) of the same window.
    assert holder.save_window()
    store.release_lock("grouping", holder.holder)
    holder = Pipeline(store, settings)
    assert holder.snapshot_loaded
load = time.perf_counter() - started
armed[0] = True
while holder.drain():
    pass
left = store.outbox_counts().get("group", 0)
store.release_lock("grouping", holder.holder)
store.close()
print(json.dumps({"window": holder.restored, "replayed": replayed,
    "load_seconds": load, "waiting": waiting, "left": left,
    **drained, "parts": acc}))
"""


@contextmanager
def pg_database() -> Iterator[tuple[str, sa.Engine]]:
    """A fresh PostgreSQL database (its URL) and an AUTOCOMMIT admin engine."""
    admin = sa.create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    name = f"bench_holder_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield name, admin
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def pg_url_of(name: str, app: str = "") -> str:
    base = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    return f"{base}?application_name={app}" if app else base


def child(tree: Path, code: str, *args: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARSAD_")}
    env["PYTHONPATH"] = str(tree)
    out = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, cwd=tree, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(f"child in {tree} failed: {out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def plan(
    trees: dict[str, Path], reps: int, profile: bool, stem: Path
) -> list[tuple[str, str | None]]:
    """The runs on one store: each tree ``reps`` times, which goes first alternating; then the
    new tree under cProfile when asked."""
    labels = list(trees)
    runs: list[tuple[str, str | None]] = []
    for rep in range(reps):
        runs += [(label, None) for label in (labels if rep % 2 == 0 else labels[::-1])]
    if profile:
        runs.append(("new", f"{stem}.prof"))
    return runs


def run_pg(
    window: int, drain: int, trees: dict[str, Path], reps: int, work: Path, profile: bool
) -> list[tuple[str, dict[str, object]]]:
    results = []
    with pg_database() as (template, admin):
        home = tempfile.mkdtemp(dir=work)
        built = child(HERE, BUILD_CHILD, pg_url_of(template), home, str(window), str(drain))
        print(f"  postgresql {window}: built {built}", file=sys.stderr, flush=True)
        for n, (label, prof) in enumerate(plan(trees, reps, profile, work / f"pg-{window}")):
            name = f"{template}_r{n}"
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            try:
                app = f"holderbench{n}"
                got = child(trees[label], DRAIN_CHILD, pg_url_of(name, app), home, app, prof or "-")
            finally:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            print(f"  {label}: {got}", file=sys.stderr, flush=True)
            if prof:
                show_profile(prof)
            else:
                results.append((label, got))
    return results


def run_sqlite(
    window: int, drain: int, trees: dict[str, Path], reps: int, work: Path, profile: bool
) -> list[tuple[str, dict[str, object]]]:
    results = []
    folder = Path(tempfile.mkdtemp(dir=work))
    template = folder / "template.db"
    home = str(folder / "home")
    built = child(HERE, BUILD_CHILD, f"sqlite:///{template}", home, str(window), str(drain))
    print(f"  sqlite {window}: built {built}", file=sys.stderr, flush=True)
    with sqlite3.connect(template) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for n, (label, prof) in enumerate(plan(trees, reps, profile, work / f"sqlite-{window}")):
        copy = folder / f"run{n}.db"
        shutil.copyfile(template, copy)
        try:
            got = child(trees[label], DRAIN_CHILD, f"sqlite:///{copy}", home, "", prof or "-")
        finally:
            for path in folder.glob(f"run{n}.db*"):
                path.unlink()
        print(f"  {label}: {got}", file=sys.stderr, flush=True)
        if prof:
            show_profile(prof)
        else:
            results.append((label, got))
    shutil.rmtree(folder)
    return results


def show_profile(path: str) -> None:
    import pstats

    stats = pstats.Stats(path, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(25)


def row(label: str, backend: str, window: int, got: dict[str, object]) -> str:
    decided = int(got["decided"])  # type: ignore[call-overload]
    cpu, wall = float(got["cpu"]), float(got["wall"])  # type: ignore[arg-type]
    parts: dict[str, list[float]] = got["parts"]  # type: ignore[assignment]
    read = parts.get("read", [0.0, 0.0, 0])
    write = parts.get("write", [0.0, 0.0, 0])
    decide = cpu - read[0] - write[0]
    server = float(got.get("server") or 0.0)  # type: ignore[arg-type]
    ms = 1000.0 / max(decided, 1)
    return (
        f"| {backend} | {window:,} | {label} | {decided} | {decided / wall:.0f} | "
        f"{cpu * ms:.2f} | {read[0] * ms:.2f} | {decide * ms:.2f} | {write[0] * ms:.2f} | "
        f"{server * ms:.2f} | {int(write[2])} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--old", type=Path, help="the tree to compare with (a git worktree)")
    parser.add_argument("--windows", default="20000,100000")
    parser.add_argument("--drain", type=int, default=2000)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    trees = {"new": HERE}
    if args.old:
        trees = {"old": args.old.resolve(), "new": HERE}
    lines = []
    with tempfile.TemporaryDirectory(prefix="marsad-holder-") as tmp:
        work = Path(tmp)
        for backend in args.backends.split(","):
            for window in (int(w) for w in args.windows.split(",")):
                run = run_pg if backend == "postgresql" else run_sqlite
                started = time.perf_counter()
                for label, got in run(window, args.drain, trees, args.reps, work, args.profile):
                    lines.append(row(label, backend, window, got))
                print(f"  ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    print(
        "| backend | window | tree | decided | articles/s | CPU-ms/decision | (a) read | "
        "(b) decide | (c) write | server CPU-ms | write calls |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
