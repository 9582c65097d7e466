"""Quality floors for near-duplicate detection (run by ``python -m bench.gate dedup``).

Floors sit a little below the figures ``bench/dedup/run.py`` measured (see its output in the
closing note of the grouping issue); the speed floor is far below the measured rate because the
CI machine is shared.
"""

from __future__ import annotations

from bench.cluster.pinned import digest_checks
from bench.dedup.containment import random_pair_false_positives as containment_false_positives
from bench.dedup.containment import wrapped_recall
from bench.dedup.run import group_recall, load, random_pair_false_positives, signature_speed
from bench.dedup.translation import run_links
from marsad.dedup.minhash import minhash_signature

NEEDED = [
    ("eval", "ant-arabic-news/ant_multisource_sample.jsonl.gz"),
    ("eval", "ant-arabic-news/ant_duplicate_groups.jsonl.gz"),
    ("eval", "flores-ar-en/flores200_dev_eng_arb_docs.jsonl"),
    ("repo", "bench/cluster/english_reports.jsonl"),
]


def checks() -> list[tuple[str, float, float]]:
    pinned = digest_checks(NEEDED)
    if any(value < floor for _, value, floor in pinned):
        return pinned  # a missing or changed file fails the gate; nothing else is measured
    links = run_links("test")["today"]
    wrapped = wrapped_recall(
        load("ant_duplicate_groups.jsonl.gz"),
        load("ant_multisource_sample.jsonl.gz"),
        containment=True,
    )
    groups = load("ant_duplicate_groups.jsonl.gz")
    sample = load("ant_multisource_sample.jsonl.gz")
    recall = group_recall(groups, minhash_signature, with_url=False)
    fp_rate = random_pair_false_positives(sample, 20_000)
    wrapped_fp = containment_false_positives(sample, 20_000, containment=True)
    # Translation links on the FLORES-200 TEST documents (dev tuned, split by URL) with 1,030
    # distractors, measured: precision 0.969 (3 false links), recall 0.689, without numbers
    # 0.625 (45/72), same-language links 0 (before the size path: 1.000, 0.511, 0.333). Copies
    # under wrappers (ANT duplicate groups, the DEV set, tuned on; no held-out copy set exists
    # here), a pair counted when both end under one original: header 1.000, intro 0.996,
    # read-also 0.997, footer 1.000, all four 0.993, cut 1.000; random pairs flagged with the
    # sentence check on: 0 of 20,000.
    return [
        *pinned,
        ("translation_precision_flores_test", links.precision, 0.95),
        ("translation_recall_flores_test", links.recall, 0.65),
        ("translation_recall_no_numbers_flores_test", links.recall_no_number, 0.58),
        ("no_same_language_translation_links", 1.0 if links.same_language == 0 else 0.0, 1.0),
        ("copy_recall_under_all_wrappers", wrapped["all"], 0.98),
        ("copy_recall_with_intro", wrapped["intro"], 0.98),
        ("copy_recall_with_header", wrapped["header"], 0.98),
        ("copy_recall_with_read_also", wrapped["read-also"], 0.98),
        ("copy_recall_with_footer", wrapped["footer"], 0.98),
        ("copy_recall_cut_to_80_percent", wrapped["cut"], 0.98),
        ("random_pairs_not_flagged_as_wrapped_copies (1 - FP rate)", 1.0 - wrapped_fp, 0.995),
        ("recall_same_url_text_differs", recall["same_url_text_differs"], 0.95),
        ("recall_identical_text_different_url", recall["identical_text_different_url"], 0.98),
        ("recall_same_url_identical_text", recall["same_url_identical_text"], 0.98),
        ("random_pairs_not_flagged (1 - FP rate)", 1.0 - fp_rate, 0.995),
        ("signatures_lsh_articles_per_cpu_s", signature_speed(sample, minhash_signature), 1000.0),
    ]
