"""Places and names, side by side: the baseline release and this tree, in one run.

    .venv/bin/python -m bench.understand            # or: -m bench.understand.compare
    .venv/bin/python -m bench.understand --baseline d61fc08 --quick

The baseline is the ``marsad`` package of a git revision (default ``d61fc08``, the release
before issue 14), unpacked with ``git archive`` into ``/tmp/marsad-baseline-<rev>`` and run in
a subprocess with that folder first on ``PYTHONPATH``; the measuring code (``en_eval``,
``ner_eval``) is this tree's in both runs, and calls only the API both releases share.
Prints: LGL article-level country P/R/F1 and top-country accuracy (and, for a tree whose
``understand`` takes ``source_country``, dev and test with each outlet's country), GUM
PER/ORG P/R (exact span and overlap; all 24 documents, and GUM's dev and test documents: tune
on train and dev),
PER/ORG P/R on the project's own labelled names (``names_eval``, dev and test),
NewsFANE Arabic country P/R (all, and its dev and test halves: blocks of 50 sentences, see
``fane_errors``), ANERcorp (test split) F1 by type, false-friend hits on the trap files (dev and
test), articles per CPU second (English LGL ~1.9 kB, Arabic ANT cut to 2 kB; the best of four rounds
each, baseline and this tree alternating, since the shared machine's load drifts) and the memory
of the loaded knowledge (tracemalloc peak while loading).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.common import REPO

DEFAULT_BASELINE = "d61fc08"


def measure(quick: bool) -> dict[str, float]:
    """Every figure for the ``marsad`` package importable here."""
    from bench.understand.en_eval import eval_gum, eval_lgl, eval_traps, speed
    from bench.understand.names_eval import eval_names
    from bench.understand.ner_eval import eval_anercorp, eval_newsfane
    from marsad.understand import load_knowledge

    tracemalloc.start()
    started = time.perf_counter()
    knowledge = load_knowledge()
    load_s = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out: dict[str, float] = {"knowledge_load_s": load_s, "knowledge_peak_mb": peak / 2**20}
    out.update({f"lgl_{k}": v for k, v in eval_lgl(knowledge).items()})
    for split in ("dev", "test"):
        out.update({f"lgl_{split}_{k}": v for k, v in eval_lgl(knowledge, split=split).items()})
    for split in ("dev", "test"):  # with each outlet's country (understand's source_country)
        try:
            lgl = eval_lgl(knowledge, split=split, sources=True)
        except TypeError:  # a release whose understand() takes no source_country
            continue
        out.update({f"lgl_{split}_sources_{k}": v for k, v in lgl.items()})
    out.update({f"gum_{k}": v for k, v in eval_gum(knowledge).items()})
    for split in ("dev", "test"):  # GUM's own split: tune on train and dev, report test
        out.update({f"gum_{split}_{k}": v for k, v in eval_gum(knowledge, split).items()})
    for split in ("dev", "test"):  # the project's own labelled names: tune on dev
        out.update({f"own_{split}_{k}": v for k, v in eval_names(knowledge, split).items()})
    fane = eval_newsfane(knowledge, 2000 if quick else None)
    out["newsfane_nation_precision"] = fane["nation_precision"]
    out["newsfane_nation_recall"] = fane["nation_recall"]
    for split in ("dev", "test"):  # blocks of 50 sentences (fane_errors): tune on dev
        fane = eval_newsfane(knowledge, 2000 if quick else None, split=split)
        out[f"newsfane_{split}_nation_precision"] = fane["nation_precision"]
        out[f"newsfane_{split}_nation_recall"] = fane["nation_recall"]
    ane = eval_anercorp(knowledge, 2000 if quick else None)
    for kind in ("PERS", "LOC", "ORG", "micro"):
        out[f"aner_{kind}_f1"] = ane[kind][2]
    for split in ("dev", "test"):
        out.update({f"traps_{split}_{k}": v for k, v in eval_traps(knowledge, split).items()})
    out.update(speed(knowledge, rounds=1))
    return out


def speed_only() -> dict[str, float]:
    from bench.understand.en_eval import speed
    from marsad.understand import load_knowledge

    return speed(load_knowledge(), rounds=1)


def baseline_dir(rev: str) -> Path:
    """The ``marsad`` package of ``rev`` unpacked under /tmp (once)."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", rev], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    target = Path(tempfile.gettempdir()) / f"marsad-baseline-{commit}"
    if not (target / "marsad" / "understand").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", "--format=tar", commit, "marsad"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout
        tar_path = target / "marsad.tar"
        tar_path.write_bytes(archive)
        with tarfile.open(tar_path) as tar:
            tar.extractall(target, filter="data")
        tar_path.unlink()
    return target


def run_baseline(rev: str, quick: bool, what: str = "--measure-only") -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=f"{baseline_dir(rev)}{os.pathsep}{REPO}")
    args = [sys.executable, "-m", "bench.understand.compare", what]
    if quick:
        args.append("--quick")
    # run from the baseline folder so its ``marsad`` wins over the editable install of this tree
    done = subprocess.run(
        args, env=env, cwd=baseline_dir(rev), capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


ROWS = [
    ("LGL country precision", "lgl_country_precision"),
    ("LGL country recall", "lgl_country_recall"),
    ("LGL country F1 (target 0.92)", "lgl_country_f1"),
    ("LGL top-country accuracy (0.90)", "lgl_top_country_accuracy"),
    ("LGL dev country F1", "lgl_dev_country_f1"),
    ("LGL dev top-country accuracy", "lgl_dev_top_country_accuracy"),
    ("LGL test country P", "lgl_test_country_precision"),
    ("LGL test country R", "lgl_test_country_recall"),
    ("LGL test country F1", "lgl_test_country_f1"),
    ("LGL test top-country accuracy", "lgl_test_top_country_accuracy"),
    ("LGL dev F1, outlet country", "lgl_dev_sources_country_f1"),
    ("LGL dev top, outlet country", "lgl_dev_sources_top_country_accuracy"),
    ("LGL test F1, outlet country", "lgl_test_sources_country_f1"),
    ("LGL test top, outlet country", "lgl_test_sources_top_country_accuracy"),
    ("GUM PER precision (0.80)", "gum_PER_precision"),
    ("GUM PER recall (0.60)", "gum_PER_recall"),
    ("GUM ORG precision (0.80)", "gum_ORG_precision"),
    ("GUM ORG recall (0.60)", "gum_ORG_recall"),
    ("GUM dev PER P", "gum_dev_PER_precision"),
    ("GUM dev PER R", "gum_dev_PER_recall"),
    ("GUM dev ORG P", "gum_dev_ORG_precision"),
    ("GUM dev ORG R", "gum_dev_ORG_recall"),
    ("GUM test PER P", "gum_test_PER_precision"),
    ("GUM test PER R", "gum_test_PER_recall"),
    ("GUM test ORG P", "gum_test_ORG_precision"),
    ("GUM test ORG R", "gum_test_ORG_recall"),
    ("own set dev PER P", "own_dev_PER_precision"),
    ("own set dev PER R", "own_dev_PER_recall"),
    ("own set dev ORG P", "own_dev_ORG_precision"),
    ("own set dev ORG R", "own_dev_ORG_recall"),
    ("own set test PER P", "own_test_PER_precision"),
    ("own set test PER R", "own_test_PER_recall"),
    ("own set test ORG P", "own_test_ORG_precision"),
    ("own set test ORG R", "own_test_ORG_recall"),
    ("GUM PER overlap P", "gum_PER_overlap_precision"),
    ("GUM PER overlap R", "gum_PER_overlap_recall"),
    ("GUM ORG overlap P", "gum_ORG_overlap_precision"),
    ("GUM ORG overlap R", "gum_ORG_overlap_recall"),
    ("NewsFANE country precision (0.95)", "newsfane_nation_precision"),
    ("NewsFANE country recall (0.95)", "newsfane_nation_recall"),
    ("NewsFANE dev country P", "newsfane_dev_nation_precision"),
    ("NewsFANE dev country R", "newsfane_dev_nation_recall"),
    ("NewsFANE test country P", "newsfane_test_nation_precision"),
    ("NewsFANE test country R", "newsfane_test_nation_recall"),
    ("ANERcorp PERS F1", "aner_PERS_f1"),
    ("ANERcorp LOC F1", "aner_LOC_f1"),
    ("ANERcorp ORG F1", "aner_ORG_f1"),
    ("ANERcorp micro F1", "aner_micro_f1"),
    ("traps dev: false-friend hits (0)", "traps_dev_false_friend_hits"),
    ("traps dev: missed countries", "traps_dev_missed_countries"),
    ("traps dev: wrong top country", "traps_dev_top_wrong"),
    ("traps test: false-friend hits (0)", "traps_test_false_friend_hits"),
    ("traps test: missed countries", "traps_test_missed_countries"),
    ("traps test: wrong top country", "traps_test_top_wrong"),
    ("speed en articles/CPU-s (300)", "speed_en_articles_per_cpu_s"),
    ("speed ar articles/CPU-s (300)", "speed_ar_articles_per_cpu_s"),
    ("knowledge load s", "knowledge_load_s"),
    ("knowledge peak MB (200)", "knowledge_peak_mb"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help="git revision")
    parser.add_argument("--quick", action="store_true", help="2,000 NewsFANE sentences, 1 round")
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--speed-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        print(json.dumps(measure(args.quick)))
        return 0
    if args.speed_only:
        print(json.dumps(speed_only()))
        return 0
    base = run_baseline(args.baseline, args.quick)
    now = measure(args.quick)
    # speed on a shared machine drifts with its load: alternate baseline and this tree and keep
    # each one's best round, so both are measured under the same conditions
    for _ in range(0 if args.quick else 3):
        b = run_baseline(args.baseline, False, "--speed-only")
        n = speed_only()
        for key in b:
            base[key] = max(base[key], b[key])
            now[key] = max(now[key], n[key])
    print(f"{'figure':40s} {'baseline ' + args.baseline:>18s} {'now':>10s} {'ratio':>7s}")
    for label, key in ROWS:
        b, n = base.get(key, float("nan")), now.get(key, float("nan"))
        ratio = f"{n / b:7.2f}" if b else "      -"
        print(f"{label:40s} {b:18.3f} {n:10.3f} {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
