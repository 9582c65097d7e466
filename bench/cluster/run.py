"""Story clustering: pair precision/recall/F1 on the labelled ANT stream, then speed and scale.

Run: ``.venv/bin/python -m bench.cluster.run [--scale N] [--sweep]``.

Quality: the 350 hand-labelled ANT articles (``labels.jsonl``; texts read from the evaluation
data) plus the English reports written for this bench (``english_reports.jsonl``), streamed in
publication order through ``StoryClusterer``; pairs of articles are scored against the labels,
overall, Arabic-Arabic and cross-language. The understanding stage supplies entities and
countries when it is installed (the figure says which).

Scale: a synthetic window made by resampling the ANT sample's features (fresh keys, fresh
signatures so they are not copies, a third of the body terms swapped for rare synthetic ones so
the copies spread over many stories), timestamps packed so the whole stream is inside the
window; throughput (per CPU second) is measured at several window sizes, with the resident
memory the window adds.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import random
import resource
import sys
import time
import zlib
from dataclasses import replace
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from bench.common import eval_data_dir
from marsad.cluster import ClusterOptions, StoryClusterer
from marsad.cluster.stream import StoryTracker, load_understander, parse_time
from marsad.dedup import ArticleFeatures, features_from

HERE = Path(__file__).resolve().parent


def _ant_time(value: str) -> float:
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return 0.0


def labelled_stream(understand: bool = True) -> tuple[list[ArticleFeatures], dict[str, str], str]:
    """Features of the labelled articles in publication order, their labels, understanding used."""
    labels = {
        row["docno"]: row["story"]
        for row in map(json.loads, (HERE / "labels.jsonl").read_text().splitlines())
    }
    path = eval_data_dir() / "ant-arabic-news" / "ant_multisource_sample.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [r for r in map(json.loads, handle) if r["docno"] in labels]
    understander = load_understander() if understand else None
    feats: list[ArticleFeatures] = []

    def analyse(key: str, title: str, text: str, language: str, published: float, **kw: Any):
        ents, countries, regions = (), (), ()
        if understander is not None:
            ents, countries, regions = understander(title, text, language)
        return features_from(
            key,
            title=title,
            text=text,
            language=language,
            published=published,
            entities=ents,
            countries=countries,
            regions=regions,
            **kw,
        )

    for r in rows:
        feats.append(
            analyse(
                r["docno"],
                r["title"],
                r["text"] or "",
                "ar",
                _ant_time(r["time"]),
                url=r["url"],
                source=r["source"],
            )
        )
    for line in (HERE / "english_reports.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        labels[r["id"]] = r["story"]
        published = parse_time(r["published"])
        assert published is not None
        feats.append(
            analyse(r["id"], r["title"], r["text"], "en", published.timestamp(), url=r["url"])
        )
    feats.sort(key=lambda f: (f.published, f.key))
    return feats, labels, "with marsad.understand" if understander else "without understanding"


def pair_scores(
    feats: list[ArticleFeatures], labels: dict[str, str], predicted: dict[str, str]
) -> dict[str, dict[str, float]]:
    """Pair precision / recall / F1, overall, Arabic-Arabic and cross-language."""
    counts = {k: [0, 0, 0] for k in ("overall", "ar-ar", "cross-language")}  # tp, fp, fn
    for a, b in itertools.combinations(feats, 2):
        same_true = labels[a.key] == labels[b.key]
        same_pred = predicted[a.key] == predicted[b.key]
        if not (same_true or same_pred):
            continue
        slot = 0 if same_true and same_pred else (1 if same_pred else 2)
        kinds = ["overall"]
        if a.language != b.language:
            kinds.append("cross-language")
        elif a.language == "ar":
            kinds.append("ar-ar")
        for kind in kinds:
            counts[kind][slot] += 1
    out = {}
    for kind, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        out[kind] = {
            "precision": p,
            "recall": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "pairs": tp + fn,
        }
    return out


def run_quality(
    feats: list[ArticleFeatures], labels: dict[str, str], options: ClusterOptions | None = None
) -> dict[str, dict[str, float]]:
    clusterer = StoryClusterer(options)
    tracker = StoryTracker()
    for f in feats:
        tracker.record(clusterer.add(f))
    predicted = {f.key: tracker.story_of(f.key) or f.key for f in feats}
    return pair_scores(feats, labels, predicted)


def half_f1(
    feats: list[ArticleFeatures], labels: dict[str, str], options: ClusterOptions | None = None
) -> tuple[float, float]:
    """Overall pair F1 on each half of the stories (split by a hash of the label), the whole
    stream clustered once: a setting tuned on one half should hold on the other."""
    clusterer = StoryClusterer(options)
    tracker = StoryTracker()
    for f in feats:
        tracker.record(clusterer.add(f))
    predicted = {f.key: tracker.story_of(f.key) or f.key for f in feats}
    halves = [[f for f in feats if zlib.crc32(labels[f.key].encode()) % 2 == h] for h in (0, 1)]
    f0, f1 = (pair_scores(half, labels, predicted)["overall"]["f1"] for half in halves)
    return f0, f1


def _line(q: dict[str, dict[str, float]], halves: tuple[float, float]) -> str:
    return "  ".join(f"{k} F1 {v['f1']:.3f}" for k, v in q.items()) + (
        f"  (P {q['overall']['precision']:.3f} R {q['overall']['recall']:.3f}; "
        f"halves {halves[0]:.3f} / {halves[1]:.3f})"
    )


def _rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


def synthetic_stream(base: list[ArticleFeatures], count: int, seed: int = 7):
    """``count`` resampled articles, all inside a 3-day window (see the module docstring)."""
    rng = random.Random(seed)
    step = 2.5 * 86400 / count
    for n in range(count):
        f = rng.choice(base)
        body = list(f.body_terms)
        for i in rng.sample(range(len(body)), len(body) // 3) if body else ():
            body[i] = sys.intern(f"syn{rng.randrange(200_000)}")
        yield replace(
            f,
            key=f"syn-{n}",
            published=1.5e9 + n * step,
            url=None,
            text_hash=None,
            signature=rng.randbytes(len(f.signature)) if f.signature else b"",
            title_terms=(*f.title_terms, sys.intern(f"syn{rng.randrange(200_000)}")),
            body_terms=tuple(body),
        )


def run_scale(base: list[ArticleFeatures], total: int, checkpoints: list[int], probe: int = 2000):
    """Throughput per CPU second at each window size in ``checkpoints``, and the memory added."""
    clusterer = StoryClusterer(ClusterOptions(window_days=3))
    stream = synthetic_stream(base, total + probe * len(checkpoints))
    rss0 = _rss_mb()
    results = []
    filled = 0
    for checkpoint in checkpoints:
        while filled < checkpoint:
            clusterer.add(next(stream))
            filled += 1
        started = time.process_time()
        for _ in range(probe):
            clusterer.add(next(stream))
        rate = probe / (time.process_time() - started)
        filled += probe
        results.append(
            {
                "window_articles": clusterer.article_count,
                "stories": len(clusterer),
                "articles_per_s": rate,
                "rss_added_mb": _rss_mb() - rss0,
            }
        )
    return results


def base_features(limit: int | None = None) -> list[ArticleFeatures]:
    path = eval_data_dir() / "ant-arabic-news" / "ant_multisource_sample.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle][:limit]
    return [
        features_from(
            r["docno"],
            title=r["title"],
            text=r["text"] or "",
            language="ar",
            published=0.0,
            source=r["source"],
        )
        for r in rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=100_000, help="window size to reach")
    parser.add_argument("--sweep", action="store_true", help="also try join thresholds")
    parser.add_argument("--no-understand", action="store_true", help="leave entities out")
    args = parser.parse_args()
    feats, labels, how = labelled_stream(not args.no_understand)
    n_en = sum(f.language == "en" for f in feats)
    print(f"labelled stream: {len(feats)} articles ({n_en} English), {how}")
    for kind, s in run_quality(feats, labels).items():
        print(
            f"  {kind:<15} precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
            f"F1 {s['f1']:.3f}  ({s['pairs']:.0f} true pairs)"
        )
    print(f"  halves of the stories: F1 {'  /  '.join(f'{x:.3f}' for x in half_f1(feats, labels))}")
    # Sensitivity: the ANT sample is a tenth of the corpus, so a story's reports are sparser in
    # time than in a full crawl; a wider window shows what the 3-day default loses to that, and
    # "no growth" is the window measured from the last member alone (the clusterer before the
    # running-story lifetime).
    variants = {
        "window 5 days": ClusterOptions(window_days=5.0),
        "no growth (fixed 3 days)": ClusterOptions(lifetime_days_per_doubling=0.0),
    }
    for name, options in variants.items():
        q = run_quality(feats, labels, options)
        print(f"  {name}: {_line(q, half_f1(feats, labels, options))}")
    if args.sweep:
        print("\nsweep: growth (days/doubling), join, time penalty/day, same-language evidence")
        grid = itertools.product(
            (0.0, 0.25, 0.5, 1.0), (0.3, 0.35, 0.4), (0.02, 0.03, 0.05), (0.1, 0.2)
        )
        for growth, join, penalty, same in grid:
            options = ClusterOptions(
                lifetime_days_per_doubling=growth,
                join_threshold=join,
                time_penalty_per_day=penalty,
                evidence_weight_same=same,
            )
            q = run_quality(feats, labels, options)
            print(
                f"  {growth:.2f} {join:.2f} {penalty:.2f} {same:.1f}: "
                + _line(q, half_f1(feats, labels, options))
            )
    base = base_features()
    checkpoints = [c for c in (10_000, 30_000, args.scale) if c <= args.scale]
    print("\nscale (synthetic window, per CPU second, probe of 2,000 adds at each size):")
    for row in run_scale(base, args.scale, checkpoints):
        print(
            f"  window {row['window_articles']:>7,} articles, {row['stories']:>6,} stories: "
            f"{row['articles_per_s']:>6,.0f} articles/s, +{row['rss_added_mb']:,.0f} MB resident"
        )


if __name__ == "__main__":
    main()
