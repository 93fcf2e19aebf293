"""The OpenAPI 3 description of /api (served at /api/openapi.json)."""

from __future__ import annotations

from indexer.models import DOC_TYPES
from indexer.search import FACETS, MAX_PER_PAGE, MAX_QUERY_LENGTH, SORTS

_STR = {"type": "string"}
_NULLABLE_STR = {"type": "string", "nullable": True}


def _param(name: str, description: str, schema: dict, multi: bool = False) -> dict:
    p = {"name": name, "in": "query", "required": False, "description": description,
         "schema": {"type": "array", "items": schema} if multi else schema}
    if multi:
        p.update(style="form", explode=True)
    return p


SEARCH_PARAMETERS = [
    _param("q", "Query text (Whoosh syntax: AND OR NOT, \"phrases\", \"a b\"~3, word~, "
                "wildcards*, title: outlet: org: person: author: lang: type: year: "
                "date:[2019-01 TO 2019-06]). Empty: browse everything, newest first.",
           {"type": "string", "maxLength": MAX_QUERY_LENGTH}),
    _param("outlet", "Outlet name; several are OR'ed.", _STR, multi=True),
    _param("org", "Organization (canonical name); several are OR'ed.", _STR, multi=True),
    _param("person", "Person (canonical name); several are OR'ed.", _STR, multi=True),
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
    },
}

SEARCH_RESULT = {
    "type": "object",
    "required": ["query", "parsed_query", "total", "page", "per_page", "hits", "facets",
                 "suggestion"],
    "properties": {
        "query": _STR, "parsed_query": _STR, "total": {"type": "integer"},
        "page": {"type": "integer"}, "per_page": {"type": "integer"}, "sort": _STR,
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

DOCUMENT = {
    "type": "object",
    "required": ["id", "title", "body", "outlet", "date", "date_precision", "language",
                 "language_confidence", "original_language", "translated", "doc_type",
                 "organizations", "people", "url", "author", "provenance", "removed"],
    "properties": {
        "id": _STR, "title": _NULLABLE_STR, "original_title": _NULLABLE_STR, "body": _STR,
        "outlet": _NULLABLE_STR, "date": _NULLABLE_STR,
        "date_precision": {"type": "string", "nullable": True}, "language": _STR,
        "language_confidence": {"type": "number"}, "original_language": _NULLABLE_STR,
        "translated": {"type": "boolean"}, "doc_type": _STR,
        "organizations": {"type": "array", "items": _STR},
        "people": {"type": "array", "items": _STR}, "url": _NULLABLE_STR,
        "author": _NULLABLE_STR,
        "provenance": {"type": "object", "additionalProperties": _STR},
        "removed": {"type": "array", "items": _STR},
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
                                   "Document": DOCUMENT}},
    }
