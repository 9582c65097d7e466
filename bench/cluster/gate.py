"""Quality floors for story clustering (run by ``python -m bench.gate cluster``).

Floors sit a little below what ``bench/cluster/run.py`` measured on the labelled ANT stream (both
labelling rounds, the rest of the sample as background); the speed floor (10,000-article window,
per CPU second) is far below the measured rate because the CI machine is shared. The
100,000-article figure is measured by ``run.py --scale 100000`` (minutes, too long for the gate).
"""

from __future__ import annotations

from bench.cluster.pinned import digest_checks
from bench.cluster.run import (
    base_features,
    evaluation_stream,
    labelled_stream,
    order_f1,
    period_scores,
    predict,
    run_quality,
    run_scale,
    split_f1,
)

NEEDED = [
    ("eval", "ant-arabic-news/ant_multisource_sample.jsonl.gz"),
    ("eval", "flores-ar-en/flores200_dev_eng_arb_docs.jsonl"),
    ("repo", "bench/cluster/labels.jsonl"),
    ("repo", "bench/cluster/english_reports.jsonl"),
    ("repo", "bench/cluster/flores_labels.jsonl"),
    ("repo", "marsad/demo/data/articles.jsonl"),
]


def checks() -> list[tuple[str, float, float]]:
    pinned = digest_checks(NEEDED)
    if any(value < floor for _, value, floor in pinned):
        return pinned  # a missing or changed file fails the gate; nothing else is measured
    ev = evaluation_stream()
    test = split_f1(ev, predict(ev.stream), "test")
    orders = order_f1(ev, ("test",))["test"]
    stream = labelled_stream()
    predicted = predict(stream)
    quality = run_quality(stream, predicted=predicted)
    first, second = period_scores(stream, predicted).values()
    speed = run_scale(base_features(), 10_000, [10_000], probe=1000)[0]["articles_per_s"]
    # Measured (run.py, defaults): whole stream F1 0.907, precision 0.918, recall 0.896,
    # cross-language F1 0.898; first round F1 0.937, second round F1 0.799. One article more
    # or less in a big story moves a round's F1 by ~0.02.
    # The TEST half (stories split by label hash in the label files) of the evaluation stream:
    # labelled ANT + English reports + FLORES-200 documents (each English document and its
    # Arabic translation one story) + the demo corpus, 1,244 articles. Measured (issue 15):
    # overall 0.917, Arabic-Arabic 0.967, cross-language 0.840 (the dev half: 0.777).
    # Arrival order: the whole stream shuffled 10 ways (seeds 0..9), online decisions then the
    # re-check (recheck.py). Measured: every order gives the publication-order stories, test
    # half 0.943 each (online decisions alone: min 0.240, median 0.60). Floors raised with the
    # session's dedup work (copies under wrappers, translations without numbers): test half
    # overall 0.915 -> 0.943, cross-language 0.840 -> 0.918.
    return [
        *pinned,
        ("test_half_pair_f1_min_over_10_arrival_orders", min(orders), 0.92),
        ("test_half_pair_f1_overall", test["overall"], 0.92),
        ("test_half_pair_f1_cross_language", test["cross-language"], 0.89),
        ("pair_f1_overall", quality["overall"]["f1"], 0.89),
        ("pair_precision_overall", quality["overall"]["precision"], 0.90),
        ("pair_recall_overall", quality["overall"]["recall"], 0.87),
        ("pair_f1_cross_language", quality["cross-language"]["f1"], 0.88),
        ("pair_f1_first_round", first["overall"]["f1"], 0.92),
        ("pair_f1_second_round", second["overall"]["f1"], 0.78),
        ("assign_articles_per_cpu_s_10k_window", speed, 150.0),
    ]
