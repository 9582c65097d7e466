"""Quality floors for places, countries and entities (run by ``python -m bench.gate understand``).

Floors sit a little below the figures measured on 2026-11-29 after the team/in_name readings of
country names, the organisation head-word rules and the demonym/speech-verb person triggers:
NewsFANE country precision 0.951 / recall 0.940, city F1 0.668; ANERcorp LOC F1 0.822, PERS F1
0.338, ORG F1 0.493, micro F1 0.568; ANT agreement 0.798; speed ~750-850 articles per CPU second.
A drop below a floor fails CI.
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
        ("newsfane_nation_precision", fane["nation_precision"], 0.94),
        ("newsfane_nation_recall", fane["nation_recall"], 0.93),
        ("newsfane_city_f1", fane["city_f1"], 0.65),
        ("anercorp_loc_f1", ane["LOC"][2], 0.80),
        ("anercorp_pers_f1", ane["PERS"][2], 0.32),
        ("anercorp_org_f1", ane["ORG"][2], 0.47),
        ("anercorp_micro_f1", ane["micro"][2], 0.55),
        ("ant_region_agreement", regions["all"]["agreement"], 0.78),
        # CPU time on a loaded 2-core CI box; the target is 300/s
        ("speed_articles_per_cpu_second", ours, 300.0),
    ]
