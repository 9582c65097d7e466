"""Name fidelity: how many of the expected Arabic names and numbers a translation contains.

Used by ``tests/translate/test_name_fidelity.py`` and ``bench/translate``. A case is a source
sentence with the canonical Arabic names (and the numbers) its translation must contain; the
score is the share of all expected forms found, over all cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FidelityCase:
    id: str
    language: str
    text: str
    expected: tuple[str, ...]  # Arabic names and numbers the translation must contain

    @classmethod
    def from_json(cls, data: dict) -> FidelityCase:  # type: ignore[type-arg]
        expected = tuple(data.get("names", ())) + tuple(data.get("numbers", ()))
        return cls(id=data["id"], language=data["lang"], text=data["text"], expected=expected)


def name_fidelity(cases: Sequence[FidelityCase], translations: Sequence[str]) -> float:
    """Share of expected forms present in the translations (1.0 when nothing is expected)."""
    wanted = sum(len(c.expected) for c in cases)
    found = sum(
        sum(1 for form in case.expected if form in out)
        for case, out in zip(cases, translations, strict=True)
    )
    return found / wanted if wanted else 1.0
