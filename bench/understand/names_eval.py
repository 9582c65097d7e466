"""English people and organisations (issue 14 point 3), side by side with a baseline release.

    .venv/bin/python -m bench.understand.names_eval                       # vs 74fcdb6
    .venv/bin/python -m bench.understand.names_eval --baseline 74fcdb6 --rounds 3
    .venv/bin/python -m bench.understand.names_eval --errors dev          # our set's dev errors

Prints PER and ORG exact-span precision and recall on:

- our own labelled set (``tests/data/understand/names-{dev,test}.txt``): English news-like
  documents written by the Marsad team from the name classes of the issue (titles, Mr/Dr/Sen.,
  CEO of X, spokespeople, reporting verbs, organisation head words, acronyms, long names kept
  whole, surname mentions, sports clubs, people named like places). Tune on dev, report test.
  It is our own set, small and written by us: a check, not a corpus;
- GUM news (``en-news-entities``) by GUM's own split (train, dev, test: tune on train and dev);
- ANERcorp (test split) PERS and ORG, the Arabic figures this work must keep;
- English and Arabic articles per CPU second (``en_eval.speed``; best of ``--rounds``, the
  baseline and this tree alternating, since the shared machine's load drifts).

The baseline runs in a subprocess over the ``marsad`` package of a git revision unpacked by
``bench.understand.compare.baseline_dir``; the measuring code is this tree's in both runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from typing import Any

from bench.common import REPO

DEFAULT_BASELINE = "74fcdb6"
DATA = REPO / "tests" / "data" / "understand"
_MARK = re.compile(r"\{(PER|ORG) ([^{}]+)\}")
_TYPES = {"person": "PER", "organization": "ORG"}

Gold = set[tuple[int, int, str]]


def read_names(split: str) -> list[tuple[str, Gold]]:
    """The documents of our own set's ``split`` (dev, test): plain text and gold spans."""
    docs = []
    path = DATA / f"names-{split}.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, gold, at = [], set(), 0
        position = 0
        for mark in _MARK.finditer(line):
            text.append(line[at : mark.start()])
            position += mark.start() - at
            name = mark.group(2)
            gold.add((position, position + len(name), mark.group(1)))
            text.append(name)
            position += len(name)
            at = mark.end()
        text.append(line[at:])
        docs.append(("".join(text), gold))
    return docs


def _ours(knowledge: Any, text: str) -> Gold:
    from marsad.understand import find_entity_spans

    return {
        (s.start, s.end, _TYPES[s.type.value])
        for s in find_entity_spans(knowledge, text, "en")
        if s.type.value in _TYPES
    }


def eval_names(knowledge: Any, split: str) -> dict[str, float]:
    """PER/ORG exact-span P/R on our own set's ``split``."""
    counts = dict.fromkeys(("PER_tp", "PER_pred", "PER_gold", "ORG_tp", "ORG_pred", "ORG_gold"), 0)
    for text, gold in read_names(split):
        ours = _ours(knowledge, text)
        for kind in ("PER", "ORG"):
            g = {x for x in gold if x[2] == kind}
            o = {x for x in ours if x[2] == kind}
            counts[f"{kind}_tp"] += len(g & o)
            counts[f"{kind}_pred"] += len(o)
            counts[f"{kind}_gold"] += len(g)
    out: dict[str, float] = {}
    for kind in ("PER", "ORG"):
        tp, pred, gold_n = counts[f"{kind}_tp"], counts[f"{kind}_pred"], counts[f"{kind}_gold"]
        out[f"{kind}_precision"] = tp / pred if pred else 0.0
        out[f"{kind}_recall"] = tp / gold_n if gold_n else 0.0
    return out


def show_errors(split: str) -> None:
    from marsad.understand import load_knowledge

    knowledge = load_knowledge()
    for text, gold in read_names(split):
        ours = _ours(knowledge, text)
        for label, spans in (("MISS", gold - ours), ("FALSE", ours - gold)):
            for start, end, kind in sorted(spans):
                print(f"{label:5s} {kind} {text[start:end]!r:35s} :: {text[:90]}")
    print(split, json.dumps({k: round(v, 3) for k, v in eval_names(knowledge, split).items()}))


def measure() -> dict[str, float]:
    from bench.understand.en_eval import eval_gum
    from bench.understand.ner_eval import eval_anercorp
    from marsad.understand import load_knowledge

    knowledge = load_knowledge()
    out: dict[str, float] = {}
    for split in ("dev", "test"):
        out.update({f"own_{split}_{k}": v for k, v in eval_names(knowledge, split).items()})
    for split in ("train", "dev", "test"):
        figures = eval_gum(knowledge, split)
        for kind in ("PER", "ORG"):
            for what in ("precision", "recall"):
                out[f"gum_{split}_{kind}_{what}"] = figures[f"{kind}_{what}"]
    figures = eval_gum(knowledge)
    for kind in ("PER", "ORG"):
        for what in ("precision", "recall"):
            out[f"gum_all_{kind}_{what}"] = figures[f"{kind}_{what}"]
    ane = eval_anercorp(knowledge)
    for kind in ("PERS", "ORG"):
        p, r, f = ane[kind]
        out[f"aner_{kind}_precision"], out[f"aner_{kind}_recall"], out[f"aner_{kind}_f1"] = p, r, f
    return out


def speed_only() -> dict[str, float]:
    from bench.understand.en_eval import speed
    from marsad.understand import load_knowledge

    return speed(load_knowledge(), rounds=1)


def _baseline(rev: str, what: str) -> dict[str, float]:
    from bench.understand.compare import baseline_dir

    env = dict(os.environ, PYTHONPATH=f"{baseline_dir(rev)}{os.pathsep}{REPO}")
    done = subprocess.run(
        [sys.executable, "-m", "bench.understand.names_eval", what],
        env=env,
        cwd=baseline_dir(rev),  # its ``marsad`` wins over the editable install of this tree
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _rows() -> list[tuple[str, str]]:
    rows = []
    for prefix, label in (
        ("own_dev", "own set dev"),
        ("own_test", "own set test"),
        ("gum_train", "GUM train"),
        ("gum_dev", "GUM dev"),
        ("gum_test", "GUM test"),
        ("gum_all", "GUM all 24 docs"),
    ):
        for kind in ("PER", "ORG"):
            rows.append((f"{label} {kind} P", f"{prefix}_{kind}_precision"))
            rows.append((f"{label} {kind} R", f"{prefix}_{kind}_recall"))
    for kind in ("PERS", "ORG"):
        for what, short in (("precision", "P"), ("recall", "R"), ("f1", "F1")):
            rows.append((f"ANERcorp {kind} {short}", f"aner_{kind}_{what}"))
    rows.append(("speed en articles/CPU-s", "speed_en_articles_per_cpu_s"))
    rows.append(("speed ar articles/CPU-s", "speed_ar_articles_per_cpu_s"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help="git revision")
    parser.add_argument("--rounds", type=int, default=2, help="speed rounds per tree")
    parser.add_argument("--errors", choices=("dev",), help="list our set's errors (dev only)")
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--speed-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.errors:
        show_errors(args.errors)
        return 0
    if args.measure_only:
        print(json.dumps(measure()))
        return 0
    if args.speed_only:
        print(json.dumps(speed_only()))
        return 0
    base = _baseline(args.baseline, "--measure-only")
    now = measure()
    for _ in range(args.rounds):  # alternate, keep each tree's best round
        for figures, fresh in ((base, _baseline(args.baseline, "--speed-only")), (now, None)):
            fresh = fresh if fresh is not None else speed_only()
            for key, value in fresh.items():
                figures[key] = max(figures.get(key, 0.0), value)
    print(f"{'figure':32s} {'baseline ' + args.baseline:>18s} {'now':>8s} {'ratio':>7s}")
    for label, key in _rows():
        b, n = base.get(key, float("nan")), now.get(key, float("nan"))
        ratio = f"{n / b:7.2f}" if b else "      -"
        print(f"{label:32s} {b:18.3f} {n:8.3f} {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
