"""Stemmers: the golden file tests/data/text/stems.tsv walked by one test, and English."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.text import split_clitics, stem_ar, stem_en

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "text" / "stems.tsv"


def _golden_rows() -> list[tuple[str, str, list[str]]]:
    rows = []
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, stem, pieces = line.split("\t")
            rows.append((word, stem, pieces.split(" ")))
    return rows


@pytest.mark.parametrize(("word", "stem", "pieces"), _golden_rows(), ids=lambda v: str(v))
def test_golden_stems(word: str, stem: str, pieces: list[str]) -> None:
    assert stem_ar(word) == stem
    assert split_clitics(word) == pieces


def test_golden_file_is_not_empty() -> None:
    assert len(_golden_rows()) >= 40


CONFLATION_CASES = [
    ("plural-and-singular", ["المعلم", "المعلمين", "معلمون", "والمعلمون"]),
    ("name-and-adjectives", ["فلسطين", "الفلسطيني", "الفلسطينية", "والفلسطينيين"]),
    ("name-with-alef", ["روسيا", "الروسي", "الروسية", "لروسيا"]),
    ("teh-marbuta-before-pronoun", ["الحكومة", "حكومته", "حكومتها", "للحكومة"]),
    ("feminine-plural", ["القرار", "القرارات", "قرارات"]),
    ("feminine-plural-before-pronoun", ["قرار", "قراراته", "قراراتها"]),
    ("plural-with-pronoun-meets-plural", ["المقالات", "مقالاته", "مقالاتهم"]),
    ("teh-marbuta-after-alef", ["الحياة", "حياته", "حياتها"]),
]


@pytest.mark.parametrize(
    "words", [c[1] for c in CONFLATION_CASES], ids=[c[0] for c in CONFLATION_CASES]
)
def test_forms_of_one_word_meet(words: list[str]) -> None:
    assert len({stem_ar(w) for w in words}) == 1


def test_feh_starting_a_word_is_not_taken_for_a_conjunction() -> None:
    """ف is a conjunction only before another clitic (as in Light10): فضيحة keeps its feh."""
    assert stem_ar("فضيحة") == stem_ar("الفضيحة") == stem_ar("فضيحته")
    assert stem_ar("فيسبوك") == stem_ar("وفيسبوك") == "فيسبوك"
    assert stem_ar("فالحكومة") == stem_ar("الحكومة")


def test_unrelated_words_stay_apart() -> None:
    assert stem_ar("بيت") != stem_ar("بيان")
    assert stem_ar("لبنان") != stem_ar("لبن")


ENGLISH_CASES = [
    ("plural", "elections", "elect"),
    ("ing", "flooding", "flood"),
    ("capitalised", "Ministers", "minist"),
    ("name-unchanged", "pakistan", "pakistan"),
]


@pytest.mark.parametrize(
    ("word", "stem"), [c[1:] for c in ENGLISH_CASES], ids=[c[0] for c in ENGLISH_CASES]
)
def test_stem_en(word: str, stem: str) -> None:
    assert stem_en(word) == stem


def test_stem_ar_leaves_latin_alone() -> None:
    assert stem_ar("NATO") == "nato"
    assert stem_ar("") == ""
