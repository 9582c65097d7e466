"""Extraction stage: a fetched page in, the article's clean text and metadata out.

Pure functions (no network, database or clock): :func:`extract_article` /
:func:`extract_page` for pages, :func:`detect_language` for any text, and
:class:`BoilerplateLearner` to learn a source's recurring lines.
"""

from marsad.extract.article import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    ExtractedArticle,
    extract_article,
    extract_page,
    lines_for_learning,
)
from marsad.extract.cleanup import BoilerplateLearner, PageHints, clean_text, normalize_line
from marsad.extract.decode import decode_html
from marsad.extract.langid import LanguageDetector, detect_language
from marsad.extract.metadata import find_arabic_date, parse_datetime

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "BoilerplateLearner",
    "ExtractedArticle",
    "LanguageDetector",
    "PageHints",
    "clean_text",
    "decode_html",
    "detect_language",
    "extract_article",
    "extract_page",
    "find_arabic_date",
    "lines_for_learning",
    "normalize_line",
    "parse_datetime",
]
