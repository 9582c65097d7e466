"""Protecting names, numbers and dates with placeholders, and putting Arabic forms back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.translate.protect import NameTable, Slot, format_date_ar, protect, restore

NAMES = NameTable.from_mapping(
    {"Biden": "بايدن", "Joe Biden": "جو بايدن", "Zelenskyy": "زيلينسكي", "Manila": "مانيلا"}
)

CASES = [
    ("name", "Biden spoke.", "90001 spoke.", [("name", "Biden", "بايدن")]),
    ("longest-first", "Joe Biden spoke.", "90001 spoke.", [("name", "Joe Biden", "جو بايدن")]),
    ("whole-word-only", "Bidenomics works.", "Bidenomics works.", []),
    ("possessive", "Biden's aide", "90001's aide", [("name", "Biden", "بايدن")]),
    ("number-thousands", "40,000 fled", "90001 fled", [("number", "40,000", "40,000")]),
    ("decimal", "up 3.5%", "up 90001%", [("number", "3.5", "3.5")]),
    ("date-mdy", "on May 5, 2025.", "on 90001.", [("date", "May 5, 2025", "5 مايو 2025")]),
    ("date-dmy", "on 5th March 2024", "on 90001", [("date", "5th March 2024", "5 مارس 2024")]),
    ("date-fr", "le 1er mai 2024", "le 90001", [("date", "1er mai 2024", "1 مايو 2024")]),
    ("month-year", "in March 2023", "in 90001", [("date", "March 2023", "مارس 2023")]),
    ("may-verb-not-date", "Zelenskyy may go", "90001 may go", [("name", "Zelenskyy", "زيلينسكي")]),
    (
        "mixed",
        "Biden met Zelenskyy in Manila with 12 aides.",
        "90001 met 90002 in 90003 with 90004 aides.",
        [
            ("name", "Biden", "بايدن"),
            ("name", "Zelenskyy", "زيلينسكي"),
            ("name", "Manila", "مانيلا"),
            ("number", "12", "12"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("text", "protected", "slots"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_protect(text: str, protected: str, slots: list[tuple[str, str, str]]) -> None:
    result = protect(text, NAMES)
    assert result.text == protected
    assert [(s.kind, s.source, s.target) for s in result.slots] == slots


def test_restore_puts_arabic_names_back() -> None:
    p = protect("Biden met Zelenskyy in Manila.", NAMES)
    assert restore("التقى 90001 مع 90002 في 90003.", p) == "التقى بايدن مع زيلينسكي في مانيلا."


@pytest.mark.parametrize(
    "model_output",
    ["قال ٩٠٠٠١ إن ٩٠٠٠٢", "قال 90,001 إن 90002", "قال 90001 إن ٩٠٬٠٠٢"],
    ids=["arabic-indic", "thousands-comma", "arabic-separator"],
)
def test_restore_reads_placeholders_the_model_reformatted(model_output: str) -> None:
    p = protect("Biden said Manila", NAMES)
    assert restore(model_output, p) == "قال بايدن إن مانيلا"


@pytest.mark.parametrize(
    "model_output",
    ["قال 90001", "قال 90001 و 90001 و 90002", "قال 90001 و 90002 و 90003", "كلام"],
    ids=["lost", "repeated", "invented", "all-lost"],
)
def test_restore_refuses_mangled_placeholders(model_output: str) -> None:
    assert restore(model_output, protect("Biden said Manila", NAMES)) is None


def test_pieces_alternate_text_and_slots() -> None:
    pieces = protect("Biden met Zelenskyy.", NAMES).pieces()
    assert [p.target if isinstance(p, Slot) else p for p in pieces] == [
        "بايدن",
        " met ",
        "زيلينسكي",
        ".",
    ]


def test_empty_table_protects_only_numbers_and_dates() -> None:
    p = protect("Biden counted 7 votes.", NameTable.from_mapping({}))
    assert p.text == "Biden counted 90001 votes."


def test_format_date_ar() -> None:
    assert format_date_ar("05", 11, "2024") == "5 ديسمبر 2024"
    assert format_date_ar(None, 0, "2024") == "يناير 2024"


_WORDS = st.sampled_from(["Biden", "Manila", "met", "in", "the", "12", "3.5", "May 5", ",", "x"])


@given(st.lists(_WORDS, max_size=30))
def test_restoring_the_untouched_placeholders_gives_the_arabic_forms(words: list[str]) -> None:
    text = " ".join(words)
    p = protect(text, NAMES)
    restored = restore(p.text, p)
    assert restored is not None
    for slot in p.slots:
        assert slot.target in restored
    assert "Biden" not in restored and "Manila" not in restored
