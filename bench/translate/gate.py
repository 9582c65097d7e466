"""Quality floors for translation: protected names must survive a model that garbles everything.

Measured with the tiny random int8 model (built here in seconds): on the golden sentences of
the unit tests and on 60 AEB sentences naming a gazetteer entity or place, every expected Arabic name and
number came out (1.000 both, 2026-11-29). Floors sit a little below.
"""

from __future__ import annotations

from bench.translate.common import golden_cases, golden_names, tiny_models, tiny_translator
from bench.translate.fidelity import aeb_cases, gazetteer_names, score


def checks() -> list[tuple[str, float, float]]:
    tiny = tiny_translator(tiny_models(), "int8")
    _, golden, _ = score(tiny, golden_cases(), golden_names())
    names = gazetteer_names()
    _, places, _ = score(tiny, aeb_cases(names, 60), names)
    return [
        ("name_fidelity_golden_protected", golden, 0.98),
        ("name_fidelity_aeb_names_protected", places, 0.98),
    ]
