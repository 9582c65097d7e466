"""normalize_ar and its small functions: one table row per normalisation, plus properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.text import normalize_ar
from marsad.text.normalize import (
    fold_presentation_forms,
    normalize_alef,
    normalize_digits,
    normalize_letters,
    normalize_teh_marbuta,
    strip_diacritics,
    strip_invisible,
    strip_tatweel,
)

NORMALIZE_CASES = [
    ("alef-hamza-above", "\u0623\u062d\u0645\u062f", "\u0627\u062d\u0645\u062f"),  # أحمد
    ("alef-hamza-below", "\u0625\u0633\u0644\u0627\u0645", "\u0627\u0633\u0644\u0627\u0645"),
    ("alef-madda", "\u0622\u0633\u064a\u0627", "\u0627\u0633\u064a\u0627"),  # آسيا
    ("alef-wasla", "\u0671\u0644\u0644\u0647", "\u0627\u0644\u0644\u0647"),
    ("alef-maksura", "\u0645\u0635\u0637\u0641\u0649", "\u0645\u0635\u0637\u0641\u064a"),
    ("teh-marbuta", "\u0645\u062f\u064a\u0646\u0629", "\u0645\u062f\u064a\u0646\u0647"),
    ("hamza-on-waw", "\u0645\u0624\u062a\u0645\u0631", "\u0645\u0648\u062a\u0645\u0631"),
    ("hamza-on-yeh", "\u0631\u0626\u064a\u0633", "\u0631\u064a\u064a\u0633"),  # رئيس
    ("lone-hamza", "\u0633\u0645\u0627\u0621", "\u0633\u0645\u0627"),  # سماء
    ("tatweel", "\u0645\u0640\u0640\u0635\u0631", "\u0645\u0635\u0631"),
    ("fatha-damma-kasra", "\u0643\u064e\u062a\u064f\u0628\u0650", "\u0643\u062a\u0628"),
    (
        "tanween",
        "\u0643\u062a\u0627\u0628\u064b\u0627\u064c\u064d",
        "\u0643\u062a\u0627\u0628\u0627",
    ),
    ("shadda-sukun", "\u0645\u062d\u0645\u0651\u062f\u0652", "\u0645\u062d\u0645\u062f"),
    ("dagger-alef", "\u0647\u0670\u0630\u0627", "\u0647\u0630\u0627"),  # هٰذا
    ("quranic-marks", "\u0642\u0627\u0644\u06d6", "\u0642\u0627\u0644"),
    ("arabic-indic-digits", "\u0661\u0669\u0664\u0668", "1948"),
    ("persian-digits", "\u06f2\u06f0\u06f2\u06f6", "2026"),
    ("presentation-form-b", "\ufee3\ufebc\ufeae", "\u0645\u0635\u0631"),  # ﻣﺼﺮ
    ("lam-alef-ligature", "\ufefb", "\u0644\u0627"),  # ﻻ
    ("lam-alef-hamza-ligature", "\ufef7", "\u0644\u0627"),  # ﻷ -> لأ -> لا
    ("presentation-form-a-allah", "\ufdf2", "\u0627\u0644\u0644\u0647"),
    ("farsi-yeh-keheh", "\u06cc\u06a9", "\u064a\u0643"),
    ("zero-width-and-bidi", "\u0645\u200c\u0635\u200f\u0631\u202b", "\u0645\u0635\u0631"),
    ("latin-lowercased", "Biden  SAID", "biden said"),
    (
        "whitespace-collapsed",
        " \u0641\u064a\n\t\u063a\u0632\u0629 ",
        "\u0641\u064a \u063a\u0632\u0647",
    ),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [c[1:] for c in NORMALIZE_CASES], ids=[c[0] for c in NORMALIZE_CASES]
)
def test_normalize_ar(raw: str, expected: str) -> None:
    assert normalize_ar(raw) == expected


SMALL_FUNCTION_CASES = [
    (
        "strip_diacritics",
        strip_diacritics,
        "\u0639\u064e\u0631\u064e\u0628\u0650\u064a\u0651",
        "\u0639\u0631\u0628\u064a",
    ),
    ("strip_tatweel", strip_tatweel, "\u0639\u0640\u0631\u0628", "\u0639\u0631\u0628"),
    ("normalize_alef", normalize_alef, "\u0623\u0625\u0622", "\u0627\u0627\u0627"),
    (
        "normalize_teh_marbuta",
        normalize_teh_marbuta,
        "\u062f\u0648\u0644\u0629",
        "\u062f\u0648\u0644\u0647",
    ),
    ("normalize_letters", normalize_letters, "\u0639\u0644\u0649", "\u0639\u0644\u064a"),
    ("normalize_digits", normalize_digits, "\u0663\u06f4", "34"),
    ("strip_invisible", strip_invisible, "a\u200bb\ufeff", "ab"),
    ("fold_presentation_forms", fold_presentation_forms, "\ufe8d\ufedf", "\u0627\u0644"),
]


@pytest.mark.parametrize(
    ("func", "raw", "expected"),
    [c[1:] for c in SMALL_FUNCTION_CASES],
    ids=[c[0] for c in SMALL_FUNCTION_CASES],
)
def test_small_functions(func, raw: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert func(raw) == expected


def test_same_word_all_spellings_meet() -> None:
    spellings = [
        "\u0627\u0644\u0625\u0633\u0644\u0627\u0645",  # الإسلام
        "\u0627\u0644\u0627\u0633\u0644\u0627\u0645",  # الاسلام
        "\u0627\u0644\u0625\u0633\u0652\u0644\u064e\u0627\u0645",  # with harakat
        "\u0627\u0644\u0640\u0625\u0633\u0640\u0644\u0627\u0645",  # with tatweel
    ]
    assert len({normalize_ar(s) for s in spellings}) == 1


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_ar(text)
    assert normalize_ar(once) == once


def test_normalize_ar_equals_its_steps_on_random_mixed_text() -> None:
    """The one-pass normaliser gives what the documented steps give, on hostile mixtures."""
    import random
    import re

    from marsad.text.normalize import normalize_ar_letters

    def normalize_ar_stepwise(text: str) -> str:
        """The documented steps of ``normalize_ar``, one public function at a time."""
        for step in (
            fold_presentation_forms,
            strip_invisible,
            strip_diacritics,
            strip_tatweel,
            normalize_alef,
            lambda x: x.replace("\u0621", ""),
            normalize_letters,
            normalize_digits,
        ):
            text = step(text)
        return re.sub(r"\s+", " ", text).strip().lower()

    alphabet = (
        "ابتثجحخدذرزسشصضطظعغفقكلمنهوي ءأإآٱؤئىةۀہەکگژپچڤیے"
        "\u064b\u064e\u0651\u0652\u0670\u0640\u200b\u200f\u202b\ufeff\u00ad"
        "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹0123456789٫٬,. \n\t"
        "ﻻﷲﺍﺑ"  # presentation forms
        "AbcÉé São"
    )
    rng = random.Random(20261129)
    for _ in range(2_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert normalize_ar(text) == normalize_ar_stepwise(text), repr(text)
        assert normalize_ar_letters(text).split() == normalize_ar(text).split(), repr(text)
