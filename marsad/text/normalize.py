"""Arabic normalisation for matching (search, dedup, gazetteers).

Our own rather than a library's: CAMeL Tools needs model downloads and PyArabic misses the
presentation forms and Persian digits that real feeds carry. Each step is a small pure function;
``normalize_ar`` applies them all in a fixed order. The output is for matching only, never for
display.
"""

from __future__ import annotations

import re
import unicodedata

# Harakat, tanween, shadda, sukun, superscript (dagger) alef, Quranic marks, small high letters.
_DIACRITICS_RE = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u08d3-\u08ff]"
)
_TATWEEL_RE = re.compile("\u0640+")
_ALEF_RE = re.compile("[\u0622\u0623\u0625\u0671\u0672\u0673\u0675]")  # آ أ إ ٱ ...
_SPACES_RE = re.compile(r"\s+")
# Zero-width and bidi controls that survive copy-paste from web pages.
_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_LETTERS = str.maketrans(
    {
        "\u0649": "\u064a",  # alef maksura -> yeh
        "\u06cc": "\u064a",  # Farsi yeh -> yeh
        "\u06d2": "\u064a",  # yeh barree -> yeh
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u06c0": "\u0647",  # heh with yeh above
        "\u06c1": "\u0647",  # heh goal
        "\u06d5": "\u0647",  # ae
        "\u0624": "\u0648",  # waw with hamza -> waw
        "\u0626": "\u064a",  # yeh with hamza -> yeh
        "\u06a9": "\u0643",  # keheh -> kaf
        "\u06af": "\u0643",  # gaf -> kaf (Persian names in Arabic text)
        "\u0698": "\u0632",  # jeh -> zain
        "\u067e": "\u0628",  # peh -> beh
        "\u0686": "\u062c",  # tcheh -> jeem
        "\u06a4": "\u0641",  # veh -> feh
    }
)


def fold_presentation_forms(text: str) -> str:
    """Arabic presentation forms (FB50-FDFF, FE70-FEFF) and lam-alef ligatures to plain letters."""
    return unicodedata.normalize("NFKC", text)


def strip_diacritics(text: str) -> str:
    return _DIACRITICS_RE.sub("", text)


def strip_tatweel(text: str) -> str:
    return _TATWEEL_RE.sub("", text)


def normalize_alef(text: str) -> str:
    return _ALEF_RE.sub("\u0627", text)


def normalize_letters(text: str) -> str:
    """Alef maksura, teh marbuta, hamza carriers and Persian/Urdu letter variants."""
    return text.translate(_LETTERS)


def normalize_teh_marbuta(text: str) -> str:
    return text.replace("\u0629", "\u0647")


def normalize_digits(text: str) -> str:
    """Arabic-Indic and Persian digits to ASCII digits."""
    return text.translate(_DIGITS)


def strip_invisible(text: str) -> str:
    return _INVISIBLE_RE.sub("", text)


# Everything ``normalize_ar`` deletes, in one character class: one regex pass instead of four.
_DELETE_RE = re.compile(
    "["
    + _INVISIBLE_RE.pattern[1:-1]
    + _DIACRITICS_RE.pattern[1:-1]
    + "\u0640"  # tatweel
    + "\u0621"  # a lone hamza on the line carries no distinction worth keeping for matching
    + "]+"
)
# Every one-letter substitution of ``normalize_ar`` (alef forms, letters, digits). Applied with
# ``str.replace`` per letter that occurs: ``str.translate`` with a dict table looks every
# character up in Python (~70 ns each) and was the analyser's largest cost.
_SUBSTITUTIONS: tuple[tuple[str, str], ...] = tuple(
    [(c, "\u0627") for c in "\u0622\u0623\u0625\u0671\u0672\u0673\u0675"]
    + [(chr(k), v) for k, v in _LETTERS.items()]
    + [(chr(k), chr(v)) for k, v in _DIGITS.items()]
)
_SUBSTITUTED_RE = re.compile("[" + "".join(c for c, _ in _SUBSTITUTIONS) + "]")


def normalize_ar(text: str) -> str:
    """Normalise Arabic (and any) text for matching: lower-cased, one space between words.

    Same result as applying, in order: ``fold_presentation_forms``, ``strip_invisible``,
    ``strip_diacritics``, ``strip_tatweel``, ``normalize_alef``, removing lone hamza,
    ``normalize_letters``, ``normalize_digits`` (a test holds the two equal).
    """
    return _SPACES_RE.sub(" ", normalize_ar_letters(text)).strip()


def normalize_ar_letters(text: str) -> str:
    """``normalize_ar`` without collapsing white space: for tokenisers, which split on it anyway."""
    if not text.isascii():
        text = fold_presentation_forms(text)
        text = _DELETE_RE.sub("", text)
        if _SUBSTITUTED_RE.search(text) is not None:
            for letter, replacement in _SUBSTITUTIONS:
                if letter in text:
                    text = text.replace(letter, replacement)
    return text.lower()


__all__ = [
    "fold_presentation_forms",
    "normalize_alef",
    "normalize_ar",
    "normalize_ar_letters",
    "normalize_digits",
    "normalize_letters",
    "normalize_teh_marbuta",
    "strip_diacritics",
    "strip_invisible",
    "strip_tatweel",
]
