"""What the world map and the sparklines cost: pages rendered uncached, with and without them.

    python -m bench.web.page_graphics [--articles 100000] [--rounds 30] [--db PATH]

Over the synthetic store of ``bench.web.synth`` (built once into bench/out/, or ``--db``), the
home, a region, a story and a source page are rendered through the app (TestClient, page cache
cleared before every request), alternating this tree's pages with the same pages where the
graphics helpers return nothing (the baseline), so the machine's drifting load hits both alike.
Prints the median and p90 of each side, the ratio and the page sizes.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from bench.common import REPO


@contextmanager
def _without_graphics() -> Iterator[None]:
    from marsad.web import pages

    saved = {
        name: getattr(pages, name)
        for name in ("map_context", "story_sparkline", "source_sparkline")
        if hasattr(pages, name)
    }
    try:
        for name in saved:
            setattr(pages, name, lambda *a, **k: None)
        yield
    finally:
        for name, value in saved.items():
            setattr(pages, name, value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args(argv)

    from starlette.testclient import TestClient

    from bench.web.synth import build
    from marsad.config import load_settings
    from marsad.web import create_app

    db = args.db or REPO / "bench" / "out" / f"web-{args.articles}.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    store = build(db, args.articles)
    with store.reading() as r:
        story = max(r.list_stories(limit=50), key=lambda s: s.article_count).id
        source = r.list_sources(limit=1)[0].id
    settings = load_settings(env={}, overrides={"home": tempfile.mkdtemp(prefix="marsad-bench-")})
    app = create_app(store, settings, search_function=None)
    paths = {
        "home": "/",
        "region": "/regions/middle_east",
        "story": f"/stories/{story}",
        "source": f"/sources/{source}",
    }
    times: dict[tuple[str, str], list[float]] = {}
    sizes: dict[tuple[str, str], int] = {}
    with TestClient(app) as client:

        def timed(kind: str, side: str, path: str, wrap: Callable[[], Any]) -> None:
            app.state.web.pages.clear()
            app.state.web.data.clear()
            with wrap():
                client.get(path)  # data cache (shapes) warm, as on a running site
                app.state.web.pages.clear()
                started = time.perf_counter()
                answer = client.get(path)
                elapsed = time.perf_counter() - started
            assert answer.status_code == 200, (path, answer.status_code)
            times.setdefault((kind, side), []).append(elapsed * 1000)
            sizes[(kind, side)] = len(answer.content)

        for _ in range(args.rounds):
            for kind, path in paths.items():
                timed(kind, "baseline", path, _without_graphics)
                timed(kind, "graphics", path, nullcontext)

    print(
        f"{'page':8} {'baseline ms (p50/p90)':>22} {'graphics ms (p50/p90)':>22} {'ratio':>6} {'KB':>12}"
    )
    for kind in paths:
        b, g = times[(kind, "baseline")], times[(kind, "graphics")]
        q = lambda xs: (statistics.median(xs), statistics.quantiles(xs, n=10)[-1])  # noqa: E731
        (b50, b90), (g50, g90) = q(b), q(g)
        print(
            f"{kind:8} {b50:10.1f} / {b90:6.1f}     {g50:10.1f} / {g90:6.1f}     {g50 / b50:5.2f} "
            f"{sizes[(kind, 'baseline')] / 1024:5.1f}->{sizes[(kind, 'graphics')] / 1024:5.1f}"
        )
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
