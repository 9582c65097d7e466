"""Highlighted snippets over the ORIGINAL text. Pure.

The index holds analysed terms, so each original word is analysed on its own and compared with
the query's terms: "بالكتاب" lights up for the query "كتاب", "Putin's" for "putin". Only the start
of a long body is scanned (news puts the point first) to keep a page of hits cheap.

Cost: the text is cut into words by one regex split (C code), and one regex over the whole text
finds the few words that could hold a query term; only those reach the analyser. Per word Python
work was the whole cost before (~0.5 ms per hit, a third of a search's time on bench/search).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from itertools import accumulate

from marsad.search.results import Snippet
from marsad.search.terms import clean_terms

# A word: letters and digits with the Arabic marks inside or after them (harakat, tatweel), so
# a highlight covers "وبالكتابِ" whole; "Putin's" is one word.
_WORD_RE = re.compile(
    r"(?:[^\W_]|[\u0610-\u061a\u064b-\u065f\u0670\u0640])+"
    r"(?:['\u2019](?:[^\W_]|[\u064b-\u065f])+)?"
)
# The same, as one capturing group: ``split`` gives [gap, word, gap, word, ..., gap].
_SPLIT_RE = re.compile(f"({_WORD_RE.pattern})")
# 6,000 characters is the lead of nearly every news article (ANT mean body 1,660 characters);
# scanning further costs time and rarely finds a better window.
SCAN_CHARS = 6_000
WINDOW_WORDS = 32

Analyse = Callable[[str, str | None], list[str]]

# A word could hold a query term when the term minus its last letter (stemmers rewrite word
# ends) is inside the word's skeleton: no diacritics, tatweel or hamza; one alef, yeh, waw and
# heh. The probes are looked for in the text with those marks taken out (``_SKIPPED_RE``, the
# same for every query), each skeleton letter as the class of the letters that fold to it.
# (Allowing the marks between the letters in the probe regex instead cost 1-5 ms to compile.)
_SKIPPED_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640\u0621]+")
_FOLDS = {
    "\u0627": "\u0627\u0622\u0623\u0625\u0671",  # alef: bare, madda, hamza above/below, wasla
    "\u064a": "\u064a\u0649\u0626",  # yeh: alef maqsura, yeh with hamza
    "\u0648": "\u0648\u0624",  # waw with hamza
    "\u0647": "\u0647\u0629",  # teh marbuta
}
# Letters that never survive into a skeleton: a probe holding one can match no word.
_FOLDED_AWAY = frozenset(c for letters in _FOLDS.values() for c in letters[1:]) | frozenset(
    "\u0621\u0640\u0670\u200c\u200d\u200f"
    + "".join(chr(c) for c in (*range(0x0610, 0x061B), *range(0x064B, 0x0660)))
)


def _probe_pattern(query_terms: frozenset[str]) -> re.Pattern[str] | None:
    """One regex finding, in the text without marks, every word that could hold a query term."""
    probes = sorted({t[:-1] if len(t) > 3 else t for t in query_terms if t})
    alternatives = []
    for probe in probes:
        if probe != probe.lower() or _FOLDED_AWAY.intersection(probe):
            continue  # the skeleton is lower case and holds none of the folded letters
        letters = [f"[{_FOLDS[c]}]" if c in _FOLDS else re.escape(c) for c in probe]
        alternatives.append("".join(letters))
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE)


def make_snippet(
    text: str | None,
    query_terms: frozenset[str],
    language: str | None,
    analyse: Analyse,
    *,
    window_words: int = WINDOW_WORDS,
    cache: dict[str, frozenset[str]] | None = None,
) -> Snippet:
    """The window of ``window_words`` words holding the most distinct query terms, marked.

    ``cache`` (lower-cased word -> the query terms it holds) may be shared across the hits of
    one search.
    """
    truncated = len(text or "") > SCAN_CHARS
    text = (text or "")[:SCAN_CHARS]
    pieces = _SPLIT_RE.split(text)
    count = len(pieces) // 2
    if not count:
        return Snippet(text.strip()[:300])
    offsets = list(accumulate(map(len, pieces)))
    starts = offsets[0:-1:2]  # word i covers text[starts[i]:ends[i]], i.e. pieces[2i + 1]
    ends = offsets[1::2]
    cache = {} if cache is None else cache
    matched: dict[int, frozenset[str]] = {}
    probe = _probe_pattern(query_terms)
    # The marks sit inside words, so taking them out joins no two words; ``moved[k]`` is how
    # far the text after the k-th run of marks moved left (``at[k]``: where, in the new text).
    at: list[int] = []
    moved: list[int] = [0]
    for m in _SKIPPED_RE.finditer(text):
        at.append(m.start() - moved[-1])
        moved.append(moved[-1] + m.end() - m.start())
    bare = _SKIPPED_RE.sub("", text) if at else text
    for m in probe.finditer(bare) if probe is not None else ():
        # A probe is letters only, so each match lies inside one word.
        start = m.start() + moved[bisect_right(at, m.start())]
        i = bisect_right(starts, start) - 1
        if i in matched:
            continue
        word = pieces[2 * i + 1]
        key = word.lower()
        terms = cache.get(key)
        if terms is None:
            terms = cache[key] = frozenset(clean_terms(analyse(word, language))) & query_terms
        matched[i] = terms
    hits = sorted(i for i, terms in matched.items() if terms)
    best_start, best_score = 0, -1
    for i in [0, *hits] if not hits or hits[0] else hits:
        # A best window starts on a match (or at the very start).
        inside = hits[bisect_left(hits, i) : bisect_left(hits, i + window_words)]
        distinct = len(frozenset().union(*(matched[j] for j in inside)))
        score = distinct * 100 + len(inside)
        if score > best_score:
            best_start, best_score = i, score
    # Start a few words before the first match so it reads in context.
    start_idx = max(0, best_start - 4) if best_start else 0
    end_idx = min(count, start_idx + window_words)
    # From the text's start when the window does (keeping a leading quote or bracket).
    begin = starts[start_idx] if start_idx else 0
    finish = ends[end_idx - 1] if end_idx < count else len(text.rstrip())
    prefix = "… " if start_idx > 0 else ""
    suffix = " …" if end_idx < count or truncated else ""
    body = text[begin:finish].replace("\n", " ")
    shift = len(prefix) - begin
    highlights = tuple(
        (starts[i] + shift, ends[i] + shift)
        for i in hits[bisect_left(hits, start_idx) : bisect_left(hits, end_idx)]
    )
    return Snippet(prefix + body + suffix, highlights)


__all__ = ["SCAN_CHARS", "make_snippet"]
