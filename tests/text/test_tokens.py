"""tokenize, split_clitics, shingles and extract_numbers: tables with ids, plus properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.text import extract_numbers, shingles, split_clitics, tokenize

TOKENIZE_CASES = [
    (
        "arabic-punctuation",
        "\u0645\u0635\u0631\u060c \u0644\u064a\u0628\u064a\u0627\u061b \u0627\u0644\u0633\u0648\u062f\u0627\u0646\u061f",
        [
            "\u0645\u0635\u0631",
            "\u0644\u064a\u0628\u064a\u0627",
            "\u0627\u0644\u0633\u0648\u062f\u0627\u0646",
        ],
    ),
    ("latin-lowercased", "Hello, World!", ["hello", "world"]),
    ("thousands-joined", "1,500,000 people", ["1500000", "people"]),
    ("arabic-thousands", "\u0661\u066c\u0665\u0660\u0660", ["1500"]),
    ("decimal-kept", "3.5 percent", ["3.5", "percent"]),
    ("arabic-decimal", "\u0663\u066b\u0665", ["3.5"]),
    ("year-then-period", "in 2024.", ["in", "2024"]),
    ("alnum-word", "covid19 F-16", ["covid19", "f", "16"]),
    ("diacritics-inside-word", "\u0643\u064e\u062a\u064e\u0628\u064e", ["\u0643\u062a\u0628"]),
    (
        "mixed-scripts",
        "\u0642\u0627\u0644 Biden \u0627\u0644\u064a\u0648\u0645",
        ["\u0642\u0627\u0644", "biden", "\u0627\u0644\u064a\u0648\u0645"],
    ),
    ("only-punctuation", "!!! ... \u060c\u061f", []),
    ("empty", "", []),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in TOKENIZE_CASES], ids=[c[0] for c in TOKENIZE_CASES]
)
def test_tokenize(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


CLITIC_CASES = [
    ("waw-bi-al", "وبالمدينة", ["و", "ب", "ال", "مدينه"]),
    ("lil", "للحكومة", ["ل", "ال", "حكومه"]),
    ("fa-al", "فالمسؤولون", ["ف", "ال", "مسوولون"]),
    ("ka-al", "كالبرق", ["ك", "ال", "برق"]),
    ("bi-bare-name", "بمصر", ["ب", "مصر"]),
    ("li-name", "لأوكرانيا", ["ل", "اوكرانيا"]),
    ("pronoun-ha", "وزارتها", ["وزارت", "ها"]),
    ("pronoun-hum", "كتابهم", ["كتاب", "هم"]),
    ("waw-then-protected-name", "وبلينكن", ["و", "بلينكن"]),
    ("keep-wilayat", "ولايات", ["ولايات"]),
    ("keep-blinken", "بلينكن", ["بلينكن"]),
    ("keep-lebanon", "لبنان", ["لبنان"]),
    ("keep-france", "فرنسا", ["فرنسا"]),
    ("keep-wafd-short", "وفد", ["وفد"]),
    ("keep-kitab", "كتاب", ["كتاب"]),
    ("keep-bayt-with-pronoun", "بيته", ["بيته"]),
    ("keep-korona-na", "كورونا", ["كورونا"]),
    ("keep-muhakim-kum", "محاكم", ["محاكم"]),
    ("nisba-of-name", "الفلسطينيين", ["ال", "فلسطينيين"]),
    ("latin-untouched", "Blinken", ["blinken"]),
    ("empty", "", []),
]


@pytest.mark.parametrize(
    ("token", "expected"), [c[1:] for c in CLITIC_CASES], ids=[c[0] for c in CLITIC_CASES]
)
def test_split_clitics(token: str, expected: list[str]) -> None:
    assert split_clitics(token) == expected


def test_split_clitics_pieces_rebuild_the_word() -> None:
    for word in ["وبالمدينة", "فالمسؤولون", "كتابهم", "ولبنان"]:
        pieces = split_clitics(word)
        rebuilt = "".join(pieces)
        assert rebuilt.replace("لال", "لل") in {
            "".join(tokenize(word)),
            "".join(tokenize(word)).replace("لل", "لال", 1),
        }


SHINGLE_CASES = [
    ("five-words", "a b c d e f", 5, ["a b c d e", "b c d e f"]),
    ("shorter-than-size", "a b", 5, ["a b"]),
    ("size-one", "A, b.", 1, ["a", "b"]),
    (
        "normalised",
        "\u0623\u062d\u0645\u062f \u0625\u0644\u0649",
        2,
        ["\u0627\u062d\u0645\u062f \u0627\u0644\u064a"],
    ),
    ("empty", "", 5, []),
]


@pytest.mark.parametrize(
    ("text", "size", "expected"), [c[1:] for c in SHINGLE_CASES], ids=[c[0] for c in SHINGLE_CASES]
)
def test_shingles(text: str, size: int, expected: list[str]) -> None:
    assert shingles(text, size) == expected


def test_shingles_rejects_size_zero() -> None:
    with pytest.raises(ValueError):
        shingles("a b", 0)


NUMBER_CASES = [
    ("western-thousands", "killed 1,500 people", ["1500"]),
    (
        "arabic-indic-thousands",
        "\u0645\u0642\u062a\u0644 \u0661\u066c\u0665\u0660\u0660 \u0634\u062e\u0635",
        ["1500"],
    ),
    ("persian-digits", "\u06f2\u06f0\u06f2\u06f6", ["2026"]),
    ("arabic-decimal", "\u0663\u066b\u0667\u066a", ["3.7"]),
    ("decimal", "3.5%", ["3.5"]),
    ("several-in-order", "On 12 March 2026, 40 died", ["12", "2026", "40"]),
    ("arabic-comma-is-a-list", "\u0661\u060c \u0662", ["1", "2"]),
    ("none", "no numbers here", []),
    ("arabic-thousand-word", "380 ألف نازح", ["380000"]),
    ("arabic-thousands-plural", "3 آلاف", ["3000"]),
    ("arabic-million-decimal", "١٫٢ مليون", ["1200000"]),
    ("arabic-billion", "30 مليار دولار", ["30000000000"]),
    ("english-million-word", "1.5 Million people", ["1500000"]),
    ("attached-bn-and-m", "$1.2bn and £5m", ["1200000000", "5000000"]),
    ("months-is-not-million", "12 months, 8 m", ["12", "8"]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in NUMBER_CASES], ids=[c[0] for c in NUMBER_CASES]
)
def test_extract_numbers(text: str, expected: list[str]) -> None:
    assert extract_numbers(text) == expected


def test_scaled_numbers_meet_across_languages() -> None:
    english = "The UN appealed for $160 million; 380,000 people fled."
    arabic = "طلبت الأمم المتحدة 160 مليون دولار، وفر 380 ألف شخص."
    assert extract_numbers(english) == extract_numbers(arabic) == ["160000000", "380000"]


def test_translation_shares_numbers() -> None:
    english = "The floods killed 1,742 people and displaced 33,000 in Sindh on 28 August."
    arabic = "\u0623\u0633\u0641\u0631\u062a \u0627\u0644\u0641\u064a\u0636\u0627\u0646\u0627\u062a \u0639\u0646 \u0645\u0642\u062a\u0644 \u0661\u066c\u0667\u0664\u0662 \u0634\u062e\u0635\u0627 \u0648\u0646\u0632\u0648\u062d \u0663\u0663\u066c\u0660\u0660\u0660 \u0641\u064a \u0662\u0668 \u0623\u063a\u0633\u0637\u0633"
    assert extract_numbers(english) == extract_numbers(arabic) == ["1742", "33000", "28"]


@given(st.text())
def test_tokenize_tokens_are_words(text: str) -> None:
    for token in tokenize(text):
        assert token and " " not in token


@given(st.text(max_size=40))
def test_split_clitics_never_raises(text: str) -> None:
    assert isinstance(split_clitics(text), list)


@given(st.text())
def test_extract_numbers_are_ascii_numbers(text: str) -> None:
    for number in extract_numbers(text):
        assert number.replace(".", "", 1).isdigit()
