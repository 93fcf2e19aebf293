"""SearchQuery -> SearchResults: parse, filter, facets, highlights, paging. Also documents
and statistics. The CLI, the web pages and the JSON API all call `CorpusIndex.search`.

Whoosh objects never leave this module; callers get dataclasses.
"""

from __future__ import annotations

import bisect
import copy
import datetime as dt
import difflib
import functools
import heapq
import html
import os
import pickle
import re
import threading
import time
import unicodedata
import weakref
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path

import numpy as np
from whoosh import columns, formats, qparser
from whoosh import query as wq
from whoosh.analysis import CompositeAnalyzer
from whoosh.automata import fsa
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.filedb import filetables
from whoosh.matching import (
    AndNotMatcher,
    IntersectionMatcher,
    ListMatcher,
    Matcher,
    NullMatcher,
    UnionMatcher,
)
from whoosh.matching.binary import AdditiveBiMatcher
from whoosh.matching.combo import ArrayUnionMatcher, CombinationMatcher
from whoosh.matching.mcore import NullMatcherClass
from whoosh.matching.wrappers import FilterMatcher, WrappingMatcher
from whoosh.qparser import plugins as qplugins
from whoosh.qparser import syntax as qsyntax
from whoosh.reading import ReaderClosed, SegmentReader, TermNotFound
from whoosh.scoring import BM25FScorer, WeightLengthScorer
from whoosh.system import _INT_SIZE as _UINT_SIZE
from whoosh.system import pack_ushort
from whoosh.util import make_binary_tree
from whoosh.util.numeric import byte_to_length

from . import build, postings, schema
from .clean import normalize_for_index
from .errors import DocumentNotFoundError, IndexNotFoundError, ParameterError
from .language import LANGUAGE_NAMES
from .models import DOC_TYPES, QUOTE_KINDS, Document, PartialDate, paragraph_spans
from .textutil import UNSPACED_RUN, fold, squash

MAX_QUERY_LENGTH = 1000
MAX_PER_PAGE = 100
#: Pages reach this far into the results; beyond it, the export streams every hit.
MAX_RESULT_WINDOW = 10_000
#: Words one wildcard, prefix or fuzzy word may stand for.
MAX_EXPANSION = 2_000
#: How far apart a phrase's words may be (~N). Its documents are found from arrays
#: (_sloppy_matches), but highlighting walks N positions after each first word
#: (`"a b"~99999999999` never ended), and where Whoosh's span matching does the finding
#: (a field not in its Positions format) the work multiplies with each repeated word:
#: `"the the ... the"~50` (10 words) took 0.2 s on 28 documents.
MAX_SLOP = 20
#: a fuzzy word's edits at most (palantri~2)
MAX_EDITS = 2
#: Candidate documents in a segment from which a phrase's positions are compared in arrays
#: (_phrase_matches_arrays): below it, one document at a time is faster (measured).
PHRASE_ARRAYS_FROM = 160
#: Index entries (document, word) a query may read: bounds time and memory of huge OR lists
#: of common words and of broad wildcards. "amazon ice protest" reads ~0.2% of it at 100,000
#: documents.
MAX_POSTINGS = 20_000_000
#: Words whose number of documents an index version remembers (_ReaderData.doc_frequency):
#: ~150 bytes each, so ~15 MB at most.
FREQUENCIES_KEPT = 100_000
SORTS = ("relevance", "newest", "oldest")
FACETS = ("outlet", "organization", "person", "language", "year", "doc_type")
FACET_LIMIT = 50  # values listed per facet (selected values are always listed)
#: The value of a facet in _MISSING for the records that have none (as `stats` names them):
#: listed and chosen like the others, so the documents whose outlet is not known can be found
UNKNOWN = "(unknown)"
_MISSING = frozenset({"outlet"})
# A multi-valued facet (organizations, people) is counted from the pairs of the documents
# asked when they are under 1/GATHERED_BELOW of the index (a phrase's ~2,000 of ~300,000
# records: 0.05 against 0.5 ms), otherwise by a pass over every pair (cheaper for most).
GATHERED_BELOW = 8
SNIPPETS_PER_HIT = 3

# =========================================================================== the question


@dataclass(frozen=True)
class SearchQuery:
    """A search: query text plus filters, sort and page. Build it with `make_query`."""

    text: str = ""
    outlets: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    date_from: PartialDate | None = None
    date_to: PartialDate | None = None
    original_language: str | None = None
    translated: bool | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    exact: bool = False

    def filters(self) -> dict[str, object]:
        """The filters in the shape of the request parameters (for URLs and JSON)."""
        out: dict[str, object] = {}
        for key, value in (("outlet", self.outlets), ("org", self.organizations),
                           ("person", self.people), ("lang", self.languages),
                           ("type", self.doc_types)):
            if value:
                out[key] = list(value)
        if self.date_from:
            out["from"] = self.date_from.isoformat()
        if self.date_to:
            out["to"] = self.date_to.isoformat()
        if self.original_language:
            out["original_lang"] = self.original_language
        if self.translated is not None:
            out["translated"] = self.translated
        return out


_DOC_TYPE_ALIASES = {
    "press release": "press release", "press-release": "press release",
    "press_release": "press release", "pressrelease": "press release", "release": "press release",
    "blog post": "blog post", "blog": "blog post", "blog-post": "blog post",
    "blog_post": "blog post", "blogpost": "blog post", "post": "blog post",
    "interview": "interview", "interviews": "interview",
    "news article": "news article", "news": "news article", "article": "news article",
    "news-article": "news article", "news_article": "news article",
}
_LANGUAGE_BY_NAME = {name.lower(): code for code, name in LANGUAGE_NAMES.items()}
_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f", ""}


def _values(raw: object) -> tuple[str, ...]:
    """A parameter's values: one (a string, a number) or several (any other iterable)."""
    if raw is None:
        return ()
    items = list(raw) if isinstance(raw, Iterable) and not isinstance(raw, (str, bytes)) \
        else [raw]
    return tuple(dict.fromkeys(str(v).strip() for v in items if str(v).strip()))


def parse_bool(parameter: str, raw: object) -> bool:
    """A boolean parameter: 1/0, true/false, yes/no, on/off."""
    if isinstance(raw, bool):
        return raw
    value = str(raw).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ParameterError(parameter, f"{parameter} must be true or false, not {raw!r}")


def _int(parameter: str, raw: object, low: int, high: int, what: str) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise ParameterError(parameter, f"{parameter} must be {what}, not {raw!r}") from None
    if not low <= value <= high:
        raise ParameterError(parameter, f"{parameter} must be {what}, not {value}")
    return value


def parse_partial_date(parameter: str, raw: str) -> PartialDate:
    """A date bound: 2019, 2019-08 or 2019-08-11 (also 2019/08/11)."""
    value = str(raw).strip().replace("/", "-")
    try:
        return PartialDate.parse(value)
    except ValueError:
        raise ParameterError(
            parameter, f"{parameter} must be a date written 2019, 2019-08 or 2019-08-11, "
                       f"not {raw!r}") from None


def _language_code(parameter: str, raw: object) -> str:
    value = str(raw).strip().lower()
    value = _LANGUAGE_BY_NAME.get(value, value)
    if not re.fullmatch(r"[a-z]{2,3}", value):
        raise ParameterError(parameter, f"{parameter} must be a language code such as 'en' or "
                                        f"'es', not {raw!r}")
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")  # what undecodable bytes become (surrogateescape)


def make_query(
    q: str | None = "",
    outlet: object = (),
    org: object = (),
    person: object = (),
    lang: object = (),
    type: object = (),  # noqa: A002 - the parameter's public name
    date_from: str | None = None,
    date_to: str | None = None,
    sort: str | None = None,
    page: object = 1,
    per_page: object = 10,
    exact: object = False,
    translated: object = None,
    original_lang: str | None = None,
) -> SearchQuery:
    """Validate raw parameter values (strings from the CLI or a URL) into a SearchQuery.

    Raises ParameterError naming the parameter: "page must be a positive integer, not 0".
    """
    text = "" if q is None else str(q)
    if _SURROGATE.search(text):
        raise ParameterError("q", "the query holds bytes that are not UTF-8 text (read as a "
                                  "lone surrogate); type it again in UTF-8")
    if len(text) > MAX_QUERY_LENGTH:
        raise ParameterError("q", f"the query is {len(text):,} characters long; the limit is "
                                  f"{MAX_QUERY_LENGTH:,}")
    types = []
    for t in _values(type):
        norm = _DOC_TYPE_ALIASES.get(t.lower())
        if norm is None:
            raise ParameterError("type", f"type must be one of {', '.join(DOC_TYPES)}, "
                                         f"not {t!r}")
        types.append(norm)
    start = parse_partial_date("from", date_from) if date_from not in (None, "") else None
    end = parse_partial_date("to", date_to) if date_to not in (None, "") else None
    if start and end and start.start > end.end:
        raise ParameterError("from", f"from ({start.isoformat()}) is after to "
                                     f"({end.isoformat()})")
    sort_value = str(sort or "relevance").strip().lower()
    if sort_value not in SORTS:
        raise ParameterError("sort", f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    page_number = _int("page", page, 1, 1_000_000, "a positive integer")
    per_page_number = _int("per_page", per_page, 1, MAX_PER_PAGE,
                           f"an integer from 1 to {MAX_PER_PAGE}")
    if (page_number - 1) * per_page_number >= MAX_RESULT_WINDOW:
        raise ParameterError("page", f"pages go as far as result {MAX_RESULT_WINDOW:,}; page "
                                     f"{page_number} starts beyond it. Narrow the search, or "
                                     f"export every result (CSV or JSON lines)")
    return SearchQuery(
        text=text,
        outlets=_values(outlet), organizations=_values(org), people=_values(person),
        languages=tuple(dict.fromkeys(_language_code("lang", v) for v in _values(lang))),
        doc_types=tuple(dict.fromkeys(types)),
        date_from=start, date_to=end,
        original_language=_language_code("original_lang", original_lang)
        if original_lang not in (None, "") else None,
        translated=None if translated in (None, "") else parse_bool("translated", translated),
        sort=sort_value,
        page=page_number, per_page=per_page_number,
        exact=parse_bool("exact", exact),
    )


# =========================================================================== the answer


@dataclass(frozen=True)
class Hit:
    """One result: document metadata, score and highlighted snippets (HTML, only <mark>)."""

    id: str
    title: str | None
    outlet: str | None
    date: str | None
    date_precision: str | None
    language: str
    original_language: str | None
    translated: bool
    doc_type: str
    organizations: tuple[str, ...]
    url: str | None
    score: float | None
    snippets: tuple[str, ...]
    title_html: str | None = None
    people: tuple[str, ...] = ()
    author: str | None = None

    def to_dict(self) -> dict:
        return {
            "id": self.id, "title": self.title, "outlet": self.outlet, "date": self.date,
            "date_precision": self.date_precision, "language": self.language,
            "original_language": self.original_language, "translated": self.translated,
            "doc_type": self.doc_type, "organizations": list(self.organizations),
            "people": list(self.people), "author": self.author, "url": self.url,
            "score": self.score, "snippets": list(self.snippets),
            "title_html": self.title_html,
        }


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool = False

    def to_dict(self) -> dict:
        return {"value": self.value, "count": self.count, "selected": self.selected}


@dataclass(frozen=True)
class SearchResults:
    """What a search found. `to_dict` is the JSON of the CLI and the HTTP API."""

    query: SearchQuery
    parsed_query: str
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, tuple[FacetValue, ...]]
    suggestion: str | None = None
    notes: tuple[str, ...] = ()
    timeline: tuple[tuple[str, int], ...] = ()  # (YYYY-MM, documents), every month in range
    sorted_by: str | None = None  # the hits' order: newest where relevance had no words

    @property
    def page(self) -> int:
        return self.query.page

    @property
    def per_page(self) -> int:
        return self.query.per_page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict:
        return {
            "query": self.query.text,
            "parsed_query": self.parsed_query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "sort": self.sorted_by or self.query.sort,
            "exact": self.query.exact,
            "filters": self.query.filters(),
            "hits": [h.to_dict() for h in self.hits],
            "facets": {name: [v.to_dict() for v in values]
                       for name, values in self.facets.items()},
            "suggestion": self.suggestion,
            "notes": list(self.notes),
            "timeline": [{"month": m, "count": n} for m, n in self.timeline],
        }


@dataclass(frozen=True)
class Match:
    """One match in a document: paragraph number (from 1), offsets in it, context HTML."""

    paragraph: int
    start: int
    end: int
    text: str
    context: str

    def to_dict(self) -> dict:
        return {"paragraph": self.paragraph, "start": self.start, "end": self.end,
                "text": self.text, "context": self.context}


@dataclass(frozen=True)
class DocumentMatches:
    doc_id: str
    query: str
    parsed_query: str
    matches: tuple[Match, ...]

    @property
    def total(self) -> int:
        return len(self.matches)

    def to_dict(self) -> dict:
        return {"query": self.query, "parsed_query": self.parsed_query, "total": self.total,
                "matches": [m.to_dict() for m in self.matches]}


@dataclass(frozen=True)
class IndexStats:
    """What is in the index."""

    documents: int
    by_outlet: dict[str, int] = field(default_factory=dict)
    by_language: dict[str, int] = field(default_factory=dict)
    by_year: dict[str, int] = field(default_factory=dict)
    by_doc_type: dict[str, int] = field(default_factory=dict)
    translated: int = 0
    index_bytes: int = 0
    generation: str = ""
    last_build: dict | None = None
    quotations: int = 0

    def to_dict(self) -> dict:
        return {
            "documents": self.documents, "quotations": self.quotations,
            "by_outlet": self.by_outlet,
            "by_language": self.by_language, "by_year": self.by_year,
            "by_doc_type": self.by_doc_type, "translated": self.translated,
            "index_bytes": self.index_bytes, "generation": self.generation,
            "last_build": self.last_build,
        }


QUOTE_FACETS = ("speaker", "outlet", "kind")
_KIND_ALIASES = {
    "speech": "speech", "said": "speech", "spoken": "speech",
    "written statement": "written statement", "written": "written statement",
    "statement": "written statement", "written-statement": "written statement",
    "sign/slogan": "sign/slogan", "sign": "sign/slogan", "slogan": "sign/slogan",
    "chant": "sign/slogan", "signs": "sign/slogan",
    "interview answer": "interview answer", "answer": "interview answer",
    "interview question": "interview question", "question": "interview question",
}


@dataclass(frozen=True)
class QuoteQuery:
    """A search among quotations. Build it with `make_quote_query`."""

    text: str = ""
    speakers: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    date_from: PartialDate | None = None
    date_to: PartialDate | None = None
    translated: bool | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    exact: bool = False

    def filters(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for key, value in (("speaker", self.speakers), ("outlet", self.outlets),
                           ("kind", self.kinds), ("lang", self.languages)):
            if value:
                out[key] = list(value)
        if self.date_from:
            out["from"] = self.date_from.isoformat()
        if self.date_to:
            out["to"] = self.date_to.isoformat()
        if self.translated is not None:
            out["translated"] = self.translated
        return out


def make_quote_query(q: str | None = "", speaker: object = (), outlet: object = (),
                     kind: object = (), lang: object = (), date_from: str | None = None,
                     date_to: str | None = None, translated: object = None,
                     sort: str | None = None, page: object = 1, per_page: object = 10,
                     exact: object = False) -> QuoteQuery:
    """Validate raw parameter values into a QuoteQuery (the same rules as make_query)."""
    base = make_query(q=q, outlet=outlet, lang=lang, date_from=date_from, date_to=date_to,
                      translated=translated, sort=sort, page=page, per_page=per_page,
                      exact=exact)
    kinds = []
    for k in _values(kind):
        norm = _KIND_ALIASES.get(k.lower())
        if norm is None:
            raise ParameterError("kind", f"kind must be one of {', '.join(QUOTE_KINDS)}, "
                                         f"not {k!r}")
        kinds.append(norm)
    return QuoteQuery(
        text=base.text, speakers=_values(speaker), outlets=base.outlets,
        kinds=tuple(dict.fromkeys(kinds)), languages=base.languages,
        date_from=base.date_from, date_to=base.date_to, translated=base.translated,
        sort=base.sort, page=base.page, per_page=base.per_page, exact=base.exact)


@dataclass(frozen=True)
class QuoteHit:
    """A quotation found: its words (and a highlighted snippet), speaker, and source."""

    id: str
    doc_id: str
    text: str
    speaker: str | None
    speaker_type: str | None
    affiliation: str | None
    kind: str
    paragraph: int
    start: int
    end: int
    translated: bool
    original_language: str | None
    language: str
    outlet: str | None
    date: str | None
    date_precision: str | None
    title: str | None
    url: str | None
    score: float | None
    snippet: str

    def to_dict(self) -> dict:
        return {
            "doc_id": self.doc_id, "text": self.text, "speaker": self.speaker,
            "affiliation": self.affiliation, "kind": self.kind, "paragraph": self.paragraph,
            "start": self.start, "end": self.end, "translated": self.translated,
            "outlet": self.outlet, "date": self.date, "title": self.title,
            "snippet": self.snippet, "id": self.id, "speaker_type": self.speaker_type,
            "original_language": self.original_language, "language": self.language,
            "date_precision": self.date_precision, "url": self.url, "score": self.score,
        }


@dataclass(frozen=True)
class QuoteResults:
    query: QuoteQuery
    parsed_query: str
    total: int
    hits: tuple[QuoteHit, ...]
    facets: dict[str, tuple[FacetValue, ...]]
    suggestion: str | None = None
    notes: tuple[str, ...] = ()
    sorted_by: str | None = None  # the hits' order: newest where relevance had no words

    @property
    def page(self) -> int:
        return self.query.page

    @property
    def per_page(self) -> int:
        return self.query.per_page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict:
        return {
            "query": self.query.text, "parsed_query": self.parsed_query, "total": self.total,
            "page": self.page, "per_page": self.per_page,
            "sort": self.sorted_by or self.query.sort,
            "exact": self.query.exact, "filters": self.query.filters(),
            "hits": [h.to_dict() for h in self.hits],
            "facets": {name: [v.to_dict() for v in values]
                       for name, values in self.facets.items()},
            "suggestion": self.suggestion, "notes": list(self.notes),
        }


# =========================================================================== query text

_QUOTE_MAP = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"',
                            "″": '"', "‹": "'", "›": "'", "‚": "'", "‛": "'", "`": "'"})
# ‘single’ or 'single' quotes around words delimit a phrase; an apostrophe inside or at the
# end of a word ("won’t", "Bezos’") stays an apostrophe.
_SINGLE_QUOTED = re.compile(r"(?<![\w'])['‘]([^'‘’\"]+?)['’](?![\w'])")


def normalize_query_text(text: str) -> str:
    """Typography-proof query text: every kind of quote delimits a phrase.

    >>> normalize_query_text("“we won’t” ‘be complicit’ «nunca» „niemals“")
    '"we won\\'t" "be complicit" "nunca" "niemals"'
    """
    text = unicodedata.normalize("NFC", text).translate(_QUOTE_MAP)
    text = _SINGLE_QUOTED.sub(r'"\1"', text)
    text = text.replace("’", "'").replace("‘", "'")
    return squash(normalize_for_index(text))


# User-facing field names -> how they are searched.
_FIELD_NAMES = {
    "title": "title", "headline": "title", "text": "text", "body": "text", "quote": "text",
    "outlet": "outlet", "source": "outlet", "publication": "outlet",
    "org": "org", "organization": "org", "organisation": "org", "orgs": "org",
    "person": "person", "people": "person", "speaker": "person", "by": "person",
    "author": "author", "affiliation": "affiliation",
    "lang": "lang", "language": "lang", "original": "original",
    "type": "type", "doc_type": "type", "year": "year", "date": "date",
    "translated": "translated",
}
#: how a value looks, for the note on a field given none ({0}: the field as written)
_FIELD_EXAMPLES = {"date": "2019-08, {0}[2019-01 TO 2019-06]", "year": "2019",
                   "lang": "es", "original": "es", "type": "interview", "translated": "true"}
_INTERNAL = {"outlet": "outlet_text", "org": "org_text", "person": "people_text",
             "author": "author", "lang": "language", "original": "original_language",
             "type": "doc_type", "year": "year", "translated": "translated"}
_FIELD_PREFIX = re.compile(r"(?<![\w:])([A-Za-z_]+):(?P<space>[ \t]*)")


def _read_value(text: str, i: int) -> int:
    """End of the value starting at text[i]: a quoted phrase, (group), [range] or a word."""
    if i >= len(text):
        return i
    opener = text[i]
    if opener == '"':
        end = text.find('"', i + 1)
        if end == -1:
            return len(text)
        j = end + 1
        m = re.match(r"~\d+", text[j:])  # proximity "a b"~3
        return j + (m.end() if m else 0)
    if opener in "([{":
        closer = {"(": ")", "[": "]", "{": "}"}[opener]
        depth = 0
        for j in range(i, len(text)):
            if text[j] == opener:
                depth += 1
            elif text[j] == closer:
                depth -= 1
                if depth == 0:
                    return j + 1
        return len(text)
    m = re.match(r"[^\s()]+", text[i:])
    return i + (m.end() if m else 0)


@dataclass
class _Compiled:
    query: wq.Query
    described: str
    date_ranges: list[tuple[dt.date, dt.date]]
    notes: list[str]
    browse: bool


def _date_range(value: str) -> tuple[dt.date, dt.date] | None:
    """A `date:` value: 2019, 2019-08, 2019-08-11, [2019-01 TO 2019-06], >2019-08, <=2019."""
    v = value.strip().strip('"')
    m = re.fullmatch(r"[\[{]\s*(\S*)\s+(?:to|TO|-)\s+(\S*)\s*[\]}]", v)
    try:
        if m:
            lo = PartialDate.parse(m.group(1)).start if m.group(1) not in ("", "*") else \
                dt.date.min
            hi = PartialDate.parse(m.group(2)).end if m.group(2) not in ("", "*") else \
                dt.date.max
            return (lo, hi)
        m = re.fullmatch(r"(>=|<=|>|<)\s*(\S+)", v)
        if m:
            d = PartialDate.parse(m.group(2))
            return {
                ">=": (d.start, dt.date.max), ">": (d.end + dt.timedelta(days=1), dt.date.max),
                "<=": (dt.date.min, d.end), "<": (dt.date.min, d.start - dt.timedelta(days=1)),
            }[m.group(1)]
        m = re.fullmatch(r"(\S+?)\.\.(\S+)", v)
        if m:
            return (PartialDate.parse(m.group(1)).start, PartialDate.parse(m.group(2)).end)
        d = PartialDate.parse(v)
        return (d.start, d.end)
    except (ValueError, OverflowError):
        return None


def _field_value(kind: str, value: str) -> str | None:
    """Normalise the value of a keyword-like field query; None if it cannot match anything."""
    inner = value.strip('"')
    if kind == "lang" or kind == "original":
        code = _LANGUAGE_BY_NAME.get(inner.lower(), inner.lower())
        return code if re.fullmatch(r"[a-z]{2,3}", code) else None
    if kind == "type":
        norm = _DOC_TYPE_ALIASES.get(inner.lower())
        return f'"{norm}"' if norm else None
    if kind == "translated":
        low = inner.lower()
        return "true" if low in _TRUE else "false" if low in _FALSE - {""} else None
    if kind == "year":  # a year, or a range of them ([2018 TO 2019])
        return value if re.fullmatch(r"\d{4}|[\[{].*[\]}]", inner) else None
    return value


def _unknown_field_note(name: str) -> str:
    """The note for `name:` that names no field, with the nearest field names."""
    near = difflib.get_close_matches(name.lower(), list(_FIELD_NAMES), n=2, cutoff=0.6)
    fields = ", ".join(f"{f}:" for f in _FIELD_LIST)
    return (f"{name}: is not a field, so it was searched as words"
            + (f"; did you mean {' or '.join(f'{n}:' for n in near)}?" if near else "")
            + f" (the fields: {fields})")


#: the field names the notes list (each of _FIELD_NAMES's kinds once)
_FIELD_LIST = ("title", "text", "outlet", "org", "person", "author", "affiliation", "lang",
               "original", "type", "year", "date", "translated")


def _phrase_pattern_notes(text: str) -> list[str]:
    """Notes for the wildcards a quoted phrase holds: a phrase matches words as they stand,
    so `"amaz* ice"` is the phrase "amaz ice". A question mark ending a word is the end of a
    question, not a wildcard."""
    return [f"wildcards are not read inside a phrase: {m.group(0)} searched its words as "
            f"written, without * and ?" for m in re.finditer(r'"[^"]*"', text)
            if re.search(r"\w\*|\*\w|\w\?\w", m.group(0))]


#: a field query's kind -> the facet whose registered names its value may be
_NAMED_KINDS = {"outlet": "outlet", "org": "organization", "person": "person"}


def _with_names(fieldname: str, value: str, others: list[str]) -> str:
    """fieldname:value, or that or the other names of what it names, as a group."""
    if not others:
        return f"{fieldname}:{value}"
    names = [value, *(f'"{n.replace(chr(34), " ")}"' for n in others)]
    return "(" + " OR ".join(f"{fieldname}:{n}" for n in names) + ")"


def _rewrite(text: str, exact: bool, quotes: bool = False,
             names: Callable[[str, str], list[str]] | None = None
             ) -> tuple[str, list[tuple[dt.date, dt.date]], list[str]]:
    """User fields -> internal fields; `date:` parts taken out as date ranges. names(facet,
    value): the other names the registries give for an outlet, organization or person
    (_ReaderData.other_names), searched with it."""
    names = names or (lambda facet, value: [])
    out: list[str] = []
    ranges: list[tuple[dt.date, dt.date]] = []
    notes: list[str] = []
    pos = 0
    if quotes:
        text_fields = ("quote_exact",) if exact else schema.STEMMED_QUOTE_FIELDS
    else:
        text_fields = ("text_exact",) if exact else schema.STEMMED_TEXT_FIELDS
    title_fields = ("title_exact",) if exact else schema.STEMMED_TITLE_FIELDS
    quoted = [m.span() for m in re.finditer(r'"[^"]*"', text)]
    for m in _FIELD_PREFIX.finditer(text):
        if m.start() < pos:
            continue
        in_phrase = any(a < m.start() < b for a, b in quoted)  # "re:Invent" in a phrase
        kind = _FIELD_NAMES.get(m.group(1).lower())
        if kind is None or in_phrase:
            if not (in_phrase or m.group("space") or m.end() == len(text)):
                notes.append(_unknown_field_note(m.group(1)))
            continue
        end = _read_value(text, m.end())
        value = text[m.end():end]
        written = f"{m.group(1)}:"
        spaced_off = m.group("space") and (_FIELD_PREFIX.match(value) or (
            _date_range(value) is None if kind == "date" else
            kind in _INTERNAL and kind not in _NAMED_KINDS and kind != "author" and
            _field_value(kind, value) is None))  # "date: amazon": amazon is no date
        if not value.strip('"()') or value.startswith(")") or spaced_off:
            example = _FIELD_EXAMPLES.get(kind, 'word, {0}"two words"').format(written)
            notes.append(f"{written} has no value, so it was left out: put what to look for "
                         f"right after the colon ({written}{example})")
            out.append(text[pos:m.start()] + " ")
            pos = m.end() if value.startswith(")") or spaced_off else end
            continue
        if m.group("space"):
            notes.append(f"{written} {value} read as {written}{value} (a field's value comes "
                         f"right after the colon)")
        out.append(text[pos:m.start()])
        pos = end
        if kind == "date":
            rng = _date_range(value)
            if rng and rng[0] > rng[1]:
                notes.append(f"date:{value} ends before it starts, so nothing can match")
            if rng:
                ranges.append(rng)
            else:
                notes.append(f"date:{value} is not a date (use 2019, 2019-08, 2019-08-11 or "
                             f"[2019-01 TO 2019-06]); searched as words")
                out.append(" " + value.strip("[]{}") + " ")
            continue
        if kind in ("title", "text"):
            if quotes and kind == "title":
                notes.append("quotation records have no title field; title: searched as text")
            fields = title_fields if kind == "title" and not quotes else text_fields
            out.append("(" + " OR ".join(f"{f}:{value}" for f in fields) + ")")
            continue
        if kind == "affiliation":
            if quotes:  # the role or organization a speaker is given
                out.append(_with_names("affiliation_text", value, []))
            else:
                notes.append("documents have no affiliation (their quotations' speakers "
                             "do); affiliation: searched as text")
                out.append("(" + " OR ".join(f"{f}:{value}" for f in text_fields) + ")")
            continue
        if kind in ("person", "org") and quotes:  # on a quotation: who said it
            who = _with_names("speaker_text", value, names("speaker", value))
            if kind == "org":  # ... or the organization the speaker speaks for
                of = _with_names("affiliation_text", value, names("organization", value))
                who = f"({who} OR {of})"
            out.append(who)
            continue
        norm = _field_value(kind, value)
        if norm is None:
            notes.append(f"{m.group(1)}:{value} matches nothing of that kind; searched as words")
            out.append(" " + value + " ")
            continue
        others = names(_NAMED_KINDS[kind], value) if kind in _NAMED_KINDS else []
        out.append(_with_names(_INTERNAL[kind], norm, others))
    out.append(text[pos:])
    return "".join(out), ranges, notes


_ALLOWED_FIELDS = (schema.STEMMED_TEXT_FIELDS + schema.STEMMED_TITLE_FIELDS +
                   schema.STEMMED_QUOTE_FIELDS + schema.EXACT_TEXT_FIELDS +
                   ("quote_exact", "speaker_text", "affiliation_text") +
                   tuple(sorted(set(_INTERNAL.values()))))
_SPECIAL = re.compile(r'[()\[\]{}"^~*?:+\-!\\]')


_WORD_START = r"(?<![^\s(])"  # at the start of the query, or after a space or "("


class _Parser(qparser.QueryParser):
    """Whoosh's parser, but a wildcard or fuzzy word asked of a stemmed field is looked for
    in the field of the words as written (schema.exact_field). Whoosh would stem the pattern
    and match it against stems: `immigra*` became `immigr*` in English and `deporta*`
    matched nothing, since no stem starts with "deporta"."""

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True,
                   removestops=True):
        if issubclass(termclass, (wq.Wildcard, wq.Prefix, wq.FuzzyTerm)):
            fieldname = schema.exact_field(fieldname)
        return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)


class _PlusMinus(qplugins.PlusMinusPlugin):
    """Whoosh's + and -, with three faults mended. A group whose every part is banned
    (`-amazon`, `-amazon -ice`) is NOT those parts: Whoosh made an AndNot of nothing and
    them, which became them, so `-amazon` searched for amazon. A group in parentheses gets
    its own + and -: Whoosh read them only at the top and dropped them inside, so
    `x (-amazon)` searched for x and amazon. Under the default AND, `+` changes nothing:
    Whoosh made `amazon +ice` ice with amazon optional."""

    def do_plusminus(self, parser, group):
        for i, node in enumerate(group.nodes):
            if isinstance(node, qsyntax.GroupNode) and not isinstance(
                    node, (qsyntax.Wrapper, qsyntax.BinaryGroup)):
                group.nodes[i] = self.do_plusminus(parser, node)
        required: list = []
        optional: list = []
        banned: list = []
        into = optional
        for node in group:
            if isinstance(node, self.Plus):
                into = required
            elif isinstance(node, self.Minus):
                into = banned
            else:
                into.append(node)
                into = optional
        if not (required or banned):
            return group
        if isinstance(group, qsyntax.AndGroup):
            wanted = qsyntax.AndGroup(required + optional)
        elif required:
            wanted = qsyntax.AndMaybeGroup([qsyntax.AndGroup(required),
                                            qsyntax.OrGroup(optional)])
        else:
            wanted = qsyntax.OrGroup(optional)
        if not banned:
            return wanted
        if not (required or optional):
            return qsyntax.NotGroup([qsyntax.OrGroup(banned)])
        return qsyntax.AndNotGroup([wanted, qsyntax.OrGroup(banned)])


def _parser(sch, fields: tuple[str, ...]) -> qparser.QueryParser:
    parser = _Parser(None, sch, group=qparser.AndGroup)  # (what MultifieldParser makes)
    parser.add_plugin(qplugins.MultifieldPlugin(list(fields)))
    parser.remove_plugin_class(qplugins.SingleQuotePlugin)  # quotes are normalised already
    parser.remove_plugin_class(qplugins.FieldsPlugin)
    parser.remove_plugin_class(qplugins.EveryPlugin)
    names = "|".join(sorted(_ALLOWED_FIELDS, key=len, reverse=True))
    parser.add_plugin(qplugins.FieldsPlugin(expr=rf"(?P<text>{names}):", remove_unknown=False))
    parser.add_plugin(qplugins.FuzzyTermPlugin())
    # + and - only where a word starts: "low-wage" is the two words (a phrase, as the field
    # analyses it), not "low NOT wage"
    parser.add_plugin(_PlusMinus(plusexpr=_WORD_START + r"\+", minusexpr=_WORD_START + "-"))
    return parser


def _contains_terms(q: wq.Query) -> bool:
    if q is wq.NullQuery:
        return False
    if q.is_leaf():
        return True
    return any(_contains_terms(c) for c in q.children())


_ZERO_SLOP = re.compile(r'("[^"]*")~0+(\d*)(?!\d)')


def compile_query(text: str, exact: bool, sch, quotes: bool = False,
                  names: Callable[[str, str], list[str]] | None = None) -> _Compiled:
    """Query text -> a Whoosh query, never raising: malformed syntax degrades to words.

    quotes=True searches quotation records instead of documents. names: as _rewrite's.
    """
    norm = normalize_query_text(text)
    # "a b"~0 is the phrase ("a b"~1 for Whoosh, which reads ~0 as a word 0); ~05 is ~5
    norm = _ZERO_SLOP.sub(lambda m: m.group(1) + (f"~{m.group(2)}" if m.group(2) else ""), norm)
    rewritten, ranges, notes = _rewrite(norm, exact, quotes, names)
    notes += _phrase_pattern_notes(norm)
    if quotes:
        fields = ("quote_exact",) if exact else schema.STEMMED_QUOTE_FIELDS
    else:
        fields = (schema.EXACT_TEXT_FIELDS if exact else
                  schema.STEMMED_TEXT_FIELDS + schema.STEMMED_TITLE_FIELDS)
    if not rewritten.strip() or re.fullmatch(r"[\s*]*", rewritten):
        return _Compiled(wq.Every(), "everything" + _describe_ranges(ranges), ranges, notes, True)
    parser = _parser(sch, fields)
    try:
        q = parser.parse(rewritten)
    except Exception:  # Whoosh's parser raises odd errors on odd input; words still work
        notes.append("the query's syntax could not be read; its words were searched instead")
        q = None
    if q is None or not _contains_terms(q):
        words = _SPECIAL.sub(" ", rewritten)
        try:
            q = parser.parse(words) if words.strip() else wq.NullQuery
        except Exception:
            q = wq.NullQuery
        if not _contains_terms(q):
            notes.append("no search words in the query: showing everything")
            return _Compiled(wq.Every(), "everything" + _describe_ranges(ranges), ranges, notes,
                             True)
    return _Compiled(q, describe_query(q) + _describe_ranges(ranges), ranges, notes, False)


def _describe_ranges(ranges: list[tuple[dt.date, dt.date]]) -> str:
    parts = []
    for lo, hi in ranges:
        a = "" if lo == dt.date.min else lo.isoformat()
        b = "" if hi == dt.date.max else hi.isoformat()
        parts.append(f" AND date:[{a} TO {b}]")
    return "".join(parts)


# How a query reads back to a person: internal field names become user ones, the per-language
# copies of a word collapse to one.
_DISPLAY_FIELD = {"outlet_text": "outlet", "org_text": "org", "people_text": "person",
                  "speaker_text": "speaker", "affiliation_text": "affiliation",
                  "author": "author", "language": "lang", "original_language": "original",
                  "doc_type": "type", "year": "year", "translated": "translated"}


def describe_query(q: wq.Query) -> str:
    """A readable form of a compiled query (stems shown as the index sees them).

    >>> describe_query(wq.And([wq.Term("text_en", "immigr"), wq.Term("title_en", "amazon")]))
    '(immigr AND title:amazon)'
    """
    if isinstance(q, _Expanded):
        q = q.original
    if isinstance(q, wq.Every):
        return "everything"
    if isinstance(q, wq.Or):
        parts = list(dict.fromkeys(describe_query(c) for c in q.children()))
        titles = [p for p in parts if p.startswith("title:")]
        texts = [p for p in parts if not p.startswith("title:")]
        if texts and all(t.removeprefix("title:") in texts for t in titles):
            parts = texts  # the title copy of the same word adds nothing to read
        parts = list(dict.fromkeys(parts))
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
    if isinstance(q, wq.And):
        return "(" + " AND ".join(describe_query(c) for c in q.children()) + ")"
    if isinstance(q, wq.AndNot):
        return f"({describe_query(q.a)} AND NOT {describe_query(q.b)})"
    if isinstance(q, wq.Not):
        return f"NOT {describe_query(q.query)}"
    if isinstance(q, wq.AndMaybe):
        return f"({describe_query(q.a)} ANDMAYBE {describe_query(q.b)})"
    prefix = _field_prefix(getattr(q, "fieldname", None))
    if isinstance(q, wq.Phrase):
        slop = f"~{q.slop}" if q.slop and q.slop > 1 else ""
        return f'{prefix}"{" ".join(q.words)}"{slop}'
    if isinstance(q, wq.FuzzyTerm):
        return f"{prefix}{q.text}~{q.maxdist}"
    if isinstance(q, (wq.Prefix,)):
        return f"{prefix}{q.text}*"
    if isinstance(q, (wq.Term, wq.Wildcard)):
        text = q.text.decode() if isinstance(q.text, bytes) else str(q.text)
        return f'{prefix}"{text}"' if " " in text else f"{prefix}{text}"
    return str(q)


def _field_prefix(fieldname: str | None) -> str:
    if not fieldname:
        return ""
    if fieldname.startswith("title_"):
        return "title:"
    if fieldname.startswith(("text_", "quote_")):
        return ""
    return f"{_DISPLAY_FIELD.get(fieldname, fieldname)}:"


# =========================================================================== highlighting


@dataclass
class _Spec:
    """What to mark in text, per index field: words, phrases, patterns, fuzzy words."""

    terms: dict[str, set[str]] = field(default_factory=dict)
    phrases: dict[str, list[tuple[tuple[str, ...], int]]] = field(default_factory=dict)
    patterns: dict[str, list[re.Pattern]] = field(default_factory=dict)
    fuzzy: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)

    def empty(self, fieldname: str) -> bool:
        written = schema.exact_field(fieldname)  # (where its wildcards and fuzzy words are)
        return not (self.terms.get(fieldname) or self.phrases.get(fieldname) or
                    self.patterns.get(written) or self.fuzzy.get(written))


def _spec(q: wq.Query, spec: _Spec | None = None) -> _Spec:
    """Collect what a query matches, leaving out what it excludes (NOT ...)."""
    spec = spec or _Spec()
    if isinstance(q, _Expanded):
        q = q.original
    if isinstance(q, _Known):
        q = q.original
    if isinstance(q, wq.Not):
        return spec
    if isinstance(q, wq.AndNot):
        return _spec(q.a, spec)
    name = getattr(q, "fieldname", None)
    if isinstance(q, wq.Phrase):
        spec.phrases.setdefault(name, []).append((tuple(q.words), max(1, q.slop or 1)))
    elif isinstance(q, wq.FuzzyTerm):
        spec.fuzzy.setdefault(name, []).append((q.text, q.maxdist, q.prefixlength))
    elif isinstance(q, wq.Prefix):
        spec.patterns.setdefault(name, []).append(re.compile(re.escape(q.text) + r".*"))
    elif isinstance(q, wq.Wildcard):
        rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in q.text)
        spec.patterns.setdefault(name, []).append(re.compile(rx))
    elif isinstance(q, wq.Term) and isinstance(q.text, str):
        spec.terms.setdefault(name, set()).add(q.text)
    elif not q.is_leaf():
        for child in q.children():
            _spec(child, spec)
    return spec


def _within(a: str, b: str, maxdist: int) -> bool:
    """a and b are at most maxdist edits apart: a letter added, dropped or changed, or two
    neighbours swapped (optimal string alignment: a swapped pair is not edited again), the
    distance _edit_automaton accepts.

    >>> _within("palantri", "palantir", 1), _within("palantri", "palantor", 1)
    (True, False)
    """
    if abs(len(a) - len(b)) > maxdist:
        return False
    before, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            d = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if before is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                d = min(d, before[j - 2] + 1)
            cur.append(d)
        if min(cur) > maxdist:  # (a swap costs at least what the row above it cost)
            return False
        before, prev = prev, cur
    return prev[-1] <= maxdist


def _edit_automaton(word: str, maxdist: int, prefix: int = 0) -> fsa.DFA:
    """A DFA of the words at most maxdist edits from `word` (_within), the first `prefix`
    letters unchanged: Whoosh's Levenshtein automaton (automata.lev) with swaps of two
    neighbours added. Whoosh's own fuzzy search has no swaps on an index of one segment and
    has them on one of several, where it compares every word of the field in Python."""
    nfa = fsa.NFA((0, 0))
    for i in range(prefix):
        nfa.add_transition((i, 0), word[i], (i + 1, 0))
    for i in range(prefix, len(word)):
        for e in range(maxdist + 1):
            nfa.add_transition((i, e), word[i], (i + 1, e))
            if e < maxdist:
                nfa.add_transition((i, e), fsa.ANY, (i, e + 1))  # a letter added
                nfa.add_transition((i, e), fsa.EPSILON, (i + 1, e + 1))  # dropped
                nfa.add_transition((i, e), fsa.ANY, (i + 1, e + 1))  # changed
                if i + 1 < len(word):  # swapped with the next
                    nfa.add_transition((i, e), word[i + 1], ("swap", i, e))
                    nfa.add_transition(("swap", i, e), word[i], (i + 2, e + 1))
    for e in range(maxdist + 1):
        if e < maxdist:
            nfa.add_transition((len(word), e), fsa.ANY, (len(word), e + 1))
        nfa.add_final_state((len(word), e))
    return nfa.to_dfa()


def fuzzy_words(words: list[str], word: str, maxdist: int, prefix: int = 0) -> list[str]:
    """The words of `words` (a field's, sorted: _ReaderData.words) at most maxdist edits
    from `word` (_within), in order: the automaton walked over them, skipping by bisection
    whatever it cannot accept.

    Whoosh walks the automaton over a segment's term table itself, but each skip there is a
    binary search of the table on disk: `amazon~2` took 2.2 s at 100,000 documents, ~8,000
    skips of ~17 reads. Its MultiCursor finds no word at all."""
    dfa = _edit_automaton(word, maxdist, prefix)

    def lookup(key: str) -> str | None:
        i = bisect.bisect_left(words, key)
        return words[i] if i < len(words) else None

    return list(fsa.find_all_matches(dfa, lookup))


def field_terms(text: str, fieldname: str) -> list[tuple[str, int, int, int]]:
    """(term, position, start, end) of each token, exactly as `fieldname`'s analyzer makes
    them (tests/test_search.py holds the two together), several times faster: highlighting
    analyses every paragraph of every hit, and the same words come back again and again.

    >>> field_terms("Los Trabajadores", "text_es")
    [('los', 0, 0, 3), ('trabaj', 1, 4, 16)]
    """
    found = list(schema.TOKEN_RE.finditer(text))
    terms = schema.terms_of([m.group() for m in found], _language_of(fieldname))
    return [(term, pos, m.start(), m.end())
            for pos, (term, m) in enumerate(zip(terms, found, strict=True))]


def field_words(text: str, fieldname: str) -> list[str]:
    """The terms of field_terms alone, a dictionary lookup each (in C) once the words are
    known: enough to tell that a paragraph has none of a query's words.

    >>> field_words("Los Trabajadores", "text_es")
    ['los', 'trabaj']
    """
    return schema.terms_of(schema.TOKEN_RE.findall(text), _language_of(fieldname))


def _language_of(fieldname: str) -> str | None:
    """The stemming language of a text field (None: not stemmed)."""
    lang = fieldname.split("_", 1)[1]
    return lang if lang in schema.STEMMED_LANGUAGES else None


def find_spans(text: str, fieldname: str, spec: _Spec) -> list[tuple[int, int]]:
    """Character spans of text that the query matches, analysed as `fieldname` is indexed.

    A phrase is one span; its words elsewhere are not marked unless the query also asks for
    them on their own.
    """
    if spec.empty(fieldname):
        return []
    text = normalize_for_index(text)
    phrases = spec.phrases.get(fieldname, ())
    terms = spec.terms.get(fieldname, set())
    written = schema.exact_field(fieldname)  # wildcards and fuzzy words: of words as written
    patterns = spec.patterns.get(written, ())
    fuzzy = spec.fuzzy.get(written, ())
    if not patterns and not fuzzy:  # no query word here, nor all of a phrase's: no span,
        present = field_words(text, fieldname)  # the common case
        if terms.isdisjoint(present):  # (which stops at the first word it finds)
            present = set(present)
            phrases = [(words, slop) for words, slop in phrases if present.issuperset(words)]
            if not phrases:
                return []
    toks = field_terms(text, fieldname)
    spans: list[tuple[int, int]] = []
    if phrases:
        by_pos = {pos: (word, s, e) for word, pos, s, e in toks}
    for words, slop in phrases:
        for word, pos, s, _e in toks:
            if word != words[0]:
                continue
            at, end, ok = pos, None, True
            for w in words[1:]:
                nxt = next((p for p in range(at + 1, at + 1 + slop) if p in by_pos and
                            by_pos[p][0] == w), None)
                if nxt is None:
                    ok = False
                    break
                at = nxt
            if ok:
                end = by_pos[at][2] if len(words) > 1 else _e
                spans.append((s, end))
    if not patterns and not fuzzy:
        spans += [(s, e) for word, _pos, s, e in toks if word in terms]
    else:
        forms = toks if written == fieldname else field_terms(text, written)
        for (word, _pos, s, e), (form, *_) in zip(toks, forms, strict=True):
            if word in terms or any(p.fullmatch(form) for p in patterns) or any(
                    form.startswith(t[:pl]) and _within(form, t, d) for t, d, pl in fuzzy):
                spans.append((s, e))
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None,
         ids: list[str] | None = None) -> str:
    """HTML of text[start:end] with spans wrapped in <mark>; everything else escaped.

    >>> mark("a <b> c", [(0, 1), (6, 7)])
    '<mark>a</mark> &lt;b&gt; <mark>c</mark>'
    """
    end = len(text) if end is None else end
    out, at = [], start
    for i, (s, e) in enumerate(spans):
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(html.escape(text[at:s], quote=False))
        attr = f' id="{ids[i]}"' if ids else ""
        out.append(f"<mark{attr}>{html.escape(text[s:e], quote=False)}</mark>")
        at = e
    out.append(html.escape(text[at:end], quote=False))
    return "".join(out)


def render_paragraph(text: str, marks: list[tuple[int, int]], mark_ids: list[str],
                     quotes: list[tuple[int, int, int, object, bool]]) -> str:
    """HTML of a paragraph: quotations as <span class="quote" id="qN"> with the speaker after
    them, matches as <mark id="mN"> inside; everything else escaped.

    quotes: (start, end) in the paragraph, number, Quote, whether it ends in this paragraph.
    """
    if not quotes:
        return mark(text, marks, ids=mark_ids)
    bounds = [s for s, _ in marks], [e for _, e in marks]
    out, at = [], 0
    for qs, qe, k, q, ends_here in sorted(quotes, key=lambda x: x[0]):
        if qs < at:
            continue
        out.append(_marked_slice(text, marks, bounds, mark_ids, at, qs))
        speaker = html.escape(q.speaker or "speaker not named", quote=True)
        out.append(f'<span class="quote" id="q{k}" data-kind="{html.escape(q.kind)}" '
                   f'title="{speaker}">')
        out.append(_marked_slice(text, marks, bounds, mark_ids, qs, qe))
        out.append("</span>")
        at = qe
        if ends_here:
            close = re.match(r"\s?[”\"»’'›“]", text[qe:])
            if close:  # the label goes after the closing mark
                out.append(html.escape(close.group(0), quote=False))
                at = qe + close.end()
            if q.speaker or q.kind != "sign/slogan":
                who = html.escape(q.speaker or "speaker not named", quote=False)
                label = f" ({html.escape(q.kind, quote=False)})" if q.kind != "speech" else ""
                out.append(f'<a class="who{"" if q.speaker else " unknown"}" href="#q{k}">'
                           f"— {who}{label}</a>")
    out.append(_marked_slice(text, marks, bounds, mark_ids, at, len(text)))
    return "".join(out)


def _marked_slice(text, marks, bounds, mark_ids, start, end) -> str:
    """mark() for text[start:end], with ids only on the piece where a match starts. marks
    are apart and ascending (find_spans), bounds their (starts, ends)."""
    starts, ends = bounds
    lo = bisect.bisect_right(ends, start)  # the first that ends after start
    hi = max(lo, bisect.bisect_left(starts, end))  # the first that starts at end or later
    ids = [mark_ids[k] if marks[k][0] >= start else "" for k in range(lo, hi)]
    body = mark(text, marks[lo:hi], start, end, ids=ids)
    return body.replace('<mark id="">', "<mark>")


_SNAP = 30  # characters a snippet's window may grow by to end at a space


def _window(text: str, spans: list[tuple[int, int]], width: int = 240) -> tuple[int, int]:
    """A window of about `width` characters around the first span, cut at word boundaries."""
    return _window_at(text, spans[0][0], width)


def _window_at(text: str, s0: int, width: int = 240) -> tuple[int, int]:
    """_window around a span that starts at s0: its ends move to a space at most _SNAP
    characters away (looked for only that far: a long text has many windows)."""
    start = max(0, s0 - width // 3)
    end = min(len(text), start + width)
    if start > 0 and not text[start - 1].isspace():
        near = max(0, start - _SNAP)
        space = max(text.rfind(c, near, start) for c in " \n\t")  # a paragraph break is a space
        start = space + 1 if start - space < _SNAP else start  # -1: the word starts the text
    if end < len(text) and not text[end].isspace():
        found = [i for i in (text.find(c, end, end + _SNAP) for c in " \n\t") if i != -1]
        stop = min(found) if found else len(text)
        end = stop if stop - end < _SNAP else end
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _snippet(text: str, spans: list[tuple[int, int]], width: int = 240, at: int = 0) -> str:
    """The window around spans[at] with every match inside it marked, and whole: a match
    the window would cut (a phrase running past its end, a word starting before it) widens
    it. spans: all of the text's, ascending and apart (find_spans), those in the window
    found by binary search.

    >>> _snippet("a " * 50 + "x y" + " b" * 150, [(90, 91), (100, 103)], 40, at=1)
    '…a a <mark>a</mark> a a a a <mark>x y</mark> b b b b b b b b b b b b…'
    >>> _snippet("start " + "p " * 30 + "and more", [(6, 65)], 20)
    'start <mark>p p p p p p p p p p p p p p p p p p p p p p p p p p p p p p</mark>…'
    """
    starts, ends = [s for s, _ in spans], [e for _, e in spans]
    start, end = _window_at(text, spans[at][0], width)
    lo = bisect.bisect_right(ends, start)  # the first match that ends after start
    if lo < len(spans) and starts[lo] < start:
        start = starts[lo]
    hi = bisect.bisect_left(starts, end)  # the first match that starts at end or later
    if hi > lo and ends[hi - 1] > end:
        end = ends[hi - 1]
        space = [i for i in (text.find(c, end, end + _SNAP) for c in " \n\t") if i != -1]
        end = min(space) if space else end
        hi = bisect.bisect_left(starts, end)
        end = max(end, ends[hi - 1])
    body = mark(text, spans[lo:hi], start, end)
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def _paragraph_fields(doc_langs: list[str], n: int, language: str, exact: bool) -> list[str]:
    if exact:
        return ["text_exact"] * n
    langs = list(doc_langs) + [language] * (n - len(doc_langs))
    return [schema.text_field(lang) for lang in langs[:n]]


def document_spans(paragraphs: list[str], paragraph_languages: list[str], language: str,
                   spec: _Spec, exact: bool) -> list[list[tuple[int, int]]]:
    """Matched spans per paragraph."""
    fields = _paragraph_fields(paragraph_languages, len(paragraphs), language, exact)
    return [find_spans(p, f, spec) for p, f in zip(paragraphs, fields, strict=True)]


def _snippets(paragraphs: list[str], spans: list[list[tuple[int, int]]],
              limit: int = SNIPPETS_PER_HIT) -> tuple[str, ...]:
    """Up to `limit` snippets: the windows with the most distinct matched words, then the
    most matches, then the earliest paragraph; shown in document order. spans: each
    paragraph's, as find_spans gives them (merged: ascending, apart), so the spans inside a
    window are found by binary search (a paragraph of a 5 MB text can hold 100,000 matches)."""
    scored = []
    for i, (p, sp) in enumerate(zip(paragraphs, spans, strict=True)):
        if not sp:
            continue
        starts, ends = [s for s, _ in sp], [e for _, e in sp]
        # a window per cluster of matches
        j = 0
        while j < len(sp):
            start, end = _window_at(p, sp[j][0])
            lo = bisect.bisect_left(starts, start)
            hi = bisect.bisect_right(ends, end, lo)
            distinct = len({normalize_for_index(p[s:e]).lower() for s, e in sp[lo:hi]})
            scored.append((distinct, hi - lo, -i, i, j))
            j += max(1, hi - lo)
    scored.sort(key=lambda x: x[:3], reverse=True)
    chosen = sorted(scored[:limit], key=lambda x: (x[3], spans[x[3]][x[4]][0]))
    if not chosen:
        first = paragraphs[0] if paragraphs else ""
        cut = first[:240]
        if len(first) > 240:
            cut = cut[: cut.rfind(" ")] + "…" if " " in cut else cut + "…"
        return (html.escape(cut, quote=False),) if cut else ()
    return tuple(_snippet(paragraphs[i], spans[i], at=j) for *_, i, j in chosen)


# =========================================================================== facets


# A filter's values as typed: its field (of SearchQuery or QuoteQuery) -> the facet whose
# values it takes, and the parameter's name
_TYPED_FILTERS = {"outlets": ("outlet", "outlet"), "organizations": ("organization", "org"),
                  "people": ("person", "person"), "speakers": ("speaker", "speaker")}


def _named_filters(data: _ReaderData, query):
    """query (a SearchQuery or QuoteQuery) with each value of its outlet, organization,
    person and speaker filters replaced by the index's values it names (_ReaderData.named),
    and a note for each value read so or naming none (kept: it matches nothing)."""
    changes, notes = {}, []
    for attr, (facet, parameter) in _TYPED_FILTERS.items():
        values = getattr(query, attr, ())
        out: list[str] = []
        for value in values:
            found, near = data.named(facet, value)
            if found == [value]:
                pass
            elif found:
                notes.append(f"{parameter} {value!r} read as "
                             f"{' or '.join(repr(f) for f in found)}")
            else:
                note = f"{parameter} {value!r}: no {facet} of that name in this index"
                if near:
                    note += f"; did you mean {' or '.join(repr(n) for n in near)}?"
                if facet in ("organization", "person"):
                    note += (f" (the query {parameter}:\"{value}\" also searches the other "
                             f"names documents give them)")
                elif facet == "outlet" and not near:
                    note += (f" (the query outlet:\"{value}\" also searches the outlets "
                             f"documents were also published in)")
                notes.append(note)
            out.extend(found or [value])
        if values:
            changes[attr] = tuple(dict.fromkeys(out))
    here = data._label_numbers("language")
    for code in getattr(query, "languages", ()):
        if code not in here:
            notes.append(f"lang {code!r}: no records in that language in this index (it has "
                         f"{', '.join(sorted(v for v in here if v))})")
    return (replace(query, **changes) if changes else query), notes


def _label_key(value: str) -> str:
    """A facet value as a person may type it: without case, accents, punctuation, and "and"
    (which names write as "&" as often).

    >>> _label_key("La Opinión"), _label_key("  U.S.-Mexico  Border ")
    ('la opinion', 'u s mexico border')
    >>> _label_key("Jews for Racial & Economic Justice") == _label_key(
    ...     "Jews for Racial and Economic Justice")
    True
    """
    return " ".join(w for w in re.sub(r"[\W_]+", " ", fold(value)).split() if w != "and")


#: the registry tables (build.names_of) whose names a facet's values are
_REGISTERED = {"outlet": ("outlet",), "organization": ("organization",),
               "person": ("person",), "speaker": ("person", "organization")}


def _registered_keys(names: dict) -> dict[str, dict[str, list[str]]]:
    """facet -> _label_key of every registered name, canonical or other -> canonical names."""
    out: dict[str, dict[str, list[str]]] = {}
    for facet, tables in _REGISTERED.items():
        keys: dict[str, list[str]] = {}
        for table in tables:
            for name, others in (names.get(table) or {}).items():
                for n in (name, *others):
                    if name not in keys.setdefault(_label_key(n), []):
                        keys[_label_key(n)].append(name)
        out[facet] = keys
    return out


class _ReaderData:
    """What queries need besides postings, per index version and shared by every thread's
    searcher of that version (their document numbers agree): each document's facet values,
    sort ranks, date spans, and a bounded cache of document sets (filters, and text queries
    while one is paged through). It keeps no reader: what it computes later reads through
    the calling thread's own."""

    SINGLE = {"outlet": "outlet", "language": "language", "year": "year",
              "doc_type": "doc_type", "month": "month", "speaker": "speaker",
              "kind": "quote_kind"}
    MULTI = {"organization": "organizations", "person": "people"}
    # Document numbers kept in cached sets, in all: 8 bytes each (docsets are arrays), so
    # ~100 MB at most per server process. As frozensets (~74 bytes a number) the cache held
    # a tenth of this in the same memory, and was full under bench.run's HTTP load.
    CACHE_DOCS = 12_000_000

    def __init__(self, reader, names: dict | None = None) -> None:
        n = reader.doc_count_all()
        self.size = n
        # facet -> _label_key of each name the registries give (canonical or other) -> the
        # canonical names it is one of (build.names_of: the build's registries)
        self.registered = _registered_keys(names or {})
        # Each facet as numbers: labels[k] is value k's text (0: none); a single-valued
        # facet has codes[docnum] = k, a multi-valued one a (docnum, k) pair per value.
        self.labels: dict[str, list[str | None]] = {}
        self.codes: dict[str, np.ndarray] = {}
        self.pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.starts: dict[str, np.ndarray] = {}  # a multi-valued facet's: docnum -> its first pair
        for facet, fieldname in (*self.SINGLE.items(), *self.MULTI.items()):
            labels: list[str | None] = [None]
            docs: list[array] = []
            for term in reader.lexicon(fieldname):
                labels.append(term.decode("utf-8") if isinstance(term, bytes) else str(term))
                docs.append(array("q", reader.postings(fieldname, term).all_ids()))
            self.labels[facet] = labels
            owners = np.concatenate([np.frombuffer(d, dtype=np.int64) for d in docs]
                                    ) if docs else np.zeros(0, dtype=np.int64)
            values = np.repeat(np.arange(1, len(labels), dtype=np.int32),
                               [len(d) for d in docs])
            if facet in self.MULTI:  # by document: each one's values side by side
                order = np.argsort(owners, kind="stable")
                owners, values = owners[order], values[order]
                self.pairs[facet] = (owners, values)
                self.starts[facet] = np.searchsorted(owners, np.arange(n + 1))
            else:
                codes = np.zeros(n, dtype=np.int32)
                codes[owners] = values
                self.codes[facet] = codes
        self._ranks: dict[str, list[int]] = {}
        self._rank_arrays: dict[str, np.ndarray] = {}
        self._numbers: dict[str, dict[str, int]] = {}
        self._keys: dict[str, dict[str, list[str]]] = {}  # facet -> _label_key -> values
        self._words: dict[str, list[str]] = {}  # text field -> its words (words())
        self._lock = threading.Lock()
        self._sets: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cached = 0
        self._spans: tuple[np.ndarray, np.ndarray] | None = None
        self._frequencies: dict[tuple[str, str | bytes], int] = {}

    def words(self, reader, fieldname: str) -> list[str]:
        """Every word of a text field, sorted (fuzzy words are looked for in them): read
        from the reader once per index version, and kept."""
        with self._lock:
            words = self._words.get(fieldname)
        if words is None:
            words = _field_words(reader, fieldname)
            with self._lock:
                self._words[fieldname] = words
        return words

    def doc_frequency(self, reader, fieldname: str, text: str | bytes) -> int:
        """reader.doc_frequency(fieldname, text), remembered for this index version (up to
        FREQUENCIES_KEPT words, then forgotten all at once). The whole index's reader asks
        every segment, each a read of its term dictionary: a search's check of what it would
        read (bounded) asks about each word in a dozen language fields, ~2 ms a search at
        100,000 documents, and searches share their words."""
        key = (fieldname, text)
        found = self._frequencies.get(key)
        if found is None:
            found = reader.doc_frequency(fieldname, text)
            with self._lock:
                if len(self._frequencies) >= FREQUENCIES_KEPT:
                    self._frequencies.clear()
                self._frequencies[key] = found
        return found

    def dated(self, lo: dt.date, hi: dt.date, reader) -> np.ndarray:
        """Records whose date span (first..last day the date can mean) overlaps lo..hi, a
        docset; undated ones never do. reader: the calling thread's own (see rank)."""
        starts, ends = self._date_spans(reader)
        return _frozen(np.flatnonzero((starts <= hi.toordinal()) & (ends >= lo.toordinal())))

    def _date_spans(self, reader) -> tuple[np.ndarray, np.ndarray]:
        """Each record's first and last day (proleptic ordinals), from the full-precision
        terms of date_start and date_end: one pass over their postings per index version."""
        with self._lock:
            if self._spans is None:
                starts = array("l", [dt.date.max.toordinal() + 1]) * self.size
                ends = array("l", [0]) * self.size
                for fieldname, days in (("date_start", starts), ("date_end", ends)):
                    fld = reader.schema[fieldname]
                    for term in fld.sortable_terms(reader, fieldname):
                        day = fld.from_bytes(term).date().toordinal()
                        for docnum in reader.postings(fieldname, term).all_ids():
                            days[docnum] = day
                self._spans = (np.frombuffer(starts, np.int64), np.frombuffer(ends, np.int64))
        return self._spans

    def count(self, facet: str, docs: np.ndarray) -> Counter:
        """How many of docs (a docset) have each value of the facet (UNKNOWN: none, where
        the facet offers it)."""
        counts, labels = self._counts(facet, docs), self._labels(facet)
        first = 0 if facet in _MISSING else 1
        return Counter({labels[k]: int(counts[k])
                        for k in np.flatnonzero(counts[first:]) + first})

    def top(self, facet: str, docs, k: int, also: Iterable[str] = ()
            ) -> tuple[list[tuple[str, int]], dict[str, int]]:
        """The k values of the facet that most of docs have, as (value, count), the most
        first and then by value: the first k of count()'s items sorted so, without making
        and sorting an item for each of the facet's values (thousands of names). Also the
        counts of the values in `also` (0 for a value no document has)."""
        counts, labels = self._counts(facet, docs), self._labels(facet)
        first = 0 if facet in _MISSING else 1  # (number 0: the records without a value)
        present = np.flatnonzero(counts[first:]) + first
        if present.size > k:  # only values as frequent as the k-th can be among the first k
            kth = np.partition(counts[present], present.size - k)[present.size - k]
            present = present[counts[present] >= kth]
        items = sorted(((labels[i], int(counts[i])) for i in present.tolist()),
                       key=lambda kv: (-kv[1], kv[0]))[:k]
        numbers = self._label_numbers(facet) if also else {}
        return items, {v: int(counts[numbers[v]]) if v in numbers else 0 for v in also}

    def _labels(self, facet: str) -> list[str | None]:
        """labels[facet], with UNKNOWN for number 0 where the facet offers it."""
        labels = self.labels[facet]
        return [UNKNOWN, *labels[1:]] if facet in _MISSING else labels

    def _label_numbers(self, facet: str) -> dict[str, int]:
        """A facet's value -> its number (labels' index), made on first use."""
        numbers = self._numbers.get(facet)
        if numbers is None:
            numbers = self._numbers[facet] = {v: i for i, v in enumerate(self._labels(facet))
                                              if v is not None}
        return numbers

    def without(self, facet: str) -> np.ndarray:
        """The records (documents and quotations) with no value of a single-valued facet."""
        return self.docset("without:" + facet,
                           lambda: _frozen(np.flatnonzero(self.codes[facet] == 0)))

    def named(self, facet: str, value: str) -> tuple[list[str], list[str]]:
        """The facet's values that `value` names, and, if none, up to three it may have
        meant: itself if it is one; else those written the same but for case, accents,
        punctuation and spacing ("la opinion" names "La Opinión"). A filter value comes from
        a facet (the same) or is typed (by a script, on the command line)."""
        if value in self._label_numbers(facet):
            return [value], []
        key = _label_key(value)
        with self._lock:
            keys = self._keys.get(facet)
            if keys is None:
                keys = {}
                for label in self._labels(facet)[0 if facet in _MISSING else 1:]:
                    keys.setdefault(_label_key(label), []).append(label)
                self._keys[facet] = keys
        if key in keys:
            return sorted(keys[key]), []
        found = sorted({label for name in self.registered.get(facet, {}).get(key, ())
                        for label in keys.get(_label_key(name), ())})
        if found:  # another name of a registered outlet, organization or person
            return found, []
        near = difflib.get_close_matches(key, list(keys), n=3, cutoff=0.75)
        near += [k for k in sorted(keys, key=len) if key and re.search(
            rf"\b{re.escape(key)}\b", k) and k not in near][:3 - len(near)]
        return [], [label for k in near for label in sorted(keys[k])][:3]

    def other_names(self, facet: str, value: str) -> list[str]:
        """The canonical names the registries give for what `value` (typed as a field query's
        value) names, but itself: outlet:CPD also searches 'Center for Popular Democracy'."""
        own = _label_key(value.strip('"'))
        return [name for name in self.registered.get(facet, {}).get(own, ())
                if _label_key(name) != own]

    def _counts(self, facet: str, docs: np.ndarray) -> np.ndarray:
        """count()'s counts by value number (0: documents without a value)."""
        size = len(self.labels[facet])
        if facet in self.MULTI and docs.size < self.size // GATHERED_BELOW:  # their pairs alone
            starts = self.starts[facet]
            first, counts = starts[docs], starts[docs + 1] - starts[docs]
            at = np.repeat(first - (np.cumsum(counts) - counts), counts)
            return np.bincount(self.pairs[facet][1][at + np.arange(at.size)], minlength=size)
        if facet in self.MULTI:  # every pair, kept where its document is one of docs
            owners, values = self.pairs[facet]
            return np.bincount(values[_mask(docs, self.size)[owners]], minlength=size)
        return np.bincount(self.codes[facet][docs], minlength=size)

    def rank(self, order: str, reader) -> list[int]:
        """docnum -> place in the order ("newest": newest first, then by id descending;
        "oldest": the reverse with undated last), so a page is the docs of smallest rank.

        reader: the calling thread's own. Whoosh readers share open files between their
        matchers and column readers, so one thread must never read through another
        thread's reader (it garbled postings under load); every thread's reader of this
        version numbers documents the same way."""
        with self._lock:
            ranks = self._ranks.get(order)
            if ranks is None:
                column = "sort_newest" if order == "newest" else "sort_oldest"
                keys = reader.column_reader(column)
                column_ids = reader.column_reader("id")
                ids = [_reading_key(column_ids[d]) for d in range(self.size)]
                # a document's quotations in reading order, whichever way the dates go (a
                # stable sort keeps it: q2 before q10)
                docnums = sorted(range(self.size), key=lambda d: ids[d][1])
                docnums.sort(key=lambda d: (keys[d], ids[d][0]), reverse=order == "newest")
                ranks = [0] * self.size
                for place, docnum in enumerate(docnums):
                    ranks[docnum] = place
                self._ranks[order] = ranks
        return ranks

    def rank_array(self, order: str, reader) -> np.ndarray:
        """rank(order) as an array, for a page of many documents by numpy."""
        ranks = self._rank_arrays.get(order)
        if ranks is None:
            ranks = np.array(self.rank(order, reader), np.int64)
            with self._lock:
                self._rank_arrays[order] = ranks
        return ranks

    def docset(self, key: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """compute() (a docset) once per key while the cache has room for it."""
        with self._lock:
            found = self._sets.get(key)
            if found is not None:
                self._sets.move_to_end(key)
                return found
        docs = compute()
        with self._lock:
            if key not in self._sets and docs.size <= self.CACHE_DOCS // 4:
                self._sets[key] = docs
                self._cached += docs.size
                while self._cached > self.CACHE_DOCS:
                    _, old = self._sets.popitem(last=False)
                    self._cached -= old.size
        return docs

    def intersected(self, base: np.ndarray | None, sets: Iterable[np.ndarray]) -> np.ndarray:
        """The documents in base (None: every one) and in each of sets, a docset."""
        parts = [*([] if base is None else [base]), *sets]
        if not parts:
            raise ValueError("nothing to intersect")  # every search has its record group
        return _intersection(parts, self.size)


def _reading_key(record_id: str) -> tuple[str, int]:
    """A record's id as (document id, quotation number: 0 for the document itself).

    >>> _reading_key("2019/story#q12"), _reading_key("2019/story")
    (('2019/story', 12), ('2019/story', 0))
    """
    doc_id, sep, n = record_id.rpartition("#q")
    return (doc_id, int(n)) if sep and n.isdigit() else (record_id, 0)


# A docset: document numbers ascending, without repeats, in a read-only int64 array. Sets
# of Python ints took ~74 bytes a number and hashed each one; these take 8, and are
# combined by masks of the index's size (a tenth of a millisecond at 100,000 documents).

def _frozen(docs: np.ndarray) -> np.ndarray:
    """docs (ascending, no repeats) made a read-only int64 docset."""
    docs = np.asarray(docs, np.int64)
    docs.flags.writeable = False
    return docs


_NO_DOCS = _frozen(np.zeros(0, np.int64))
_MASK_FROM = 64  # (total size): below size // this, sorting the parts beats masks of size


def _docset(numbers: Iterable[int]) -> np.ndarray:
    """Document numbers in any order, repeats allowed, as a docset."""
    found = np.fromiter(numbers, np.int64)
    return _frozen(np.unique(found)) if found.size else _NO_DOCS


def _union(parts: list[np.ndarray], size: int) -> np.ndarray:
    """The documents in any of parts (docsets of an index of `size` documents)."""
    parts = [p for p in parts if p.size]
    if len(parts) < 2:
        return parts[0] if parts else _NO_DOCS
    if sum(p.size for p in parts) * _MASK_FROM < size:
        return _frozen(np.unique(np.concatenate(parts)))
    mask = np.zeros(size, bool)
    for p in parts:
        mask[p] = True
    return _frozen(np.flatnonzero(mask))


def _intersection(parts: list[np.ndarray], size: int) -> np.ndarray:
    """The documents in every one of parts (at least one; docsets of an index of `size`
    documents): the smallest's, kept where a mask of each other part's is set."""
    parts = sorted(parts, key=len)
    out = parts[0]
    for p in parts[1:]:
        if not out.size:
            break
        out = out[_mask(p, size)[out]]
    return _frozen(out) if out is not parts[0] else out


def _difference(a: np.ndarray, b: np.ndarray, size: int) -> np.ndarray:
    """The documents of a not in b (docsets of an index of `size` documents)."""
    if not a.size or not b.size:
        return a
    return _frozen(a[~_mask(b, size)[a]])


def _mask(docs: np.ndarray, size: int) -> np.ndarray:
    """A boolean array of `size`, set at docs."""
    mask = np.zeros(size, bool)
    mask[docs] = True
    return mask


def _docs(s, q: wq.Query) -> np.ndarray:
    """The documents a query matches (deleted ones excluded), a docset: faster than walking
    Whoosh's union and intersection matchers document by document, set operations on the
    parts."""
    if isinstance(q, wq.Or) and not q.minmatch:
        return _union([_docs(s, c) for c in q.children()], s.doc_count_all())
    if type(q) is wq.And or type(q) is wq.Require:
        parts = [_docs(s, c) for c in q.children()]
        return _intersection(parts, s.doc_count_all()) if parts else _NO_DOCS
    if type(q) is wq.AndNot:
        return _difference(_docs(s, q.a), _docs(s, q.b), s.doc_count_all())
    if type(q) is wq.AndMaybe:
        return _docs(s, q.a)
    if type(q) is _Known:
        return q.docs
    if type(q) is wq.Term:
        return _term_docs(s, q.fieldname, (q.text,))
    if type(q) is _Expanded:
        return _term_docs(s, q.fieldname, q.words)
    return _docset(s.docs_for_query(q))


def _term_docs(s, fieldname: str, texts) -> np.ndarray:
    """The documents having any of these words in the field, deleted ones excluded, a
    docset: what docs_for_query gives for a Term, reading ids a block at a time instead of
    walking a matcher one document at a time."""
    if fieldname not in s.schema:
        return _NO_DOCS
    parts: list[np.ndarray] = []
    for sub, offset in s.leaf_searchers():
        reader = sub.reader()
        blocks, words = [], 0
        for text in texts:
            try:
                if (fieldname, text) not in reader:
                    continue
            except ValueError:  # not a value this field can hold
                continue
            words += 1
            blocks += _id_arrays(reader.postings(fieldname, text))
        if not blocks:
            continue
        ids = np.concatenate(blocks)  # a word's: ascending
        if words > 1:
            ids = np.unique(ids)
        if reader.has_deletions():
            ids = ids[~_members(ids, _id_array(_deleted(reader)))]
        parts.append(ids + offset if offset else ids)
    # segments in order of their first document number (leaf_searchers'): ascending
    return _frozen(np.concatenate(parts)) if parts else _NO_DOCS


def _id_arrays(m: Matcher) -> list[np.ndarray]:
    """The document numbers of each block of one segment's postings of a word (deleted ones
    included), as int64 arrays, remembered for the search's scoring (_weight_blocks)."""
    return [np.asarray(ids, np.int64) for ids, _ in _weight_blocks(m, None, remember=True)]


def _deleted(reader) -> frozenset[int]:
    """A segment's deleted document numbers (its own numbering)."""
    found = getattr(reader, "deleted_docs_set", None)  # SegmentReader keeps them as a set
    if found is None:
        found = frozenset(d for d in range(reader.doc_count_all()) if reader.is_deleted(d))
    return found


def _blocks(m: Matcher, wanted: list[int] | None = None, weights: bool = False,
            values: bool = True, remember: bool = False):
    """(document numbers, values or None, weights or None) of each block of one segment's
    postings of a word, deleted documents included (the caller checks them), reading only
    blocks that can hold one of `wanted` (ascending; None: all): a skipped block's data is
    never decompressed. Weights (weights=True) are what m.weight() gives for each.
    remember: see _block_ids."""
    if isinstance(m, FilterMatcher):  # the segment's deletions
        m = m.child
    if type(m) is not W3LeafMatcher:  # postings stored inline with the word
        ids, values, ws = [], [], []
        while m.is_active():
            ids.append(m.id())
            values.append(m.value())
            ws.append(m.weight())
            m.next()
        yield ids, values, ws if weights else None
        return
    for ids in _block_ids(m, wanted, remember, head=not values):
        if values and m._values is None:
            m._read_values()
        if weights and m._weights is None:
            m._read_weights()
        yield ids, m._values if values else None, m._weights if weights else None


def _block_ids(m: W3LeafMatcher, wanted: list[int] | None, remember: bool = False,
               head: bool = True):
    """The document numbers of each block of m that can hold one of `wanted` (ascending;
    None: all), m left on that block while the caller reads its weights or values.

    head: the caller reads no values (positions), so a block's numbers and weights are
    read from its head alone when they can be (indexer.postings), its weights left in
    m._weights; otherwise, and with head=False, the block is read whole.

    While a search remembers blocks (_remembering_blocks), a block read with remember=True
    keeps its document numbers and weights, and a later reading of the same block in that
    search (scoring the documents found) takes them instead of decompressing it again."""
    for _ in _wanted_blocks(m, wanted):
        yield _read_block_ids(m, remember, head)


def _wanted_blocks(m: W3LeafMatcher, wanted: list[int] | None):
    """Moves m to each of its blocks that can hold one of `wanted` (ascending; None: all)
    and yields there, for the caller to read that block."""
    k = 0  # wanted[:k] lie in blocks already passed
    while m.is_active():
        top = m.block_max_id()
        if wanted is not None:
            if k >= len(wanted):
                return
            if wanted[k] > top:
                m._next_block()
                continue
            k = bisect.bisect_right(wanted, top, k)
        yield
        m._next_block()


def _read_block_ids(m: W3LeafMatcher, remember: bool, head: bool) -> list[int]:
    """The document numbers of the block m is on (see _block_ids), its weights left in
    m._weights when they were read with them."""
    memo = getattr(_reading, "blocks", None)
    if memo is not None and m._data is None:
        kept = memo.get((m._postfile, m._dataoffset))
        if kept is not None:
            ids, m._weights = kept
            return ids
    found = postings.read_head(m) if head and m._data is None else None
    if found is not None:
        ids, weights = found
        m._weights = postings.weights_array(weights, m._blocklength)
    else:
        if m._data is None:
            m._read_data()
        ids = m._data[0]  # delta-coded unless byte ids, as W3LeafMatcher._read_ids does
    ids = ids if m._byteids else list(accumulate(ids))
    if remember and memo is not None and _reading.room >= len(ids):
        if m._weights is None:
            m._read_weights()
        memo[(m._postfile, m._dataoffset)] = (array("q", ids), array("d", m._weights))
        _reading.room -= len(ids)
    return ids


def _weight_blocks(m: Matcher, wanted: list[int] | None, remember: bool = False
                   ) -> list[tuple[object, object]]:
    """(document numbers, weights) of each block of m that can hold one of wanted (None:
    all), as _blocks(m, wanted, weights=True, values=False) reads them, but a frequent
    word's blocks made arrays straight from their heads (postings.head_arrays), not
    unpickled into Python numbers and floats first: scoring wants them as arrays
    (_weight_arrays). remember: as _read_block_ids."""
    if isinstance(m, FilterMatcher):  # the segment's deletions
        m = m.child
    if type(m) is not W3LeafMatcher:
        return [(ids, ws) for ids, _, ws in _blocks(m, wanted, weights=True, values=False)]
    memo = getattr(_reading, "blocks", None)
    out = []
    for _ in _wanted_blocks(m, wanted):
        key = (m._postfile, m._dataoffset)
        if m._data is None and (memo is None or key not in memo):
            found = postings.read_head_arrays(m)
            if found is not None:
                ids, weights = found
                if remember and memo is not None and _reading.room >= ids.size:
                    memo[key] = (array("q", ids.tobytes()), array("d", weights.tobytes()))
                    _reading.room -= ids.size
                out.append(found)
                continue
        # kept by this search, or no head to read (read_head would not find one either)
        ids = _read_block_ids(m, remember, head=False)
        if m._weights is None:
            m._read_weights()
        out.append((ids, m._weights))
    return out


_reading = threading.local()  # .blocks, .room: see _remembering_blocks
REMEMBERED_POSTINGS = 400_000  # per search: 16 bytes each (6.4 MB)


@contextmanager
def _remembering_blocks():
    """Inside this `with`, the posting blocks that _term_docs reads keep their document
    numbers and weights (up to REMEMBERED_POSTINGS postings) for scoring the same search."""
    _reading.blocks, _reading.room = {}, REMEMBERED_POSTINGS
    try:
        yield
    finally:
        _reading.blocks = None


class _StandIn:
    """A query standing in for `original` (the same matches, found a cheaper way): equal,
    hashed and written as the original, so cache keys and readable queries do not change."""

    original: wq.Query

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and self.original == other.original

    def __hash__(self) -> int:
        return hash(self.original)

    def __repr__(self) -> str:
        return repr(self.original)


class _Expanded(_StandIn, wq.MultiTerm):
    """A wildcard, prefix or fuzzy word with the words it stands for looked up once: the
    document sets and the scoring then read those words, not the term dictionary again."""

    def __init__(self, original: wq.MultiTerm, words: tuple[bytes, ...]) -> None:
        self.original, self.words = original, words
        self.fieldname, self.text = original.fieldname, original.text
        self.boost = original.boost
        self.constantscore = getattr(original, "constantscore", True)

    def _btexts(self, ixreader):
        return self.words


class _Known(_StandIn, wq.Query):
    """A phrase whose documents were found already (and cached): it matches those documents
    and scores each exactly as Whoosh's phrase matcher does, by the sum of its words' scores
    in a tree of the same shape, without reading word positions a second time. Scoring a
    phrase in Whoosh checks positions again for every document that has all its words; that
    was most of a phrase search's time at 100,000 documents (bench/profile_query.txt)."""

    def __init__(self, phrase: wq.Phrase, docs: np.ndarray, offsets: dict[int, int],
                 weights: dict[int, dict[bytes, list]] | None = None) -> None:
        self.original, self.docs = phrase, docs  # (a docset)
        self.fieldname, self.boost = phrase.fieldname, phrase.boost
        self._offsets = offsets  # id(segment reader) -> its first document number
        # segment's first document number -> word -> its blocks' (docnums, weights), when
        # _phrase_docs has just read them (not when the documents came from the cache)
        self.weights = weights or {}
        self._sizes: dict[int, tuple[object, int]] = {}  # id(reader) -> (reader, size)

    def matcher(self, searcher, context=None):
        # The same cases as Phrase.matcher, so that compound matchers are built alike.
        reader = searcher.reader()
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return NullMatcher()
        offset = self._offsets[id(reader)]
        lo, hi = np.searchsorted(self.docs, [offset, offset + searcher.doc_count_all()])
        if lo == hi:  # none here: inactive, as a phrase matcher finding none would be
            return NullMatcher()
        ids = (self.docs[lo:hi] - offset).tolist()
        fld = searcher.schema[fieldname]
        words = []
        for word in self.original.words:
            try:
                word = fld.to_bytes(word)
            except ValueError:
                return NullMatcher()
            if (fieldname, word) not in reader:
                return NullMatcher()
            words.append(word)
        leaves = [wq.Term(fieldname, w).matcher(searcher, context) for w in words]
        return _KnownMatcher(ids, leaves, self.boost, weights=self.weights.get(offset))

    def is_leaf(self) -> bool:
        return True

    def unread(self) -> bool:
        """Whether scoring must read the weights of some of the words (those not read to
        find the documents, in some segment)."""
        words = len(set(self.original.words))
        return bool(self.docs.size) and (not self.weights or
                                         any(len(w) < words for w in self.weights.values()))

    def estimate_size(self, ixreader) -> int:
        # asked for each segment whenever an OR or AND above it is made (to order its
        # tree), and each time looks every word up: kept per segment reader
        kept = self._sizes.get(id(ixreader))
        if kept is None or kept[0] is not ixreader:
            kept = self._sizes[id(ixreader)] = (ixreader, self.original.estimate_size(ixreader))
        return kept[1]

    def estimate_min_size(self, ixreader) -> int:
        return self.original.estimate_min_size(ixreader)



class _KnownMatcher(Matcher):
    """The documents `ids` (one segment's, ascending), each scored by the intersection of
    the phrase's words (`leaves`, their matchers), which every one of them contains.

    The intersection is a tree of IntersectionMatchers, as Whoosh's phrase matcher has,
    made when the matcher is first walked: making one moves its words to their first common
    document, reading their blocks. _bulk_scores and _bulk_bounds never walk it: they read
    the same tree made of _Unaligned (bulk_words), which reads nothing when made."""

    def __init__(self, ids: list[int], leaves: list[Matcher], boost: float, at: int = 0,
                 weights: dict[bytes, list] | None = None, tree: Matcher | None = None
                 ) -> None:
        self._ids, self._leaves, self._boost, self._i = ids, leaves, boost, at
        self._weights = weights  # word -> blocks' (docnums, weights), if read (_bulk_scores)
        self._tree = tree

    @property
    def _words(self) -> Matcher:
        if self._tree is None:
            self._tree = make_binary_tree(IntersectionMatcher, self._leaves)
            self._align()
        return self._tree

    def bulk_words(self) -> Matcher:
        """The words' tree for _bulk_scores (its leaves unmoved, if not walked yet)."""
        if self._tree is not None:
            return self._tree
        return make_binary_tree(_Unaligned, self._leaves)

    def _align(self) -> None:
        if self._i < len(self._ids):
            self._words.skip_to(self._ids[self._i])

    def is_active(self) -> bool:
        return self._i < len(self._ids)

    def id(self) -> int:
        return self._ids[self._i]

    def next(self) -> None:
        self._i += 1
        self._align()

    def skip_to(self, id: int) -> None:
        self._i = bisect.bisect_left(self._ids, id, self._i)
        self._align()

    def all_ids(self):
        return iter(self._ids[self._i:])

    def score(self) -> float:
        # Phrase: WrappingMatcher(span matcher, boost) only when boost != 1.0
        score = self._words.score()
        return score * self._boost if self._boost != 1.0 else score

    def weight(self) -> float:
        return self._words.weight()

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        # the bound Whoosh's phrase matcher gives (its words' bound); compound matchers ask
        # for it when deciding what a document needs to reach the top
        return self._words.max_quality() * self._boost

    def replace(self, minquality=0) -> Matcher:
        return self if self.is_active() else NullMatcher()

    def copy(self) -> _KnownMatcher:
        return _KnownMatcher(self._ids, self._leaves, self._boost, self._i, self._weights,
                             self._words.copy())

    def reset(self) -> None:
        self._i = 0
        self._words.reset()
        self._align()


def _phrase_docs(s, phrase: wq.Phrase, weights: dict[int, dict[bytes, list]] | None = None
                 ) -> np.ndarray:
    """The documents with the phrase's words next to each other, in order (a docset): what
    Whoosh's phrase matcher finds, several times faster. Whoosh builds span objects for
    every position of every word in every document that has all the words; this reads each
    word's postings a block at a time (only blocks that can hold a candidate), keeps the
    documents that have every word, and tests positions as sets: some p with word i at
    p + i.

    A phrase with slop n (Whoosh's SpanNear2, ordered, mindist 1: positions p0 < p1 < ...
    with p(i+1) - p(i) from 1 to n, one per word) reads each word, not pairs, and keeps the
    documents where such a chain stands (_sloppy_matches): Whoosh's spans multiply with each
    repeated word. On a field without positions, or not in Whoosh's Positions format with
    slop: Whoosh's.

    weights, when given, gets each segment's (by its first document number) word -> the
    (document numbers, weights) of the blocks read, ascending, for scoring the documents
    found without reading their postings again (_bulk_scores)."""
    fieldname = phrase.fieldname
    fld = s.schema[fieldname] if fieldname in s.schema else None
    slop = phrase.slop
    if (not isinstance(slop, int) or slop < 1 or len(phrase.words) < 2 or fld is None
            or not fld.format or not fld.format.supports("positions")
            or (slop > 1 and type(fld.format) is not formats.Positions)):
        return _docset(s.docs_for_query(phrase))
    try:
        words = [fld.to_bytes(w) for w in phrase.words]
    except ValueError:
        return _NO_DOCS
    positions = _positions_decoder(fld.format)
    # (pairs stand for adjacent words only)
    units = _phrase_units(s.schema, fieldname, words, pairs=slop == 1)
    found: list[int] = []
    for sub, offset in s.leaf_searchers():
        reader = sub.reader()
        if any(unit not in reader for unit in units):
            continue
        order = sorted(units, key=lambda u: reader.doc_frequency(*u))
        # the words' blocks read (not the pairs'), for scoring
        blocks: dict[bytes, list] | None = (None if weights is None else
                                            {t: [] for f, t in order if f == fieldname})
        postings: dict[tuple[str, bytes], dict[int, bytes]] = {}
        candidates: list[int] | None = None  # None: all, before the first unit is read
        for unit in order:
            kept = blocks.get(unit[1]) if blocks is not None and unit[0] == fieldname else None
            got = postings[unit] = _postings(reader.postings(*unit), candidates, kept)
            candidates = (sorted(got) if candidates is None else
                          [d for d in candidates if d in got])
            if not candidates:
                break
        if not candidates:  # (the words after the one that left none were not read)
            continue
        # unit at position p: the phrase may start at p - (the unit's place in it)
        plan = [(postings[u], units[u]) for u in order]
        deleted = _deleted(reader) if reader.has_deletions() else ()
        if slop > 1:
            matched = _sloppy_matches(plan, candidates, len(words), slop)
        elif len(candidates) >= PHRASE_ARRAYS_FROM and type(fld.format) is formats.Positions:
            matched = _phrase_matches_arrays(plan, candidates, len(words))
        else:
            matched = _phrase_matches(plan, candidates, positions)
        found.extend(d + offset for d in matched if d not in deleted)
        if blocks is not None:
            weights[offset] = blocks
    # each segment's ascending, the segments in order of their first document number
    return _frozen(np.array(found, np.int64)) if found else _NO_DOCS


def _phrase_units(sch, fieldname: str, words: list[bytes], pairs: bool = True
                  ) -> dict[tuple[str, bytes], list[int]]:
    """What to read to find a phrase of `words` (terms of `fieldname`): (field, term) -> the
    places in the phrase where it stands. Each two adjacent words of which one is common,
    from the field's pairs field (schema.CommonPairFilter) when it has one and `pairs`;
    every other word from the field. A phrase is where every one of these stands at its
    places."""
    units: dict[tuple[str, bytes], list[int]] = {}
    covered: set[int] = set()
    pf = schema.pair_field(fieldname) if pairs else None
    pair_fld = sch[pf] if pf is not None and pf in sch else None
    common = _common_terms(pair_fld, sch[fieldname])
    if common:
        for i, pair in schema.common_pairs([w.decode("utf-8") for w in words], common):
            units.setdefault((pf, pair_fld.to_bytes(pair)), []).append(i)
            covered.update((i, i + 1))
    for i, w in enumerate(words):
        if i not in covered:
            units.setdefault((fieldname, w), []).append(i)
    return units


def _common_terms(pairs, fld) -> frozenset[str]:
    """The common words of a pairs field made from the same terms as fld, with the same
    postings format (empty: no such field)."""
    found = schema.pair_filter(pairs) if pairs is not None else None
    if found is None or type(pairs.format) is not type(fld.format):
        return frozenset()
    chain, last = found
    words = fld.analyzer
    if chain != (list(words.items) if isinstance(words, CompositeAnalyzer) else [words]):
        return frozenset()
    return last.common


def _phrase_matches(plan: list[tuple[dict[int, bytes], list[int]]], candidates: list[int],
                    positions: Callable[[bytes], list[int]]) -> list[int]:
    """The candidates where some p has, for each (postings, places) of plan, the word of
    those postings at p + i for every i in places: one document at a time, positions as
    sets (shifted in C, by map)."""
    plan = [(values, [(-i).__add__ for i in places]) for values, places in plan]
    out = []
    for d in candidates:
        starts: set[int] | None = None
        for values, shifts in plan:
            at = positions(values[d])
            for shift in shifts:
                if starts is None:
                    starts = set(map(shift, at))
                else:
                    starts.intersection_update(map(shift, at))
                if not starts:
                    break
            if not starts:
                break
        if starts:
            out.append(d)
    return out


def _phrase_matches_arrays(plan: list[tuple[dict[int, bytes], list[int]]],
                           candidates: list[int], n_words: int) -> list[int]:
    """What _phrase_matches gives, for many candidates at once: every word position of
    every candidate decoded into one array (_position_keys), each (candidate, start) as
    one integer, the starts kept by binary search in the other words' sorted keys."""
    keyed = []
    for values, places in plan:
        keys = _position_keys([values[d] for d in candidates])
        keyed += [(keys, n_words - i) for i in places]  # n_words - i: never below 0
    keyed.sort(key=lambda k: len(k[0]))
    keys, shift = keyed[0]
    starts = keys + shift
    for keys, shift in keyed[1:]:
        if not starts.size:
            return []
        target = keys + shift
        if not target.size:
            return []
        at = np.searchsorted(target, starts)
        at[at == target.size] = 0
        starts = starts[target[at] == starts]
    rows = _distinct(starts >> 32)  # (starts ascending)
    return [candidates[r] for r in rows.tolist()]


def _sloppy_matches(plan: list[tuple[dict[int, bytes], list[int]]], candidates: list[int],
                    n_words: int, slop: int) -> list[int]:
    """The candidates where words 0, 1, ... of the phrase stand at positions p0 < p1 < ...
    with p(i+1) - p(i) at most slop: what Whoosh's SpanNear2 (ordered, mindist 1) keeps,
    a word at a time for all candidates at once. Each position of word i+1 is kept when
    the last kept position of word i before it (in the same candidate: keys are
    row << 32 | position) is at most slop before it."""
    keyed: list[np.ndarray] = [np.zeros(0, np.int64)] * n_words
    for values, places in plan:
        keys = _position_keys([values[d] for d in candidates])
        for i in places:
            keyed[i] = keys
    ends = keyed[0]
    for keys in keyed[1:]:
        if not ends.size or not keys.size:
            return []
        before = np.searchsorted(ends, keys) - 1  # the last end below each key, if any
        ends = keys[(before >= 0) & (keys - ends[np.maximum(before, 0)] <= slop)]
    rows = _distinct(ends >> 32)  # (ends ascending)
    return [candidates[r] for r in rows.tolist()]


def _distinct(ascending: np.ndarray) -> np.ndarray:
    """np.unique of an ascending array, from its neighbours: numpy's unique hashes every
    item and sorts what it keeps, ten times as long for the rows of a phrase's matches.

    >>> _distinct(np.array([1, 1, 2, 5, 5, 5, 7])).tolist()
    [1, 2, 5, 7]
    """
    if ascending.size < 2:
        return ascending
    return ascending[np.concatenate(([True], ascending[1:] != ascending[:-1]))]


_K, _M, _MARK, _APPENDS, _APPEND = ord("K"), ord("M"), ord("("), ord("e"), ord("a")


def _position_keys(values: list[bytes]) -> np.ndarray:
    """row << 32 | position for each word position of each of values (Whoosh Positions
    postings), ascending: formats.Positions.decode_positions for many postings at once.

    A posting is a 4-byte count, then the pickled (protocol 2) list of the gaps between
    positions (the first from 0): a BININT1 opcode and a byte for a gap below 256, BININT2
    and two bytes below 65,536. Where every gap is one byte (most postings of a common word)
    they are read straight from the bytes of all postings at once; the others a gap at a
    time for all postings together. Anything else is decoded by Whoosh, one by one."""
    n = len(values)
    lens = np.fromiter(map(len, values), np.int64, n)
    ends = np.cumsum(lens)
    starts = ends - lens
    buf = np.frombuffer(b"".join(values), np.uint8)

    def at(offsets: np.ndarray) -> np.ndarray:
        return buf[np.clip(offsets, 0, buf.size - 1)].astype(np.int64)

    counts = at(starts) << 24 | at(starts + 1) << 16 | at(starts + 2) << 8 | at(starts + 3)
    counts[lens < 12] = 0  # too short for a pickled list: Whoosh's
    single = counts == 1  # (pickled as EMPTY_LIST, one int, APPEND; not MARK ... APPENDS)
    stop = (at(ends - 1) == ord(".")).astype(np.int64)  # the final STOP may be left off
    tail = ends - 1 - stop
    op = np.where(single, starts + 9, starts + 10)  # the first gap's opcode
    pickled = ((counts > 0) & (at(starts + 4) == 0x80) & (at(starts + 5) == 2)  # PROTO 2
               & (at(starts + 6) == ord("]")) & (at(starts + 7) == ord("q"))
               & (at(starts + 8) == 0)  # EMPTY_LIST, BINPUT 0
               & (single | (at(starts + 9) == _MARK))
               & (at(tail) == np.where(single, _APPEND, _APPENDS)))
    small = pickled & (tail - op == 2 * counts)  # two bytes a gap
    parts, odd = [], [np.flatnonzero(~pickled)]
    rows = np.flatnonzero(small)
    if rows.size:
        c = counts[rows]
        first = np.cumsum(c) - c
        byte = np.repeat(op[rows] + 1 - 2 * first, c) + 2 * np.arange(int(c.sum()))
        if (buf[byte - 1] == _K).all():
            parts.append(_gap_keys(rows, c, first, buf[byte].astype(np.int64)))
        else:  # (the lengths rule this out)
            small[:] = False
    rows = np.flatnonzero(pickled & ~small)
    if rows.size:
        keys, bad = _walked_keys(buf, rows, counts[rows], op[rows], tail[rows])
        parts.append(keys)
        odd.append(bad)
    odd = np.concatenate(odd)
    if odd.size:
        decode = formats.Positions().decode_positions
        parts.append(np.fromiter(
            (r << 32 | p for r in np.sort(odd).tolist() for p in decode(values[r])),
            np.int64))
    if not parts:
        return np.zeros(0, np.int64)
    # each part ascending: a stable sort (timsort) merges them
    return parts[0] if len(parts) == 1 else np.sort(np.concatenate(parts), kind="stable")


def _gap_keys(rows: np.ndarray, counts: np.ndarray, first: np.ndarray,
              gaps: np.ndarray) -> np.ndarray:
    """row << 32 | position from each row's gaps (counts[i] of them from first[i])."""
    summed = np.cumsum(gaps)
    return summed + np.repeat((rows << 32) - (summed[first] - gaps[first]), counts)


def _walked_keys(buf: np.ndarray, rows: np.ndarray, counts: np.ndarray, op: np.ndarray,
                 tail: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """_position_keys of postings whose gaps may take one or two bytes: the k-th gap of every
    posting at once, for k = 0, 1, ...; (keys, rows that are not such a list)."""
    first = np.cumsum(counts) - counts
    gaps = np.zeros(int(counts.sum()), np.int64)
    bad = np.zeros(rows.size, bool)
    live = np.arange(rows.size)
    top = buf.size - 1
    k = 0
    while live.size:
        code = buf[np.minimum(op, top)]
        two = code == _M
        bad[live[~two & (code != _K)]] = True
        low = buf[np.minimum(op + 1, top)].astype(np.int64)
        high = buf[np.minimum(op + 2, top)].astype(np.int64)
        gaps[first[live] + k] = np.where(two, low | high << 8, low)
        op = op + 2 + two
        k += 1
        more = counts[live] > k
        ended = live[~more]
        bad[ended[op[~more] != tail[ended]]] = True  # the list ends where its bytes do
        live, op = live[more], op[more]
    keys = _gap_keys(rows, counts, first, gaps)
    return keys[np.repeat(~bad, counts)], rows[bad]


def _positions_decoder(fmt) -> Callable[[bytes], list[int]]:
    """bytes of a posting -> its word positions, as fmt.decode_positions reads them; for
    Whoosh's Positions format, without a Python loop (pickled deltas, summed)."""
    if type(fmt) is not formats.Positions:
        return fmt.decode_positions

    def decode(value: bytes) -> list[int]:
        return list(accumulate(pickle.loads(value[_UINT_SIZE:] if value.endswith(b".")
                                            else value[_UINT_SIZE:] + b".")))
    return decode


def _postings(m: Matcher, wanted: list[int] | None,
              weights: list | None = None) -> dict[int, bytes]:
    """docnum -> value of the postings _blocks(m, wanted) reads; weights, when given, gets
    each block's (document numbers, weights)."""
    out = {}
    for ids, values, ws in _blocks(m, wanted, weights is not None):
        out.update(zip(ids, values, strict=True))
        if weights is not None:  # kept while the search runs: as compact as they come
            weights.append((array("q", ids), ws))
    return out


def _known_phrases(s, q: wq.Query,
                   docset: Callable[[str, Callable[[], np.ndarray]], np.ndarray]
                   ) -> wq.Query:
    """q with each phrase replaced by a _Known of its documents, found by
    docset(key, compute) (_ReaderData.docset: once per index version and phrase while the
    cache has room)."""
    offsets = {id(sub.reader()): offset for sub, offset in s.leaf_searchers()}

    def walk(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Phrase):
            weights: dict[int, dict[bytes, list]] = {}  # read now: not cached
            docs = docset("phrase:" + repr(node), lambda: _phrase_docs(s, node, weights))
            return _Known(node, docs, offsets, weights)
        return _with_children(node, walk)

    return walk(q)


def bounded(q: wq.Query, reader,
            doc_frequency: Callable[[str, str | bytes], int] | None = None,
            vocabulary: Callable[[str], list[str]] | None = None) -> wq.Query:
    """q with its wildcard, prefix and fuzzy words expanded; ParameterError (naming q) if it
    starts a word with a wildcard, if one such word stands for more than MAX_EXPANSION words,
    or if the query would read more than MAX_POSTINGS index entries. doc_frequency: the
    reader's, or one that gives the same (_ReaderData.doc_frequency); vocabulary: a field's
    words, sorted (_ReaderData.words; else read from the reader)."""
    budget = [MAX_POSTINGS]
    doc_frequency = doc_frequency or reader.doc_frequency
    vocabulary = vocabulary or functools.partial(_field_words, reader)

    def spend(fieldname: str | None, texts) -> None:
        if fieldname not in reader.schema:  # (a stray term the parser gave no field, as in
            return  # '"(^2)'): Whoosh matches nothing there, and reads nothing
        for text in texts:
            budget[0] -= doc_frequency(fieldname, text)
        if budget[0] < 0:
            raise ParameterError(
                "q", f"this query would read more than {MAX_POSTINGS:,} index entries: it has "
                     f"too many common words or broad wildcards. Make it more specific, or "
                     f"use filters (outlet, date, language) with fewer words")

    def walk(node: wq.Query) -> wq.Query:
        _check_leaf(node)
        if isinstance(node, (wq.Wildcard, wq.Prefix, wq.FuzzyTerm)):
            words: list[bytes] = []
            expansion = (fuzzy_words(vocabulary(node.fieldname), node.text, node.maxdist,
                                     node.prefixlength)
                         if isinstance(node, wq.FuzzyTerm) else node._btexts(reader))
            for word in expansion:
                words.append(word)
                if len(words) > MAX_EXPANSION:
                    raise ParameterError(
                        "q", f"'{describe_query(node)}' stands for more than "
                             f"{MAX_EXPANSION:,} different words; make it more specific "
                             + ("(a longer word, or ~1)" if isinstance(node, wq.FuzzyTerm)
                                else "(more letters before the wildcard)"))
            spend(node.fieldname, words)
            return _Expanded(node, tuple(words))
        if isinstance(node, wq.Term):
            spend(node.fieldname, [node.text])
        elif isinstance(node, wq.Phrase):
            spend(node.fieldname, node.words)
        return _with_children(node, walk)

    return walk(q)


def _field_words(reader, fieldname: str) -> list[str]:
    """Every word of a field, sorted (none if the index has no such field)."""
    if fieldname not in reader.schema:
        return []
    return [w.decode("utf-8") if isinstance(w, bytes) else w
            for w in reader.lexicon(fieldname)]


def _check_query(node: wq.Query) -> None:
    """ParameterError (naming q) for a part of node that no search runs (_check_leaf): the
    same refusals for a document's matches and highlights as for a search."""
    for leaf in [node] if node.is_leaf() else node.leaves():
        _check_leaf(leaf)


def _check_leaf(node: wq.Query) -> None:
    """ParameterError (naming q) for a word starting with a wildcard (it would test every
    word of the index), a fuzzy word of more than MAX_EDITS edits, a phrase whose words may
    be more than MAX_SLOP apart."""
    if isinstance(node, wq.Wildcard) and node.text[:1] in ("*", "?"):
        raise ParameterError(
            "q", f"'{node.text}' starts with a wildcard, which would test every word in "
                 f"the index; put at least one letter before * or ?")
    if isinstance(node, wq.FuzzyTerm) and node.maxdist > MAX_EDITS:
        raise ParameterError(
            "q", f"'{node.text}~{node.maxdist}': a fuzzy word can be at most {MAX_EDITS} "
                 f"edits off (~1 or ~2); more would match most words of its length")
    if isinstance(node, wq.Phrase) and (node.slop or 1) > MAX_SLOP:
        raise ParameterError(
            "q", f"'{describe_query(node)}': a phrase's words can be at most {MAX_SLOP} "
                 f"apart (~{MAX_SLOP}); for words anywhere in the same document, join "
                 f"them with AND")


def _with_children(node: wq.Query, fn: Callable[[wq.Query], wq.Query]) -> wq.Query:
    """A copy of node with fn applied to each of its sub-queries; a leaf as it is."""
    if node.is_leaf():
        return node
    new = copy.copy(node)
    if isinstance(node, wq.BinaryQuery):  # AndNot, AndMaybe, Require, Otherwise
        # a compound query too, but its matcher reads a and b, not subqueries
        new.a, new.b = fn(node.a), fn(node.b)
        new.subqueries = (new.a, new.b)
    elif isinstance(node, wq.CompoundQuery):  # And, Or (minmatch and scale kept)
        new.subqueries = [fn(c) for c in node.subqueries]
    else:
        return node.apply(fn)
    return new


def _ascending(docs) -> list[int]:
    """Document numbers, a set or an ascending array, as an ascending list."""
    return docs.tolist() if isinstance(docs, np.ndarray) else sorted(docs)


def _segments_of(s, docs: set[int] | np.ndarray):
    """(searcher, first document number, its share of docs in its own numbering, ascending)
    of each segment holding some of docs (a set, or an ascending array)."""
    wanted = _ascending(docs)
    for sub, offset in s.leaf_searchers():
        lo = bisect.bisect_left(wanted, offset)
        hi = bisect.bisect_left(wanted, offset + sub.doc_count_all())
        if lo < hi:
            yield sub, offset, [d - offset for d in wanted[lo:hi]]


def _walk_scores(m: Matcher, wanted: list[int]) -> dict[int, float]:
    """docnum -> m.score() for each of wanted (ascending) that m matches, m skipping from one
    to the next."""
    out = {}
    for d in wanted:
        if not m.is_active():
            break
        if m.id() < d:
            m.skip_to(d)
            if not m.is_active():
                break
        if m.id() == d:
            out[d] = m.score()
    return out


def _score_within(s, q: wq.Query, docs: set[int] | np.ndarray, limit: int
                  ) -> list[tuple[float, int]]:
    """(score, docnum) of the best `limit` of docs under q, as Whoosh's top collector ranks
    them (score, then document number), scoring only docs: each segment's matcher skips from
    one wanted document to the next."""
    context = s.context()
    scored: list[tuple[float, int]] = []
    for sub, offset, local in _segments_of(s, docs):
        found = _walk_scores(q.matcher(sub, context), local)
        scored.extend((score, d + offset) for d, score in found.items())
    return heapq.nsmallest(limit, scored, key=lambda sd: (-sd[0], sd[1]))


_LENGTHS: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_LENGTHS_LOCK = threading.Lock()
_LENGTHS_KEPT = 1024  # (segment, field) pairs: a byte per document each


def _field_lengths(reader, fieldname: str) -> bytes | None:
    """The length byte of every document of one segment in a field, as
    reader.doc_field_length reads them one at a time (byte_to_length gives the length; 0:
    none), read once per segment and field; None if the segment keeps them otherwise."""
    segment = getattr(reader, "segment", None)
    perdoc = getattr(reader, "_perdoc", None)
    if segment is None or perdoc is None:
        return None
    key = (segment().segment_id(), fieldname)
    with _LENGTHS_LOCK:
        found = _LENGTHS.get(key)
        if found is not None:
            _LENGTHS.move_to_end(key)
            return found
    col = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if type(col) is not columns.NumericColumn.Reader or col._typecode != "B":
        return None
    n = reader.doc_count_all()
    count = min(col._count, n)
    data = col._dbfile.get(col._basepos, count) + bytes(n - count)
    with _LENGTHS_LOCK:
        _LENGTHS[key] = data
        while len(_LENGTHS) > _LENGTHS_KEPT:
            _LENGTHS.popitem(last=False)
    return data


def _lengths_of(scorer, lengths: bytes | None) -> Callable[[int], float]:
    """docnum -> the field length scorer.dfl gives, from the segment's length bytes read at
    once (_field_lengths); a zero byte, or no bytes, still asks dfl."""
    dfl = scorer.dfl
    if lengths is None:
        return dfl
    return lambda d: byte_to_length(lengths[d]) if lengths[d] else dfl(d)


def _weight_arrays(blocks: list, wanted: list[int], start: int, every: bool
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, weights): each of wanted from start on that blocks (ascending (docnums,
    weights) of a word's postings: what m.weight() gives there) hold. every: each of them
    must be there (the blocks a phrase was found in), else _Unsupported. The weights come
    back as float64, whatever the blocks hold them as."""
    if not blocks:
        ids, ws = np.zeros(0, np.int64), np.zeros(0)
    elif len(blocks) == 1:  # (a word's whole postings, kept: not copied)
        ids, ws = np.asarray(blocks[0][0]), np.asarray(blocks[0][1])
    else:
        ids = np.concatenate([np.asarray(i, np.int64) for i, _ in blocks])
        ws = np.concatenate([_floats(w) for _, w in blocks])
    want = np.asarray(wanted, np.int64)
    want = want[want >= start]
    if not ids.size:
        if every and want.size:
            raise _Unsupported("weight not read")
        return want[:0], ws.astype(np.float64)
    at = np.minimum(np.searchsorted(ids, want.astype(ids.dtype)), ids.size - 1)
    found = ids[at] == want
    if every and not found.all():  # not a document the phrase was found in
        raise _Unsupported("weight not read")
    return want[found], ws[at[found]].astype(np.float64)


def _floats(weights) -> np.ndarray:
    """A block's weights as float64: a tuple (as Whoosh unpickles them) by np.fromiter,
    twice as fast as np.asarray's look at each item; an array through its buffer."""
    if type(weights) is tuple:
        return np.fromiter(weights, np.float64, len(weights))
    return np.asarray(weights, np.float64)


_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], np.float64)


def _scored(scorer, sub, term, docs: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """scorer.score() at each of docs, which is scorer._score(weight, field length): for
    BM25F the same operations in the same order on arrays (each an IEEE double operation,
    so the same result to the last bit), otherwise one document at a time."""
    lengths = (_field_lengths(sub.reader(), term[0]) if isinstance(term, tuple) and docs.size
               else None)
    if type(scorer) is BM25FScorer and lengths is not None:
        codes = np.frombuffer(lengths, np.uint8)[docs]
        if codes.all():  # (0: no length byte; dfl decides)
            fl = _LENGTH_OF_BYTE[codes]
            idf, tf, avgfl, B, K1 = scorer.idf, weights, scorer.avgfl, scorer.B, scorer.K1
            # whoosh.scoring.bm25, operation for operation
            return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
    score, length = scorer._score, _lengths_of(scorer, lengths)
    return np.array([score(w, length(d)) for d, w in zip(docs.tolist(), weights.tolist(),
                                                         strict=True)], np.float64)


class _Unsupported(Exception):
    """A matcher _bulk_scores does not know how to read: score it Whoosh's way instead."""


def _score_all(s, q: wq.Query, docs: set[int] | np.ndarray, limit: int
               ) -> list[tuple[float, int]]:
    """(score, docnum) of the best `limit` of docs, all of which q matches: what Whoosh's top
    collector gives, computed a word at a time instead of a document at a time.

    Whoosh walks its tree of matchers document by document, and a word searched in a dozen
    language fields makes that tree large: ~50 µs a document for a two-word AND. Here each
    word's postings are read a block at a time and scored with the word's own scorer, then
    summed up the same tree, node by node: every addition is the one Whoosh makes (a + b, in
    the same order), so the scores are equal to the last bit. Raises _Unsupported for a
    matcher it does not know (the caller then lets Whoosh score)."""
    return _best(*_exact_arrays(s, _unaligned(q), docs), limit)


def _best_first(sd: tuple[float, int]) -> tuple[float, int]:
    return -sd[0], sd[1]  # Whoosh's top collector: higher score, then lower document number


def _best(docs: np.ndarray, scores: np.ndarray, limit: int) -> list[tuple[float, int]]:
    """heapq.nsmallest(limit, zip(scores, docs), key=_best_first) in numpy: the documents
    scoring at least the limit-th best score (ties included), ordered by score descending,
    then document number. A word's ~60,000 documents: 0.3 against 25 ms (tuples made
    and ordered by a Python key).

    >>> _best(np.array([4, 2, 9, 7]), np.array([1.5, 2.0, 1.5, 0.5]), 2)
    [(2.0, 2), (1.5, 4)]
    """
    if limit <= 0 or not docs.size:
        return []
    if np.isnan(scores).any():  # (no scorer gives one; nsmallest's order, were one to)
        return heapq.nsmallest(limit, zip(scores.tolist(), docs.tolist(), strict=True),
                               key=_best_first)
    if limit < scores.size:
        kth = np.partition(scores, scores.size - limit)[scores.size - limit]
        keep = scores >= kth
        docs, scores = docs[keep], scores[keep]
    order = np.lexsort((docs, -scores))[:limit]
    return list(zip(scores[order].tolist(), docs[order].tolist(), strict=True))


def _exact_arrays(s, q: wq.Query, docs) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, scores) of each of docs (all of which q, _unaligned, matches)."""
    context = s.context()
    return _joined((offset, _every(_bulk_scores(q.matcher(sub, context), local, set(local),
                                                sub), local))
                   for sub, offset, local in _segments_of(s, docs))


def _every(found: dict[int, float], local: list[int]) -> dict[int, float]:
    """found, a segment's docnum -> number for each of local; _Unsupported if it has not
    one for each (not the documents the set operations found)."""
    if len(found) != len(local):
        raise _Unsupported("document sets differ")
    return found


def _joined(parts) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, numbers) of the (first document number, docnum -> number) of each segment,
    in their order, as two arrays."""
    numbers: list[np.ndarray] = [np.zeros(0, np.int64)]
    values: list[np.ndarray] = [np.zeros(0)]
    for offset, found in parts:
        numbers.append(np.fromiter(found, np.int64, len(found)) + offset)
        values.append(np.fromiter(found.values(), np.float64, len(found)))
    return np.concatenate(numbers), np.concatenate(values)


#: Fewer documents than this are all scored (_score_top): bounding them cost more than it
#: saved (bench.compare_ranking at 100,000: phrases of ~2,400 hits 5-15 ms slower with
#: bounds, of ~4,500 hits 20-60 ms faster)
BOUNDED_FROM = 3000
#: A bound is raised by this factor, so that rounding cannot leave it under the score.
BOUND_MARGIN = 1 + 1e-9


def _score_top(s, q: wq.Query, docs: set[int] | np.ndarray, limit: int
               ) -> list[tuple[float, int]]:
    """What _score_all gives (the best `limit` of docs, exactly), scoring only the
    documents that can be among them.

    Scoring a document means reading its words' weights, and Whoosh keeps those in the
    same compressed block as their positions: for a phrase of common words found in
    thousands of documents (found from pair postings, schema.CommonPairFilter), that was
    most of its time. Each block's header holds its largest weight, and the length of every
    document is at hand, so a bound on each document's score costs no decompression: the
    same BM25 with the block's largest weight (larger is never less), raised by
    BOUND_MARGIN. The documents are scored in order of their bounds, in chunks of growing
    size, until the next bound is under the limit-th best score so far: no other document
    can enter the page. Each segment's matchers are made once, and their words read again
    from the start for each pass (_restart). Where _bulk_bounds does not know a matcher,
    every document is scored (_score_all, which raises _Unsupported if it does not know it
    either)."""
    if len(docs) < max(BOUNDED_FROM, 4 * limit) or not _worth_bounding(q):
        return _score_all(s, q, docs, limit)
    context = s.context()
    q = _unaligned(q)
    segments = [(sub, offset, q.matcher(sub, context))
                for sub, offset, _ in _segments_of(s, docs)]
    try:
        numbers, bounds = _rescored_arrays(segments, docs, _bulk_bounds)
        order = np.lexsort((numbers, -bounds))  # best first, as _best_first orders them
        numbers, bounds = numbers[order], bounds[order]
        best: list[tuple[float, int]] = []
        at, size = 0, 2 * limit + 16
        while at < numbers.size:
            chunk = numbers[at:at + size]
            if len(best) == limit:  # under the limit-th best score, none can enter
                chunk = chunk[bounds[at:at + size] >= best[-1][0]]  # (a first part of it)
                if not chunk.size:
                    break
            best = heapq.nsmallest(limit, best + _rescored(segments, chunk.tolist()),
                                   key=_best_first)
            at, size = at + size, size * 2
        return best
    except _Unsupported:
        return _score_all(s, q, docs, limit)


def _worth_bounding(q: wq.Query) -> bool:
    """Whether bounds would spare reading: q has a phrase some of whose words' weights
    were not read when its documents were found (common words, found from their pairs;
    or documents from the cache), and _bulk_bounds can bound all of q (_boundable)."""
    return _boundable(q) and any(isinstance(node, _Known) and node.unread()
                                 for node in q.leaves())


def _boundable(q: wq.Query, sure: bool = True) -> bool:
    """Whether _bulk_bounds can bound q's matchers, as far as q tells (it raises
    _Unsupported where it cannot): no scored word below an OR, but in a phrase."""
    if isinstance(q, _Known):
        return True
    if isinstance(q, (wq.Term, _Expanded)):
        return sure
    if type(q) is wq.Or:
        return all(_boundable(c, False) for c in q.subqueries)
    if type(q) is wq.And or type(q) is _UnalignedAnd:
        return all(_boundable(c, sure) for c in q.subqueries)
    if type(q) is wq.AndNot:
        return _boundable(q.a, sure)
    return False


def _rescored(segments: list, docs, how: Callable | None = None) -> list[tuple[float, int]]:
    """(how's number, docnum) of each of docs (how: _bulk_scores unless given), from each
    segment's (searcher, first document number, matcher), its words read again from their
    first blocks."""
    return [(x, d + offset) for offset, found in _rescoring(segments, docs, how)
            for d, x in found.items()]


def _rescored_arrays(segments: list, docs, how: Callable | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """What _rescored gives, as arrays: (docnums, numbers)."""
    return _joined(_rescoring(segments, docs, how))


def _rescoring(segments: list, docs, how: Callable | None):
    """(first document number, how's docnum -> number) of each segment holding some of
    docs: see _rescored."""
    how = how or _bulk_scores
    docs = _ascending(docs)
    for sub, offset, m in segments:
        lo = bisect.bisect_left(docs, offset)
        hi = bisect.bisect_left(docs, offset + sub.doc_count_all())
        if lo == hi:
            continue
        local = [d - offset for d in docs[lo:hi]]
        _restart(m)
        yield offset, _every(how(m, local, set(local), sub), local)


def _restart(m: Matcher) -> None:
    """Each word's matcher below m back at its first block, for _bulk_scores or
    _bulk_bounds to read again (they read a tree's words, and nothing else in it moves)."""
    t = type(m)
    if t is W3LeafMatcher or t is ListMatcher or t is NullMatcherClass:
        m.reset()
    elif t in (UnionMatcher, IntersectionMatcher, _Unaligned, AndNotMatcher):
        _restart(m.a)
        _restart(m.b)
    elif t is WrappingMatcher or t is FilterMatcher:
        _restart(m.child)
    elif t is _LiveFilter:  # (unmoved again, as its child)
        _restart(m.child)
        m.pending = True
    elif t is _KnownMatcher:  # (its words' tree, if walked, is made of these leaves)
        for leaf in m._leaves:
            _restart(leaf)
    elif t is ArrayUnionMatcher or t is _LazyUnion:  # (its first part's sums are made, if
        # it has read; the rest is read)
        for child in m._submatchers:
            _restart(child)
    else:
        raise _Unsupported(t.__name__)


def _bulk_bounds(m: Matcher, wanted: list[int], wset: set[int], sub,
                 known: dict[bytes, list] | None = None, sure: bool = True
                 ) -> dict[int, float]:
    """docnum -> a number no less than m.score(), for each of wanted (ascending, one
    segment's) that m may match (some it does not match may be there too): _bulk_scores'
    walk of the tree, each scored word bounded by its blocks' headers (_word_bounds), unless
    its weights are at hand (known: see _bulk_scores). Sums and products are rounded the
    same way up or down, so they keep a bound a bound.

    sure: every one of wanted that reaches m is known to be among m's documents (as below
    an AND, or a phrase whose documents were found). Below an OR it is not, and a word
    there would bound every document in its range, whether it has the word or not: a word
    searched in a dozen language fields would bound each document by a dozen scores. So a
    scored word that is not sure raises _Unsupported, and everything is scored instead."""
    t = type(m)
    if t is NullMatcher or not _may_match(m):
        return {}
    if t is UnionMatcher:
        out = _bulk_bounds(m.a, wanted, wset, sub, known, False)
        for d, b in _bulk_bounds(m.b, wanted, wset, sub, known, False).items():
            a = out.get(d)
            out[d] = b if a is None else a + b
        return out
    if t is IntersectionMatcher or t is _Unaligned:
        a = _bulk_bounds(m.a, wanted, wset, sub, known, sure)
        both = sorted(a)
        b = _bulk_bounds(m.b, both, set(both), sub, known, sure)
        return {d: a[d] + b[d] for d in both if d in b}
    if t is AndNotMatcher:  # the NOT part takes documents away, never adds to a score
        return _bulk_bounds(m.a, wanted, wset, sub, known, sure)
    if t is WrappingMatcher or t is FilterMatcher or t is _LiveFilter:
        # (a filter only takes documents away)
        inner = _bulk_bounds(m.child, wanted, wset, sub, known, sure)
        boost = m.boost
        return {d: x * boost for d, x in inner.items()}
    if t is _KnownMatcher:
        ids = [d for d in m._ids[m._i:] if d in wset]
        inner = _bulk_bounds(m.bulk_words(), ids, set(ids), sub, m._weights, True)
        boost = m._boost
        return inner if boost == 1.0 else {d: x * boost for d, x in inner.items()}
    if t is W3LeafMatcher and m.scorer is None:  # unscored: _bulk_scores counts 1.0
        return dict.fromkeys(wanted, 1.0)
    if (t is ArrayUnionMatcher or t is _LazyUnion) and m._scored:  # its children's bounds,
        return _array_union_sums(  # summed as scores
            m, wanted, lambda child, rest: _bulk_bounds(child, rest, set(rest), sub, None, False))
    if t is ArrayUnionMatcher or t is _LazyUnion:  # unscored: its documents, as _bulk_scores
        # reads them
        return _bulk_scores(m, wanted, wset, sub)
    term = m.term() if t is W3LeafMatcher else None
    if known is not None and isinstance(term, tuple) and known.get(term[1]) is not None:
        return _bulk_scores(m, wanted, wset, sub, known)  # the weights are at hand
    if t is W3LeafMatcher and type(m.scorer) is BM25FScorer and sure:
        return _word_bounds(m, sub, term, wanted)
    raise _Unsupported(t.__name__)


class _KeptArrays:
    """Arrays of words (key -> a tuple of numpy arrays) read last, up to `most` entries of
    their first arrays in all; the least recently used go first.

    >>> kept = _KeptArrays(5)
    >>> kept.put("a", (np.zeros(3),)); kept.put("b", (np.zeros(2),)); kept.get("a") is None
    False
    >>> kept.put("c", (np.zeros(1),)); kept.get("b") is None, kept.get("a") is None
    (True, False)
    """

    def __init__(self, most: int) -> None:
        self.most = most
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple, tuple[np.ndarray, ...]] = OrderedDict()
        self._size = 0

    def get(self, key: tuple) -> tuple[np.ndarray, ...] | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def put(self, key: tuple, found: tuple[np.ndarray, ...]) -> None:
        with self._lock:
            if key not in self._kept:
                self._kept[key] = found
                self._size += found[0].size
            while self._size > self.most and len(self._kept) > 1:
                self._size -= self._kept.popitem(last=False)[1][0].size


#: block maxima (_block_maxima): 16 bytes a block; a word in each of 100,000 documents has ~800
_MAXIMA = _KeptArrays(500_000)
#: common words' postings (_common_word_weights): 8 bytes a posting (12 if a weight is not a
#: float32); "the" in each of 100,000 English documents is 100,000 postings of text_en
_WEIGHTS = _KeptArrays(4_000_000)
_PAIRED: dict[int, tuple[weakref.ref, dict[str, frozenset[bytes]]]] = {}


def _paired_terms(sch, fieldname: str) -> frozenset[bytes]:
    """The common words of fieldname's pairs field (_common_terms), as terms: those a
    phrase in fieldname is found from pairs of (_phrase_units), not from their own
    postings; empty for a field without pairs. Kept per schema object while it lives."""
    entry = _PAIRED.get(id(sch))
    if entry is None or entry[0]() is not sch:
        for k in [k for k, (ref, _) in _PAIRED.items() if ref() is None]:
            del _PAIRED[k]
        entry = _PAIRED[id(sch)] = (weakref.ref(sch), {})
    terms = entry[1].get(fieldname)
    if terms is None:
        pf = schema.pair_field(fieldname)
        common = (_common_terms(sch[pf], sch[fieldname])
                  if pf is not None and pf in sch and fieldname in sch else frozenset())
        terms = entry[1][fieldname] = frozenset(t.encode("utf-8") for t in common)
    return terms


def _common_word_weights(sub, term) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """[(document numbers, weights)] of all the postings in one segment of a common word of
    its field's pairs (_paired_terms), as _weight_blocks reads them from its every block
    (deleted documents included), kept for the next search; None for any other word.

    A phrase's common words are found from their pairs, so ranking its documents reads the
    common words' weights, in nearly every block: "the" is in most documents. They come
    back search after search (34 of the benchmark mix's 40 phrases have one), and reading
    them whole once is cheaper than reading their blocks' heads each time."""
    if not isinstance(term, tuple) or term[1] not in _paired_terms(sub.schema, term[0]):
        return None
    reader = sub.reader()
    segment = getattr(reader, "segment", None)
    if segment is None:
        return None
    key = (segment().segment_id(), *term)
    found = _WEIGHTS.get(key)
    if found is None:
        blocks = _weight_blocks(reader.postings(*term), None)
        ids = np.concatenate([np.zeros(0, np.int32)]
                             + [np.asarray(i, np.int32) for i, _ in blocks])
        ws = np.concatenate([np.zeros(0)] + [np.asarray(w, np.float64) for _, w in blocks])
        found = (ids, _narrowed(ws))
        _WEIGHTS.put(key, found)
    return [found]


def _keep_common_words(s) -> None:
    """The common words of every segment's pairs fields (_common_word_weights) read and kept
    now, the most frequent first, as many as _WEIGHTS keeps: a server does this before it
    forks, and its processes share them. Kept in order, the most frequent the last to go."""
    sch = s.schema
    found = []
    for i, (sub, _) in enumerate(s.leaf_searchers()):
        reader = sub.reader()
        for fieldname in sch.names():
            for word in _paired_terms(sch, fieldname):
                if (fieldname, word) in reader:
                    found.append((-reader.doc_frequency(fieldname, word), fieldname, word, i,
                                  sub))
    found.sort(key=lambda f: f[:4])  # (the same order in every process)
    room, chosen = _WEIGHTS.most, []
    for n, fieldname, word, _, sub in found:
        n = -n
        if n <= room:
            room -= n
            chosen.append((sub, (fieldname, word)))
    for sub, term in reversed(chosen):
        _common_word_weights(sub, term)


def _narrowed(weights: np.ndarray) -> np.ndarray:
    """weights as float32 if that keeps every one (Whoosh writes them as float32s), else
    as they are.

    >>> _narrowed(np.array([1.0, 0.5, 0.1], np.float32).astype(np.float64)).dtype
    dtype('float32')
    >>> _narrowed(np.array([1.0, 0.1])).dtype
    dtype('float64')
    """
    narrow = weights.astype(np.float32)
    return narrow if (narrow == weights).all() else weights


def _block_maxima(m: W3LeafMatcher, reader, term: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(last document number, largest weight) of every block of a word's postings in one
    segment, from the blocks' headers (m is moved past its end); kept for the next search,
    as the common words of phrases come back again and again."""
    segment = getattr(reader, "segment", None)
    key = (segment().segment_id(), *term) if segment is not None else None
    found = _MAXIMA.get(key) if key is not None else None
    if found is not None:
        return found
    m.reset()  # from its first block, wherever it stood
    tops, weights = array("q"), array("d")
    while m.is_active():
        tops.append(m.block_max_id())
        weights.append(m.block_max_weight())
        m._next_block()
    found = (np.frombuffer(tops, np.int64), np.frombuffer(weights, np.float64))
    if key is not None:
        _MAXIMA.put(key, found)
    return found


def _word_bounds(m: W3LeafMatcher, sub, term, wanted: list[int]) -> dict[int, float]:
    """docnum -> a bound on m.score() for each of wanted up to m's last document: BM25 of
    the largest weight in the block that would hold it (read from the blocks' headers, not
    their data) and the document's length, raised by BOUND_MARGIN. BM25 grows with the
    weight and shrinks with the length."""
    tops, weights = _block_maxima(m, sub.reader(), term)
    docs = np.asarray(wanted, np.int64)
    docs = docs[docs <= tops[-1]] if tops.size else docs[:0]
    if not docs.size:
        return {}
    lengths = _field_lengths(sub.reader(), term[0])
    # no length byte (0), or none kept: length 0, which gives the largest score of all
    fl = (_LENGTH_OF_BYTE[np.frombuffer(lengths, np.uint8)[docs]] if lengths is not None
          else np.zeros(docs.size))
    tf = weights[np.searchsorted(tops, docs)]
    scorer = m.scorer
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    if not (idf > 0 and K1 >= 0 and 0 <= B <= 1):  # then a larger weight scores no less
        raise _Unsupported("a BM25 that a larger weight may lower")
    bounds = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))) * BOUND_MARGIN
    return dict(zip(docs.tolist(), bounds.tolist(), strict=True))


class _Unaligned(IntersectionMatcher):
    """An IntersectionMatcher that does not walk its two sides to their first common
    document when made (the walk, document by document through a dozen language fields,
    was most of the time of ranking an AND). Only _bulk_scores reads it, which takes the
    documents from the sets already found; nothing may move it."""

    def __init__(self, a: Matcher, b: Matcher) -> None:
        AdditiveBiMatcher.__init__(self, a, b)


class _UnalignedAnd(wq.And):
    """An And whose matchers are _Unaligned: the same tree (And._matcher) otherwise."""

    def _matcher(self, subs, searcher, context):
        r = searcher.reader()
        return self._tree_matcher(subs, _Unaligned, searcher, context,
                                  lambda q: 0 - q.estimate_size(r))


def _unaligned(q: wq.Query) -> wq.Query:
    """q for _bulk_scores and _bulk_bounds only (not a query to search): if an And, an
    _UnalignedAnd (only at the top: a matcher above it could move it when made, as AND
    NOT's does), and each Or in it a _LazyOr."""
    q = _lazy_ors(q)
    return _UnalignedAnd(q.subqueries, boost=q.boost) if type(q) is wq.And else q


def _lazy_ors(q: wq.Query) -> wq.Query:
    q = _with_children(q, _lazy_ors)
    if type(q) is wq.Or:
        return _LazyOr(q.subqueries, boost=q.boost, minmatch=q.minmatch, scale=q.scale)
    return q


class _LazyOr(wq.Or):
    """An Or whose matcher, where Whoosh's would be an ArrayUnionMatcher, is a _LazyUnion:
    the same otherwise (Or._matcher)."""

    def _matcher(self, subs, searcher, context):
        # Whoosh's choice (Or._matcher, AUTO_MATCHER), which makes ArrayUnionMatcher(ms,
        # doccount, boost, scored) through PreloadedOr when it chooses ARRAY_MATCHER
        needs_current = context.needs_current if context else True
        doccount = searcher.doc_count_all()
        if (self.matcher_type != self.AUTO_MATCHER or len(subs) < self.TOO_MANY_CLAUSES and (
                needs_current or self.scale or len(subs) == 2 or doccount > 5000)):
            return wq.Or._matcher(self, subs, searcher, context)
        scored = context.weighting is not None if context else True
        return _LazyUnion([sub.matcher(searcher, context) for sub in subs], doccount,
                          boost=self.boost, scored=scored)


class _LazyUnion(ArrayUnionMatcher):
    """An ArrayUnionMatcher (what Whoosh makes of an OR of three or more queries in a
    segment of at most 5,000 documents) that does not read when made.

    ArrayUnionMatcher sums the scores of the segment's first 2,048 documents when made,
    walking each of its children document by document (1-2 ms of a search at 100,000
    documents, whose updated index has two such segments), and _bulk_scores and
    _bulk_bounds, which read the children themselves, then use the sums of the documents
    they want. A pending _LazyUnion has no sums: they sum every document's scores from
    the children, in the same order (_array_union_sums). Asked anything that depends on
    where it stands, it first reads as ArrayUnionMatcher would have, so it answers as
    ArrayUnionMatcher does."""

    def __init__(self, submatchers, doccount, boost=1.0, scored=True, partsize=2048) -> None:
        CombinationMatcher.__init__(self, submatchers, boost=boost)
        self._scored, self._doccount, self._partsize = scored, doccount, partsize
        self.pending = True

    def settle(self) -> None:
        if self.pending:
            self.pending = False
            ArrayUnionMatcher.__init__(self, self._submatchers, self._doccount, self._boost,
                                       self._scored, self._partsize)


def _settling(method: Callable) -> Callable:
    """method of Whoosh's matcher, asked of one of ours that waits until asked (_LazyUnion,
    _LiveFilter): it first does what Whoosh's does when made (settle), if it has not."""

    @functools.wraps(method)
    def settled(self, *args, **kwargs):
        self.settle()
        return method(self, *args, **kwargs)

    return settled


for _name in ("is_active", "id", "next", "skip_to", "all_ids", "all_items", "items_as",
              "all_ids_as", "value", "value_as", "spans", "weight", "score", "max_quality",
              "block_quality", "skip_to_quality", "supports", "supports_block_quality",
              "replace", "copy", "reset", "matching_terms", "term_matchers"):
    if hasattr(ArrayUnionMatcher, _name):
        setattr(_LazyUnion, _name, _settling(getattr(ArrayUnionMatcher, _name)))


def _bulk_scores(m: Matcher, wanted: list[int], wset: set[int], sub,
                 known: dict[bytes, list] | None = None) -> dict[int, float]:
    """docnum -> m.score() for each of wanted (ascending, one segment's) that m matches.

    known: under a _KnownMatcher whose phrase was just found, word -> (docnums, weights) of
    the blocks read then, ascending: the words' postings are not read again."""
    t = type(m)
    if t is NullMatcher or not _may_match(m):  # (an unmoved filter: its
        return {}  # deleted documents are taken out below, its first block not read here)
    if t is UnionMatcher:
        out = _bulk_scores(m.a, wanted, wset, sub, known)
        for d, b in _bulk_scores(m.b, wanted, wset, sub, known).items():
            a = out.get(d)
            out[d] = b if a is None else a + b
        return out
    if t is IntersectionMatcher or t is _Unaligned:
        a = _bulk_scores(m.a, wanted, wset, sub, known)
        both = sorted(a)
        b = _bulk_scores(m.b, both, set(both), sub, known)
        return {d: a[d] + b[d] for d in both if d in b}
    if t is AndNotMatcher:  # the NOT part is unscored: only its documents count
        a = _bulk_scores(m.a, wanted, wset, sub)
        kept = sorted(a)
        minus = _bulk_scores(m.b, kept, set(kept), sub)
        return {d: x for d, x in a.items() if d not in minus}
    if t is WrappingMatcher or t is FilterMatcher or t is _LiveFilter:
        inner = _bulk_scores(m.child, wanted, wset, sub, known)  # (a dict of its own)
        if t is not WrappingMatcher:
            ids, exclude = m._ids, m._exclude
            if exclude and isinstance(ids, (set, frozenset)):  # a segment's deletions:
                for d in ([d for d in ids if d in inner] if len(ids) < len(inner)  # mostly
                          else [d for d in inner if d in ids]):  # fewer than those scored
                    del inner[d]
            else:
                inner = {d: x for d, x in inner.items() if (d in ids) != exclude}
        boost = m.boost  # (x * 1.0 is x, to the bit)
        return inner if boost == 1.0 else {d: x * boost for d, x in inner.items()}
    if t is _KnownMatcher:
        ids = np.intersect1d(np.asarray(m._ids[m._i:], np.int64),
                             np.asarray(wanted, np.int64), assume_unique=True)
        docs, scores = _words_scores(m.bulk_words(), ids, sub, m._weights)
        boost = m._boost
        return dict(zip(docs.tolist(), (scores if boost == 1.0 else scores * boost).tolist(),
                        strict=True))
    if t is W3LeafMatcher and m.scorer is None:  # unscored: its documents
        start = _first_id(m)  # those before it were passed by the matchers above
        return {d: 1.0 for ids in _block_ids(m, wanted) for d in ids if d in wset and d >= start}
    scorer = m.scorer if t is W3LeafMatcher else getattr(m, "_scorer", None)
    term = m.term() if t is W3LeafMatcher or t is ListMatcher else None
    given = known.get(term[1]) if known is not None and isinstance(term, tuple) else None
    if (scorer is not None and type(scorer).score is WeightLengthScorer.score
            and (given is not None or t is W3LeafMatcher)):
        docs, scores = _word_scores(m, scorer, term, given, wanted, sub)
        return dict(zip(docs.tolist(), scores.tolist(), strict=True))
    if (t is ArrayUnionMatcher or t is _LazyUnion) and m._scored:  # Or in a small segment:
        return _array_union_sums(  # scores summed in order
            m, wanted, lambda child, rest: _bulk_scores(child, rest, set(rest), sub))
    if t is ArrayUnionMatcher or t is _LazyUnion:  # unscored (AND NOT's NOT): its documents
        out, rest = _union_part(m, wanted)
        out = dict.fromkeys(out, 1.0)
        for child in m._submatchers:
            out.update(dict.fromkeys(_bulk_scores(child, rest, set(rest), sub), 1.0))
        return out
    if t is W3LeafMatcher or t is ListMatcher:  # another scorer: Whoosh's, document by document
        return _walk_scores(m, wanted)
    raise _Unsupported(t.__name__)


def _word_scores(m: Matcher, scorer, term, given: list | None, wanted, sub
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, scores) of each of wanted (ascending) that m, a word's postings scored by
    a WeightLengthScorer, holds: exactly what scorer.score(m) computes there, _score(weight,
    dfl(docnum)). The weights come from the blocks, or from those a phrase just found kept
    (given: _phrase_docs)."""
    start = _first_id(m)  # the documents before it were passed by the matchers above
    if given is None:
        kept = _common_word_weights(sub, term) if type(m) is W3LeafMatcher else None
        docs, weights = _weight_arrays(
            kept or _weight_blocks(m, wanted if type(wanted) is list else wanted.tolist()),
            wanted, start, every=False)
    else:
        docs, weights = _weight_arrays(given, wanted, start, every=True)
    return docs, _scored(scorer, sub, term, docs, weights)


def _words_scores(m: Matcher, wanted: np.ndarray, sub, known: dict[bytes, list] | None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """_bulk_scores(m, wanted, ...) as arrays (docnums ascending, scores), for the words of
    a phrase (a _KnownMatcher's bulk_words: an intersection of its words' postings, in
    deletion filters where the segment has deleted documents), whose documents are known:
    ~1,000 documents a segment for a phrase of the median, and a dictionary each, for each
    word and for each intersection, took a tenth of its ranking. The same operations in the
    same order (a + b, x * boost), so the same scores to the last bit; any other matcher
    is _bulk_scores'."""
    t = type(m)
    if t is NullMatcher or not _may_match(m):
        return wanted[:0], np.zeros(0)
    if t is IntersectionMatcher or t is _Unaligned:
        a_docs, a_scores = _words_scores(m.a, wanted, sub, known)
        b_docs, b_scores = _words_scores(m.b, a_docs, sub, known)
        # (what any matcher gives is among the documents asked: b's among a's)
        return b_docs, a_scores[np.searchsorted(a_docs, b_docs)] + b_scores
    if t is WrappingMatcher or t is FilterMatcher or t is _LiveFilter:
        docs, scores = _words_scores(m.child, wanted, sub, known)
        if t is not WrappingMatcher and docs.size:
            keep = _members(docs, _id_array(m._ids))
            if m._exclude:
                keep = ~keep
            docs, scores = docs[keep], scores[keep]
        boost = m.boost
        return docs, scores if boost == 1.0 else scores * boost
    if t is W3LeafMatcher or t is ListMatcher:
        scorer = m.scorer if t is W3LeafMatcher else getattr(m, "_scorer", None)
        term = m.term()
        given = known.get(term[1]) if known is not None and isinstance(term, tuple) else None
        if (scorer is not None and type(scorer).score is WeightLengthScorer.score
                and (given is not None or t is W3LeafMatcher)):
            return _word_scores(m, scorer, term, given, wanted, sub)
    found = _bulk_scores(m, wanted.tolist(), set(wanted.tolist()), sub, known)
    docs = np.array(sorted(found), np.int64)
    return docs, np.array([found[d] for d in docs.tolist()], np.float64)


_ID_ARRAYS: dict[int, tuple[frozenset[int], np.ndarray]] = {}


def _id_array(ids) -> np.ndarray:
    """The document numbers of a deletion filter's set as an ascending array; a frozenset's
    kept (a segment reader's deleted documents, read once: _live_postings)."""
    if type(ids) is not frozenset:
        return np.sort(np.fromiter(ids, np.int64, len(ids)))
    kept = _ID_ARRAYS.get(id(ids))
    if kept is None or kept[0] is not ids:
        if len(_ID_ARRAYS) >= 64:
            _ID_ARRAYS.clear()
        kept = _ID_ARRAYS[id(ids)] = (ids, np.sort(np.fromiter(ids, np.int64, len(ids))))
    return kept[1]


def _members(docs: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Which of docs are in ids, both ascending without repeats: what np.isin(docs, ids)
    gives, by binary search of the smaller in the larger, not by np.isin's sorting of both
    (a tenth of the time for a phrase's ~1,000 documents of a segment against its deleted
    ones).

    >>> _members(np.array([2, 3, 5, 8]), np.array([1, 3, 8, 9])).tolist()
    [False, True, False, True]
    """
    keep = np.zeros(docs.size, bool)
    if not docs.size or not ids.size:
        return keep
    if docs.size <= ids.size:
        at = np.minimum(np.searchsorted(ids, docs), ids.size - 1)
        return ids[at] == docs
    at = np.minimum(np.searchsorted(docs, ids), docs.size - 1)
    keep[at[docs[at] == ids]] = True
    return keep


def _first_id(m: Matcher) -> int:
    """m.id(), or 0 when m is a W3LeafMatcher at the start of a block it has not read: every
    document _block_ids reads from m is at least m.id() then, and the block is left for
    _block_ids to read (its head alone, when that will do) instead of read whole here."""
    if type(m) is W3LeafMatcher and m._ids is None and m._i == 0:
        return 0
    return m.id()


def _array_union_sums(m: ArrayUnionMatcher, wanted: list[int],
                      read: Callable[[Matcher, list[int]], dict[int, float]]
                      ) -> dict[int, float]:
    """docnum -> the sum an ArrayUnionMatcher (an OR in a small segment) gives each of
    wanted: the first part's sums are already in m._a (none, if a pending _LazyUnion), and
    its matchers stand past that part; from there on, each child's read(child, documents),
    summed in Whoosh's order."""
    out, rest = _union_part(m, wanted)
    boost = m._boost
    later: dict[int, float] = {}
    for child in m._submatchers:
        for d, x in read(child, rest).items():
            later[d] = later.get(d, 0.0) + x * boost
    out.update((d, x) for d, x in later.items() if x > 0)
    return out


def _union_part(m: ArrayUnionMatcher, wanted: list[int]) -> tuple[dict[int, float], list[int]]:
    """(docnum -> sum, of each of wanted in the part an ArrayUnionMatcher has summed, if
    more than 0; the rest of wanted, which its children are to give): a pending _LazyUnion
    has summed none."""
    if type(m) is _LazyUnion and m.pending:
        return {}, wanted
    part, first, end = m._a, m._offset, m._limit
    return ({d: part[d - first] for d in wanted if m._docnum <= d < end and part[d - first] > 0},
            [d for d in wanted if d >= end])


# =========================================================================== the index


TERM_LOOKUPS_KEPT = 1024  # per segment and thread


class _LiveFilter(FilterMatcher):
    """What Whoosh's SegmentReader.postings wraps a word's postings in on a segment with
    deleted documents, FilterMatcher(postings, deleted, exclude=True), moving to its first
    live document when first asked rather than when made.

    Moving there reads the postings' first block whole, positions included, and a search
    makes a matcher for each word in a dozen fields of every segment, most of which it then
    reads in part (block heads, _bulk_scores) or not at all; every segment has deletions
    once an index has been updated. Asked anything that depends on where it stands, it
    first moves as FilterMatcher would have, so it answers as FilterMatcher does.
    _bulk_scores, _bulk_bounds and _blocks read an unmoved one's child directly: they
    check the deleted documents themselves, or only bound."""

    def __init__(self, child: Matcher, ids, exclude: bool = True, boost: float = 1.0) -> None:
        WrappingMatcher.__init__(self, child, boost)
        self._ids, self._exclude = ids, exclude
        self.pending = True

    def settle(self) -> None:
        if self.pending:
            self.pending = False
            self._find_next()

    def reset(self) -> None:
        self.child.reset()
        self.pending = True


# what depends on where a filter stands (Whoosh's Matcher interface, as FilterMatcher has it)
for _name in ("is_active", "id", "next", "skip_to", "all_ids", "all_items", "replace", "value",
              "value_as", "spans", "weight", "score", "max_quality", "block_quality",
              "skip_to_quality"):
    setattr(_LiveFilter, _name, _settling(getattr(FilterMatcher, _name)))


def _may_match(m: Matcher) -> bool:
    """m.is_active(), without moving a filter or union below m that waits until asked
    (a pending _LiveFilter or _LazyUnion) to find out: such a filter answers as its child
    does, such a union yes. So it may say yes where m.is_active() would say no (a filter's
    documents left all deleted), never the other way; _bulk_scores, _words_scores and
    _bulk_bounds, which ask, take a filter's deleted documents out themselves. Asking a
    phrase's words (an intersection of filters, on a segment with deletions) moved each
    filter, reading its first block whole, positions included: ~4% of the load's time at
    100,000 documents."""
    t = type(m)
    if t is IntersectionMatcher or t is _Unaligned:
        return _may_match(m.a) and _may_match(m.b)
    if t is UnionMatcher:
        return _may_match(m.a) or _may_match(m.b)
    if t is _LiveFilter and m.pending:
        return _may_match(m.child)
    if t is _LazyUnion and m.pending:
        return True
    return m.is_active()


def _live_postings(reader) -> None:
    """reader (a segment's) makes _LiveFilters where Whoosh's SegmentReader.postings makes
    FilterMatchers, and reads its deleted documents once (Whoosh makes a set of them for
    each word's matcher). An open reader's deletions do not change: a build's deletions
    are seen by the readers opened after it."""
    if not reader.has_deletions() or "postings" in vars(reader):
        return
    deleted = reader.deleted_docs_set
    terms, fields = reader._terms, reader.schema

    def live_postings(fieldname, text, scorer=None):
        if reader.is_closed:
            raise ReaderClosed
        if fieldname not in fields:
            raise TermNotFound(f"No field {fieldname!r}")
        text = reader._text_to_bytes(fieldname, text)
        m = terms.matcher(fieldname, text, fields[fieldname].format, scorer=scorer)
        return _LiveFilter(m, deleted, exclude=True)

    reader.postings = live_postings


def _remember_term_lookups(reader) -> None:
    """A segment's term dictionary (a hash table on disk) keeps where its last
    TERM_LOOKUPS_KEPT words were found. A search looks a word up in a dozen language fields
    of every segment, and Whoosh looks each up again and again (is it there, how many
    documents for the matcher tree's order, its postings, its scorer): ~1,500 lookups for a
    two-word AND at 100,000 documents. The segment files never change, so nothing goes
    stale.

    A field the segment has no words of (a language none of its documents is in: about
    half of those dozen fields in each segment of the benchmark's corpus) is not looked
    for: Whoosh's reader gives such a field the number 65535 in its keys (_keycoder), which
    no table holds (it would take 65,536 fields), and hashed and read the table to find
    each of them missing."""
    table = getattr(getattr(reader, "_terms", None), "_tindex", None)
    if isinstance(table, filetables.HashReader) and "ranges_for_key" not in vars(table):
        remembered = functools.lru_cache(TERM_LOOKUPS_KEPT)(
            lambda key, find=table.ranges_for_key: tuple(find(key)))

        def ranges_for_key(key: bytes) -> tuple:
            return () if key[:2] == _NO_FIELD else remembered(key)

        ranges_for_key.cache_info = remembered.cache_info  # type: ignore[attr-defined]
        table.ranges_for_key = ranges_for_key


_NO_FIELD = pack_ushort(65535)  # W3TermsReader._keycoder's field number for a field it lacks


def _prepare_readers(s) -> None:
    """What each segment reader of a new searcher s gets: remembered term lookups, lazy
    deletion filters."""
    for reader, _ in s.reader().leaf_readers():
        _remember_term_lookups(reader)
        if type(reader) is SegmentReader:
            _live_postings(reader)


def _in_turn(method: Callable) -> Callable:
    """A CorpusIndex method that runs while its thread holds the handle's turn."""

    @functools.wraps(method)
    def in_turn(self, *args, **kwargs):
        with self._turn:
            return method(self, *args, **kwargs)
    return in_turn


class CorpusIndex:
    """A handle on an index folder: the one entry point for reading it.

    Each thread gets its own Whoosh searcher (they are not safe to share), kept open and
    refreshed when a build changes the index; nothing is opened per query.

    The queries of one handle (searches, counts, matches, highlighting, statistics, each
    row of an export) run one at a time, in turn. Python runs one thread at a time anyway,
    and threads searching at once take the interpreter from each other every few
    milliseconds (its switch interval), which cost a server process a fifth of its
    searches a second under load (bench/HISTORY.md). Other threads still do the rest while
    one searches: sockets, documents, pages, the rows of an export between two of them.
    """

    def __init__(self, index_dir: str | Path) -> None:
        self.index_dir = Path(index_dir)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._turn = threading.RLock()  # (a search asks for counts: reentrant)
        self._datas: dict[tuple, _ReaderData] = {}

    # ------------------------------------------------------------------ searchers

    def _searcher(self):
        """This thread's searcher for the live index, reopened if a build changed it."""
        local = self._local
        s = getattr(local, "searcher", None)
        stamp = getattr(local, "stamp", None)
        if s is not None and stamp is not None and self._stamp(local.gen) == stamp:
            return s
        stamp = self._stamp(None)  # before looking: a change after this gives another stamp
        gen = build.current_generation(self.index_dir)
        if gen is None:
            raise IndexNotFoundError(str(self.index_dir))
        stamp = self._trusted(stamp, gen)
        if s is None or local.gen != gen:
            ix = build.open_index(self.index_dir)
            if s is not None:
                s.close()
            local.searcher, local.gen, local.ix = ix.searcher(), gen, ix
            local.version = (gen.name, ix.latest_generation())
            _prepare_readers(local.searcher)
        elif not s.up_to_date():
            # A fresh searcher, not s.refresh(): whoosh-reloaded 2.7.5's refresh reuses the
            # old segment readers, deletions included, so a changed document stays findable
            # under its old text (tests/test_search.py pins this).
            s.close()
            local.ix = build.open_index(self.index_dir)
            local.searcher = local.ix.searcher()
            local.version = (gen.name, local.ix.latest_generation())
            _prepare_readers(local.searcher)
        local.stamp = stamp
        return local.searcher

    def _stamp(self, gen: Path | None) -> tuple[int, ...] | None:
        """The modification times of the index folder and of generation folder gen: a build
        changes one or the other (a new generation and CURRENT in the first; a new table of
        contents and segment files in the second). None if either is gone."""
        try:
            first = os.stat(self.index_dir).st_mtime_ns
            return (first,) if gen is None else (first, os.stat(gen).st_mtime_ns)
        except OSError:
            return None

    def _trusted(self, before: tuple[int, ...] | None, gen: Path) -> tuple[int, ...] | None:
        """The stamp by which _searcher may skip looking for a newer index (reading CURRENT
        and listing the generation's files: ~3% of a search at 100,000 documents), or None.
        Only times older than build.TRUST_MARGIN_NS are trusted: a file system's clock can
        be coarse, and a change in the same tick would leave a folder's time as it was."""
        stamp = self._stamp(gen)
        if before is None or stamp is None or stamp[0] != before[0]:
            return None
        if max(stamp) > time.time_ns() - build.TRUST_MARGIN_NS:
            return None
        return stamp

    @property
    def generation(self) -> str:
        gen = build.current_generation(self.index_dir)
        return gen.name if gen else ""

    def warm(self) -> None:
        """Build the live version's shared tables now (facet values, both date orders, date
        spans, common words' weights), so that the first requests do not wait seconds for
        them, then let go of this thread's searcher: a server calls this before forking,
        and its processes inherit the tables but open their own files. No index yet:
        nothing to do."""
        try:
            s = self._searcher()
        except IndexNotFoundError:
            return
        try:
            data = self._data(s)
            for order in ("newest", "oldest"):
                data.rank(order, s.reader())
            data._date_spans(s.reader())
            _keep_common_words(s)
        finally:
            self.close()

    def close(self) -> None:
        s = getattr(self._local, "searcher", None)
        if s is not None:
            s.close()
            self._local.searcher = None

    def __enter__(self) -> CorpusIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _compile(self, s, text: str, exact: bool, quotes: bool = False) -> _Compiled:
        """compile_query, then bounded() against this index (ParameterError if too costly),
        its phrases resolved to their documents (_Known)."""
        data = self._data(s)
        compiled = compile_query(text, exact, s.schema, quotes=quotes, names=data.other_names)
        if not compiled.browse:
            reader = s.reader()
            compiled.query = _known_phrases(
                s, bounded(compiled.query, reader,
                           functools.partial(data.doc_frequency, reader),
                           functools.partial(data.words, reader)), data.docset)
        return compiled

    def _data(self, s) -> _ReaderData:
        key = self._local.version
        with self._lock:
            data = self._datas.get(key)
            if data is None:
                data = _ReaderData(s.reader(), build.read_names(self._local.gen))
                self._datas = {key: data}  # keep only the current version's
        return data

    def _sets(self, s, data: _ReaderData, text_query: wq.Query | None,
              groups: dict[str, wq.Query]) -> tuple[np.ndarray | None,
                                                     dict[str, np.ndarray]]:
        """The documents of the text query (None: no words, everything) and of each filter
        group, docsets; cached, so a filter or a query being paged through is computed
        once."""
        base = None if text_query is None else data.docset(
            "text:" + repr(text_query), lambda: _docs(s, text_query))
        def docs(g) -> np.ndarray:
            if isinstance(g, _DateSpan):
                return data.dated(g.lo, g.hi, s.reader())
            if isinstance(g, _Without):
                return _union([data.without(g.facet), *([] if g.query is None else
                                                        [_docs(s, g.query)])], data.size)
            return _docs(s, g)

        group_docs = {name: data.docset(repr(g), lambda g=g: docs(g))
                      for name, g in groups.items()}
        return base, group_docs

    def _page(self, s, data: _ReaderData, q: wq.Query, final: np.ndarray, sort: str,
              first: int, limit: int) -> list[tuple[dict, float | None]]:
        """Stored fields and score of the hits first..limit of `final` (document numbers,
        ascending): best match first (Whoosh's scoring, restricted to them) or by date
        (precomputed ranks).

        Relevance: the documents are known (`final`), so they are scored a word at a time
        (_score_all) with Whoosh's own scores, exactly: Whoosh's top-k search skips blocks by
        a bound that can be too low for an OR (its ArrayUnion takes the largest part, not
        the sum), and is slower here, for the blocks were just read to find the documents.
        """
        if not len(final):
            return []
        if sort == "relevance":
            try:
                ranked = _score_top(s, q, final, limit)
            except _Unsupported:
                ranked = _score_within(s, q, final, limit)
            return [(s.stored_fields(d), score) for score, d in ranked[first:]]
        ranks = data.rank_array(sort, s.reader())
        docs = final
        if limit < docs.size:  # (ranks are places: no two documents share one)
            docs = docs[np.argpartition(ranks[docs], limit)[:limit]]
        page = docs[np.argsort(ranks[docs])].tolist()[first:]
        return [(s.stored_fields(d), None) for d in page]

    # ------------------------------------------------------------------ documents

    def document(self, doc_id: str) -> Document:
        """The stored document with this id."""
        if _SURROGATE.search(doc_id):  # (not UTF-8: no id is, and Whoosh cannot encode it)
            raise DocumentNotFoundError(f"no document with id {doc_id!r} in the index")
        stored = self._searcher().document(id=doc_id)
        if stored is None:
            raise DocumentNotFoundError(f"no document with id '{doc_id}' in the index")
        return schema.document_from_stored(stored)

    def document_ids(self) -> list[str]:
        s = self._searcher()
        return sorted(s.stored_fields(d)["id"] for d in s.docs_for_query(wq.Term("record", "doc")))

    def __len__(self) -> int:
        # Not doc_frequency: Whoosh's term statistics still count deleted records.
        return sum(1 for _ in self._searcher().docs_for_query(wq.Term("record", "doc")))

    # ------------------------------------------------------------------ search

    @_in_turn
    def search(self, sq: SearchQuery) -> SearchResults:
        """Run a search: hits of the requested page, exact total, facets, suggestion."""
        with _remembering_blocks():
            return self._search(sq)

    def _search(self, sq: SearchQuery) -> SearchResults:
        s = self._searcher()
        data = self._data(s)
        sq, filter_notes = _named_filters(data, sq)
        compiled = self._compile(s, sq.text, sq.exact)
        q = compiled.query
        groups = self._filter_groups(sq, compiled.date_ranges)
        base, group_docs = self._sets(s, data, None if compiled.browse else q, groups)
        final = data.intersected(base, group_docs.values())
        sort = sq.sort
        if compiled.browse and sort == "relevance":
            sort = "newest"  # browsing has no relevance: newest first
        limit = sq.page * sq.per_page
        spec = _spec(q)
        unscored = compiled.browse or sort != "relevance"
        hits = tuple(self._hit(f, score, spec, sq.exact, unscored) for f, score in
                     self._page(s, data, q, final, sort, (sq.page - 1) * sq.per_page, limit))
        selected = {"outlet": set(sq.outlets), "organization": set(sq.organizations),
                    "person": set(sq.people), "language": set(sq.languages),
                    "doc_type": set(sq.doc_types), "year": self._selected_years(sq)}
        facets = self._count_facets(data, base, group_docs, final, FACETS, selected)
        timeline = _months(data.count("month", final))
        total = len(final)
        suggestion = None
        if not compiled.browse and total < 5:
            suggestion = self._suggest(s, sq.text, total,
                                       lambda text: self.count(replace(sq, text=text)))
        return SearchResults(query=sq, parsed_query=compiled.described, total=total, hits=hits,
                             facets=facets, suggestion=suggestion,
                             notes=(*filter_notes, *compiled.notes),
                             timeline=timeline, sorted_by=sort)

    def iter_hits(self, sq: SearchQuery):
        """Every hit of a search in order, one at a time, ignoring page and per_page (exports).

        Yields (total, Hit); the total is the same on every row. The search, then each row,
        takes its turn (see the class): an export does not hold the handle between rows.
        """
        with self._turn:
            s = self._searcher()
            data = self._data(s)
            compiled, final = self._found(s, data, sq)
            sort = "newest" if compiled.browse and sq.sort == "relevance" else sq.sort
            spec = _spec(compiled.query)
            unscored = compiled.browse or sort != "relevance"
            total = len(final)
            if not total:  # (Whoosh takes an empty filter for no filter: every match)
                rows = []
            elif sort == "relevance":
                results = s.search(compiled.query, limit=None, filter=set(final.tolist()))
                rows = [(results.docnum(i), results.score(i))
                        for i in range(results.scored_length())]
            else:
                ranks = data.rank(sort, s.reader())
                rows = [(docnum, None) for docnum in sorted(final.tolist(),
                                                            key=ranks.__getitem__)]
        for docnum, score in rows:
            with self._turn:
                hit = self._hit(s.stored_fields(docnum), score, spec, sq.exact, unscored)
            yield total, hit

    @_in_turn
    def count(self, sq: SearchQuery) -> int:
        """How many documents a search finds (no hits, no facets)."""
        s = self._searcher()
        return len(self._found(s, self._data(s), sq)[1])

    def _found(self, s, data: _ReaderData, sq: SearchQuery) -> tuple[_Compiled, np.ndarray]:
        """The search compiled, and the documents it finds (words and every filter), a
        docset."""
        sq = _named_filters(data, sq)[0]
        compiled = self._compile(s, sq.text, sq.exact)
        groups = self._filter_groups(sq, compiled.date_ranges)
        base, group_docs = self._sets(s, data, None if compiled.browse else compiled.query,
                                      groups)
        return compiled, data.intersected(base, group_docs.values())

    def _hit(self, f: dict, score: float | None, spec: _Spec, exact: bool,
             unscored: bool) -> Hit:
        body = f.get("body", "")
        paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
        spans = document_spans(paragraphs, f.get("paragraph_languages") or [],
                               f.get("language", "und"), spec, exact)
        title = f.get("title")
        title_html = None
        if title:
            tfield = "title_exact" if exact else schema.title_field(f.get("language", "und"))
            title_html = mark(title, find_spans(title, tfield, spec))
        date = f.get("date")
        precision = f.get("date_precision")
        ents = f.get("entities") or {}
        return Hit(
            id=f["id"], title=title, outlet=f.get("outlet"),
            date=_iso(date, precision), date_precision=precision if date else None,
            language=f.get("language", "und"), original_language=f.get("original_language"),
            translated=bool(f.get("translated")), doc_type=f.get("doc_type", "news article"),
            organizations=tuple(e[0] for e in ents.get("organizations", ())),
            people=tuple(e[0] for e in ents.get("people", ())),
            author=f.get("author"), url=f.get("url"),
            score=None if unscored or score is None else round(float(score), 4),
            snippets=_snippets(paragraphs, spans), title_html=title_html,
        )

    # ------------------------------------------------------------------ filters, facets

    def _filter_groups(self, sq: SearchQuery, date_ranges, record: str = "doc"
                       ) -> dict[str, wq.Query]:
        """One query per filter group; different groups AND, values within a group OR.
        The "record" group keeps documents and quotations apart."""
        groups: dict[str, wq.Query] = {"record": wq.Term("record", record)}
        for key, fieldname, values in (("outlet", "outlet", sq.outlets),
                                       ("organization", "organizations", sq.organizations),
                                       ("person", "people", sq.people),
                                       ("language", "language", sq.languages),
                                       ("doc_type", "doc_type", sq.doc_types)):
            if values:
                groups[key] = _value_group(key, fieldname, values)
        if sq.original_language:
            groups["original_language"] = wq.Term("original_language", sq.original_language)
        if sq.translated is not None:
            groups["translated"] = wq.Term("translated", sq.translated)
        # from/to is the year facet's selection, left out of its counts so the other years
        # stay on offer; a date: of the query text is part of what is searched, and narrows
        # the year facet too
        for key, date in (("year", _date_group(sq.date_from, sq.date_to, ())),
                          ("date_in_query", _date_group(None, None, date_ranges))):
            if date is not None:
                groups[key] = date
        return groups

    @staticmethod
    def _count_facets(data: _ReaderData, base: np.ndarray | None,
                      group_docs: dict[str, np.ndarray], final: np.ndarray,
                      facets: tuple[str, ...], selected: dict[str, set[str]]
                      ) -> dict[str, tuple[FacetValue, ...]]:
        """Exact counts per facet; a facet's own selection (the filter group of the same name)
        is left out of its counts, so the other values stay on offer. final: the documents
        found (docsets all)."""
        out: dict[str, tuple[FacetValue, ...]] = {}
        for facet in facets:
            if facet in group_docs:
                docs = data.intersected(
                    base, [d for name, d in group_docs.items() if name != facet])
            else:
                docs = final
            chosen = selected.get(facet, set())
            if facet == "year":  # the newest first
                counts = data.count(facet, docs)
                shown = sorted(counts.items(), reverse=True)[:FACET_LIMIT]
            else:
                shown, counts = data.top(facet, docs, FACET_LIMIT, chosen)
            listed = {v for v, _ in shown}
            shown += [(v, counts.get(v, 0)) for v in sorted(chosen - listed)]
            out[facet] = tuple(FacetValue(v, n, v in chosen) for v, n in shown)
        return out

    @staticmethod
    def _selected_years(sq: SearchQuery) -> set[str]:
        if sq.date_from and sq.date_to and sq.date_from.year == sq.date_to.year and \
                sq.date_from.start == dt.date(sq.date_from.year, 1, 1) and \
                sq.date_to.end == dt.date(sq.date_to.year, 12, 31):
            return {str(sq.date_from.year)}
        return set()

    # ------------------------------------------------------------------ did you mean

    def _suggest(self, s, text: str, total: int, count, fields=("text_exact", "title_exact")
                 ) -> str | None:
        """A spelling the index knows, when it finds more than what was typed.

        count(text) -> how many the corrected text would find.
        """
        norm = normalize_query_text(text)
        corrector = s.corrector(fields[0])
        changed = False

        def fix(m: re.Match) -> str:
            nonlocal changed
            word = m.group(0)
            if word in ("AND", "OR", "NOT", "ANDMAYBE") or len(word) < 3 or word.isdigit() \
                    or UNSPACED_RUN.search(word):
                return word  # (a word of Chinese or Japanese is a phrase of characters)
            f = fold(word)
            if any(s.doc_frequency(field, f) for field in fields):
                return word
            options = corrector.suggest(f, limit=1, maxdist=2, prefix=1)
            if options and options[0] != f:
                changed = True
                return options[0]
            return word

        # words outside field prefixes ("org:" and the like stay as typed)
        fixed = re.sub(r"(?<![\w:])[^\W\d_][\w']*(?![\w:])", fix, norm)
        if not changed or fixed == norm:
            return None
        try:
            return fixed if count(fixed) > total else None
        except ParameterError:  # the corrected words are too costly: no suggestion then
            return None

    # ------------------------------------------------------------------ quotations

    @_in_turn
    def search_quotes(self, qq: QuoteQuery) -> QuoteResults:
        """Search the quotations: words, speaker, outlet, kind, date; best match first."""
        with _remembering_blocks():
            return self._search_quotes(qq)

    def _search_quotes(self, qq: QuoteQuery) -> QuoteResults:
        s = self._searcher()
        data = self._data(s)
        qq, filter_notes = _named_filters(data, qq)
        compiled = self._compile(s, qq.text, qq.exact, quotes=True)
        groups: dict[str, wq.Query] = {"record": wq.Term("record", "quote")}
        for key, fieldname, values in (("speaker", "speaker", qq.speakers),
                                       ("outlet", "outlet", qq.outlets),
                                       ("kind", "quote_kind", qq.kinds),
                                       ("language", "language", qq.languages)):
            if values:
                groups[key] = _value_group(key, fieldname, values)
        if qq.translated is not None:
            groups["translated"] = wq.Term("translated", qq.translated)
        date = _date_group(qq.date_from, qq.date_to, compiled.date_ranges)
        if date is not None:
            groups["date"] = date
        base, group_docs = self._sets(s, data, None if compiled.browse else compiled.query,
                                      groups)
        final = data.intersected(base, group_docs.values())
        sort = "newest" if compiled.browse and qq.sort == "relevance" else qq.sort
        limit = qq.page * qq.per_page
        spec = _spec(compiled.query)
        unscored = compiled.browse or sort != "relevance"
        hits = tuple(self._quote_hit(f, score, spec, qq.exact, unscored) for f, score in
                     self._page(s, data, compiled.query, final, sort,
                                (qq.page - 1) * qq.per_page, limit))
        selected = {"speaker": set(qq.speakers), "outlet": set(qq.outlets),
                    "kind": set(qq.kinds)}
        facets = self._count_facets(data, base, group_docs, final, QUOTE_FACETS, selected)
        total = len(final)
        suggestion = None
        if not compiled.browse and total < 5:
            def count(text: str) -> int:
                q = self._compile(s, text, qq.exact, quotes=True).query
                return len(data.intersected(_docs(s, q), group_docs.values()))

            suggestion = self._suggest(s, qq.text, total, count, fields=("quote_exact",))
        return QuoteResults(qq, compiled.described, total, hits, facets, suggestion,
                            (*filter_notes, *compiled.notes), sorted_by=sort)

    def _quote_hit(self, f: dict, score: float | None, spec: _Spec, exact: bool,
                   unscored: bool) -> QuoteHit:
        text = f.get("quote_text", "")
        field = "quote_exact" if exact else schema.quote_field(f.get("language", "und"))
        spans = find_spans(text, field, spec)
        snippet = (_snippet(text, spans, 320) if spans and len(text) > 320 else
                   mark(text, spans) if len(text) <= 320 else
                   html.escape(text[:320].rsplit(" ", 1)[0], quote=False) + "…")
        date = f.get("date")
        precision = f.get("date_precision")
        return QuoteHit(
            id=f["id"], doc_id=f["doc_id"], text=text, speaker=f.get("speaker"),
            speaker_type=f.get("speaker_type"), affiliation=f.get("affiliation"),
            kind=f.get("quote_kind", "speech"), paragraph=f.get("paragraph", 0),
            start=f.get("start", 0), end=f.get("end", 0),
            translated=bool(f.get("translated")), original_language=f.get("original_language"),
            language=f.get("language", "und"), outlet=f.get("outlet"),
            date=_iso(date, precision), date_precision=precision if date else None,
            title=f.get("title"), url=f.get("url"),
            score=None if unscored or score is None else round(float(score), 4),
            snippet=snippet,
        )

    # ------------------------------------------------------------------ matches

    @_in_turn
    def all_matches(self, doc_id: str, text: str, exact: bool = False) -> DocumentMatches:
        """Every match of a query in one document, with paragraph number and context."""
        s = self._searcher()
        doc = self.document(doc_id)
        compiled = compile_query(text, exact, s.schema)
        _check_query(compiled.query)
        spec = _spec(compiled.query)
        paragraphs = doc.paragraphs
        spans = document_spans(paragraphs, list(doc.paragraph_languages), doc.language, spec,
                               exact)
        matches = []
        for i, (p, sp) in enumerate(zip(paragraphs, spans, strict=True), 1):
            for start, end in sp:
                ws, we = _window(p, [(start, end)], 200)
                context = ("…" if ws > 0 else "") + mark(p, [(start, end)], ws, we) + (
                    "…" if we < len(p) else "")
                matches.append(Match(i, start, end, p[start:end], context))
        return DocumentMatches(doc_id, text, compiled.described, tuple(matches))

    @_in_turn
    def highlight_document(self, doc: Document, text: str, exact: bool = False
                           ) -> tuple[list[str], int]:
        """The document's paragraphs as HTML: every match marked (ids m1, m2, ...) and every
        quotation wrapped with its speaker (ids q1, q2, ...)."""
        s = self._searcher()
        spec = _Spec()
        if text.strip():
            q = compile_query(text, exact, s.schema).query
            _check_query(q)
            spec = _spec(q)
        paragraphs = doc.paragraphs
        spans = document_spans(paragraphs, list(doc.paragraph_languages), doc.language, spec,
                               exact)
        bounds = paragraph_spans(doc.body)
        out, n = [], 0
        for i, (p, sp) in enumerate(zip(paragraphs, spans, strict=True)):
            ids = [f"m{n + k + 1}" for k in range(len(sp))]
            n += len(sp)
            p_start, p_end = bounds[i]
            quotes = [(max(q.start, p_start) - p_start, min(q.end, p_end) - p_start, k, q,
                       q.end <= p_end)
                      for k, q in enumerate(doc.quotes, 1)
                      if q.start < p_end and q.end > p_start]
            out.append(render_paragraph(p, sp, ids, quotes))
        return out, n

    # ------------------------------------------------------------------ stats

    @_in_turn
    def stats(self) -> IndexStats:
        """Documents per outlet, language, year and type; size on disk."""
        s = self._searcher()
        data = self._data(s)
        _, sets = self._sets(s, data, None, {"doc": wq.Term("record", "doc"),
                                              "quote": wq.Term("record", "quote"),
                                              "translated": wq.Term("translated", True)})
        docs = sets["doc"]
        total = len(docs)

        def counts(facet: str) -> dict[str, int]:
            c = data.count(facet, docs)
            out = dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))
            missing = total - sum(c.values()) if facet != "organization" else 0
            if missing > 0:
                out[UNKNOWN] = missing
            return out

        gen = build.current_generation(self.index_dir)
        size = sum(p.stat().st_size for p in gen.iterdir() if p.is_file()) if gen else 0
        quotes = len(sets["quote"])
        return IndexStats(
            documents=total, by_outlet=counts("outlet"), by_language=counts("language"),
            by_year=dict(sorted(counts("year").items())), by_doc_type=counts("doc_type"),
            translated=len(data.intersected(docs, [sets["translated"]])),
            index_bytes=size, generation=gen.name if gen else "",
            last_build=build.read_last_report(self.index_dir), quotations=quotes,
        )


def _date_group(date_from: PartialDate | None, date_to: PartialDate | None,
                date_ranges) -> _DateSpan | wq.Query | None:
    """Dates between from and to (and any date: ranges of the query); a record dated to a
    month or a year matches a range its span overlaps."""
    ranges = list(date_ranges)
    if date_from or date_to:
        ranges.append((date_from.start if date_from else dt.date.min,
                       date_to.end if date_to else dt.date.max))
    if not ranges:
        return None
    lo = max(r[0] for r in ranges)
    hi = min(r[1] for r in ranges)
    if lo > hi:
        return wq.NullQuery
    return _DateSpan(lo, hi)


@dataclass(frozen=True)
class _Without:
    """The filter group of records with no value of a facet (UNKNOWN chosen), or matching
    query (the facet's other values chosen with it)."""

    facet: str
    query: wq.Query | None


def _value_group(facet: str, fieldname: str, values) -> wq.Query | _Without:
    """The filter group of a facet's chosen values: any of them."""
    unknown = facet in _MISSING and UNKNOWN in values
    terms = [wq.Term(fieldname, v) for v in values if not (unknown and v == UNKNOWN)]
    query = wq.Or(terms) if terms else None
    return _Without(facet, query) if unknown else query


@dataclass(frozen=True)
class _DateSpan:
    """The filter group of records whose date span overlaps lo..hi. Read from each
    record's span in _ReaderData: as Whoosh ranges open at one end (date_start <= hi,
    date_end >= lo), it unions the postings of half the index, seconds at 100,000 documents."""

    lo: dt.date
    hi: dt.date

    def query(self) -> wq.Query:
        """The same as a Whoosh query (tests check the two agree)."""
        return wq.And([wq.DateRange("date_start", None, _day_end(self.hi)),
                       wq.DateRange("date_end", _day_start(self.lo), None)])


def _months(counts: Counter) -> tuple[tuple[str, int], ...]:
    """Counts per month with the empty months between filled in, oldest first (600 months
    at most).

    >>> _months(Counter({"2019-02": 3, "2018-12": 1}))
    (('2018-12', 1), ('2019-01', 0), ('2019-02', 3))
    >>> len(_months(Counter({"0001-01": 1, "2019-02": 3})))
    600
    """
    if not counts:
        return ()
    get = counts.get
    return tuple([(key, get(key, 0)) for key in _month_keys(min(counts), max(counts))])


@functools.lru_cache(maxsize=64)
def _month_keys(first: str, last: str) -> tuple[str, ...]:
    """The months first..last ("YYYY-MM"), at most 600 of them: the same few spans for
    every search of an index, each made once.

    >>> _month_keys("2018-11", "2019-02")
    ('2018-11', '2018-12', '2019-01', '2019-02')
    """
    y, m = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{y:04d}-{m:02d}" <= last and len(out) < 600:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(out)


def _and(queries: list[wq.Query]) -> wq.Query | None:
    queries = [q for q in queries if q is not None]
    if not queries:
        return None
    return queries[0] if len(queries) == 1 else wq.And(queries)


def _day_start(d: dt.date) -> dt.datetime:
    d = max(d, dt.date(1, 1, 2))
    return dt.datetime(d.year, d.month, d.day)


def _day_end(d: dt.date) -> dt.datetime:
    d = min(d, dt.date(9999, 12, 30))
    return dt.datetime(d.year, d.month, d.day, 23, 59, 59)


def _iso(date: dt.datetime | None, precision: str | None) -> str | None:
    if date is None:
        return None
    if precision == "year":
        return f"{date.year:04d}"
    if precision == "month":
        return f"{date.year:04d}-{date.month:02d}"
    return date.date().isoformat()
