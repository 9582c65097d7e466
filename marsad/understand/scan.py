"""Tokens with offsets, their normalised form, and the Aho-Corasick pass over them.

Text is split into word tokens; each is normalised on its own (``marsad.text.normalize_ar``, which
also lower-cases Latin script) so that every match maps back to original offsets. The normalised
tokens are joined by one space, or by " | " where punctuation stood between them, so a name never
matches across a comma or a full stop. Keys carry Arabic clitic variants (و ب ل ك ف + ال), built
once when the automaton is built.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from marsad.text import normalize_ar

# Letters, digits, Arabic marks and tatweel; marks must not split a word (عُمان). Initials
# written with dots are one token (U.S., U.K., U.A.E., N.Y., D.C.): its norm drops the dots, so
# "U.S." and "US" meet one key "us".
_WORD_RE = re.compile("(?:[A-Za-z]\\.){2,}|[\\w\u0610-\u061a\u064b-\u065f\u0670\u0640]+")
_SENTENCE_END_RE = re.compile("[.!?\u061f\u06d4\n]")
_ARABIC_RE = re.compile("[\u0600-\u06ff]")
_BREAK = " | "
# English abbreviations whose period neither ends a sentence nor breaks a name: St. Kitts and
# Nevis, Ft. Worth, Mt. Hood, Gov. Crist, Sen. Smith (Jr. and Sr. often end a sentence)
_ABBREVIATIONS_EN = frozenset(
    ("st", "ste", "ft", "mt", "dr", "mr", "mrs", "ms", "gov", "sen", "rep", "gen", "lt", "capt")
)
_JOINING_GAP = " \t\r\n\u00a0-\u2010\u2011'\u2019"
# Fast path for the common token: plain Arabic letters, no marks, no presentation forms. For
# those, normalize_ar reduces to this table (checked against it in tests/understand).
_PLAIN_ARABIC_RE = re.compile("^[\u0621-\u063a\u0641-\u064a]+$")
_PLAIN_ARABIC_TABLE = str.maketrans(
    {
        "\u0622": "\u0627",
        "\u0623": "\u0627",
        "\u0625": "\u0627",  # آ أ إ -> ا
        "\u0649": "\u064a",
        "\u0629": "\u0647",
        "\u0624": "\u0648",
        "\u0626": "\u064a",
        "\u0621": None,
    }
)
MAX_TEXT_CHARS = 200_000  # bound work on hostile input; longer texts are cut

# Clitics that attach before a name: conjunctions و ف, prepositions ب ل ك, and their pairs.
_PREFIXES_BARE = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
_PREFIXES_DEFINITE = ("", "و", "ف", "ب", "ك", "وب", "فب", "وك", "فك")
_PREFIXES_LAM_LAM = ("", "و", "ف")  # ل + ال is written لل
MIN_KEY_CHARS = 3  # shorter keys (two letters) collide with clitic-bearing words


@dataclass(frozen=True)
class Token:
    norm: str
    start: int  # offsets in the original text
    end: int
    sentence: int


@dataclass(frozen=True)
class Scanned:
    """A text cut into tokens, with the normalised string the automaton runs over."""

    text: str
    tokens: tuple[Token, ...]
    joined: str
    starts: dict[int, int]  # position in joined -> token index starting there
    ends: dict[int, int]  # position in joined (exclusive end) -> token index ending there


def normalize_key(text: str) -> str:
    """The normalised, space-joined form of a name, as keys and matches are compared."""
    return " ".join(
        m.group().replace(".", "").lower() if m.group().isascii() else normalize_ar(m.group())
        for m in _WORD_RE.finditer(text)
    )


def fast_normalize(word: str) -> str:
    """``normalize_ar`` for one token, with a fast path for plain Arabic and ASCII words."""
    if word.isascii():
        return word.replace(".", "").lower()
    if _PLAIN_ARABIC_RE.match(word):
        return word.translate(_PLAIN_ARABIC_TABLE)
    return normalize_ar(word).replace(" ", "")


# Latin letters with diacritics (Latin-1 Supplement to Latin Extended-B)
_LATIN_MARKED_RE = re.compile("[\u00c0-\u024f]")


def fold_latin(text: str) -> str:
    """``text`` without the diacritics of its Latin letters (inácio -> inacio), one letter for
    one; letters with no plain letter under them (ø, ł, ß) and other scripts are kept."""
    if not _LATIN_MARKED_RE.search(text):
        return text
    return "".join(_fold_letter(c) if "\u00c0" <= c <= "\u024f" else c for c in text)


def _fold_letter(c: str) -> str:
    base = "".join(x for x in unicodedata.normalize("NFD", c) if not unicodedata.combining(x))
    return base if len(base) == 1 and base.isascii() else c


def is_arabic(text: str) -> bool:
    return bool(_ARABIC_RE.search(text))


def scan(text: str) -> Scanned:
    """Tokenise ``text`` and build the normalised string with its token maps."""
    text = text[:MAX_TEXT_CHARS]
    memo: dict[str, str] = {}  # per call: news repeats its words, normalisation is the cost
    tokens: list[Token] = []
    parts: list[str] = []
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    pos = 0
    sentence = 0
    previous_end = 0
    for match in _WORD_RE.finditer(text):
        word = match.group()
        norm = memo.get(word)
        if norm is None:
            norm = fast_normalize(word)
            memo[word] = norm
        if not norm:
            continue
        start, end = match.span()
        if tokens:
            gap = text[previous_end:start]
            if gap == " ":  # most gaps: no sentence end, no break (fast path)
                sep = " "
            else:
                abbreviation = (
                    gap[:1] == "."
                    and not gap[1:].strip()
                    and tokens[-1].norm in _ABBREVIATIONS_EN
                    and word[:1].isupper()
                )
                if not abbreviation and _SENTENCE_END_RE.search(gap):
                    sentence += 1
                # hyphens and apostrophes join a name (Guinea-Bissau, Côte d'Ivoire); other
                # marks break
                sep = " " if abbreviation or not gap.strip(_JOINING_GAP) else _BREAK
            parts.append(sep)
            pos += len(sep)
        starts[pos] = len(tokens)
        parts.append(norm)
        pos += len(norm)
        ends[pos] = len(tokens)
        tokens.append(Token(norm, start, end, sentence))
        previous_end = end
    return Scanned(text, tuple(tokens), "".join(parts), starts, ends)


def clitic_variants(key: str, adjective: bool = False, bare: bool = False) -> list[tuple[str, int]]:
    """Arabic forms of a normalised key with clitics attached: (variant, clitic length).

    Names with ال take و ف ب ك and لل; bare names take و ف ب ل ك; adjectives (demonyms) take
    both, since الفرنسي and فرنسي are both used.
    """
    if bare or not is_arabic(key[:1]):
        return [(key, 0)]
    out: list[tuple[str, int]] = []
    bases = [key]
    if adjective and not key.startswith("ال"):
        bases.append("ال" + key)
    for base in bases:
        extra = len(base) - len(key)
        if base.startswith("ال"):
            out += [(p + base, len(p) + extra) for p in _PREFIXES_DEFINITE]
            out += [(p + "لل" + base[2:], len(p) + 1) for p in _PREFIXES_LAM_LAM]
        else:
            out += [(p + base, len(p)) for p in _PREFIXES_BARE]
    return out


@dataclass(frozen=True)
class Hit:
    """One raw match: token span [first, last], the key, its refs and the clitic length."""

    first: int
    last: int
    key: str
    clitic: int
    refs: tuple[int, ...]


KEY_NAME = "name"  # takes clitics
KEY_ADJECTIVE = "adjective"  # takes clitics and ال
KEY_BARE = "bare"  # matched as written only


def build_automaton(keys: Iterable[tuple[str, int, str]]) -> ahocorasick.Automaton:
    """Automaton over (normalised key, ref, key mode) with clitic variants.

    A variant's value is (its length, key, clitic length, refs). Where one string is both a
    bare key and a clitic-bearing form of another, the bare reading wins.
    """
    table: dict[str, dict[tuple[str, int], list[int]]] = {}
    for key, ref, mode in keys:
        if len(key.replace(" ", "")) < MIN_KEY_CHARS and not key.isascii():
            continue
        for variant, clitic in clitic_variants(key, mode == KEY_ADJECTIVE, mode == KEY_BARE):
            table.setdefault(variant, {}).setdefault((key, clitic), []).append(ref)
    automaton = ahocorasick.Automaton()
    for variant, readings in table.items():
        ordered = sorted(readings.items(), key=lambda r: r[0][1])
        (key, clitic), refs = ordered[0]
        automaton.add_word(variant, (len(variant), key, clitic, tuple(dict.fromkeys(refs))))
    automaton.make_automaton()
    return automaton


def find_hits(
    automaton: ahocorasick.Automaton, scanned: Scanned, folded_from: int | None = None
) -> list[Hit]:
    """Leftmost-longest non-overlapping matches aligned on token boundaries. With
    ``folded_from``, the refs from that number on (the listed people and organisations) are also
    matched with the Latin diacritics of the text dropped ("Recep Tayyip Erdoğan" meets a listed
    "Erdogan"); places are not, since folded they meet words (Salé is no "sale")."""
    joined = scanned.joined
    if not joined or len(automaton) == 0:
        return []
    candidates: list[Hit] = []
    for end, (length, key, clitic, refs) in automaton.iter(joined):
        last = scanned.ends.get(end + 1)
        if last is None:
            continue
        first = scanned.starts.get(end + 1 - length)
        if first is None:
            continue
        candidates.append(Hit(first, last, key, clitic, refs))
    if folded_from is None or joined.isascii():
        return _leftmost_longest(candidates)
    folded = fold_latin(joined)
    if folded != joined and len(folded) == len(joined):  # one letter for one: same offsets
        for end, (length, key, clitic, refs) in automaton.iter(folded):
            refs = tuple(r for r in refs if r >= folded_from)
            last = scanned.ends.get(end + 1)
            first = scanned.starts.get(end + 1 - length)
            if refs and first is not None and last is not None:
                candidates.append(Hit(first, last, key, clitic, refs))
    return _leftmost_longest(candidates)


def _leftmost_longest(candidates: list[Hit]) -> list[Hit]:
    candidates.sort(key=lambda h: (h.first, -(h.last - h.first), h.clitic))
    chosen: list[Hit] = []
    taken_until = -1
    for hit in candidates:
        if hit.first > taken_until:
            chosen.append(hit)
            taken_until = hit.last
    return chosen
