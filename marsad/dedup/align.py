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
from dataclasses import dataclass

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
_QUOTE_RE = re.compile('["\u201c\u201d\u00ab\u00bb]')
_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})
_ENTRY = struct.Struct("<HBB")


def skeleton(word: str) -> str:
    """``marsad.cluster.names.skeleton``, imported on use: the cluster package imports dedup."""
    from marsad.cluster.names import skeleton as name_skeleton

    return name_skeleton(word)


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


def _latin_anchors(sentence: str) -> tuple[set[str], set[str]]:
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
            key = skeleton(word)
            if len(key) >= 3:
                names.add("s" + key)
    names |= _marks(sentence)
    return names, names


def _arabic_anchors(sentence: str) -> tuple[set[str], set[str]]:
    # What an Arabic sentence asserts: its dates, numbers, quotes and the Latin-script names it
    # keeps as they are (UTC, NASA); every word's skeleton is where a Latin name may be found.
    names: set[str] = _marks(sentence)
    for word in _LATIN_WORD_RE.findall(sentence):
        key = skeleton(word)
        if len(key) >= 3:
            names.add("s" + key)
    words: set[str] = set(names)
    for word in _ARABIC_WORD_RE.findall(sentence):
        folded = word.translate(_AR_FOLD)
        for clitic in ("", *_CLITICS):
            if clitic and not (folded.startswith(clitic) and len(folded) - len(clitic) >= 3):
                continue
            stem = folded[len(clitic) :]
            token = _DATE_WORDS.get(stem) or _NUMBER_WORDS.get(stem)
            if token is not None:
                names.update(token.split())
                words.update(token.split())
            key = skeleton(stem)
            if len(key) >= 3:
                words.add("s" + key)
    return names, words


def alignment_profile(text: str, language: str) -> bytes:
    """Per sentence of the lead: length, and hashes of its anchors (see the module docstring).

    ``names`` are what this side asserts (Latin script: capitalised words, dates, numbers;
    Arabic script: dates and numbers); ``words`` are what the other side's names may be found
    in (Arabic script: every word's skeleton, with and without clitics). Empty for no text.
    """
    arabic = language in ("ar", "fa", "ur", "ps")
    out = bytearray()
    # Only the lead is read: a 200,000-word page costs what its first sentences cost.
    for sentence in split_sentences((text or "")[: MAX_SENTENCES * 400])[:MAX_SENTENCES]:
        names, words = _arabic_anchors(sentence) if arabic else _latin_anchors(sentence)
        numbers = {"n" + n for n in extract_numbers(sentence)}
        names_h = sorted({_hash(t) for t in names | numbers})[:MAX_ANCHORS]
        words_h = sorted({_hash(t) for t in words | numbers} - set(names_h))
        words_h = words_h[: max(0, MAX_ANCHORS - len(names_h))]
        length = min(len(sentence), 0xFFFF)
        out += _ENTRY.pack(length, len(names_h), len(words_h))
        out += struct.pack(f"<{len(names_h) + len(words_h)}H", *names_h, *words_h)
    return bytes(out)


def link_keys(text: str, language: str) -> tuple[str, ...]:
    """Name skeletons of the lead (``MAX_LINK_KEYS``), to find translation candidates on a
    stream: Latin script, its capitalised words; Arabic script, its words of four consonant
    classes or more (with and without a clitic), where the other side's names are written."""
    words = (text or "")[:LINK_KEY_CHARS]
    keys: dict[str, None] = {}
    if language in ("ar", "fa", "ur", "ps"):
        for word in _ARABIC_WORD_RE.findall(words):
            folded = word.translate(_AR_FOLD)
            # The word as written and without its first clitic (وبرلين, ببرلين: برلين).
            bare = [folded[len(c) :] for c in _CLITICS if folded.startswith(c)]
            for stem in (folded, *[b for b in bare if len(b) >= 3][:1]):
                key = skeleton(stem)
                if len(key) >= 3:
                    keys["k" + key] = None
    else:
        for word in _LATIN_WORD_RE.findall(words):
            if word.lower().endswith("'s"):
                word = word[:-2]
            if word[0].isupper() and word.lower() not in _EN_STOP:
                key = skeleton(word)
                if len(key) >= 3:
                    keys["k" + key] = None
    return tuple(keys)[:MAX_LINK_KEYS]


@dataclass(frozen=True)
class _Sentence:
    length: int
    names: frozenset[int]
    words: frozenset[int]  # names | words: everything the other side's names may match


def _unpack(profile: bytes) -> list[_Sentence]:
    out: list[_Sentence] = []
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
        out.append(_Sentence(length, names, names | frozenset(hashes[n_names:])))
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

    def is_translation(self) -> bool:
        return (
            min(self.sentences) >= MIN_SENTENCES
            and self.coverage >= MIN_COVERAGE
            and self.evidence >= MIN_EVIDENCE
            and self.beads >= MIN_BEAD_SHARE * max(self.sentences)
        )

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


def _norm_sf(z: float) -> float:
    """Two-sided tail probability of a standard normal at |z|."""
    return math.erfc(abs(z) / math.sqrt(2.0))


def _bead_evidence(xs: list[_Sentence], ys: list[_Sentence]) -> tuple[float, int, int]:
    """Log-likelihood ratio of one bead's anchors (``ANCHOR_LLR``), how many were found across
    it and how many one side asserts that the other lacks."""
    names_x = frozenset().union(*(s.names for s in xs))
    names_y = frozenset().union(*(s.names for s in ys))
    words_x = frozenset().union(*(s.words for s in xs))
    words_y = frozenset().union(*(s.words for s in ys))
    found = (names_x & words_y) | (names_y & words_x)
    missing = ((names_x - words_y) | (names_y - words_x)) - found
    llr = sum(ANCHOR_LLR[h >> 13][0] for h in found)
    return llr + sum(ANCHOR_LLR[h >> 13][1] for h in missing), len(found), len(missing)


def _length_llr(delta: float) -> float:
    return math.log(RANDOM_DELTA_SD) - delta * delta / 2.0 * (1.0 - 1.0 / RANDOM_DELTA_SD**2)


def _length_model(languages: tuple[str, str]) -> tuple[float, float]:
    pair = (languages[0], languages[1])
    if pair in LENGTH_RATIO:
        return LENGTH_RATIO[pair], LENGTH_VARIANCE[pair]
    return 1.0, DEFAULT_VARIANCE


def align(a: bytes, b: bytes, languages: tuple[str, str] = ("en", "ar")) -> Alignment:
    """Align two profiles (``alignment_profile``) of texts in ``languages`` (Gale–Church, with
    the anchors' log-likelihood ratio in each bead's cost)."""
    if (languages[1], languages[0]) in LENGTH_RATIO:
        a, b, languages = b, a, (languages[1], languages[0])  # one answer whichever comes first
    xs, ys = _unpack(a), _unpack(b)
    if not xs or not ys:
        return NO_ALIGNMENT
    ratio, variance = _length_model(languages)
    n, m = len(xs), len(ys)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    # back[i][j]: the cell the best path came from, the bead's anchor evidence, found, delta.
    back: list[list[tuple[int, int, float, int, int, float]]] = [
        [(0, 0, 0.0, 0, 0, 0.0)] * (m + 1) for _ in range(n + 1)
    ]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == inf:
                continue
            for (di, dj), prior in _BEAD_COST.items():
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                llr, found, missing, delta = 0.0, 0, 0, 0.0
                if di and dj:
                    bx, by = xs[i:ni], ys[j:nj]
                    lx = sum(s.length for s in bx)
                    ly = sum(s.length for s in by)
                    mean = (lx + ly / ratio) / 2.0
                    delta = (ly - lx * ratio) / math.sqrt(variance * max(mean, 1.0))
                    llr, found, missing = _bead_evidence(bx, by)
                    step = prior - math.log(max(_norm_sf(delta), 1e-12)) - llr
                else:
                    step = prior + SKIP_COST
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
            covered_x += sum(s.length for s in xs[pi:i])
            covered_y += sum(s.length for s in ys[pj:j])
            evidence += bead_llr
            anchors += found
            lacking += missing
            beads += 1
        i, j = pi, pj
    total_x = sum(s.length for s in xs)
    total_y = sum(s.length for s in ys)
    # "Most of the shorter text": the side with fewer characters, in comparable units.
    if total_x * ratio <= total_y:
        coverage = covered_x / total_x if total_x else 0.0
    else:
        coverage = covered_y / total_y if total_y else 0.0
    return Alignment(round(coverage, 4), round(evidence, 3), anchors, lacking, beads, (n, m))


__all__ = [
    "NO_ALIGNMENT",
    "Alignment",
    "align",
    "alignment_profile",
    "link_keys",
    "split_sentences",
]
