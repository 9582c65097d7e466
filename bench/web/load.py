"""Load test: many concurrent clients against home, story, search and an API list.

    python -m bench.web.load [--articles 100000] [--seconds 30] [--clients 50]

Builds (once, cached in bench/out/) a synthetic SQLite store, starts ``marsad.web`` under uvicorn
in a separate process on loopback, and drives it with closed-loop clients (each sends its next
request when the last one answered): ``wrk`` when installed (Debian package ``wrk``; one process
per kind at once, the clients shared out, so each kind's latency is measured under the mixed
load), else an httpx async generator in this process (``--driver python``; on a 2-core machine
its own scheduling delay dominates the p99 it reports).
Story requests go to the 100 newest stories (what readers open from the home page); uncached
story pages are measured separately, one client, random stories. The reference is a bare
Starlette route in the same server: the ratio shows how much of the framework's ceiling each
page reaches.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx

from bench.common import REPO

SEARCH_QUERIES = ("قمة", "المياه", "الاقتصاد النفط", "summit", "election", "الانتخابات lang:ar")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(db: str, port: int) -> None:
    """The server process: the real app plus a bare reference route."""
    import uvicorn
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from marsad.config import load_settings
    from marsad.store import open_store
    from marsad.web import create_app

    store = open_store(f"sqlite:///{db}")
    settings = load_settings(env={}, overrides={"home": tempfile.mkdtemp(prefix="marsad-bench-")})
    app = create_app(store, settings)
    app.router.routes.insert(0, Route("/__ping", lambda request: PlainTextResponse("pong")))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


_WRK_SCRIPT = """
local paths = {%s}
math.randomseed(%d)
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKRESULT %%d %%d %%d %%.1f %%.1f %%.1f\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def run_wrk(
    base: str, paths: dict[str, list[str]], clients: int, seconds: float
) -> dict[str, dict[str, float]]:
    """One ``wrk`` process per kind, all at once, the clients shared out between them: the
    latency of each kind under the mixed load. wrk is C and closed-loop like the Python driver,
    but needs a fraction of a core where httpx needed one to itself (its own latency was most
    of the p99 it measured on this 2-core machine)."""
    kinds = list(paths)
    share = [
        clients // len(kinds) + (1 if i < clients % len(kinds) else 0) for i in range(len(kinds))
    ]
    procs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n, (kind, conns) in enumerate(zip(kinds, share, strict=True)):
            script = Path(tmp) / f"{kind}.lua"
            quoted = ", ".join(
                '"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths[kind]
            )
            script.write_text(_WRK_SCRIPT % (quoted, n + 1))
            procs[kind] = subprocess.Popen(
                [
                    "wrk",
                    "-t1",
                    f"-c{max(conns, 1)}",
                    f"-d{int(seconds)}s",
                    "--timeout",
                    "30s",
                    "-s",
                    str(script),
                    base,
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        out: dict[str, dict[str, float]] = {}
        for kind, proc in procs.items():
            text, _ = proc.communicate()
            line = next((x for x in text.splitlines() if x.startswith("WRKRESULT")), None)
            if line is None:
                raise RuntimeError(f"wrk failed for {kind}: {text[-500:]}")
            requests, errors, duration_us, p50, p99, worst = line.split()[1:]
            wall = int(duration_us) / 1e6
            out[kind] = {
                "requests": int(requests),
                "errors": int(errors),
                "rate": int(requests) / wall,
                "p50": float(p50) / 1000,
                "p99": float(p99) / 1000,
                "max": float(worst) / 1000,
            }
    return out


def report_wrk(title: str, results: dict[str, dict[str, float]]) -> dict[str, float]:
    print(f"\n{title}")
    print(
        f"{'target':<10} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}"
    )
    for kind, r in results.items():
        print(
            f"{kind:<10} {r['requests']:>9.0f} {r['rate']:>8.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} "
            f"{r['max']:>8.1f} {r['errors']:>7.0f}"
        )
    total = sum(r["rate"] for r in results.values())
    print(f"{'all':<10} {'':>9} {total:>8.1f}")
    return {**{k: r["rate"] for k, r in results.items()}, "all": total}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run_load(
    base: str, paths: dict[str, list[str]], clients: int, seconds: float
) -> tuple[dict[str, list[float]], dict[str, int], float]:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    kinds = list(paths)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        deadline = time.perf_counter() + seconds

        async def client(n: int) -> None:
            rng = random.Random(n)
            i = n
            while time.perf_counter() < deadline:
                kind = kinds[i % len(kinds)]
                i += 1
                path = rng.choice(paths[kind])
                started = time.perf_counter()
                try:
                    response = await http.get(path)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - started
                if ok:
                    latencies[kind].append(elapsed * 1000)
                else:
                    errors[kind] += 1

        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(clients)))
        wall = time.perf_counter() - started
    return latencies, errors, wall


def report(
    title: str, latencies: dict[str, list[float]], errors: dict[str, int], wall: float
) -> dict[str, float]:
    print(f"\n{title}")
    print(f"{'target':<10} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    rates: dict[str, float] = {}
    total = 0
    for kind, values in latencies.items():
        rates[kind] = len(values) / wall
        total += len(values)
        print(
            f"{kind:<10} {len(values):>9} {rates[kind]:>8.1f} {percentile(values, 0.5):>8.1f} "
            f"{percentile(values, 0.99):>8.1f} {errors.get(kind, 0):>7}"
        )
    print(f"{'all':<10} {total:>9} {total / wall:>8.1f}")
    rates["all"] = total / wall
    return rates


@contextlib.contextmanager
def served(db: Path) -> Iterator[str]:
    """The site over ``db`` in its own uvicorn process (so the load generator does not share
    its interpreter); yields the base URL once it answers, stops it afterwards."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.web.load", "--serve", str(db), str(port)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/__ping", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--driver",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator: wrk (C, when installed) or the httpx one in this process",
    )
    parser.add_argument("--serve", nargs=2, metavar=("DB", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return 0

    from bench.web.synth import build

    driver = args.driver
    if driver == "auto":
        driver = "wrk" if shutil.which("wrk") else "python"

    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    db = out / f"web-{args.articles}.db"
    store = build(db, args.articles)
    with store.reading() as r:
        hot = [s.id for s in r.list_stories(limit=100)]
        article_ids = [a.id for a in r.list_articles(limit=100)]
    store.close()

    with served(db) as base:
        paths = {
            "home": ["/"],
            "story": [f"/stories/{i}" for i in hot],
            "search": [f"/search?q={quote(s)}" for s in SEARCH_QUERIES],
            "api_list": ["/api/v1/articles?limit=20", "/api/v1/stories?limit=20&region=europe"],
        }
        # Warm-up: first renders and the SQLite page cache.
        asyncio.run(run_load(base, paths, 4, 2.0))
        print(
            f"store: {args.articles} articles on SQLite; {args.clients} clients for "
            f"{args.seconds:.0f}s on loopback; server: one uvicorn process; driver: {driver}"
        )
        ref_seconds = min(10.0, args.seconds)
        p99: dict[str, float] = {}
        if driver == "wrk":
            results = run_wrk(base, paths, args.clients, args.seconds)
            rates = report_wrk("mixed load (home, story, search, api_list at once; wrk)", results)
            p99 = {kind: r["p99"] for kind, r in results.items()}
            ref = report_wrk(
                "reference: bare Starlette route, same server",
                run_wrk(base, {"bare": ["/__ping"]}, args.clients, ref_seconds),
            )
        else:
            latencies, errors, wall = asyncio.run(run_load(base, paths, args.clients, args.seconds))
            rates = report(
                "mixed load (home, story, search, api_list in turn; httpx)", latencies, errors, wall
            )
            p99 = {kind: percentile(values, 0.99) for kind, values in latencies.items()}
            ref_lat, ref_err, ref_wall = asyncio.run(
                run_load(base, {"bare": ["/__ping"]}, args.clients, ref_seconds)
            )
            ref = report("reference: bare Starlette route, same server", ref_lat, ref_err, ref_wall)
        print(
            f"\nratio of the bare framework's rate reached (mixed load): {rates['all'] / ref['bare']:.2f}"
        )

        rng = random.Random(1)
        cold_ids = [rng.randint(1, max(1, args.articles // 5)) for _ in range(150)]
        cold: list[float] = []
        with httpx.Client(base_url=base, timeout=30) as http:
            for sid in cold_ids:
                started = time.perf_counter()
                http.get(f"/stories/{sid}")
                cold.append((time.perf_counter() - started) * 1000)
            article_times: list[float] = []
            for aid in article_ids:
                started = time.perf_counter()
                http.get(f"/articles/{aid}")
                article_times.append((time.perf_counter() - started) * 1000)
        print(
            f"\nuncached story pages (1 client, {len(cold)} random stories): "
            f"p50 {statistics.median(cold):.1f} ms, p99 {percentile(cold, 0.99):.1f} ms"
        )
        print(
            f"article pages (1 client, {len(article_times)}): p50 "
            f"{statistics.median(article_times):.1f} ms, p99 {percentile(article_times, 0.99):.1f} ms"
        )
        target = all(p99.get(k, float("inf")) < 100 for k in ("home", "story"))
        print(
            f"target p99 < 100 ms for home and story under load: {'met' if target else 'NOT met'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
