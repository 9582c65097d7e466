"""Extraction quality floors (run by ``python -m bench.gate extract``, about a minute on 2 cores).

Measured 2026-11-29 on the shared 2-core machine (see bench/extract/aeb.py, treval.py):
AEB F1 ours 0.970 vs bare trafilatura 0.953, time 1.03-1.19x (machine load); trafilatura-eval
(every 3rd page, 330) F1 ours 0.923 vs bare 0.913, title 0.809, date 0.878, author 0.575.
Floors sit a little below; speed is pinned as bare/ours time (>= 0.7 means ours costs at most
~1.4x, loose because 8 engineers share the 2 cores and the ratio moves with the load).
"""

from __future__ import annotations

from bench.extract import aeb, treval


def checks() -> list[tuple[str, float, float]]:
    side = aeb.run()
    sample = treval.run(every=3)
    return [
        ("aeb_f1", side.ours[2], 0.962),
        ("aeb_f1_minus_bare", side.ours[2] - side.bare[2], 0.008),
        ("aeb_speed_bare_over_ours", side.bare_ms / side.ours_ms, 0.7),
        ("treval_f1", sample.ours.f1, 0.915),
        ("treval_f1_minus_bare", sample.ours.f1 - sample.bare.f1, 0.0),
        ("treval_title_accuracy", sample.title[0] / sample.title[1], 0.79),
        ("treval_date_accuracy", sample.date[0] / sample.date[1], 0.86),
        ("treval_author_accuracy", sample.author[0] / sample.author[1], 0.55),
    ]
