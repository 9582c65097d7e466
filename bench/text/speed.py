"""Speed of ``analyze`` on real Arabic news (ANT sample), tokens/s and articles/s on one core.

Side by side: our analyser, the reference normalise + Snowball + stop words analyser, and bare
``tokenize`` (the floor any analyser pays). Issue 5 asks normalisation + places + entities to run at
>= 300 articles/s; the analyser must be a small part of that. Run:
``nice -n 10 .venv/bin/python -m bench.text.speed [--limit N]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections.abc import Callable

from bench.common import eval_data_dir
from marsad.text import Analyzer, AnalyzerOptions, analyze, tokenize


def load_articles(limit: int) -> list[str]:
    """Title + body of the first ``limit`` articles of the ANT multi-source sample."""
    path = eval_data_dir() / "ant-arabic-news" / "ant_multisource_sample.jsonl.gz"
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            texts.append(f"{row['title']}\n{row['text']}")
            if len(texts) >= limit:
                break
    return texts


def measure(func: Callable[[str], list[str]], texts: list[str], rounds: int = 3) -> float:
    """Best-of-``rounds`` seconds to run ``func`` over all texts."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            func(text)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args()
    texts = load_articles(args.limit)
    words = sum(len(tokenize(t)) for t in texts)
    print(f"ANT sample: {len(texts)} articles, {words} words ({words / len(texts):.0f}/article)")
    # "cold": a fresh analyser whose word memo starts empty, one pass (a process's first batch);
    # the other rows are best of three passes, so the memo is warm (a long-running pipeline).
    rows = {
        "tokenize only": (tokenize, 3),
        "analyze, cold memo (one pass)": (Analyzer().analyze, 1),
        "analyze (default: light stemmer)": (analyze, 3),
        "normalise + snowball + stop": (
            Analyzer(AnalyzerOptions(arabic_stemmer="snowball")).analyze,
            3,
        ),
    }
    base = None
    for name, (func, rounds) in rows.items():
        seconds = measure(func, texts, rounds)
        base = base or seconds
        print(
            f"{name:36} {words / seconds:10,.0f} tokens/s {len(texts) / seconds:8,.0f} articles/s"
            f"  (x{seconds / base:.2f} the time of tokenize)"
        )


if __name__ == "__main__":
    main()
