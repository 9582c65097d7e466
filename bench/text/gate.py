"""Quality floors for the text analyser: ARCD passage retrieval with ``analyze`` (FTS5 BM25).

Measured (bench/text/arcd.py, 2026-11-29): full split Recall@10 0.9599, MRR@10 0.8079; test split
(0.9672, 0.8418). Floors sit a little under the measurement so only a real regression fails.
"""

from __future__ import annotations

from bench.text.arcd import evaluate, load_collection
from marsad.text import analyze

FLOORS = {
    "arcd_full_recall_at_10": 0.955,
    "arcd_full_mrr_at_10": 0.800,
    "arcd_test_recall_at_10": 0.960,
    "arcd_test_mrr_at_10": 0.830,
}


def checks() -> list[tuple[str, float, float]]:
    """(name, measured, floor) for the default analyser on both ARCD splits."""
    out = []
    for split in ("full", "test"):
        scores = evaluate(load_collection(split), analyze)
        out.append((f"arcd_{split}_recall_at_10", scores.recall_at_10, 0.0))
        out.append((f"arcd_{split}_mrr_at_10", scores.mrr_at_10, 0.0))
    return [(name, value, FLOORS[name]) for name, value, _ in out]
