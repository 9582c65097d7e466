"""What dedup and clustering know about one article: a frozen, serialisable ``ArticleFeatures``.

``features_from`` is the one place where an article's text becomes evidence: the normalised-text
hash (exact duplicates), the MinHash signature (near-duplicates), stemmed title and lead terms
(stories), and the language-independent evidence (numbers, canonical entity ids, countries) that
links an Arabic report to an English one. It is a pure function; the caller passes what the
understanding stage found (entities, countries, regions) so this stage does not depend on it.

The features (without the signature) round-trip through ``features_to_dict`` /
``features_from_dict`` as plain JSON, for the ``article_signatures.features`` column; the
signature travels as bytes in ``article_signatures.minhash``.
"""

from __future__ import annotations

import functools
import hashlib
import re
import struct
import sys
import unicodedata
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from marsad.dedup.align import alignment_profile, link_keys, split_sentences
from marsad.dedup.minhash import minhash_signature
from marsad.text.analyze import analyze
from marsad.text.normalize import (
    fold_presentation_forms,
    normalize_alef,
    normalize_digits,
    normalize_letters,
    strip_diacritics,
    strip_invisible,
    strip_tatweel,
)
from marsad.text.tokens import extract_numbers

FEATURES_VERSION = 1

# Bounds: everything from the web is hostile. Only the lead matters for what a story is about,
# and a 2,000-word lead already costs more than the rest of the pipeline.
MAX_TEXT_CHARS = 200_000
LEAD_TERMS = 120  # body terms kept for clustering (title + first paragraphs carry the event)
MAX_TITLE_TERMS = 40
MAX_NUMBERS = 40
MAX_ENTITIES = 40
# The signature covers the first 150 words: pages crawled with "related articles" teasers at the
# end share those tails with every page of the same day. On the ANT sample, 150-word leads lower
# the unrelated same-source pairs at Jaccard >= 0.3 from 71 to 48 (all but nine of them true
# copies) and raise the least similar edited copy (same_url_text_differs) from 0.41 to 0.48.
SIGNATURE_WORDS = 150
# Below this many words a text is too short to call two articles copies of one another
# (a feed summary of one sentence is shared by unrelated reposts of a headline).
MIN_HASH_WORDS = 8
# Sentences compared for containment (``sentence_hashes``): enough of a long article to find it
# under a wrapper, bounded for memory (4 bytes each).
MIN_SENTENCE_WORDS = 6
SENTENCE_PIECE_WORDS = 25
MAX_SENTENCE_HASHES = 32
MAX_SENTENCE_TEXT = 20_000

# Words only: copies differ in punctuation (re-typed commas, quotes) more than in words.
_WORD_RE = re.compile(r"\w+")
# Years and single digits are shared by unrelated reports; they are weak evidence.
_YEAR_RE = re.compile(r"^(19|20)\d\d$")


@dataclass(frozen=True)
class ArticleFeatures:
    """Everything dedup and clustering need about one article; cheap to keep for a window.

    ``published`` is POSIX seconds (UTC). ``entities`` are canonical entity ids in order of first
    mention; ``numbers`` are in order of appearance. ``signature`` is the MinHash digest as
    bytes (empty when the text is too short to compare).
    """

    key: str
    published: float
    language: str
    url: str | None = None
    title: str = ""
    title_terms: tuple[str, ...] = ()
    body_terms: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    text_hash: str | None = None
    signature: bytes = b""
    source: str | None = None
    # The title as translated into Arabic by an engine (translation issue), when present.
    translated_title: str = ""
    translated_title_terms: tuple[str, ...] = ()
    # Translation provenance (``align.py``): per-sentence lengths and anchors of the title and
    # lead, and the lead's name skeletons that find candidates.
    alignment: bytes = b""
    link_keys: tuple[str, ...] = ()
    # Republished copies under wrappers (``index.py``): 32-bit hashes of the comparable words of
    # each sentence of at least ``MIN_SENTENCE_WORDS`` words, in order (``MAX_SENTENCE_HASHES``).
    sentences: bytes = b""


@dataclass(frozen=True)
class _Folder:
    """``normalize_ar``'s per-character steps, compiled: one deletion regex, one mapping regex.

    Two C-level regex passes (with a callback only on the ~6% of characters that change) run
    twice as fast as ``str.translate`` with a dict table on Arabic text.
    """

    deleted: re.Pattern[str]
    mapped: re.Pattern[str]
    mapping: dict[str, str]

    def fold(self, text: str) -> str:
        text = self.deleted.sub("", text)
        return self.mapped.sub(lambda m: self.mapping[m.group()], text)


@functools.cache
def _folder() -> _Folder:
    """Built once from the ``marsad.text.normalize`` functions themselves, so it follows them;
    a test checks ``comparable_words`` against ``normalize_ar`` on random text."""

    def fold(char: str) -> str:
        char = strip_diacritics(strip_invisible(char))
        char = normalize_alef(strip_tatweel(char)).replace("\u0621", "")
        return normalize_digits(normalize_letters(char))

    deleted, mapping = [], {}
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = fold(char)
        if folded == "":
            deleted.append(char)
        elif folded != char:
            mapping[char] = folded
    return _Folder(
        deleted=re.compile("[" + re.escape("".join(deleted)) + "]+"),
        mapped=re.compile("[" + re.escape("".join(mapping)) + "]"),
        mapping=mapping,
    )


def comparable_words(text: str) -> list[str]:
    """The words that copies are compared on: ``normalize_ar``'s words without punctuation.

    Same result as splitting ``normalize_ar(text)`` on non-word characters, in two regex passes
    instead of eight (the signature path must keep up with the crawl).
    """
    text = text[:MAX_TEXT_CHARS]
    if not unicodedata.is_normalized("NFKC", text):
        text = fold_presentation_forms(text)
    return _WORD_RE.findall(_folder().fold(text).lower())


def content_hash(text: str) -> str:
    """SHA-1 of the comparable words: equal for texts that differ only in spelling variants,
    diacritics, digits, punctuation or spacing."""
    return _hash_words(comparable_words(text))


def _hash_words(words: list[str]) -> str:
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()


def to_timestamp(value: datetime | float | None, default: float = 0.0) -> float:
    """POSIX seconds from a datetime (naive means UTC) or a number; ``default`` for None."""
    if value is None:
        return default
    if isinstance(value, int | float):
        return float(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def strong_numbers(numbers: Iterable[str]) -> tuple[str, ...]:
    """Numbers worth matching across articles: at least two digits and not a bare year."""
    return tuple(n for n in numbers if len(n.replace(".", "")) >= 2 and not _YEAR_RE.match(n))


def features_from(
    key: str,
    *,
    title: str | None,
    text: str | None,
    language: str | None,
    published: datetime | float | None,
    url: str | None = None,
    entities: Sequence[str] = (),
    countries: Sequence[str] = (),
    regions: Sequence[str] = (),
    source: str | None = None,
    translated_title: str | None = None,
) -> ArticleFeatures:
    """Build the features of one article (pure: the caller supplies understanding results)."""
    title = (title or "").strip()[:1000]
    text = (text or "")[:MAX_TEXT_CHARS]
    lang = (language or "").lower()[:8] or "und"
    words = comparable_words(text)
    text_hash = _hash_words(words) if len(words) >= MIN_HASH_WORDS else None
    signature = minhash_signature(words[:SIGNATURE_WORDS]) if len(words) >= MIN_HASH_WORDS else b""
    # Only the lead is analysed: a few hundred words is where the event is told.
    lead = " ".join(text.split()[: LEAD_TERMS * 2])
    # Interned: a window of 100,000 articles holds the same few hundred thousand terms over and
    # over; one string object per term keeps the window's memory in proportion to its words.
    title_terms = _interned(dict.fromkeys(analyze(title, lang)))[:MAX_TITLE_TERMS]
    body_terms = _interned(analyze(lead, lang)[:LEAD_TERMS])
    numbers = strong_numbers(extract_numbers(title + "\n" + lead))[:MAX_NUMBERS]
    translated_terms = (
        _interned(dict.fromkeys(analyze(translated_title, "ar")))[:MAX_TITLE_TERMS]
        if translated_title
        else ()
    )
    return ArticleFeatures(
        key=key,
        published=to_timestamp(published),
        language=lang,
        url=url,
        title=title,
        title_terms=title_terms,
        body_terms=body_terms,
        entities=_interned(dict.fromkeys(entities))[:MAX_ENTITIES],
        countries=tuple(c.upper() for c in countries),
        regions=tuple(regions),
        numbers=numbers,
        text_hash=text_hash,
        signature=signature,
        source=source,
        translated_title=(translated_title or "").strip()[:1000],
        translated_title_terms=translated_terms,
        alignment=alignment_profile(f"{title}\n{text}" if title else text, lang),
        sentences=sentence_hashes(text),
        link_keys=_interned(link_keys(text or title, lang)),
    )


def sentence_hashes(text: str) -> bytes:
    """Hashes of the text's sentences as compared for copies (``comparable_words``), packed as
    little-endian uint32; short sentences ("Read also", a dateline) are left out."""
    out: list[int] = []
    for sentence in split_sentences(text[:MAX_SENTENCE_TEXT]):
        words = comparable_words(sentence)
        # A text without full stops is one long "sentence": its pieces of
        # ``SENTENCE_PIECE_WORDS`` words from the start of each line stand in for sentences.
        for start in range(0, len(words), SENTENCE_PIECE_WORDS):
            piece = words[start : start + SENTENCE_PIECE_WORDS]
            if len(piece) >= MIN_SENTENCE_WORDS:
                out.append(zlib.crc32(" ".join(piece).encode("utf-8")))
        if len(out) >= MAX_SENTENCE_HASHES:
            break
    out = out[:MAX_SENTENCE_HASHES]
    return struct.pack(f"<{len(out)}I", *out)


def _interned(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(sys.intern(str(item)) for item in items)


_TUPLE_FIELDS = (
    "title_terms",
    "body_terms",
    "entities",
    "countries",
    "regions",
    "numbers",
    "translated_title_terms",
    "link_keys",
)


def features_to_dict(features: ArticleFeatures) -> dict[str, Any]:
    """JSON-ready dict of the features, without the signature (stored apart as bytes)."""
    out: dict[str, Any] = {
        "v": FEATURES_VERSION,
        "key": features.key,
        "published": features.published,
        "language": features.language,
        "url": features.url,
        "title": features.title,
        "text_hash": features.text_hash,
        "source": features.source,
        "translated_title": features.translated_title,
        "alignment": features.alignment.hex(),
        "sentences": features.sentences.hex(),
    }
    for name in _TUPLE_FIELDS:
        out[name] = list(getattr(features, name))
    return out


def features_from_dict(data: Mapping[str, Any], signature: bytes | None = None) -> ArticleFeatures:
    """Inverse of ``features_to_dict``; ``signature`` is the stored MinHash bytes."""
    kwargs: dict[str, Any] = {
        "key": str(data["key"]),
        "published": float(data.get("published") or 0.0),
        "language": str(data.get("language") or "und"),
        "url": data.get("url"),
        "title": str(data.get("title") or ""),
        "text_hash": data.get("text_hash"),
        "source": data.get("source"),
        "translated_title": str(data.get("translated_title") or ""),
        "signature": bytes(signature or b""),
        "alignment": bytes.fromhex(str(data.get("alignment") or "")),
        "sentences": bytes.fromhex(str(data.get("sentences") or "")),
    }
    for name in _TUPLE_FIELDS:
        kwargs[name] = _interned(data.get(name) or ())
    return ArticleFeatures(**kwargs)


__all__ = [
    "ArticleFeatures",
    "comparable_words",
    "content_hash",
    "features_from",
    "features_from_dict",
    "features_to_dict",
    "strong_numbers",
    "to_timestamp",
]
