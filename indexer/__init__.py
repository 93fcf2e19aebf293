"""corpus-search: a full-text search engine over a corpus of news coverage.

    >>> from indexer import CorpusIndex, make_query      # doctest: +SKIP
    >>> with CorpusIndex("index") as ix:                  # doctest: +SKIP
    ...     results = ix.search(make_query(q='"deportation machine"', lang="en"))
"""

from .build import build_index, prepare
from .errors import CorpusSearchError, ParameterError
from .models import Document, PartialDate
from .search import (
    CorpusIndex,
    DocumentMatches,
    FacetValue,
    Hit,
    Match,
    QuoteHit,
    QuoteQuery,
    QuoteResults,
    SearchQuery,
    SearchResults,
    make_query,
    make_quote_query,
)

__all__ = [
    "CorpusIndex", "CorpusSearchError", "Document", "DocumentMatches", "FacetValue", "Hit",
    "Match", "ParameterError", "PartialDate", "QuoteHit", "QuoteQuery", "QuoteResults",
    "SearchQuery", "SearchResults", "build_index", "make_query", "make_quote_query", "prepare",
]
