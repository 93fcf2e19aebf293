"""The OpenAPI 3 description of /api (served at /api/openapi.json)."""

from __future__ import annotations

from indexer.models import DOC_TYPES, QUOTE_KINDS
from indexer.search import FACETS, MAX_PER_PAGE, MAX_QUERY_LENGTH, QUOTE_FACETS, SORTS

from .params import FACET_PARAMS

_STR = {"type": "string"}
_NULLABLE_STR = {"type": "string", "nullable": True}


def _param(name: str, description: str, schema: dict, multi: bool = False) -> dict:
    p = {"name": name, "in": "query", "required": False, "description": description,
         "schema": {"type": "array", "items": schema} if multi else schema}
    if multi:
        p.update(style="form", explode=True)
    return p


_TYPED = (" Case, accents and punctuation do not matter: a note says how a value was read, "
          "or that it names nothing.")

SEARCH_PARAMETERS = [
    _param("q", "Query text (Whoosh syntax: AND OR NOT, \"phrases\", \"a b\"~3, word~, "
                "wildcards*, title: outlet: org: person: author: lang: type: year: "
                "date:[2019-01 TO 2019-06]). Empty: browse everything, newest first.",
           {"type": "string", "maxLength": MAX_QUERY_LENGTH}),
    _param("outlet", "Outlet name, as in the outlet facet; several are OR'ed."
           + _TYPED, _STR, multi=True),
    _param("org", "Organization (canonical name, as in the facet); several are OR'ed."
           + _TYPED, _STR, multi=True),
    _param("person", "Person (canonical name, as in the facet); several are OR'ed."
           + _TYPED, _STR, multi=True),
    _param("lang", "Language code (en, es, ...); several are OR'ed.", _STR, multi=True),
    _param("type", "Document type.", {"type": "string", "enum": list(DOC_TYPES)}, multi=True),
    _param("from", "Earliest date: 2019, 2019-08 or 2019-08-11. A document dated to a month "
                   "matches when its month overlaps the range.",
           {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}),
    _param("to", "Latest date: 2019, 2019-08 or 2019-08-11.",
           {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}),
    _param("translated", "true: only translations; false: only originals.",
           {"type": "boolean"}),
    _param("original_lang", "Only translations from this language.", _STR),
    _param("sort", "Order of hits.", {"type": "string", "enum": list(SORTS),
                                      "default": "relevance"}),
    _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
    _param("per_page", "Hits per page.", {"type": "integer", "minimum": 1,
                                          "maximum": MAX_PER_PAGE, "default": 10}),
    _param("exact", "Match word forms as written (no stemming); accents are still folded.",
           {"type": "boolean", "default": False}),
]

_BY_NAME = {p["name"]: p for p in SEARCH_PARAMETERS}
SEARCH_PARAMETERS += [_param(long, f"The same as {short}, by its facet's name.",
                             _BY_NAME[short]["schema"]["items"], multi=True)
                      for long, short in FACET_PARAMS.items()]
QUOTE_PARAMETERS = [
    _param("q", "Words of the quotation (the same syntax as /api/search; speaker: matches "
                "who said it, org: who said it or whom the speaker speaks for, affiliation: "
                "the speaker's role as written). Empty: every quotation, newest first.",
           {"type": "string", "maxLength": MAX_QUERY_LENGTH}),
    _param("speaker", "Speaker (a canonical person or organization name, as in the speaker "
                      "facet); several are OR'ed." + _TYPED, _STR, multi=True),
    _param("outlet", "Outlet of the quoting document; several are OR'ed." + _TYPED, _STR,
           multi=True),
    _param("kind", "Kind of quotation.", {"type": "string", "enum": list(QUOTE_KINDS)},
           multi=True),
    _BY_NAME["lang"], _BY_NAME["from"], _BY_NAME["to"], _BY_NAME["translated"],
    _BY_NAME["sort"], _BY_NAME["page"], _BY_NAME["per_page"], _BY_NAME["exact"],
]

ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["status", "message"],
        "properties": {"status": {"type": "integer"}, "message": _STR,
                       "parameter": {"type": "string",
                                     "description": "the parameter at fault, for 400"}},
    }},
}

FACET_VALUE = {"type": "object", "required": ["value", "count", "selected"],
               "properties": {"value": _STR, "count": {"type": "integer"},
                              "selected": {"type": "boolean"}}}

HIT = {
    "type": "object",
    "required": ["id", "title", "outlet", "date", "date_precision", "language",
                 "original_language", "translated", "doc_type", "organizations", "url",
                 "score", "snippets"],
    "properties": {
        "id": _STR, "title": _NULLABLE_STR, "outlet": _NULLABLE_STR,
        "date": {"type": "string", "nullable": True, "description": "ISO, to its precision"},
        "date_precision": {"type": "string", "enum": ["day", "month", "year"],
                           "nullable": True},
        "language": _STR, "original_language": _NULLABLE_STR,
        "translated": {"type": "boolean"}, "doc_type": _STR,
        "organizations": {"type": "array", "items": _STR},
        "people": {"type": "array", "items": _STR}, "author": _NULLABLE_STR,
        "url": _NULLABLE_STR, "score": {"type": "number", "nullable": True},
        "snippets": {"type": "array", "items": _STR,
                     "description": "HTML: text escaped, matches in <mark>"},
        "title_html": {**_NULLABLE_STR, "description": "the title as HTML: text escaped, "
                                                      "matches in <mark>"},
    },
}

SEARCH_RESULT = {
    "type": "object",
    "required": ["query", "parsed_query", "total", "page", "per_page", "hits", "facets",
                 "suggestion"],
    "properties": {
        "query": _STR, "parsed_query": _STR, "total": {"type": "integer"},
        "page": {"type": "integer"}, "per_page": {"type": "integer"},
        "sort": {**_STR, "description": "the order of the hits: newest when relevance was "
                                        "asked of a search without words"},
        "exact": {"type": "boolean"}, "filters": {"type": "object"},
        "hits": {"type": "array", "items": HIT},
        "facets": {"type": "object", "properties": {
            f: {"type": "array", "items": FACET_VALUE} for f in FACETS}},
        "suggestion": _NULLABLE_STR,
        "notes": {"type": "array", "items": _STR},
        "timeline": {"type": "array", "items": {
            "type": "object", "properties": {"month": _STR, "count": {"type": "integer"}}}},
    },
}

QUOTE_HIT = {
    "type": "object",
    "required": ["id", "doc_id", "text", "speaker", "speaker_type", "affiliation", "kind",
                 "paragraph", "start", "end", "language", "translated", "original_language",
                 "outlet", "date", "date_precision", "title", "url", "score", "snippet"],
    "properties": {
        "id": {"type": "string", "description": "document id, '#q', position in it"},
        "doc_id": _STR,
        "text": {"type": "string", "description": "the words inside the quotation marks"},
        "speaker": {"type": "string", "nullable": True,
                    "description": "null when the text does not say who"},
        "speaker_type": {"type": "string", "enum": ["person", "organization"],
                         "nullable": True},
        "affiliation": {"type": "string", "nullable": True,
                        "description": "the speaker's role as the text gives it"},
        "kind": {"type": "string", "enum": list(QUOTE_KINDS)},
        "paragraph": {"type": "integer", "description": "from 1, in the cleaned body"},
        "start": {"type": "integer", "description": "character offset in the cleaned body"},
        "end": {"type": "integer"},
        "language": _STR, "translated": {"type": "boolean",
                                         "description": "the words are a translation"},
        "original_language": _NULLABLE_STR, "outlet": _NULLABLE_STR, "date": _NULLABLE_STR,
        "date_precision": _NULLABLE_STR, "title": _NULLABLE_STR, "url": _NULLABLE_STR,
        "score": {"type": "number", "nullable": True},
        "snippet": {"type": "string", "description": "HTML: text escaped, matches in <mark>"},
    },
}

QUOTE_RESULT = {
    "type": "object",
    "required": ["query", "parsed_query", "total", "page", "per_page", "hits", "facets",
                 "suggestion"],
    "properties": {
        **{k: v for k, v in SEARCH_RESULT["properties"].items() if k not in ("hits", "facets",
                                                                            "timeline")},
        "hits": {"type": "array", "items": QUOTE_HIT},
        "facets": {"type": "object", "properties": {
            f: {"type": "array", "items": FACET_VALUE} for f in QUOTE_FACETS}},
    },
}

DOCUMENT = {
    "type": "object",
    "required": ["id", "title", "body", "outlet", "date", "date_precision", "language",
                 "language_confidence", "original_language", "translated", "doc_type",
                 "organizations", "people", "url", "author", "provenance", "removed",
                 "quotes"],
    "properties": {
        "id": _STR, "title": _NULLABLE_STR, "original_title": _NULLABLE_STR, "body": _STR,
        "outlet": _NULLABLE_STR,
        "also_in": {"type": "array", "items": _STR,
                    "description": "other outlets that published it (corpus/sources.toml)"},
        "series": _NULLABLE_STR, "date": _NULLABLE_STR,
        "date_precision": {"type": "string", "nullable": True}, "language": _STR,
        "language_confidence": {"type": "number"}, "original_language": _NULLABLE_STR,
        "translated": {"type": "boolean"}, "doc_type": _STR,
        "organizations": {"type": "array", "items": _STR},
        "people": {"type": "array", "items": _STR}, "url": _NULLABLE_STR,
        "author": _NULLABLE_STR,
        "provenance": {"type": "object", "additionalProperties": _STR},
        "removed": {"type": "array", "items": _STR,
                    "description": "the text cleaning removed, piece by piece"},
        "removed_reasons": {"type": "array", "items": _STR,
                            "description": "why each piece of `removed` was removed"},
        "aliases": {"type": "object", "additionalProperties": {"type": "array", "items": _STR},
                    "description": "other names of its organizations and people"},
        "paragraph_languages": {"type": "array", "items": _STR,
                                "description": "each paragraph's language code"},
        "path": {**_STR, "description": "the file, under the corpus folder"},
        "format": {"type": "string", "enum": ["text", "html", "markdown"]},
        "quotes": {"type": "array", "description": "the quotations, in reading order",
                   "items": {"type": "object", "properties": {
                       "id": {**_STR, "description": "q1, q2, ...: the anchor of its "
                                                     "permalink (/doc/<id>#q3)"},
                       **{k: QUOTE_HIT["properties"][k] for k in (
                           "text", "speaker", "speaker_type", "affiliation", "kind",
                           "paragraph", "start", "end", "translated")}}}},
        "matches": {"type": "object", "properties": {
            "total": {"type": "integer"},
            "matches": {"type": "array", "items": {"type": "object", "properties": {
                "paragraph": {"type": "integer"}, "start": {"type": "integer"},
                "end": {"type": "integer"}, "text": _STR, "context": _STR}}}}},
    },
}


def _errors(*codes: int) -> dict:
    return {str(c): {"description": {400: "bad parameter", 404: "no such document",
                                     503: "no index yet"}[c],
                     "content": {"application/json": {"schema": {"$ref":
                                                                 "#/components/schemas/Error"}}}}
            for c in codes}


def spec(server: str = "") -> dict:
    """The OpenAPI document."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "corpus-search", "version": "1",
                 "description": "Full-text search over news coverage of the protests "
                                "against Amazon's contracts with ICE."},
        "servers": [{"url": server}] if server else [],
        "paths": {
            "/api/search": {"get": {
                "summary": "Search (the same object as `corpus-search search --json`)",
                "parameters": SEARCH_PARAMETERS,
                "responses": {"200": {"description": "results", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Results"}}}},
                    **_errors(400, 503)},
            }},
            "/api/quotes": {"get": {
                "summary": "Search quotations: who said what, where and when (the same "
                           "object as `corpus-search quotes --json`)",
                "parameters": QUOTE_PARAMETERS,
                "responses": {"200": {"description": "results", "content": {
                    "application/json": {"schema": {
                        "$ref": "#/components/schemas/QuoteResults"}}}},
                    **_errors(400, 503)},
            }},
            "/api/documents/{id}": {"get": {
                "summary": "One document (the same object as `corpus-search show --json`), "
                           "plus `matches` when q is given",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": _STR,
                     "description": "the document's path under corpus/ without extension"},
                    SEARCH_PARAMETERS[0], SEARCH_PARAMETERS[-1]],
                "responses": {"200": {"description": "the document", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Document"}}}},
                    **_errors(400, 404, 503)},
            }},
            "/api/export": {"get": {
                "summary": "Every result of a search (no cap), streamed, with metadata and "
                           "the first snippet",
                "parameters": [p for p in SEARCH_PARAMETERS if p["name"] not in
                               ("page", "per_page")] + [
                    _param("format", "csv or jsonl", {"type": "string",
                                                      "enum": ["csv", "jsonl"],
                                                      "default": "csv"})],
                "responses": {"200": {"description": "the results", "content": {
                    "text/csv": {"schema": _STR},
                    "application/x-ndjson": {"schema": _STR}}}, **_errors(400, 503)},
            }},
            "/api/openapi.json": {"get": {"summary": "This description", "responses": {
                "200": {"description": "OpenAPI 3", "content": {
                    "application/json": {"schema": {"type": "object"}}}}}}},
        },
        "components": {"schemas": {"Error": ERROR, "Results": SEARCH_RESULT, "Hit": HIT,
                                   "Document": DOCUMENT, "QuoteResults": QUOTE_RESULT,
                                   "QuoteHit": QUOTE_HIT}},
    }
