"""Shared by the extraction benches: load pages, time a call, the AEB 4-gram F1."""

from __future__ import annotations

import gzip
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
_TOKEN_RE = re.compile(r"\w+")


def read_gz(path: Path) -> bytes:
    with gzip.open(path, "rb") as handle:
        return handle.read()


def timed(call: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = call()
    return value, time.perf_counter() - started


def shingle_counts(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN_RE.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(0, len(tokens) - n + 1)))


def shingle_match(truth: str, prediction: str) -> tuple[int, int, int]:
    """(TP, FP, FN) of 4-gram shingles with multiplicity, as AEB's evaluate.py counts them."""
    true, pred = shingle_counts(truth), shingle_counts(prediction)
    tp = sum((true & pred).values())
    return tp, sum(pred.values()) - tp, sum(true.values()) - tp


def aeb_scores(counts: list[tuple[int, int, int]]) -> tuple[float, float, float]:
    """Precision and recall averaged over documents (those with a denominator), F1 of the two."""
    precisions = [tp / (tp + fp) for tp, fp, fn in counts if tp + fp > 0]
    recalls = [tp / (tp + fn) for tp, fp, fn in counts if tp + fn > 0]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
