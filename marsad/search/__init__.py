"""Full-text search over the stored articles: Arabic-aware, on SQLite FTS5 and PostgreSQL.

Documents and queries go through the same analyser (``marsad.text.analyze``); entities give one
term per canonical entity so names cross languages. ``index_articles`` keeps the index in step
with the store; ``search`` answers queries (see ``marsad.search.query`` for the language).
"""

from marsad.errors import QueryError
from marsad.search.index import index_articles, reindex_all, remove_articles
from marsad.search.query import ParsedQuery, parse_query
from marsad.search.results import FacetCount, Facets, SearchHit, SearchResults, Snippet
from marsad.search.service import search

__all__ = [
    "FacetCount",
    "Facets",
    "ParsedQuery",
    "QueryError",
    "SearchHit",
    "SearchResults",
    "Snippet",
    "index_articles",
    "parse_query",
    "reindex_all",
    "remove_articles",
    "search",
]
