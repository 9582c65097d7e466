"""The grouping window's snapshot and memory, side by side with another tree (issues 15, 16).

For each size N, a synthetic window of N articles (``--kind``: the one
``bench/pipeline/handoffs.py`` stores and replays, or ``run.synthetic_stream`` over the ANT
sample as ``run.py --memory``) is filled in a child process of each tree under test
(``PYTHONPATH``), then: its bytes per article (``run.window_memory``), the snapshot saved
(``snapshot.dump_window``: seconds, MB) and read back (``load_window``: seconds), whether
the loaded window decides the next articles as the one it was taken of, and the next save
(the holder saves every few minutes) after those articles. The store's part
(writing and reading the row) is ``bench/pipeline/handoffs.py``'s.

    git worktree add --detach /tmp/marsad-base <commit>
    nice -n 10 .venv/bin/python -m bench.cluster.window_state --old /tmp/marsad-base 20000 100000

Load timings are the best of ``--repeat`` runs; the save is the first one (a later one finds
most stories packed: "next save"). The box is shared: compare ratios, CPU seconds beside.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]

CHILD = r"""
import gc, json, random, sys, time
from dataclasses import replace
from bench.cluster.run import base_features, synthetic_stream, window_memory
from marsad.cluster import ClusterOptions, StoryClusterer
from marsad.cluster.snapshot import WindowSnapshot, dump_window, load_window
from marsad.dedup import features_from
n, repeat, kind, cache = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]

def handoffs(count):
    # bench/pipeline/handoffs.py's state window: stories of ten English reports.
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(20000)]
    now = 1.7e9
    for i in range(count):
        shared = vocab[(i // 10) * 8 % 19000 : (i // 10) * 8 % 19000 + 8]
        text = " ".join(shared + [rng.choice(vocab) for _ in range(52)])
        url = f"https://b.example/{i}"
        yield features_from(url, title=f"title {i} " + text[:60], text=text, language="en",
            published=now - i * 5, url=url)

clusterer = StoryClusterer(ClusterOptions(window_days=3))
story_ids, article_ids = {}, {}
start = time.perf_counter()
if kind == "handoffs":
    import os, pickle
    # The same features for both trees, made once (features_from is most of the build).
    if cache and os.path.exists(cache):
        with open(cache, "rb") as handle:
            feats = pickle.load(handle)
    else:
        feats = list(handoffs(n + 200))
        if cache:
            with open(cache, "wb") as handle:
                pickle.dump(feats, handle, protocol=5)
    start = time.perf_counter()
    rest = feats[:200][::-1]  # the newest, decided after the load
    for i, f in reversed(list(enumerate(feats[200:]))):
        key = f"db:{i // 10 + 1}"
        clusterer.restore(f, key, story_first_seen=1.7e9 - (i // 10 * 10 + 9) * 5 - 1000)
        story_ids[key] = i // 10 + 1
        article_ids[f.key] = i + 1
else:
    stream = synthetic_stream(base_features(), n + 200)
    for _ in range(n):
        clusterer.add(next(stream))
    rest = list(stream)
out = {"build_seconds": time.perf_counter() - start, "articles": clusterer.article_count}
out["bytes_per_article"] = sum(size for _, size in window_memory(clusterer)) / n
out["largest"] = sorted(window_memory(clusterer), key=lambda kv: -kv[1])[:5]
gc.collect()
snapshot = WindowSnapshot(clusterer, story_ids, article_ids)
saves, loads, save_cpu, load_cpu = [], [], [], []
for _ in range(repeat):
    start, cpu = time.perf_counter(), time.process_time()
    data = dump_window(snapshot)
    saves.append(time.perf_counter() - start)
    save_cpu.append(time.process_time() - cpu)
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    loaded = load_window(data, clusterer.options)
    loads.append(time.perf_counter() - start)
    load_cpu.append(time.process_time() - cpu)
    assert loaded is not None
    if len(loads) < repeat:
        del loaded
    gc.collect()
# The first save packs every story; later ones find most of them packed (``StoryState``).
out.update(save_seconds=saves[0], load_seconds=min(loads), mb=len(data) / 2**20)
out.update(save_cpu_seconds=save_cpu[0], load_cpu_seconds=min(load_cpu))
one = [repr(clusterer.add(f)) for f in rest]
two = [repr(loaded.clusterer.add(f)) for f in rest]
out["same_decisions_after_load"] = one == two
# The holder saves every few minutes: the next save, 200 articles after the first.
start, cpu = time.perf_counter(), time.process_time()
dump_window(snapshot)
out["resave_seconds"], out["resave_cpu_seconds"] = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps(out))
"""


def measure(tree: Path, n: int, repeat: int, kind: str, cache: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": f"{tree}:{HERE}"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(n), str(repeat), kind, cache],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{tree} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", type=int, nargs="+", help="window sizes (articles)")
    parser.add_argument("--old", type=Path, help="the tree to compare with (a git worktree)")
    parser.add_argument("--new", type=Path, default=HERE, help="the tree under test (this one)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each step (best kept)")
    parser.add_argument(
        "--kind",
        choices=("handoffs", "ant"),
        default="handoffs",
        help="handoffs: bench/pipeline/handoffs.py's window (stories of ten English reports, "
        "replayed as a restart does); ant: run.py --memory's (the ANT sample resampled, decided)",
    )
    parser.add_argument(
        "--cache", type=Path, help="folder for the handoffs window's features (made once)"
    )
    args = parser.parse_args()
    trees = [("old", args.old)] if args.old else []
    trees.append(("new", args.new))
    for n in args.sizes:
        cache = str(args.cache / f"handoffs-{n}.pickle") if args.cache else ""
        rows = {name: measure(tree, n, args.repeat, args.kind, cache) for name, tree in trees}
        print(f"window of {n:,} articles")
        for name, row in rows.items():
            print(
                f"  {name}: save {row['save_seconds']:.2f} s  load {row['load_seconds']:.2f} s  "
                f"(CPU {row['save_cpu_seconds']:.2f} s / {row['load_cpu_seconds']:.2f} s)  "
                f"next save {row['resave_seconds']:.2f} s (CPU {row['resave_cpu_seconds']:.2f} s)  "
                f"{row['mb']:.0f} MB  {row['bytes_per_article']:,.0f} B/article  "
                f"(built in {row['build_seconds']:.0f} s; same decisions after load: "
                f"{row['same_decisions_after_load']})"
            )
            print("      largest: " + ", ".join(f"{k} {v / n:,.0f} B" for k, v in row["largest"]))
        if "old" in rows:
            old, new = rows["old"], rows["new"]
            print(
                "  new/old: "
                + "  ".join(
                    f"{k} {float(new[k]) / float(old[k]):.2f}x"  # type: ignore[arg-type]
                    for k in (
                        "save_seconds",
                        "load_seconds",
                        "save_cpu_seconds",
                        "load_cpu_seconds",
                        "resave_cpu_seconds",
                        "mb",
                        "bytes_per_article",
                    )
                )
            )


if __name__ == "__main__":
    main()
