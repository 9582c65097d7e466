"""Name fidelity with and without protection.

    nice -n 10 .venv/bin/python -m bench.translate.fidelity [--aeb 200]

Two sets: (1) the golden sentences of the unit tests (names from tests/data/translate); (2)
sentences of the AEB article bodies that name an entity or place of Marsad's gazetteer
(``marsad.understand.load_knowledge``), the expected Arabic names being the gazetteer's. Set (2) is found by
the same matcher that protects, so it measures that protected names survive translation, not
that names are recognised. Engines: the tiny random model, and "copy" (returns its input: what
a reader gets with no translation). "bare" sends the sentence to the engine as it is.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bench.translate.common import (
    aeb_articles,
    golden_cases,
    golden_names,
    tiny_models,
    tiny_translator,
)
from marsad.translate.evaluate import FidelityCase, name_fidelity
from marsad.translate.names import names_from_knowledge
from marsad.translate.protect import NameTable
from marsad.translate.sentences import split_paragraphs, split_sentences
from marsad.translate.service import translate_texts_report


class CopyEngine:
    """The reference: no translation at all."""

    engine = "copy"
    model = "identity"

    def for_language(self, source_lang: str, target_lang: str = "ar") -> CopyEngine:
        return self

    def translate_batch(
        self, texts: Sequence[str], source_lang: str, target_lang: str = "ar"
    ) -> list[str]:
        return list(texts)


def aeb_cases(names: NameTable, limit: int) -> list[FidelityCase]:
    cases: list[FidelityCase] = []
    for url, body in aeb_articles():
        for paragraph in split_paragraphs(body):
            for sentence in split_sentences(paragraph):
                found = names.find(sentence)
                if found:
                    expected = tuple(dict.fromkeys(arabic for _, _, arabic in found))
                    cases.append(FidelityCase(f"{url}#{len(cases)}", "en", sentence, expected))
                    if len(cases) >= limit:
                        return cases
    return cases


def score(engine: object, cases: list[FidelityCase], names: NameTable) -> tuple[float, float, int]:
    """(fidelity bare, fidelity protected, sentences needing the fallback)."""
    bare = engine.translate_batch([c.text for c in cases], "en")  # type: ignore[attr-defined]
    report = translate_texts_report(engine, [c.text for c in cases], "en", names=names)  # type: ignore[arg-type]
    return name_fidelity(cases, bare), name_fidelity(cases, report.translations), report.fallbacks


def gazetteer_names() -> NameTable:
    """Names of Marsad's shipped entities and places (``marsad.understand.load_knowledge``)."""
    from marsad.understand import load_knowledge

    return names_from_knowledge(load_knowledge())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--aeb", type=int, default=200, help="AEB sentences naming a known entity or place"
    )
    args = parser.parse_args()
    tiny = tiny_translator(tiny_models(), "int8")
    place_names = gazetteer_names()
    sets = [
        ("golden", golden_cases(), golden_names()),
        ("aeb-names", aeb_cases(place_names, args.aeb), place_names),
    ]
    print(f"{'set':<11} {'n':>4} {'engine':<7} {'bare':>6} {'protected':>9} {'fallbacks':>9}")
    for set_name, cases, names in sets:
        for engine_name, engine in (("tiny", tiny), ("copy", CopyEngine())):
            bare, protected, fallbacks = score(engine, cases, names)
            print(
                f"{set_name:<11} {len(cases):>4} {engine_name:<7} {bare:>6.3f} {protected:>9.3f} {fallbacks:>9}"
            )


if __name__ == "__main__":
    main()
