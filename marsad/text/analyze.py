"""The analyser: one function from text to index terms, for documents and queries alike.

Search, near-duplicate detection and clustering all call ``analyze`` so that a word is the same
term wherever it is indexed or looked up. Steps: normalise (``normalize_ar``), tokenise, drop stop
words, stem. The path is chosen per token by script: a token with Arabic letters takes the Arabic
path (light stemmer), a Latin one the English path (Snowball) unless the text is declared to be
in another language, and anything else (numbers, other scripts) is kept as normalised.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import chain
from typing import cast

import Stemmer

from marsad.text.lexicon import STOPWORDS_AR, STOPWORDS_EN
from marsad.text.normalize import normalize_ar
from marsad.text.stem import stem_ar_normalized, stem_en
from marsad.text.tokens import is_arabic, tokenize

# و ف ب ل ك: a stop word with one of them attached is still one (وهو، فقد، بماذا، لذلك).
_PROCLITICS = frozenset("\u0648\u0641\u0628\u0644\u0643")
ARABIC_STEMMERS = ("light", "snowball", "none")
# Words remembered per analyser before the memo is emptied (~20 MB at most): enough for the
# working vocabulary of a day of news, bounded whatever the input.
MEMO_SIZE = 200_000


@dataclass(frozen=True)
class AnalyzerOptions:
    """How the analyser turns tokens into terms; the defaults are what Marsad indexes with.

    ``arabic_stemmer``: ``light`` (ours), ``snowball`` (PyStemmer) or ``none``.
    ``keep_surface``: also emit the normalised word without its article, beside its stem.
    """

    arabic_stemmer: str = "light"
    stopwords: bool = True
    keep_surface: bool = False


def is_stopword(token: str, language: str) -> bool:
    """True when the token is a stop word of ``language`` (``ar`` or ``en``; others: never).

    The token is normalised first (إلى = الى). For Arabic, a word with one leading
    proclitic (وهو، فقد، بماذا) counts as its bare form.
    """
    return is_normalized_stopword(normalize_ar(token), language)


def is_normalized_stopword(token: str, language: str) -> bool:
    """``is_stopword`` for a token already normalised by ``normalize_ar``."""
    if language == "ar":
        if token in STOPWORDS_AR:
            return True
        return len(token) > 2 and token[0] in _PROCLITICS and token[1:] in STOPWORDS_AR
    if language == "en":
        return token in STOPWORDS_EN
    return False


def _fold_latin(token: str) -> str:
    """Strip accents from Latin words (Poutine, São Paulo -> sao) so spellings meet."""
    if token.isascii():
        return token
    decomposed = unicodedata.normalize("NFKD", token)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Analyzer:
    """Text to terms with fixed options; ``analyze`` below uses the default options.

    Holds its own Snowball instance and word memo, so several analysers never share state; the
    memo only saves time (the same word always gives the same terms).
    """

    def __init__(self, options: AnalyzerOptions | None = None) -> None:
        self.options = options or AnalyzerOptions()
        if self.options.arabic_stemmer not in ARABIC_STEMMERS:
            raise ValueError(f"unknown Arabic stemmer {self.options.arabic_stemmer!r}")
        # Word -> terms memo of this analyser: news vocabulary is Zipfian, so most words repeat.
        # One memo per treatment of Latin words (English or not); Arabic words and numbers give
        # the same terms in both.
        self._memo: dict[str, tuple[str, ...]] = {}
        self._memo_other: dict[str, tuple[str, ...]] = {}
        self._snowball_ar = (
            Stemmer.Stemmer("arabic") if self.options.arabic_stemmer == "snowball" else None
        )

    def _arabic_terms_uncached(self, token: str) -> tuple[str, ...]:
        if self.options.stopwords and is_normalized_stopword(token, "ar"):
            return ()
        out: list[str] = []
        stemmer = self.options.arabic_stemmer
        if stemmer == "light":
            term = stem_ar_normalized(token)
        elif self._snowball_ar is not None:
            term = self._snowball_ar.stemWord(token)
        else:
            term = token
        out.append(term)
        if self.options.keep_surface:
            surface = token[2:] if token.startswith("\u0627\u0644") and len(token) > 4 else token
            if surface != term:
                out.append(surface)
        return tuple(out)

    def _token_terms(self, token: str, english: bool) -> tuple[str, ...]:
        if is_arabic(token):
            return self._arabic_terms_uncached(token)
        if token[0].isdigit():
            return (token,)
        if english:
            if self.options.stopwords and token in STOPWORDS_EN:
                return ()
            return (stem_en(_fold_latin(token)),)
        return (_fold_latin(token),)

    def analyze(self, text: str, language: str | None = None) -> list[str]:
        """Terms of ``text`` in order (duplicates kept, so callers can count frequencies)."""
        # Latin words inside Arabic articles are nearly always English names and terms.
        english = language in (None, "ar", "en")
        memo = self._memo if english else self._memo_other
        tokens = tokenize(text)
        # Lookups in C (map), Python only for the words not seen before: most words repeat.
        found = list(map(memo.get, tokens))
        if None in found:
            for i, terms in enumerate(found):
                if terms is None:
                    token = tokens[i]
                    terms = self._token_terms(token, english)
                    if len(memo) >= MEMO_SIZE:
                        memo.clear()
                    memo[token] = found[i] = terms
        return list(chain.from_iterable(cast(list[tuple[str, ...]], found)))


_DEFAULT = Analyzer()


def analyze(text: str, language: str | None = None) -> list[str]:
    """THE analyser for search, dedup and clustering: normalise, tokenise, drop stop words, stem.

    ``language`` is the article's language when known; the path is still chosen per token by
    script (Arabic letters -> Arabic, Latin -> English), so ``ar``, ``en`` and ``None`` give the
    same terms. Passing another language (``fr``) keeps Latin words unstemmed and keeps English
    stop words, instead of treating them as English.
    """
    return _DEFAULT.analyze(text, language)


__all__ = [
    "ARABIC_STEMMERS",
    "Analyzer",
    "AnalyzerOptions",
    "analyze",
    "is_normalized_stopword",
    "is_stopword",
]
