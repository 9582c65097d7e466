"""Quality floors for near-duplicate detection (run by ``python -m bench.gate dedup``).

Floors sit a little below the figures ``bench/dedup/run.py`` measured (see its output in the
closing note of the grouping issue); the speed floor is far below the measured rate because the
CI machine is shared.
"""

from __future__ import annotations

from bench.dedup.run import group_recall, load, random_pair_false_positives, signature_speed
from marsad.dedup.minhash import minhash_signature


def checks() -> list[tuple[str, float, float]]:
    groups = load("ant_duplicate_groups.jsonl.gz")
    sample = load("ant_multisource_sample.jsonl.gz")
    recall = group_recall(groups, minhash_signature, with_url=False)
    fp_rate = random_pair_false_positives(sample, 20_000)
    return [
        ("recall_same_url_text_differs", recall["same_url_text_differs"], 0.95),
        ("recall_identical_text_different_url", recall["identical_text_different_url"], 0.98),
        ("recall_same_url_identical_text", recall["same_url_identical_text"], 0.98),
        ("random_pairs_not_flagged (1 - FP rate)", 1.0 - fp_rate, 0.995),
        ("signatures_lsh_articles_per_cpu_s", signature_speed(sample, minhash_signature), 1000.0),
    ]
