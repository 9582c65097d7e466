"""Stemmers: a light Arabic stemmer of our own and English Snowball (PyStemmer).

The Arabic stemmer is "light" in Larkey's sense (Light10, SIGIR 2002): it removes clitics and a
short list of plural, dual, feminine and nisba suffixes, and never tries to find the root. It runs
on normalised text (``normalize_ar``), where teh marbuta is already heh and hamza carriers are
folded. Its suffix list and guards were chosen on ARCD retrieval (``bench/text/arcd.py``), where it
is measured side by side with PyStemmer's Snowball Arabic stemmer.
"""

from __future__ import annotations

import Stemmer

from marsad.text.lexicon import NAMES_AR
from marsad.text.normalize import normalize_ar
from marsad.text.tokens import is_arabic, name_of, split_normalized

# Suffixes after normalisation, longest first, each with the shortest stem it may leave; one is
# removed (then the check repeats once for a nisba/feminine ending under a plural: فلسطينيين ->
# فلسطيني -> فلسطين). The dual ان needs a 3-letter stem so سكان and مكان keep their nun: that
# lifted MRR@10 on ARCD from 0.8054 to 0.8069 (bench/text/arcd.py).
_SUFFIXES = (
    ("\u064a\u0647", 2),  # يه (ية after normalisation): nisba feminine
    ("\u0627\u062a", 2),  # ات: feminine plural
    ("\u0648\u0646", 2),  # ون: masculine plural
    ("\u064a\u0646", 2),  # ين: masculine plural / dual oblique
    ("\u0627\u0646", 3),  # ان: dual
    ("\u0647", 2),  # ه: teh marbuta or "his"
    ("\u064a", 2),  # ي: nisba / "my"
)
# Shortest stem kept. Two letters as in Light10: shorter stems conflate unrelated words.
MIN_STEM = 2
# A second suffix is removed only while the stem keeps this many letters (قرارات -> قرار, not قر).
MIN_STEM_SECOND_PASS = 3

# ت + pronoun is read as teh marbuta only on bases of 4+ letters: بيتها is بيت + ها, not بيه.
MIN_TEH_MARBUTA_BASE = 4
_TEH = "\u062a"
_HEH = "\u0647"
_PLURAL_AT = "\u0627\u062a"  # ات
MIN_PLURAL_STEM = 3

# PyStemmer's Snowball stemmers; stateless apart from an internal memo of stems, so a shared
# instance gives the same answers whoever calls it.
_ENGLISH = Stemmer.Stemmer("english")


def _teh_marbuta(base: str) -> str:
    """A final ت before a pronoun read as teh marbuta, unless it ends the feminine plural ات
    after a stem of 3+ letters (قراراته is قرارات + ه, not قراراة + ه; حياته stays حياة + ه).
    ARCD full, search: Recall@10 / MRR@10 0.960 / 0.826 -> 0.961 / 0.827 (test split unchanged)."""
    if base.endswith(_PLURAL_AT) and len(base) - 2 >= MIN_PLURAL_STEM:
        return base
    return base[:-1] + _HEH


def strip_suffixes(base: str) -> str:
    """Remove up to two light suffixes from a normalised Arabic base (clitics already removed).

    Names (``data/names_ar.txt``) are kept whole and stop the stripping, so فلسطين and
    الفلسطينيين meet on فلسطين.
    """
    name = name_of(base)
    if name is not None:
        return name
    for limit in (MIN_STEM, MIN_STEM_SECOND_PASS):
        for suffix, shortest in _SUFFIXES:
            if base.endswith(suffix) and len(base) - len(suffix) >= max(limit, shortest):
                base = base[: -len(suffix)]
                if suffix == _HEH and base[-1] == _TEH and len(base) >= MIN_TEH_MARBUTA_BASE:
                    # ته = teh marbuta + "his": نتيجته is نتيجة + ه (but قراراته: see below).
                    base = _teh_marbuta(base)
                break
        else:
            break
        if base in NAMES_AR:
            break
    return base


def stem_ar_normalized(token: str) -> str:
    """Light stem of an already normalised Arabic token."""
    _prefixes, base, enclitic = split_normalized(token)
    if enclitic and base[-1] == _TEH and len(base) >= MIN_TEH_MARBUTA_BASE:
        # Teh marbuta is written ت before a pronoun: حكومتها is حكومة + ها.
        base = _teh_marbuta(base)
    return strip_suffixes(base)


def stem_ar(token: str) -> str:
    """Light Arabic stem: clitics and plural/feminine/nisba suffixes removed (المعلمين -> معلم)."""
    token = normalize_ar(token)
    if not token or not is_arabic(token):
        return token
    return stem_ar_normalized(token)


def stem_en(token: str) -> str:
    """English Snowball (Porter2) stem of a lower-cased token (elections -> elect)."""
    return _ENGLISH.stemWord(token.lower())


__all__ = ["stem_ar", "stem_ar_normalized", "stem_en", "strip_suffixes"]
