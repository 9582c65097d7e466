"""Name fidelity on the golden sentences (tests/data/translate/fidelity.jsonl), with and without
protection, through the tiny random model and through the word-by-word test engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.translate.engines import InstalledModels
from marsad.translate.evaluate import FidelityCase, name_fidelity
from marsad.translate.protect import NameTable
from marsad.translate.service import translate_texts

DATA = Path(__file__).resolve().parent.parent / "data" / "translate"
CASES = [
    FidelityCase.from_json(json.loads(line))
    for line in (DATA / "fidelity.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]


def _translate(engine: object, cases: list[FidelityCase], names: NameTable | None) -> list[str]:
    out = []
    for case in cases:
        if names is None:  # the bare engine: what a translation without protection gives
            out.append(engine.translate_batch([case.text], case.language)[0])  # type: ignore[attr-defined]
        else:
            out.append(translate_texts(engine, [case.text], case.language, names=names)[0])  # type: ignore[arg-type]
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_golden_sentence_keeps_its_names_through_the_tiny_model(
    case: FidelityCase, tiny_translator: InstalledModels, name_table: NameTable
) -> None:
    translation = _translate(tiny_translator, [case], name_table)[0]
    missing = [form for form in case.expected if form not in translation]
    assert missing == [], translation


def test_fidelity_with_and_without_protection(
    tiny_translator: InstalledModels, word_translator: object, name_table: NameTable
) -> None:
    scores = {
        (engine_name, protected): name_fidelity(
            CASES, _translate(engine, CASES, name_table if protected else None)
        )
        for engine_name, engine in (("tiny", tiny_translator), ("words", word_translator))
        for protected in (True, False)
    }
    assert scores[("tiny", True)] == 1.0
    assert scores[("words", True)] == 1.0
    # Unprotected, a random model loses every name; a word list copies the English ones, which
    # keeps only the numbers.
    assert scores[("tiny", False)] < 0.1
    assert scores[("words", False)] < 0.35
