"""Tokens: words of normalised text, Arabic clitic splitting, word shingles and numbers.

All functions are pure and work on any Unicode input. ``tokenize`` normalises first (so callers
may pass raw text); ``split_clitics`` takes one token, raw or normalised.
"""

from __future__ import annotations

import re
from decimal import Decimal

from marsad.text.lexicon import CLITIC_KEEP_AR, NAMES_AR
from marsad.text.normalize import normalize_ar, normalize_ar_letters, normalize_digits

# A number with thousands separators (1,500,000 / ١٬٥٠٠), a decimal (3.5 / ٣٫٥), or a word of
# letters and digits. Thousands groups are tried first so "1,500" stays one token.
_TOKEN_RE = re.compile(
    r"\d{1,3}(?:[,\u066c]\d{3})+(?:[.\u066b]\d+)?(?!\d)"
    r"|\d+(?:[.\u066b]\d+)?(?![^\W_])"
    r"|[^\W_]+"
)
_THOUSANDS_RE = re.compile("[,\u066c]")
# Numbers in raw text: Western, Arabic-Indic (U+0660-0669) and Persian (U+06F0-06F9) digits,
# with comma / Arabic thousands separator (U+066C) groups and a dot / Arabic decimal separator
# (U+066B). Bounded to 30 digits so hostile input cannot make huge tokens.
_NUMBER_RE = re.compile(
    r"(?<![\d\u0660-\u0669\u06f0-\u06f9])"
    r"[\d\u0660-\u0669\u06f0-\u06f9]{1,3}(?:[,\u066c][\d\u0660-\u0669\u06f0-\u06f9]{3}){1,9}"
    r"(?:[.\u066b][\d\u0660-\u0669\u06f0-\u06f9]{1,9})?(?![\d\u0660-\u0669\u06f0-\u06f9])"
    r"|[\d\u0660-\u0669\u06f0-\u06f9]{1,30}(?:[.\u066b][\d\u0660-\u0669\u06f0-\u06f9]{1,9})?"
)
# Scale words after a number: spelled out (English or Arabic, after a space) or abbreviated and
# attached ($160m, 1.2bn). Looked up after normalize_ar, so الف / ألف / آلاف need one entry each.
_SCALES = {
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "m": 1_000_000,
    "bn": 1_000_000_000,
    "الف": 1_000,
    "الفا": 1_000,
    "الاف": 1_000,
    "مليون": 1_000_000,
    "مليونا": 1_000_000,
    "ملايين": 1_000_000,
    "مليار": 1_000_000_000,
    "مليارا": 1_000_000_000,
    "مليارات": 1_000_000_000,
    "بليون": 1_000_000_000,
    "تريليون": 1_000_000_000_000,
}
_SCALE_RE = re.compile(
    r"(?:\s{1,3}(thousand|million|billion|trillion"
    "|\u0623\u0644\u0641\u0627?|\u0627\u0644\u0641\u0627?|\u0622\u0644\u0627\u0641"
    "|\u0645\u0644\u064a\u0648\u0646\u0627?|\u0645\u0644\u0627\u064a\u064a\u0646"
    "|\u0645\u0644\u064a\u0627\u0631(?:\u0627|\u0627\u062a)?|\u0628\u0644\u064a\u0648\u0646"
    "|\u062a\u0631\u064a\u0644\u064a\u0648\u0646)|(m|bn))(?![^\\W_])",
    re.IGNORECASE,
)
# Letters of the Arabic blocks: a token holding one of them takes the Arabic path.
_ARABIC_RE = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")

# Clitics after normalize_ar (hamza carriers folded, teh marbuta -> heh, alef maksura -> yeh).
_CONJUNCTIONS = ("\u0648", "\u0641")  # و ف
_FEH = "\u0641"
# ف starts far more words than it joins as "so, then" (فضيحة، فيسبوك، فيديو، فندق); as in
# Light10 it is taken for a conjunction only before another clitic (فال، فب، فل، فك):
# ARCD full 0.961 / 0.827 -> 0.961 / 0.826, test 0.969 / 0.858 -> 0.970 / 0.857; story F1 unchanged.
_FEH_FOLLOWERS = frozenset("\u0627\u0628\u0644\u0643")
_PREPOSITIONS = ("\u0628", "\u0643", "\u0644")  # ب ك ل
_ARTICLE = "\u0627\u0644"  # ال
_LAM = "\u0644"
_ALEF = "\u0627"
_YEH = "\u064a"
_KAF = "\u0643"
_TEH = "\u062a"
_HEH = "\u0647"
# Attached pronouns, longest first. Single letters (ه ي ك) are left to the stemmer: after
# normalisation ه is also teh marbuta, and ي / ك end too many words (عربي، ملك).
_ENCLITICS = (
    "\u0647\u0645\u0627",  # هما
    "\u0643\u0645\u0627",  # كما
    "\u0647\u0645",  # هم
    "\u0647\u0646",  # هن
    "\u0647\u0627",  # ها
    "\u0643\u0645",  # كم
    "\u0643\u0646",  # كن
    "\u0646\u0627",  # نا
)
# Adjective (nisba) endings after normalisation: ي يه يون يين يان يات.
_NISBA = (
    "\u064a\u064a\u0646",
    "\u064a\u0648\u0646",
    "\u064a\u0627\u0646",
    "\u064a\u0627\u062a",
    "\u064a\u0647",
    "\u064a",
)
# Shortest base left after removing a conjunction or preposition, a pronoun, or the article.
# Three letters is the Arabic root length: "وفد" and "بلد" keep their first letter.
MIN_BASE_AFTER_PROCLITIC = 3
MIN_BASE_AFTER_ENCLITIC = 3
# ب / ل without the article start many short words (بيته، بلده): before a three-letter base they
# are stripped only when the base does not end in ه / ي, which the stemmer would then cut to two
# letters (بمصر -> مصر, but بيته stays). A plain 4-letter floor cost 0.0008 Recall@10 on ARCD.
MIN_BASE_AFTER_BARE_PREPOSITION = 4
_SHORT_ENDINGS = frozenset("\u0647\u064a")
MIN_BASE_AFTER_ARTICLE = 2


def is_arabic(token: str) -> bool:
    """True when the token holds an Arabic-script letter."""
    return _ARABIC_RE.search(token) is not None


def tokenize(text: str) -> list[str]:
    """Words of the normalised text: Arabic and Latin words and numbers; punctuation dropped.

    Numbers keep their decimal point and lose thousands separators ("1,500" -> "1500").
    """
    return [
        _number_token(w) if w[0].isdigit() else w
        for w in _TOKEN_RE.findall(normalize_ar_letters(text))
    ]


def _number_token(number: str) -> str:
    """ASCII decimal point, no thousands separators: ١٬٥٠٠ and 1,500 are both 1500."""
    return _THOUSANDS_RE.sub("", number).replace("\u066b", ".")


def name_of(word: str) -> str | None:
    """The listed name that a normalised word is, or whose adjective it is (بريطانيه -> بريطانيا)."""
    if word in NAMES_AR:
        return word
    for suffix in _NISBA:
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            if base in NAMES_AR:
                return base
            # The final alef (امريكا -> امريكي) or yeh-alef (روسيا -> روسي) of a name drops
            # before the ending.
            for restored in (base + _ALEF, base + _YEH + _ALEF):
                if restored in NAMES_AR:
                    return restored
    return None


def _is_protected(word: str) -> bool:
    """A known word or name (or its adjective: فلسطينية) whose edge letters look like clitics."""
    return word in CLITIC_KEEP_AR or name_of(word) is not None


def _is_protected_core(word: str) -> bool:
    """``_is_protected`` for the word or for it without an attached pronoun (وزارتها -> وزارة)."""
    if _is_protected(word):
        return True
    for suffix in _ENCLITICS:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_BASE_AFTER_ENCLITIC:
            core = word[: -len(suffix)]
            if _is_protected(core) or (core[-1] == _TEH and _is_protected(core[:-1] + _HEH)):
                return True
    return False


def split_normalized(token: str) -> tuple[list[str], str, str]:
    """Split a normalised Arabic token into (proclitics, base, enclitic).

    Proclitics come out in order, e.g. ``["و", "ب", "ال"]``; ``لل`` gives ``["ل", "ال"]``; the
    enclitic is ``""`` when none. Known words and names (``data/clitic_keep_ar.txt``,
    ``data/names_ar.txt``) keep their letters.
    """
    if len(token) < 3:
        return [], token, ""
    prefixes: list[str] = []
    rest = token
    if (
        rest[0] in _CONJUNCTIONS
        and len(rest) - 1 >= MIN_BASE_AFTER_PROCLITIC
        and (rest[0] != _FEH or rest[1] in _FEH_FOLLOWERS)
        and not _is_protected_core(rest)
    ):
        prefixes.append(rest[0])
        rest = rest[1:]
    if rest.startswith(_LAM + _LAM) and len(rest) - 2 >= MIN_BASE_AFTER_ARTICLE:
        # لل = preposition ل + article ال whose alef is dropped in writing (للحكومة).
        if not _is_protected_core(rest):
            prefixes += [_LAM, _ARTICLE]
            rest = rest[2:]
    else:
        if rest[0] in _PREPOSITIONS and not _is_protected_core(rest):
            if rest[1:].startswith(_ARTICLE) and len(rest) - 3 >= MIN_BASE_AFTER_ARTICLE:
                prefixes.append(rest[0])
                rest = rest[1:]
            elif rest[0] != _KAF and (
                len(rest) - 1 >= MIN_BASE_AFTER_BARE_PREPOSITION
                or (len(rest) - 1 == MIN_BASE_AFTER_PROCLITIC and rest[-1] not in _SHORT_ENDINGS)
            ):
                # ب and ل also attach to bare nouns and names (بمصر، لأوكرانيا); ك hardly ever
                # does without the article and starts many words (كتاب), so it needs ال.
                prefixes.append(rest[0])
                rest = rest[1:]
        if rest.startswith(_ARTICLE) and len(rest) - 2 >= MIN_BASE_AFTER_ARTICLE:
            prefixes.append(_ARTICLE)
            rest = rest[2:]
    enclitic = ""
    if not _is_protected(rest):
        for suffix in _ENCLITICS:
            if rest.endswith(suffix) and len(rest) - len(suffix) >= MIN_BASE_AFTER_ENCLITIC:
                enclitic = suffix
                rest = rest[: -len(suffix)]
                break
    return prefixes, rest, enclitic


def split_clitics(token: str) -> list[str]:
    """Split one Arabic word into proclitics, base and attached pronoun.

    ``"وبالمدينة"`` -> ``["و", "ب", "ال", "مدينه"]``, ``"للحكومة"`` -> ``["ل", "ال", "حكومه"]``,
    ``"وزارتها"`` -> ``["وزارت", "ها"]``. Names and words whose first letter only looks like a
    clitic (ولايات، بلينكن، لبنان) stay whole. Pieces are normalised; non-Arabic tokens come back
    as one normalised piece, empty input as ``[]``.
    """
    token = normalize_ar(token)
    if not token:
        return []
    if not is_arabic(token) or " " in token:
        return [token]
    prefixes, base, enclitic = split_normalized(token)
    return [*prefixes, base, *([enclitic] if enclitic else [])]


def shingles(text: str, size: int = 5) -> list[str]:
    """Word n-grams (space-joined) over the normalised tokens, for MinHash near-duplicate checks.

    A text shorter than ``size`` tokens gives one shingle of all its tokens; empty text gives none.
    """
    if size < 1:
        raise ValueError("shingle size must be at least 1")
    words = tokenize(text)
    if len(words) <= size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


def extract_numbers(text: str) -> list[str]:
    """Numbers in the text, in order, as ASCII digits without thousands separators.

    A following scale word is applied, so a translation and its original agree:
    ``"380 ألف"``, ``"380,000"`` and ``"380 thousand"`` all give ``"380000"``, ``"$1.2bn"`` and
    ``"1.2 مليار"`` give ``"1200000000"``. ``"١٬٥٠٠ شخص و3.5٪"`` -> ``["1500", "3.5"]``.
    Language-independent evidence that two articles report the same facts.
    """
    numbers = []
    for match in _NUMBER_RE.finditer(text):
        number = _number_token(normalize_digits(match.group()))
        scale = _SCALE_RE.match(text, match.end())
        if scale is not None:
            factor = _SCALES[normalize_ar(scale.group(1) or scale.group(2))]
            number = _scaled(number, factor)
        numbers.append(number)
    return numbers


def _scaled(number: str, factor: int) -> str:
    value = Decimal(number) * factor
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


__all__ = [
    "extract_numbers",
    "is_arabic",
    "name_of",
    "shingles",
    "split_clitics",
    "split_normalized",
    "tokenize",
]
