"""Sentence splitting before translation: models translate sentences, not articles.

``split_sentences(text)`` cuts after ``. ! ? … ؟`` and the Urdu and Hindi full stops (``۔`` and
``।``) when whitespace follows, but not after abbreviations ("Mr.", "Dr.", "No."), single
initials ("John F. Kennedy") or dotted initialisms ("U.S.", "U.N."), nor before a lower-case
letter. The Arabic comma ``،`` and semicolon ``؛`` separate clauses, not sentences, so they never
cut, except to break a sentence longer than ``max_chars`` (models are trained on sentences of a
few hundred characters and degrade, slowly and badly, on longer input). Paragraph breaks are
kept: ``split_paragraphs`` returns the text's lines (extractors write one paragraph a line) so a
translation can be put back together with the same layout.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

# Where a sentence may end: the terminal marks, then closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?\u2026\u061f\u06d4\u0964]+[\"'\u201d\u2019\u00bb)\]]*(?=\s)")
_WORD_BEFORE = re.compile(r"([^\s\"'(\[\u201c\u2018\u00ab]+)$")
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?$")  # U.S / U.N / E.U (the last dot cut off)
_SOFT_BREAK = re.compile(r"[,;:\u060c\u061b]\s+")  # , ; : ، ؛ — places to break an over-long one
_PARAGRAPH = re.compile(r"\s*\n\s*")  # extractors put one newline between paragraphs

# 400 characters is about 80 English words: past the length of almost every sentence in the
# news samples under ../shared/samples, and inside the 256-token window of OPUS-MT models.
DEFAULT_MAX_CHARS = 400


@cache
def _abbreviations() -> frozenset[str]:
    text = resources.files("marsad.translate").joinpath("data/abbreviations.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def _is_abbreviation(text: str, mark_start: int) -> bool:
    """True when the full stop at ``mark_start`` closes an abbreviation, not a sentence."""
    if text[mark_start] != ".":
        return False
    match = _WORD_BEFORE.search(text, 0, mark_start)
    if not match:
        return False
    word = match.group(1)
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "John F. Kennedy"
    if _INITIALISM.match(word):
        return True
    return word.lower() in _abbreviations()


def _next_starts_lowercase(text: str, end: int) -> bool:
    rest = text[end:].lstrip()
    return bool(rest) and rest[0].islower()


def _break_long(sentence: str, max_chars: int) -> list[str]:
    """Cut a sentence longer than ``max_chars`` at clause marks, then at spaces."""
    if len(sentence) <= max_chars:
        return [sentence]
    pieces: list[str] = []
    rest = sentence
    while len(rest) > max_chars:
        window = rest[:max_chars]
        cut = -1
        for match in _SOFT_BREAK.finditer(window):
            cut = match.end()
        if cut <= max_chars // 4:  # no clause mark late enough: cut at the last space
            cut = window.rfind(" ") + 1
        if cut <= 0:  # one enormous word (a URL, a hash): cut it hard
            cut = max_chars
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].lstrip()
    if rest.strip():
        pieces.append(rest.strip())
    return [p for p in pieces if p]


def split_sentences(text: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> list[str]:
    """Split one paragraph (or a whole text) into sentences, each at most ``max_chars`` long."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if _is_abbreviation(text, match.start()) or (
            text[match.start()] == "." and _next_starts_lowercase(text, match.end())
        ):
            continue
        sentence = text[start : match.end()].strip()
        if sentence:
            sentences.extend(_break_long(sentence, max_chars))
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.extend(_break_long(tail, max_chars))
    return sentences


def split_paragraphs(text: str) -> list[str]:
    """The text's paragraphs (one a line), stripped, empty ones dropped."""
    return [p.strip() for p in _PARAGRAPH.split(text) if p.strip()]
