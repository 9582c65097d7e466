"""Exact, near and translated copies: features, MinHash signatures, the streaming index."""

from marsad.dedup.features import (
    ArticleFeatures,
    content_hash,
    features_from,
    features_from_dict,
    features_to_dict,
)
from marsad.dedup.index import DEFAULT_THRESHOLD, DuplicateIndex, DuplicateMatch
from marsad.dedup.minhash import estimated_jaccard, minhash_signature
from marsad.dedup.translated import TranslationIndex, TranslationMatch, translation_score

__all__ = [
    "DEFAULT_THRESHOLD",
    "ArticleFeatures",
    "DuplicateIndex",
    "DuplicateMatch",
    "TranslationIndex",
    "TranslationMatch",
    "content_hash",
    "estimated_jaccard",
    "features_from",
    "features_from_dict",
    "features_to_dict",
    "minhash_signature",
    "translation_score",
]
