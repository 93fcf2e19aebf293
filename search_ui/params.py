"""Request arguments -> SearchQuery: one parser for the HTML pages and the JSON API."""

from __future__ import annotations

from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from indexer.errors import ParameterError
from indexer.search import SearchQuery, make_query

#: the parameters of GET / and GET /api/search (and of /api/export besides `format`)
SEARCH_PARAMS = ("q", "outlet", "org", "person", "lang", "type", "from", "to", "translated",
                 "original_lang", "sort", "page", "per_page", "exact")
MULTI = {"outlet", "org", "person", "lang", "type"}


def search_query(args: MultiDict, strict: bool = True, extra: tuple[str, ...] = ()
                 ) -> SearchQuery:
    """Validate request arguments. strict: unknown or repeated single-valued parameters are
    errors (the API, where a typo should not silently change the answer); pages ignore them."""
    if strict:
        for name in args:
            if name not in SEARCH_PARAMS and name not in extra:
                raise ParameterError(name, f"unknown parameter '{name}'; the parameters are "
                                           f"{', '.join(SEARCH_PARAMS + extra)}")
            if name not in MULTI and len(args.getlist(name)) > 1:
                raise ParameterError(name, f"{name} is given {len(args.getlist(name))} times; "
                                           f"give it once")

    def one(name: str, default=None):
        values = [v for v in args.getlist(name)]
        return values[-1] if values else default

    return make_query(
        q=one("q", ""), outlet=args.getlist("outlet"), org=args.getlist("org"),
        person=args.getlist("person"), lang=args.getlist("lang"), type=args.getlist("type"),
        date_from=one("from"), date_to=one("to"), sort=one("sort"), page=one("page", 1),
        per_page=one("per_page", 10), exact=one("exact", False),
        translated=one("translated"), original_lang=one("original_lang"),
    )


def query_args(sq: SearchQuery, **changes) -> list[tuple[str, str]]:
    """The canonical URL arguments of a query (what a permalink holds), with changes applied.

    changes: q, sort, page, per_page, exact, from, to; outlet/org/person/lang/type as tuples.
    """
    values: dict[str, object] = {
        "q": sq.text, "outlet": sq.outlets, "org": sq.organizations, "person": sq.people,
        "lang": sq.languages, "type": sq.doc_types,
        "from": sq.date_from.isoformat() if sq.date_from else "",
        "to": sq.date_to.isoformat() if sq.date_to else "",
        "translated": "" if sq.translated is None else str(sq.translated).lower(),
        "original_lang": sq.original_language or "",
        "sort": sq.sort, "page": sq.page, "per_page": sq.per_page,
        "exact": "1" if sq.exact else "",
    }
    values.update({k.rstrip("_"): v for k, v in changes.items()})
    out: list[tuple[str, str]] = []
    for name in SEARCH_PARAMS:
        v = values.get(name)
        if name in MULTI:
            out += [(name, str(x)) for x in (v or ())]
        elif name == "sort" and v == "relevance":
            continue
        elif name == "page" and int(v or 1) == 1:
            continue
        elif name == "per_page" and int(v or 10) == 10:
            continue
        elif v not in (None, ""):
            out.append((name, str(v)))
    return out


def query_string(sq: SearchQuery, **changes) -> str:
    return urlencode(query_args(sq, **changes))


def toggle(sq: SearchQuery, name: str, value: str) -> str:
    """The query string with one facet value switched on or off (back to page 1)."""
    current = {"outlet": sq.outlets, "org": sq.organizations, "person": sq.people,
               "lang": sq.languages, "type": sq.doc_types}[name]
    new = tuple(v for v in current if v != value) if value in current else (*current, value)
    return query_string(sq, **{name: new, "page": 1})
