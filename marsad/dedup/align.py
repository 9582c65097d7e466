"""Sentence alignment across languages: is one text a translation of the other?

Without a translation engine two texts in two languages share no words, but a translation keeps
its sentences' lengths in proportion (Gale & Church, 1993: a sentence's length in characters in
one language predicts its translation's length) and it keeps what does not depend on language:
names (written in another script, they keep their consonants: ``names.skeleton``), numbers in
any digit system, weekdays and months, in the same order as the sentences that carry them.

``alignment_profile(text, language)`` reduces a text to what the alignment needs: per sentence
(of the first ``MAX_SENTENCES``) its length and 16-bit hashes of its anchors (the anchor's class
in the top bits), packed in bytes so a window of articles stays small. ``align(a, b)`` runs the
Gale–Church dynamic programme over the two profiles; each bead's cost adds the log-likelihood
ratio of its anchors (``ANCHOR_LLR``: found across the bead, or asserted by one side and missing
from the other). The ``Alignment`` says how much of the shorter text the well-supported beads
cover, their summed evidence (anchors and length fit), and how many sentences they pair.
``Alignment.is_translation`` is the decision: most of the shorter text aligned, sentence for
sentence, with evidence far beyond chance (floors calibrated on the FLORES-200 dev documents,
``python -m bench.dedup.translation``).

Pure functions; bounded: at most ``MAX_SENTENCES`` sentences per side, so the programme costs
at most ``MAX_SENTENCES**2`` cells whatever the article's size.
"""

from __future__ import annotations

import math
import re
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, pairwise

import numpy as np

from marsad.text.tokens import extract_numbers

# A translation is told from the start; the lead's sentences are enough to decide, and keep the
# profile (and the programme) bounded for a 200,000-word page.
MAX_SENTENCES = 16
MAX_ANCHORS = 48  # per sentence, names and words together
MAX_SENTENCE_CHARS = 2000  # a "sentence" without punctuation is cut here
# Candidates on a stream are found through the names of the first ~60 words.
LINK_KEY_CHARS = 600
MAX_LINK_KEYS = 48
# Gale & Church's bead priors (1993, table 5), with 2-2 kept for merged sentences.
_PRIORS = {
    (1, 1): 0.89,
    (1, 0): 0.0099,
    (0, 1): 0.0099,
    (2, 1): 0.089,
    (1, 2): 0.089,
    (2, 2): 0.011,
}
_BEAD_COST = {bead: -math.log(p) for bead, p in _PRIORS.items()}
# Characters of Arabic per character of English, and the variance per character, measured on
# the FLORES-200 dev sentences (``python -m bench.dedup.translation`` prints them): 0.88 and
# 2.35. Other language pairs use ratio 1 with a wider variance (no data to measure them here).
LENGTH_RATIO = {("en", "ar"): 0.88}
LENGTH_VARIANCE = {("en", "ar"): 2.35}
DEFAULT_VARIANCE = 6.0
# Anchor evidence, as log-likelihood ratios (natural log, the DP's cost unit), per anchor class
# (``_anchor_class``): (found in the aligned sentence, asserted but not found there). Measured
# on the FLORES-200 dev sentence pairs against random sentence pairs (``bench.dedup.translation
# --classes``): a three-consonant skeleton is in the true translation 39% of the time and in a
# random Arabic sentence 0.9%; a number of three digits or more 94% and 0.1%. A number missing
# from the other side is strong evidence against (translations keep numbers), a name missing is
# weak (transliterations differ: Raonic / راونيتش).
ANCHOR_LLR = (
    (1.9, -1.0),  # 0: a quotation mark
    (2.6, -1.0),  # 1: a bracket
    (4.5, -0.5),  # 2: a weekday or a month
    (3.4, -0.7),  # 3: a one-digit or spelled-out number
    (4.6, -2.0),  # 4: a two-digit number
    (6.0, -2.0),  # 5: a longer number
    (3.8, -0.4),  # 6: a name of three or four consonant classes
    (5.0, -0.4),  # 7: a longer name
)
# Length evidence of an aligned bead, as a log-likelihood ratio: delta is standard normal for
# true pairs (dev sentences: sd 0.98) and about 3.1 times wider for random sentence pairs, so
# log(3.1) - delta**2 / 2 * (1 - 1 / 3.1**2); a close fit is worth about one shared quote.
RANDOM_DELTA_SD = 3.1
# A sentence with no counterpart costs about as much as a poor length fit.
SKIP_COST = 4.0
# A bead is "aligned" when its length fits (|delta| below this: 95% of the dev sentence pairs).
MAX_DELTA = 2.0
# Decision floors, set on the FLORES-200 dev documents against every other dev document and
# the ANT articles of the same weeks (``bench.dedup.translation``, sweep printed there):
MIN_COVERAGE = 0.7  # share of the shorter text's characters in aligned beads ("most of it")
MIN_EVIDENCE = 8.0  # summed log-likelihood ratio of the aligned beads (anchors and lengths)
# Aligned beads per sentence of the longer side: a translation renders sentence for sentence,
# a report retold from another language merges and drops them. FLORES dev: 95% of the linked
# true pairs reach 0.7; the demo corpus's retold reports (its answer key says they are not
# translations) reach at most 0.67.
MIN_BEAD_SHARE = 0.7
MIN_SENTENCES = 2  # one sentence is too little to tell a translation from a coincidence

_BOUNDARY_RE = re.compile(
    r"([.!?\u061f\u06d4]+[\"'\u201d\u00bb)]?)(?=\s+[\"'\u201c\u00ab(]?(?:[A-Z0-9]|[^\x00-\x7f]))"
)
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "prof",
        "gen",
        "col",
        "lt",
        "sgt",
        "rep",
        "sen",
        "gov",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "no",
        "vs",
    ]
)
_LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\-]{2,}")
_ARABIC_WORD_RE = re.compile(r"[\u0621-\u064a\u067e\u06a4\u06af]{3,}")
_CLITICS = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف")
# Capitalised English words that are not names.
_EN_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "but",
        "or",
        "in",
        "on",
        "at",
        "of",
        "for",
        "to",
        "by",
        "with",
        "from",
        "as",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "their",
        "our",
        "there",
        "here",
        "when",
        "where",
        "while",
        "after",
        "before",
        "during",
        "since",
        "however",
        "mr",
        "mrs",
        "ms",
        "dr",
        "according",
        "also",
        "some",
        "many",
        "most",
        "other",
        "such",
    ]
)
# Weekdays and months survive translation; one token each, whatever the language.
_DATE_WORDS = {
    **{
        w: f"d{i}"
        for i, w in enumerate(
            ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        )
    },
    **{
        w: f"d{i}"
        for i, w in enumerate(
            ["الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت", "الاحد"]
        )
    },
    **{
        w: f"m{i}"
        for i, w in enumerate(
            [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ]
        )
    },
    **{
        w: f"m{i}"
        for i, w in enumerate(
            [
                "يناير",
                "فبراير",
                "مارس",
                "ابريل",
                "مايو",
                "يونيو",
                "يوليو",
                "اغسطس",
                "سبتمبر",
                "اكتوبر",
                "نوفمبر",
                "ديسمبر",
            ]
        )
    },
    **{
        w: f"m{i}"
        for i, w in zip(
            (1, 2, 3, 4, 5, 6, 8),
            ["شباط", "اذار", "نيسان", "ايار", "حزيران", "تموز", "ايلول"],
            strict=True,
        )
    },
}
# Spelled-out numbers, as the digits they stand for ("fourteen" is also "four" and "ten", as
# Arabic writes it: أربعة عشر).
_NUMBER_WORDS = {
    **{
        w: f"n{i}"
        for i, w in enumerate(
            [
                "zero",
                "one",
                "two",
                "three",
                "four",
                "five",
                "six",
                "seven",
                "eight",
                "nine",
                "ten",
                "eleven",
                "twelve",
            ]
        )
        if i
    },
    **{
        w: f"n{i} n10"
        for i, w in enumerate(
            [
                "_",
                "_",
                "_",
                "thirteen",
                "fourteen",
                "fifteen",
                "sixteen",
                "seventeen",
                "eighteen",
                "nineteen",
            ]
        )
        if i >= 3
    },
    "twenty": "n20",
    "thirty": "n30",
    "forty": "n40",
    "fifty": "n50",
    "hundred": "n100",
    "hundreds": "n100",
    "thousand": "n1000",
    "thousands": "n1000",
    "million": "n1000000",
    "millions": "n1000000",
    "billion": "n1000000000",
    "billions": "n1000000000",
    "dozen": "n12",
    "dozens": "n12",
    **dict.fromkeys(("واحد", "واحده"), "n1"),
    **dict.fromkeys(("اثنان", "اثنين", "اثنتان", "اثنتين"), "n2"),
    **dict.fromkeys(("ثلاث", "ثلاثه"), "n3"),
    **dict.fromkeys(("اربع", "اربعه"), "n4"),
    **dict.fromkeys(("خمس", "خمسه"), "n5"),
    **dict.fromkeys(("ست", "سته"), "n6"),
    **dict.fromkeys(("سبع", "سبعه"), "n7"),
    **dict.fromkeys(("ثمان", "ثماني", "ثمانيه"), "n8"),
    **dict.fromkeys(("تسع", "تسعه"), "n9"),
    **dict.fromkeys(("عشر", "عشره"), "n10"),
    **dict.fromkeys(("عشرون", "عشرين"), "n20"),
    **dict.fromkeys(("ثلاثون", "ثلاثين"), "n30"),
    **dict.fromkeys(("اربعون", "اربعين"), "n40"),
    **dict.fromkeys(("خمسون", "خمسين"), "n50"),
    **dict.fromkeys(("مائه", "مئه", "مئات"), "n100"),
    **dict.fromkeys(("الف", "الاف"), "n1000"),
    **dict.fromkeys(("مليون", "ملايين"), "n1000000"),
    **dict.fromkeys(("مليار", "مليارات"), "n1000000000"),
    **dict.fromkeys(("عشرات",), "n12"),
}
# The first character of every number ``extract_numbers`` finds (its ``_NUMBER_RE``).
_DIGIT_RE = re.compile(r"[\d\u0660-\u0669\u06f0-\u06f9]")
_QUOTE_RE = re.compile('["\u201c\u201d\u00ab\u00bb]')
_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})
_ENTRY = struct.Struct("<HBB")


def skeleton(word: str) -> str:
    """``marsad.cluster.names.skeleton``, imported on use: the cluster package imports dedup."""
    from marsad.cluster.names import skeleton as name_skeleton

    return name_skeleton(word)


class _Skeletons(dict[str, str]):
    """Word -> skeleton, each computed once: a lead repeats its words, an Arabic word is tried
    with up to ten clitics, and news vocabulary is Zipfian, so most stems were seen in an
    earlier text. Only saves time (a word always has the same skeleton); cleared when full."""

    def __missing__(self, word: str) -> str:
        from marsad.cluster.names import skeleton as name_skeleton

        if len(self) >= MEMO_WORDS:
            self.clear()
        key = self[word] = name_skeleton(word)
        return key


class _Hashes(dict[str, int]):
    """Anchor token -> ``_hash``, kept across texts (skeletons and numbers repeat)."""

    def __missing__(self, token: str) -> int:
        if len(self) >= MEMO_WORDS:
            self.clear()
        value = self[token] = _hash(token)
        return value


class _WordMemo:
    """What the profile reads of a word, kept across texts like ``text.analyze``'s memo:
    skeletons, and an Arabic word's anchors (its clitics tried once)."""

    def __init__(self) -> None:
        self.skeletons = _Skeletons()
        self.arabic: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self.links: dict[str, tuple[str, ...]] = {}
        self.hashes = _Hashes()

    def arabic_link(self, word: str) -> tuple[str, ...]:
        """An Arabic word's link keys (``link_keys``), in order."""
        found = self.links.get(word)
        if found is None:
            if len(self.links) >= MEMO_WORDS:
                self.links.clear()
            found = self.links[word] = _arabic_link_keys(word, self.skeletons)
        return found

    def arabic_word(self, word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        found = self.arabic.get(word)
        if found is None:
            if len(self.arabic) >= MEMO_WORDS:
                self.arabic.clear()
            found = self.arabic[word] = _arabic_word_anchors(word, self.skeletons)
        return found


# A few hundred bytes a word in each memo: 50,000 words is some 20 MB, days of a news stream.
MEMO_WORDS = 50_000
_MEMO = _WordMemo()


def _anchor_class(token: str) -> int:
    """0..7: the anchor's row in ``ANCHOR_LLR``."""
    kind, body = token[0], token[1:]
    if kind == "s":  # a name's skeleton
        return 7 if len(body) >= 5 else 6
    if kind == "n":  # a number
        digits = len(body.replace(".", ""))
        return 5 if digits >= 3 else (4 if digits == 2 else 3)
    if kind in "dm":
        return 2
    return 1 if kind == "p" else 0


def _hash(token: str) -> int:
    """16 bits: the anchor's class in the top three, 13 bits of its CRC-32 below."""
    return (_anchor_class(token) << 13) | (zlib.crc32(token.encode("utf-8")) & 0x1FFF)


def split_sentences(text: str) -> list[str]:
    """Sentences (and bare lines) of ``text``, stripped, empty ones dropped.

    A full stop ends a sentence when a capital, a digit, a quote or a non-Latin letter follows,
    and not after an initial or a common abbreviation ("U.S.", "Dr.", "S."): translations keep
    sentence boundaries, and an abbreviation split is a bead the other side does not have.
    """
    out: list[str] = []
    for line in text.splitlines():
        start = 0
        for match in _BOUNDARY_RE.finditer(line):
            before = line[start : match.start()].rsplit(None, 1)
            last = before[-1].rstrip(".").lower() if before else ""
            if match.group(1) == "." and (len(last) <= 1 or last in _ABBREVIATIONS or "." in last):
                continue
            _keep(out, line[start : match.end(1)])
            start = match.end(1)
        _keep(out, line[start:])
    return out


def _keep(out: list[str], sentence: str) -> None:
    sentence = sentence.strip()
    if len(sentence) > 1:
        out.append(sentence[:MAX_SENTENCE_CHARS])


def _marks(sentence: str) -> set[str]:
    """Quotes and brackets: a translation keeps a quotation as a quotation."""
    marks = set()
    if _QUOTE_RE.search(sentence):
        marks.add("q")
    if "(" in sentence:
        marks.add("p")
    return marks


def _latin_anchors(sentence: str, memo: _WordMemo = _MEMO) -> tuple[set[str], set[str]]:
    skeletons = memo.skeletons
    names: set[str] = set()
    words = _LATIN_WORD_RE.findall(sentence)
    for i, word in enumerate(words):
        lower = word.lower()
        if lower.endswith("'s"):
            word, lower = word[:-2], lower[:-2]
        token = _DATE_WORDS.get(lower) or _NUMBER_WORDS.get(lower)
        if token is not None:
            names.update(token.split())
        elif word[0].isupper() and lower not in _EN_STOP and (i > 0 or len(word) > 3):
            key = skeletons[word]
            if len(key) >= 3:
                names.add("s" + key)
    names |= _marks(sentence)
    return names, names


def _arabic_anchors(sentence: str, memo: _WordMemo = _MEMO) -> tuple[set[str], set[str]]:
    # What an Arabic sentence asserts: its dates, numbers, quotes and the Latin-script names it
    # keeps as they are (UTC, NASA); every word's skeleton is where a Latin name may be found.
    names: set[str] = _marks(sentence)
    for word in _LATIN_WORD_RE.findall(sentence):
        key = memo.skeletons[word]
        if len(key) >= 3:
            names.add("s" + key)
    words: set[str] = set(names)
    seen = memo.arabic.get  # the common case (a word seen before) without a method call
    for word in _ARABIC_WORD_RE.findall(sentence):
        asserted, found_in = seen(word) or memo.arabic_word(word)
        names.update(asserted)
        words.update(asserted)
        words.update(found_in)
    return names, words


def _arabic_word_anchors(
    word: str, skeletons: _Skeletons
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """One Arabic word's dates and numbers (asserted), and its skeletons with and without each
    clitic (where a name may be found)."""
    names: list[str] = []
    words: list[str] = []
    folded = word.translate(_AR_FOLD)
    for clitic in ("", *_CLITICS):
        if clitic and not (folded.startswith(clitic) and len(folded) - len(clitic) >= 3):
            continue
        stem = folded[len(clitic) :]
        token = _DATE_WORDS.get(stem) or _NUMBER_WORDS.get(stem)
        if token is not None:
            names.extend(token.split())
        key = skeletons[stem]
        if len(key) >= 3:
            words.append("s" + key)
    return tuple(names), tuple(words)


def _arabic_link_keys(word: str, skeletons: _Skeletons) -> tuple[str, ...]:
    folded = word.translate(_AR_FOLD)
    # The word as written and without its first clitic (وبرلين, ببرلين: برلين).
    bare = [folded[len(c) :] for c in _CLITICS if folded.startswith(c)]
    keys: list[str] = []
    for stem in (folded, *[b for b in bare if len(b) >= 3][:1]):
        key = skeletons[stem]
        if len(key) >= 3:
            keys.append("k" + key)
    return tuple(keys)


def alignment_profile(text: str, language: str) -> bytes:
    """Per sentence of the lead: length, and hashes of its anchors (see the module docstring).

    ``names`` are what this side asserts (Latin script: capitalised words, dates, numbers;
    Arabic script: dates and numbers); ``words`` are what the other side's names may be found
    in (Arabic script: every word's skeleton, with and without clitics). Empty for no text.
    """
    arabic = language in ("ar", "fa", "ur", "ps")
    hashes = _MEMO.hashes
    out = bytearray()
    # Only the lead is read: a 200,000-word page costs what its first sentences cost.
    for sentence in split_sentences((text or "")[: MAX_SENTENCES * 400])[:MAX_SENTENCES]:
        names, words = _arabic_anchors(sentence) if arabic else _latin_anchors(sentence)
        # Every number ``extract_numbers`` finds starts with a digit: most sentences have none.
        has_digit = _DIGIT_RE.search(sentence) is not None
        numbers = {"n" + n for n in extract_numbers(sentence)} if has_digit else set()
        names_h = sorted({hashes[t] for t in names | numbers})[:MAX_ANCHORS]
        words_h = sorted({hashes[t] for t in words | numbers} - set(names_h))
        words_h = words_h[: max(0, MAX_ANCHORS - len(names_h))]
        length = min(len(sentence), 0xFFFF)
        out += _ENTRY.pack(length, len(names_h), len(words_h))
        out += struct.pack(f"<{len(names_h) + len(words_h)}H", *names_h, *words_h)
    return bytes(out)


def link_keys(text: str, language: str) -> tuple[str, ...]:
    """Name skeletons of the lead (``MAX_LINK_KEYS``), to find translation candidates on a
    stream: Latin script, its capitalised words; Arabic script, its words of four consonant
    classes or more (with and without a clitic), where the other side's names are written."""
    skeletons = _MEMO.skeletons
    words = (text or "")[:LINK_KEY_CHARS]
    keys: dict[str, None] = {}
    if language in ("ar", "fa", "ur", "ps"):
        for word in _ARABIC_WORD_RE.findall(words):
            keys.update(dict.fromkeys(_MEMO.arabic_link(word)))
    else:
        for word in _LATIN_WORD_RE.findall(words):
            if word.lower().endswith("'s"):
                word = word[:-2]
            if word[0].isupper() and word.lower() not in _EN_STOP:
                key = skeletons[word]
                if len(key) >= 3:
                    keys["k" + key] = None
    return tuple(keys)[:MAX_LINK_KEYS]


@dataclass(frozen=True)
class ProfileSentence:
    """One sentence of a profile: its characters and the hashes of its anchors."""

    length: int
    names: frozenset[int]
    words: frozenset[int]  # names | words: everything the other side's names may match


def _unpack(profile: bytes) -> list[ProfileSentence]:
    out: list[ProfileSentence] = []
    offset = 0
    while offset + _ENTRY.size <= len(profile) and len(out) < MAX_SENTENCES:
        length, n_names, n_words = _ENTRY.unpack_from(profile, offset)
        offset += _ENTRY.size
        count = n_names + n_words
        if offset + 2 * count > len(profile):
            break  # truncated: keep what was whole
        hashes = struct.unpack_from(f"<{count}H", profile, offset)
        offset += 2 * count
        names = frozenset(hashes[:n_names])
        out.append(ProfileSentence(length, names, names | frozenset(hashes[n_names:])))
    return out


@dataclass(frozen=True)
class Alignment:
    """What the alignment found: ``coverage``, the share of the shorter text (by characters) in
    aligned beads; ``evidence``, the summed log-likelihood ratio of those beads' anchors;
    ``anchors``, how many anchors were found across them; the aligned beads and the sentences
    on each side."""

    coverage: float
    evidence: float
    anchors: int
    missing: int
    beads: int
    sentences: tuple[int, int]

    def is_aligned(self) -> bool:
        """Most of the shorter text aligned sentence for sentence, whatever the evidence: the
        floors of ``is_translation`` but ``MIN_EVIDENCE`` (``could_be_translation`` bounds
        them). On its own no proof: ``TranslationIndex`` asks more of such a pair."""
        return (
            min(self.sentences) >= MIN_SENTENCES
            and self.coverage >= MIN_COVERAGE
            and self.beads >= MIN_BEAD_SHARE * max(self.sentences)
        )

    def is_translation(self) -> bool:
        return self.is_aligned() and self.evidence >= MIN_EVIDENCE

    def as_dict(self) -> dict[str, object]:
        """JSON-ready, for ``articles.duplicate_evidence``."""
        return {
            "method": "sentence-alignment",
            "aligned_share": round(self.coverage, 3),
            "anchors": self.anchors,
            "evidence": round(self.evidence, 2),
            "aligned_sentences": self.beads,
            "sentences": list(self.sentences),
        }


NO_ALIGNMENT = Alignment(0.0, 0.0, 0, 0, 0, (0, 0))


# Each anchor hash's log-likelihood ratio, found and missing, by hash (its class is the top three
# bits): one index per anchor in the programme's inner loop instead of a shift and two lookups.
_FOUND_LLR = tuple(ANCHOR_LLR[h >> 13][0] for h in range(1 << 16))
_MISSING_LLR = tuple(ANCHOR_LLR[h >> 13][1] for h in range(1 << 16))
_SQRT2 = math.sqrt(2.0)


# One side of a bead: its characters, the anchors it asserts, the anchors it may match.
_BeadSide = tuple[int, frozenset[int], frozenset[int]]
_Beads = tuple[tuple[_BeadSide, ...], tuple[_BeadSide, ...]]


@dataclass(frozen=True, slots=True)
class DecodedProfile:
    """A profile read once for every alignment it takes part in (``decode_profile``).

    ``beads[d - 1][i]`` is (characters, names, words) of sentences ``i .. i + d - 1`` together,
    for the one- and two-sentence sides of a bead: the programme reads each of them at up to
    four cells, so their unions are built here once instead of once per cell.
    """

    sentences: tuple[ProfileSentence, ...]
    beads: _Beads

    def __len__(self) -> int:
        return len(self.sentences)


def _bead_side(sentences: list[ProfileSentence]) -> _BeadSide:
    # Built exactly as the programme always built them (a union from the empty set), so the
    # sets, their iteration order and the float sums over them are the same as before.
    return (
        sum(s.length for s in sentences),
        frozenset().union(*(s.names for s in sentences)),
        frozenset().union(*(s.words for s in sentences)),
    )


def profile_sentences(profile: bytes) -> tuple[ProfileSentence, ...]:
    """The sentences ``align`` reads from ``profile`` (``alignment_profile``)."""
    return tuple(_unpack(profile))


def decode_profile(profile: bytes | tuple[ProfileSentence, ...]) -> DecodedProfile:
    """``profile`` (``alignment_profile``, or its ``profile_sentences``) unpacked, with its
    beads' anchor sets."""
    sentences = _unpack(profile) if isinstance(profile, bytes) else list(profile)
    return DecodedProfile(
        tuple(sentences),
        (
            tuple(_bead_side(sentences[i : i + 1]) for i in range(len(sentences))),
            tuple(_bead_side(sentences[i : i + 2]) for i in range(len(sentences) - 1)),
        ),
    )


def sentence_count(profile: bytes) -> int:
    """How many sentences ``align`` reads from ``profile`` (the headers only, no hashes)."""
    count = offset = 0
    while offset + _ENTRY.size <= len(profile) and count < MAX_SENTENCES:
        _, n_names, n_words = _ENTRY.unpack_from(profile, offset)
        offset += _ENTRY.size + 2 * (n_names + n_words)
        if offset > len(profile):
            break
        count += 1
    return count


def may_be_translation(n: int, m: int) -> bool:
    """False when texts of ``n`` and ``m`` sentences cannot pass ``Alignment.is_translation``,
    whatever their alignment: each aligned bead takes at least one sentence of each side, so
    ``beads <= min(n, m)``. Lets a caller skip the programme for such a pair."""
    return min(n, m) >= MIN_SENTENCES and min(n, m) >= MIN_BEAD_SHARE * max(n, m)


# The length term of a bead's ratio (``_length_llr``) as delta**2 * _LENGTH_SLOPE below its top.
_LENGTH_TOP = math.log(RANDOM_DELTA_SD)
_LENGTH_SLOPE = (1.0 - 1.0 / RANDOM_DELTA_SD**2) / 2.0
_SLACK = 1e-9  # the bounds below must never refuse a bead the programme would count
_BEADS = ((1, 1), (2, 1), (1, 2), (2, 2))


def could_be_translation(
    xs: Sequence[ProfileSentence],
    ys: Sequence[ProfileSentence],
    languages: tuple[str, str] = ("en", "ar"),
) -> bool:
    """False only when no alignment of ``a`` and ``b`` can pass ``Alignment.is_translation``.

    ``align_decoded`` counts a bead when its length fits (``|delta| <= MAX_DELTA``) and its
    log-likelihood ratio is positive. Without a shared anchor that ratio is at most the length
    term (and, when a side asserts an anchor the other lacks, at least 0.4 less): such a bead
    needs a close length fit. The counted beads are a monotone chain of these "possible"
    beads, so the longest chain bounds ``beads`` and the chain with the most characters of the
    shorter side bounds ``coverage``. The possible beads come from array arithmetic over the
    lengths (numpy) and the chains from a small integer programme, without the real one's
    anchor sums and logarithms. Retold reports (most candidates) fail here; a pair that passes
    is aligned as before, so no decision changes.
    """
    if (languages[1], languages[0]) in LENGTH_RATIO:
        xs, ys, languages = ys, xs, (languages[1], languages[0])
    n, m = len(xs), len(ys)
    if not may_be_translation(n, m):
        return False
    ratio, variance = _length_model(languages)
    lengths_x = np.array([s.length for s in xs], dtype=np.float64)
    lengths_y = np.array([s.length for s in ys], dtype=np.float64)
    total_x, total_y = int(lengths_x.sum()), int(lengths_y.sum())
    on_x = total_x * ratio <= total_y  # the side ``coverage`` is measured on, as in the programme
    total = total_x if on_x else total_y
    if not total:
        return False
    # Bead lengths by size: one sentence, two neighbours.
    side_x = (lengths_x, lengths_x[:-1] + lengths_x[1:])
    side_y = (lengths_y, lengths_y[:-1] + lengths_y[1:])
    fits, close = {}, {}
    for di, dj in _BEADS:
        lx, ly = side_x[di - 1][:, None], side_y[dj - 1][None, :]
        delta = (ly - lx * ratio) / np.sqrt(variance * np.maximum((lx + ly / ratio) / 2.0, 1.0))
        fits[di, dj] = np.abs(delta) <= MAX_DELTA + _SLACK
        close[di, dj] = _LENGTH_TOP - delta * delta * _LENGTH_SLOPE
    # First with every bead that fits possible (no anchor sets read yet): some pairs stop here.
    if not _chains_may_pass(fits, lengths_x if on_x else lengths_y, on_x, n, m, total, False):
        return False
    # shared[i, j]: sentence i of a and j of b have an anchor in common; a bead has one when
    # one of its sentence pairs has (its anchor sets are their unions).
    shared = np.array(
        [
            [not (x.names.isdisjoint(y.words) and y.names.isdisjoint(x.words)) for y in ys]
            for x in xs
        ],
        dtype=bool,
    )
    shared_by_bead = {
        (1, 1): shared,
        (2, 1): shared[:-1] | shared[1:],
        (1, 2): shared[:, :-1] | shared[:, 1:],
        (2, 2): shared[:-1, :-1] | shared[1:, :-1] | shared[:-1, 1:] | shared[1:, 1:],
    }
    # A bead without an anchor in common misses every anchor either side asserts (the two
    # sides' sets are disjoint then: a name on both would be shared): its ratio is the sum of
    # their ``missing`` terms and the length term, up to the order of the float sum.
    lacking_x = _lacking(xs)
    lacking_y = _lacking(ys)
    possible = {}
    for di, dj in _BEADS:
        bare = close[di, dj] + lacking_x[di - 1][:, None] + lacking_y[dj - 1][None, :]
        possible[di, dj] = fits[di, dj] & (shared_by_bead[di, dj] | (bare > -_SLACK))
    return _chains_may_pass(possible, lengths_x if on_x else lengths_y, on_x, n, m, total, True)


def _lacking(sentences: Sequence[ProfileSentence]) -> tuple[np.ndarray, np.ndarray]:
    """Per bead side (one sentence, two neighbours), the ``missing`` terms of the anchors it
    asserts (two neighbours: both sentences' less those of the anchors they share)."""
    one = [sum(map(_MISSING_LLR.__getitem__, s.names)) for s in sentences]
    two = [
        one[i] + one[i + 1] - sum(map(_MISSING_LLR.__getitem__, x.names & y.names))
        for i, (x, y) in enumerate(pairwise(sentences))
    ]
    return np.array(one, dtype=np.float64), np.array(two, dtype=np.float64)


def _chains_may_pass(
    possible: dict[tuple[int, int], np.ndarray],
    lengths: np.ndarray,
    on_x: bool,
    n: int,
    m: int,
    total: int,
    ordered: bool,
) -> bool:
    """Whether some chain of ``possible`` beads (``possible[di, dj][i, j]``: sentences i.. of
    x and j.. of y) may be long enough and cover enough of ``lengths``' side for the floors:
    without the beads' order (array sums), then, when ``ordered``, with it (an integer
    programme)."""
    need = MIN_BEAD_SHARE * max(n, m)
    floor = (MIN_COVERAGE - 1e-3) * total  # ``coverage`` is stored rounded to four places
    # Without the order of the beads: distinct starting sentences on each side bound the
    # chain, and the sentences some bead covers bound its characters.
    starts_x = np.zeros(n, dtype=bool)
    starts_y = np.zeros(m, dtype=bool)
    covered = np.zeros(n if on_x else m, dtype=bool)
    for (di, dj), ok in possible.items():
        rows, cols = ok.any(axis=1), ok.any(axis=0)
        starts_x[: ok.shape[0]] |= rows
        starts_y[: ok.shape[1]] |= cols
        starts, size, width = (rows, di, ok.shape[0]) if on_x else (cols, dj, ok.shape[1])
        for k in range(size):
            covered[k : k + width] |= starts
    if min(int(starts_x.sum()), int(starts_y.sum())) < need:
        return False
    if float(lengths[covered].sum()) < floor:
        return False
    return not ordered or _ordered_chains_may_pass(possible, lengths, on_x, n, m, need, floor)


def _ordered_chains_may_pass(
    possible: dict[tuple[int, int], np.ndarray],
    lengths: np.ndarray,
    on_x: bool,
    n: int,
    m: int,
    need: float,
    floor: float,
) -> bool:
    # The chains themselves: the longest, and the one with the most characters, ending by row
    # i. A bead ends in a later row than it starts, so row i is the row above, raised where a
    # bead ends, then carried to the right.
    side = [int(v) for v in lengths]
    ends: list[list[tuple[int, int, int, int]]] = [[] for _ in range(n + 1)]
    for (di, dj), ok in possible.items():
        rows, cols = np.nonzero(ok)
        for si, sj in zip(rows.tolist(), cols.tolist(), strict=True):
            start, size = (si, di) if on_x else (sj, dj)
            gain = side[start] + side[start + 1] if size == 2 else side[start]
            ends[si + di].append((sj + dj, si, sj, gain))
    count = [[0] * (m + 1)]
    chars = [[0] * (m + 1)]
    for i in range(1, n + 1):
        row_count, row_chars = count[i - 1][:], chars[i - 1][:]
        for j, si, sj, gain in ends[i]:
            if count[si][sj] + 1 > row_count[j]:
                row_count[j] = count[si][sj] + 1
            if chars[si][sj] + gain > row_chars[j]:
                row_chars[j] = chars[si][sj] + gain
        count.append(list(accumulate(row_count, max)))
        chars.append(list(accumulate(row_chars, max)))
    return count[n][m] >= need and chars[n][m] >= floor


# The screen below (``could_be_translations``) looks at all of one article's candidates in one
# pass of array arithmetic; it must let through every pair ``could_be_translation`` lets
# through, so its float sums (in another order) get this much more room.
_SCREEN_SLACK = 1e-6
_MISSING = np.array(_MISSING_LLR, dtype=np.float64)
_BIT = np.left_shift(np.uint32(1), np.arange(MAX_SENTENCES, dtype=np.uint32))
_HEAD = np.dtype([("length", "<u2"), ("names", "u1"), ("words", "u1")])


def profile_heads(profile: bytes) -> bytes:
    """The headers (``_ENTRY``: characters, names, other words) of the sentences ``align``
    reads from ``profile``, 4 bytes each: ``could_be_translations`` reads a profile with them
    without walking it."""
    out = bytearray()
    offset = 0
    while offset + _ENTRY.size <= len(profile) and len(out) < _ENTRY.size * MAX_SENTENCES:
        _, n_names, n_words = _ENTRY.unpack_from(profile, offset)
        end = offset + _ENTRY.size + 2 * (n_names + n_words)
        if end > len(profile):
            break
        out += profile[offset : offset + _ENTRY.size]
        offset = end
    return bytes(out)


def heads_size(heads: bytes) -> tuple[int, int]:
    """Sentences and their characters, from ``profile_heads``."""
    return len(heads) // _ENTRY.size, sum(length for length, _, _ in _ENTRY.iter_unpack(heads))


def _read(
    profiles: Sequence[bytes], heads: Sequence[bytes]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The sentences of ``profiles`` (numbered across all of them): characters, and per hash
    its value, sentence and whether it is a name."""
    head = np.frombuffer(b"".join(heads), dtype=_HEAD)
    sizes = np.array([len(h) // _ENTRY.size for h in heads], dtype=np.int64)
    count = head["names"].astype(np.int64) + head["words"]
    # Where each sentence's hashes start in the profiles laid end to end, in 2-byte units.
    step = count + _ENTRY.size // 2
    before = np.cumsum(step) - step
    first = np.cumsum(sizes) - sizes
    owner = np.repeat(np.arange(len(heads)), sizes)
    bases = np.cumsum([0, *((len(p) + 1) // 2 for p in profiles[:-1])])
    start = bases[owner] + before - before[first][owner] + _ENTRY.size // 2
    units = np.frombuffer(b"".join(p + b"\0" if len(p) % 2 else p for p in profiles), "<u2")
    sentence = np.repeat(np.arange(len(count)), count)
    rank = np.arange(int(count.sum())) - (np.cumsum(count) - count)[sentence]
    hashes = units[start[sentence] + rank]
    is_name = rank < head["names"][sentence]
    return head["length"].astype(np.float64), sizes, hashes, sentence, is_name


def could_be_translations(
    profile: bytes,
    language: str,
    others: Sequence[tuple[bytes, str]],
    heads: Sequence[bytes] | None = None,
    own_heads: bytes | None = None,
) -> list[bool]:
    """For each of ``others`` (a profile and its language; ``heads`` and ``own_heads``, the
    ``profile_heads`` the caller keeps), False only when ``could_be_translation`` of ``profile`` and it
    is False: both of its bounds for all of them in one pass of array arithmetic.

    A window's article has a dozen candidates of about its size; most share too few anchors in
    too few sentences to align, and this tells so for all of them in about the time one
    ``could_be_translation`` takes, reading the profiles' bytes, not decoded sentences. Where it
    is not exact it errs towards True: the ``missing`` terms of a two-sentence bead side are
    bounded by one sentence's (all are negative), and float sums get ``_SCREEN_SLACK``.
    """
    out = [False] * len(others)
    mine = profile_heads(profile) if own_heads is None else own_heads
    n = len(mine) // _ENTRY.size
    if heads is None:
        heads = [profile_heads(other) for other, _ in others]
    # Sizes (in header bytes) whose sentence counts ``may_be_translation`` lets through.
    fit = {_ENTRY.size * m for m in range(MAX_SENTENCES + 1) if may_be_translation(n, m)}
    picked = [k for k, h in enumerate(heads) if len(h) in fit]
    if not picked:
        return out
    p = len(picked)
    # Mine and theirs read together: my sentences are the first n, my hashes the first ones.
    lengths, sizes, hashes, sentence, is_name = _read(
        [profile, *(others[k][0] for k in picked)], [mine, *(heads[k] for k in picked)]
    )
    split = int(np.searchsorted(sentence, n))
    lx1, ly_flat, sizes = lengths[:n], lengths[n:], sizes[1:]
    hx, sx, nx = hashes[:split], sentence[:split], is_name[:split]
    hy, sy, ny = hashes[split:], sentence[split:] - n, is_name[split:]
    # Per hash of mine: the sentences it is a name of, and a word (names included) of.
    keys, inverse = np.unique(hx, return_inverse=True)
    as_name = np.zeros(len(keys), dtype=np.uint32)
    as_word = np.zeros(len(keys), dtype=np.uint32)
    np.bitwise_or.at(as_name, inverse[nx], _BIT[sx[nx]])
    np.bitwise_or.at(as_word, inverse, _BIT[sx])
    lack_x = np.zeros(n, dtype=np.float64)
    np.add.at(lack_x, sx[nx], _MISSING[hx[nx]])
    # Per sentence of theirs: the sentences of mine it shares an anchor with, as bits.
    total = len(ly_flat)
    rows = np.zeros(total, dtype=np.uint32)
    if len(keys) and len(hy):
        at = np.minimum(np.searchsorted(keys, hy), len(keys) - 1)
        mask = np.where(keys[at] == hy, as_name[at] | np.where(ny, as_word[at], 0), 0)
        np.bitwise_or.at(rows, sy, mask.astype(np.uint32))
    lack_flat = np.zeros(total, dtype=np.float64)
    np.add.at(lack_flat, sy[ny], _MISSING[hy[ny]])
    # Padded to (candidate, sentence), then one- and two-sentence bead sides side by side:
    # mine [0, n) alone and [n, 2n - 1) with the next; theirs likewise, ``width`` wide.
    width = int(sizes.max())  # theirs padded to the longest of them
    shape = (p, width)
    owner = np.repeat(np.arange(p), sizes)
    place = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    ly1, lack_y, valid, masks = (
        np.zeros(shape, dtype=np.float64),
        np.zeros(shape, dtype=np.float64),
        np.zeros(shape, dtype=bool),
        np.zeros(shape, dtype=np.uint32),
    )
    ly1[owner, place] = ly_flat
    lack_y[owner, place] = lack_flat
    valid[owner, place] = True
    masks[owner, place] = rows
    lt = np.concatenate((ly1, ly1[:, :-1] + ly1[:, 1:]), axis=1)
    lack_t = np.concatenate((lack_y, np.minimum(lack_y[:, :-1], lack_y[:, 1:])), axis=1)
    valid_t = np.concatenate((valid, valid[:, 1:]), axis=1)
    masks_t = np.concatenate((masks, masks[:, :-1] | masks[:, 1:]), axis=1)
    lm = np.concatenate((lx1, lx1[:-1] + lx1[1:]))
    lack_m = np.concatenate((lack_x, np.minimum(lack_x[:-1], lack_x[1:])))
    bits_m = np.concatenate((_BIT[:n], _BIT[: n - 1] | _BIT[1:n]))
    shared = (masks_t[:, None, :] & bits_m[None, :, None]) != 0  # (candidate, mine, theirs)
    # Which side ``could_be_translation`` calls x, and the length model, per language of theirs.
    models: dict[str, tuple[bool, float, float]] = {}
    for k in picked:
        other_language = others[k][1]
        if other_language not in models:
            swapped = (other_language, language) in LENGTH_RATIO
            pair = (other_language, language) if swapped else (language, other_language)
            models[other_language] = (swapped, *_length_model(pair))
    mine3, theirs3 = lm[None, :, None], lt[:, None, :]
    ratio: float | np.ndarray
    r3: float | np.ndarray
    v3: float | np.ndarray
    if len(models) == 1:  # the usual case: one other language
        swapped, ratio, variance = next(iter(models.values()))
        swap = np.full(p, swapped)
        lx, ly = (theirs3, mine3) if swapped else (mine3, theirs3)
        r3, v3 = ratio, variance
    else:
        each = [models[others[k][1]] for k in picked]
        swap = np.array([model[0] for model in each], dtype=bool)
        ratio = np.array([model[1] for model in each], dtype=np.float64)
        r3 = ratio[:, None, None]
        v3 = np.array([model[2] for model in each], dtype=np.float64)[:, None, None]
        lx = np.where(swap[:, None, None], theirs3, mine3)
        ly = np.where(swap[:, None, None], mine3, theirs3)
    delta = (ly - lx * r3) / np.sqrt(v3 * np.maximum((lx + ly / r3) / 2.0, 1.0))
    bare = _LENGTH_TOP - delta * delta * _LENGTH_SLOPE + lack_m[None, :, None]
    bare += lack_t[:, None, :]
    ok = (np.abs(delta) <= MAX_DELTA + _SLACK + _SCREEN_SLACK) & valid_t[:, None, :]
    ok &= shared | (bare > -_SLACK - _SCREEN_SLACK)
    rows_ok, cols_ok = ok.any(axis=2), ok.any(axis=1)
    starts_m = rows_ok[:, :n].copy()
    starts_m[:, : n - 1] |= rows_ok[:, n:]
    covered_m = starts_m.copy()
    covered_m[:, 1:] |= rows_ok[:, n:]
    starts_t = cols_ok[:, :width].copy()
    starts_t[:, :-1] |= cols_ok[:, width:]
    covered_t = starts_t.copy()
    covered_t[:, 1:] |= cols_ok[:, width:]
    need = MIN_BEAD_SHARE * np.maximum(n, sizes)
    enough = np.minimum(starts_m.sum(axis=1), starts_t.sum(axis=1)) >= need
    # ``coverage`` is measured on the side with fewer characters in comparable units.
    total_m, total_t = float(lx1.sum()), ly1.sum(axis=1)
    on_x = np.where(swap, total_t * ratio <= total_m, total_m * ratio <= total_t)
    on_mine = on_x != swap
    side_total = np.where(on_mine, total_m, total_t)
    chars = np.where(on_mine, covered_m @ lx1, (covered_t * ly1).sum(axis=1))
    floor = (MIN_COVERAGE - 1e-3) * side_total
    passes = enough & (side_total > 0) & (chars >= floor - _SCREEN_SLACK)
    # The few left: the chains in order (``_ordered_chains_may_pass``) over the same beads.
    for q in np.flatnonzero(passes).tolist():
        m = int(sizes[q])
        block = ok[q]
        beads = {
            (1, 1): block[:n, :m],
            (2, 1): block[n:, :m],
            (1, 2): block[:n, width : width + m - 1],
            (2, 2): block[n:, width : width + m - 1],
        }
        lengths = lx1 if on_mine[q] else ly1[q, :m]
        if swap[q]:
            possible = {(dj, di): v.T for (di, dj), v in beads.items()}
            dims = (m, n)
        else:
            possible, dims = beads, (n, m)
        out[picked[q]] = _ordered_chains_may_pass(
            possible, lengths, bool(on_x[q]), *dims, float(need[q]), float(floor[q])
        )
    return out


def _bead_evidence(xs: list[ProfileSentence], ys: list[ProfileSentence]) -> tuple[float, int, int]:
    """Log-likelihood ratio of one bead's anchors (``ANCHOR_LLR``), how many were found across
    it and how many one side asserts that the other lacks."""
    x, y = _bead_side(xs), _bead_side(ys)
    return _anchor_evidence(x[1], x[2], y[1], y[2])


def _anchor_evidence(
    names_x: frozenset[int],
    words_x: frozenset[int],
    names_y: frozenset[int],
    words_y: frozenset[int],
) -> tuple[float, int, int]:
    if not names_x and not names_y:
        return 0, 0, 0  # nothing asserted on either side (the sums below would be int 0 too)
    found = (names_x & words_y) | (names_y & words_x)
    missing = ((names_x - words_y) | (names_y - words_x)) - found
    llr = sum(map(_FOUND_LLR.__getitem__, found))
    return llr + sum(map(_MISSING_LLR.__getitem__, missing)), len(found), len(missing)


def _length_llr(delta: float) -> float:
    return math.log(RANDOM_DELTA_SD) - delta * delta / 2.0 * (1.0 - 1.0 / RANDOM_DELTA_SD**2)


def _length_model(languages: tuple[str, str]) -> tuple[float, float]:
    pair = (languages[0], languages[1])
    if pair in LENGTH_RATIO:
        return LENGTH_RATIO[pair], LENGTH_VARIANCE[pair]
    return 1.0, DEFAULT_VARIANCE


# The beads in the programme's order (``_BEAD_COST``), with the cost of a skip precomputed.
_STEPS = tuple(
    (di, dj, prior if di and dj else prior + SKIP_COST) for (di, dj), prior in _BEAD_COST.items()
)


def align(a: bytes, b: bytes, languages: tuple[str, str] = ("en", "ar")) -> Alignment:
    """Align two profiles (``alignment_profile``) of texts in ``languages`` (Gale–Church, with
    the anchors' log-likelihood ratio in each bead's cost)."""
    return align_decoded(decode_profile(a), decode_profile(b), languages)


def align_decoded(
    a: DecodedProfile, b: DecodedProfile, languages: tuple[str, str] = ("en", "ar")
) -> Alignment:
    """``align`` over profiles decoded once (``decode_profile``): a stream aligns each new
    article with several candidates, and each candidate with several new articles."""
    if (languages[1], languages[0]) in LENGTH_RATIO:
        a, b, languages = b, a, (languages[1], languages[0])  # one answer whichever comes first
    n, m = len(a), len(b)
    if not n or not m:
        return NO_ALIGNMENT
    ratio, variance = _length_model(languages)
    xb, yb = a.beads, b.beads
    log, sqrt, erfc = math.log, math.sqrt, math.erfc
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    # back[i][j]: the cell the best path came from, the bead's anchor evidence, found, missing,
    # delta.
    start = (0, 0, 0.0, 0, 0, 0.0)
    back: list[list[tuple[int, int, float, int, int, float]]] = [
        [start] * (m + 1) for _ in range(n + 1)
    ]
    cost[0][0] = 0.0
    # Cells in the same order, steps in the same order and the same float operations as the
    # plain programme (``tests/dedup/test_align_exact.py`` holds it): ties resolve the same way.
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == inf:
                continue
            for di, dj, prior in _STEPS:
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                llr, found, missing, delta = 0.0, 0, 0, 0.0
                if di and dj:
                    lx, names_x, words_x = xb[di - 1][i]
                    ly, names_y, words_y = yb[dj - 1][j]
                    mean = (lx + ly / ratio) / 2.0
                    delta = (ly - lx * ratio) / sqrt(variance * max(mean, 1.0))
                    llr, found, missing = _anchor_evidence(names_x, words_x, names_y, words_y)
                    # erfc(|delta| / sqrt 2): the two-sided tail of a standard normal.
                    step = prior - log(max(erfc(abs(delta) / _SQRT2), 1e-12)) - llr
                else:
                    step = prior
                total = here + step
                if total < cost[ni][nj]:
                    cost[ni][nj] = total
                    back[ni][nj] = (i, j, llr, found, missing, delta)
    covered_x = covered_y = beads = anchors = lacking = 0
    evidence = 0.0
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj, llr, found, missing, delta = back[i][j]
        bead_llr = llr + _length_llr(delta)
        if pi < i and pj < j and abs(delta) <= MAX_DELTA and bead_llr > 0:
            covered_x += xb[i - pi - 1][pi][0]
            covered_y += yb[j - pj - 1][pj][0]
            evidence += bead_llr
            anchors += found
            lacking += missing
            beads += 1
        i, j = pi, pj
    total_x = sum(s.length for s in a.sentences)
    total_y = sum(s.length for s in b.sentences)
    # "Most of the shorter text": the side with fewer characters, in comparable units.
    if total_x * ratio <= total_y:
        coverage = covered_x / total_x if total_x else 0.0
    else:
        coverage = covered_y / total_y if total_y else 0.0
    return Alignment(round(coverage, 4), round(evidence, 3), anchors, lacking, beads, (n, m))


__all__ = [
    "NO_ALIGNMENT",
    "Alignment",
    "DecodedProfile",
    "ProfileSentence",
    "align",
    "align_decoded",
    "alignment_profile",
    "could_be_translation",
    "could_be_translations",
    "decode_profile",
    "heads_size",
    "link_keys",
    "may_be_translation",
    "profile_heads",
    "profile_sentences",
    "sentence_count",
    "split_sentences",
]
