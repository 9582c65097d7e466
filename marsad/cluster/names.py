"""Consonant skeletons of names: "Fiorentina" and "فيورنتينا" both read ``FRNTN``.

An English and an Arabic report of one event share the names of its people, clubs, firms and
places, written in two scripts. When the understanding stage links a name to a canonical id the
ids match; a name it only spots (``person:~ديفيد-استوري`` beside ``Davide Astori`` in a
title) or misses does not. Reduced to consonant classes (vowels, long vowels, ``h`` and the
pharyngeals dropped; ``p/b``, ``v/f``, ``s/z/sh``, ``k/q/g/j`` folded), the two spellings of a
transliterated name meet. The skeletons become evidence items beside the entities, rarity-weighted
over the window like them, so a skeleton that common Arabic words share counts for little.

Sources, bounded: the title's words (Arabic: every word, since the script has no capitals;
other Latin-script languages: capitalised words only, the names) and the words of names the
understanding stage spotted without linking them (``~`` ids).
"""

from __future__ import annotations

import re
import unicodedata

# Latin digraphs first (one sound each), then single letters. Vowels, y, w and h are dropped:
# Arabic writes short vowels not at all and long ones as ا و ي, which transliteration turns
# into any of a e i o u y w.
_LATIN_DIGRAPHS = (("sh", "s"), ("ch", "s"), ("kh", "k"), ("gh", "k"), ("th", "t"), ("ph", "f"))
_LATIN = {
    **dict.fromkeys("bp", "b"),
    "t": "t",
    "d": "d",
    **dict.fromkeys("szcx", "s"),
    **dict.fromkeys("kqgj", "k"),
    **dict.fromkeys("fv", "f"),
    "l": "l",
    "m": "m",
    "n": "n",
    "r": "r",
}
_ARABIC = {
    **dict.fromkeys("بپ", "b"),
    **dict.fromkeys("تطث", "t"),
    **dict.fromkeys("دذضظ", "d"),
    **dict.fromkeys("سصزش", "s"),
    **dict.fromkeys("كقغجخگ", "k"),
    **dict.fromkeys("فڤ", "f"),
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ر": "r",
}
_LATIN_WORD_RE = re.compile(r"[A-Za-z]{4,}")
_ARABIC_WORD_RE = re.compile(r"[\u0621-\u064a\u067e\u06a4\u06af]{4,}")
# Three consonant classes at least: two (``LB``, ``KM``) match half the vocabulary.
MIN_SKELETON = 3
MAX_SKELETON = 8
NAME_PREFIX = "k:"  # evidence items that are skeletons
MAX_NAME_KEYS = 24  # per article: the title's words and the spotted names are few


def skeleton(word: str) -> str:
    """The consonant-class skeleton of one word, Latin or Arabic; repeated classes collapse."""
    word = unicodedata.normalize("NFKC", word).lower()
    if word[:1].isascii():
        for digraph, letter in _LATIN_DIGRAPHS:
            word = word.replace(digraph, letter)
        table = _LATIN
    else:
        if word.startswith("ال") and len(word) > 4:
            word = word[2:]  # the article: الفجيرة is Fujairah
        table = _ARABIC
    classes: list[str] = []
    for char in word:
        cls = table.get(char)
        if cls and (not classes or classes[-1] != cls):
            classes.append(cls)
    return "".join(classes[:MAX_SKELETON])


def _words(text: str, arabic: bool, capitalised_only: bool) -> list[str]:
    if arabic:
        return _ARABIC_WORD_RE.findall(text)
    words = _LATIN_WORD_RE.findall(text)
    return [w for w in words if w[0].isupper()] if capitalised_only else words


def _skeleton_keys(words: list[str], prefix: str = "") -> list[str]:
    """Distinct skeletons long enough to mean something, at most ``MAX_NAME_KEYS``."""
    keys: dict[str, None] = {}
    for word in words:
        key = skeleton(word)
        if len(key) >= MIN_SKELETON:
            keys[prefix + key] = None
            if len(keys) >= MAX_NAME_KEYS:
                break
    return list(keys)


def title_skeletons(title: str, language: str) -> list[str]:
    """The skeletons of a title's words (Arabic: every word; Latin script: capitalised words)."""
    return _skeleton_keys(_words(title[:300], language == "ar", capitalised_only=True))


def name_keys(title: str, language: str, entities: tuple[str, ...]) -> list[str]:
    """Skeleton evidence items (``k:FRNTN``) of an article's title and spotted names."""
    arabic = language == "ar"
    words = _words(title[:300], arabic, capitalised_only=True)
    for entity in entities:
        _, _, ident = entity.partition(":")
        if ident.startswith("~"):
            words.extend(_words(ident[1:].replace("-", " "), arabic, capitalised_only=False))
    return _skeleton_keys(words, NAME_PREFIX)


__all__ = ["NAME_PREFIX", "name_keys", "skeleton", "title_skeletons"]
