"""Search quality floors (run by ``python -m bench.gate search``; about a minute on 2 cores).

ARCD full (1,395 questions, 460 passages) through ``marsad.search.search`` with no recency.
Measured 2026-11-29 (bench/search/arcd.py): match=auto (the default) Recall@10 0.960 /
MRR@10 0.826; match=any 0.960 / 0.826; FTS5 default tokenizer 0.870 / 0.678 (before the
re-ranking by title and coverage: auto 0.960 / 0.816, any 0.960 / 0.820). Floors sit just
below; lowering one is a deliberate, explained commit.
"""

from __future__ import annotations

from bench.search.arcd import evaluate

FLOORS = {
    "arcd_auto_recall@10": 0.955,
    "arcd_auto_mrr@10": 0.82,
    "arcd_any_recall@10": 0.955,
    "arcd_any_mrr@10": 0.82,
    "arcd_recall@10_ratio_vs_fts5_default": 1.09,
}


def checks() -> list[tuple[str, float, float]]:
    results = evaluate("full", modes=("auto", "any"))
    base_recall, _ = results["fts5-default"]
    out: list[tuple[str, float, float]] = []
    for mode in ("auto", "any"):
        recall, mrr = results[f"marsad-{mode}"]
        out.append((f"arcd_{mode}_recall@10", recall, FLOORS[f"arcd_{mode}_recall@10"]))
        out.append((f"arcd_{mode}_mrr@10", mrr, FLOORS[f"arcd_{mode}_mrr@10"]))
    recall, _ = results["marsad-auto"]
    name = "arcd_recall@10_ratio_vs_fts5_default"
    out.append((name, recall / base_recall, FLOORS[name]))
    return out
