"""Zyte article-extraction-benchmark (181 pages): bare ``trafilatura.extract`` vs ours.

Both run on every page in the same process, alternating, so the time ratio is fair on a shared
machine. F1 is AEB's: 4-gram shingles of \\w+ tokens, precision and recall averaged over pages.

Run: ``nice -n 10 .venv/bin/python -m bench.extract.aeb [--limit N] [--show-worst K]``

Tuning history (2026-11-29, 2 shared cores; F1 / time ratio against bare in the same run):

    trafilatura full pass, metadata on, comments off       0.963  1.49x
    + own metadata (no extract_metadata deep copies)       0.963  1.29x
    + favor_precision                                      0.964  1.29x
    fast pass only                                         0.965  0.98x
    fast + favor_precision                                 0.946  0.98x
    fast, full pass when fast text < 800 chars             0.965  1.07x
    + full pass when the fast text is a menu               0.970  1.03-1.19x (load)
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass

import trafilatura

from bench.common import eval_data_dir
from bench.extract.common import aeb_scores, read_gz, shingle_match, timed
from marsad.extract import extract_page


@dataclass(frozen=True)
class SideBySide:
    pages: int
    bare: tuple[float, float, float]  # precision, recall, F1
    ours: tuple[float, float, float]
    bare_ms: float
    ours_ms: float
    worst: list[tuple[str, float, float]]  # (id, bare F1, ours F1), largest losses first


def run(limit: int | None = None) -> SideBySide:
    root = eval_data_dir() / "aeb"
    truth = json.loads((root / "ground-truth.json").read_text())
    ids = sorted(truth)[:limit] if limit else sorted(truth)
    bare_counts, ours_counts, per_page = [], [], []
    bare_time = ours_time = 0.0
    for item in ids:
        html = read_gz(root / "html" / f"{item}.html.gz").decode("utf-8", "replace")
        url = truth[item].get("url") or "https://example.com/"
        gold = truth[item].get("articleBody", "")
        bare_text, t_bare = timed(lambda h=html, u=url: trafilatura.extract(h, url=u) or "")
        ours, t_ours = timed(lambda h=html, u=url: extract_page(h, u))
        bare_time += t_bare
        ours_time += t_ours
        b = shingle_match(gold, bare_text)
        o = shingle_match(gold, ours.text or "")
        bare_counts.append(b)
        ours_counts.append(o)
        per_page.append((item, aeb_scores([b])[2], aeb_scores([o])[2]))
    per_page.sort(key=lambda row: row[2] - row[1])
    return SideBySide(
        pages=len(ids),
        bare=aeb_scores(bare_counts),
        ours=aeb_scores(ours_counts),
        bare_ms=1000 * bare_time / len(ids),
        ours_ms=1000 * ours_time / len(ids),
        worst=per_page[:10],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--show-worst", type=int, default=5)
    args = parser.parse_args()
    result = run(args.limit)
    print(f"AEB, {result.pages} pages")
    print(f"{'system':<22}{'P':>7}{'R':>7}{'F1':>7}{'ms/page':>10}")
    for name, (p, r, f1), ms in (
        ("trafilatura.extract", result.bare, result.bare_ms),
        ("marsad extract_page", result.ours, result.ours_ms),
    ):
        print(f"{name:<22}{p:7.3f}{r:7.3f}{f1:7.3f}{ms:10.1f}")
    print(f"time ratio ours/bare: {result.ours_ms / result.bare_ms:.2f}x")
    for item, bare_f1, ours_f1 in result.worst[: args.show_worst]:
        print(f"  worst vs bare: {item} bare {bare_f1:.3f} ours {ours_f1:.3f}")


if __name__ == "__main__":
    main()
