"""The extraction golden set: pages we wrote in the shapes real Arabic and English news sites use.

Each ``tests/data/extract/golden/NAME.html`` has ``NAME.json`` beside it with the expected
title, text that must / must not appear, date (UTC day), author and language.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.extract import extract_page
from marsad.models import ExtractionStatus

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "extract" / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.html"))


def test_golden_set_is_big_enough() -> None:
    assert len([c for c in CASES if c.startswith("ar")]) >= 12
    for case in CASES:
        assert (GOLDEN / f"{case}.json").is_file(), case


@pytest.mark.parametrize("case", CASES)
def test_golden_page(case: str) -> None:
    expected = json.loads((GOLDEN / f"{case}.json").read_text(encoding="utf-8"))
    result = extract_page((GOLDEN / f"{case}.html").read_bytes(), expected["url"])
    assert result.status is ExtractionStatus.OK, result.reason
    assert result.title == expected["title"]
    text = result.text or ""
    for snippet in expected["must_contain"]:
        assert snippet in text, f"missing {snippet!r} in:\n{text}"
    for snippet in expected["must_not_contain"]:
        assert snippet not in text, f"leaked {snippet!r} in:\n{text}"
    if "first_paragraph_starts" in expected:
        assert text.startswith(expected["first_paragraph_starts"]), text
    published = result.published.date().isoformat() if result.published else None
    assert published == expected["published"]
    if "published_exact" in expected:
        assert result.published is not None
        assert result.published.isoformat() == expected["published_exact"]
    if "modified_exact" in expected:
        assert result.modified is not None
        assert result.modified.isoformat() == expected["modified_exact"]
    assert result.author == expected["author"]
    assert result.language == expected["language"]
    for field in ("canonical_url", "image", "encoding"):
        if field in expected:
            assert getattr(result, field) == expected[field]
    assert "\n\n" in text  # paragraph breaks kept as blank lines
