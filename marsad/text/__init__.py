"""Arabic and English text processing: normalisation, tokens, clitics, stems, stop words.

``analyze`` is the one analyser that search, near-duplicate detection and clustering share, for
documents and queries alike; the other functions are its parts, public for reuse and tests.
"""

from marsad.text.analyze import Analyzer, AnalyzerOptions, analyze, is_stopword
from marsad.text.normalize import normalize_ar
from marsad.text.stem import stem_ar, stem_en
from marsad.text.tokens import extract_numbers, is_arabic, shingles, split_clitics, tokenize

__all__ = [
    "Analyzer",
    "AnalyzerOptions",
    "analyze",
    "extract_numbers",
    "is_arabic",
    "is_stopword",
    "normalize_ar",
    "shingles",
    "split_clitics",
    "stem_ar",
    "stem_en",
    "tokenize",
]
