"""Quality floors for places, countries and entities (run by ``python -m bench.gate understand``).

Floors sit a little below the figures measured on 2026-11-29 (see the closing note of issue 5):
NewsFANE country precision 0.908 / recall 0.954, city F1 0.667; ANERcorp LOC F1 0.819, micro F1
0.527; ANT agreement 0.797; speed ~950 articles per CPU second. A drop below a floor fails CI.
"""

from __future__ import annotations

from bench.understand.ner_eval import eval_anercorp, eval_newsfane
from bench.understand.regions_eval import region_agreement, speed
from marsad.understand import load_knowledge


def checks() -> list[tuple[str, float, float]]:
    knowledge = load_knowledge()
    fane = eval_newsfane(knowledge)
    ane = eval_anercorp(knowledge)
    regions = region_agreement(knowledge)
    ours, _, _ = speed(knowledge, 1000)
    return [
        ("newsfane_nation_precision", fane["nation_precision"], 0.89),
        ("newsfane_nation_recall", fane["nation_recall"], 0.94),
        ("newsfane_city_f1", fane["city_f1"], 0.64),
        ("anercorp_loc_f1", ane["LOC"][2], 0.80),
        ("anercorp_micro_f1", ane["micro"][2], 0.50),
        ("ant_region_agreement", regions["all"]["agreement"], 0.77),
        # CPU time on a loaded 2-core CI box; the target is 300/s
        ("speed_articles_per_cpu_second", ours, 300.0),
    ]
