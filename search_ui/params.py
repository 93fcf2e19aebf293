"""Request arguments -> SearchQuery: one parser for the HTML pages and the JSON API."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes, urlencode

from werkzeug.datastructures import MultiDict

from indexer.errors import ParameterError
from indexer.search import QuoteQuery, SearchQuery, make_query, make_quote_query

#: the parameters of GET / and GET /api/search (and of /api/export besides `format`)
SEARCH_PARAMS = ("q", "outlet", "org", "person", "lang", "type", "from", "to", "translated",
                 "original_lang", "sort", "page", "per_page", "exact", "organization",
                 "language", "doc_type")
#: a facet's own name filters as its short parameter does: what a script reads in
#: `facets` it may send back as it is
FACET_PARAMS = {"organization": "org", "language": "lang", "doc_type": "type"}
MULTI = {"outlet", "org", "person", "lang", "type", "speaker", "kind", *FACET_PARAMS}
#: the parameters of GET /quotes and GET /api/quotes
QUOTE_PARAMS = ("q", "speaker", "outlet", "kind", "lang", "from", "to", "translated", "sort",
                "page", "per_page", "exact")


def check_utf8(query_string: bytes) -> None:
    """ParameterError naming the first parameter whose name or value, percent-decoded, is
    not UTF-8: werkzeug keeps such bytes as text ('%FF'), so `q=%FF%FE` would search the
    words ff and fe."""
    for pair in query_string.split(b"&"):
        name, _, value = pair.partition(b"=")
        for part in (name, value):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                shown = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace")
                raise ParameterError(shown, f"{shown} holds bytes that are not UTF-8 text; "
                                            f"percent-encode its UTF-8 bytes") from None


def _check(args: MultiDict, known: tuple[str, ...]) -> None:
    """Unknown or repeated single-valued parameters are errors (for the API, where a typo
    should not silently change the answer)."""
    for name in args:
        if name not in known:
            raise ParameterError(name, f"unknown parameter '{name}'; the parameters are "
                                       f"{', '.join(known)}")
        if name not in MULTI and len(args.getlist(name)) > 1:
            raise ParameterError(name, f"{name} is given {len(args.getlist(name))} times; "
                                       f"give it once")


def _one(args: MultiDict, name: str, default=None):
    values = args.getlist(name)
    return values[-1] if values else default


def quote_query(args: MultiDict, strict: bool = True) -> QuoteQuery:
    """Request arguments -> QuoteQuery (the same rules as search_query)."""
    if strict:
        _check(args, QUOTE_PARAMS)
    return make_quote_query(
        q=_one(args, "q", ""), speaker=args.getlist("speaker"), outlet=args.getlist("outlet"),
        kind=args.getlist("kind"), lang=args.getlist("lang"), date_from=_one(args, "from"),
        date_to=_one(args, "to"), translated=_one(args, "translated"), sort=_one(args, "sort"),
        page=_one(args, "page", 1), per_page=_one(args, "per_page", 10),
        exact=_one(args, "exact", False))


def quote_query_string(qq: QuoteQuery, **changes) -> str:
    """The canonical query string of a quotation search, with changes applied."""
    values: dict[str, object] = {
        "q": qq.text, "speaker": qq.speakers, "outlet": qq.outlets, "kind": qq.kinds,
        "lang": qq.languages, "from": qq.date_from.isoformat() if qq.date_from else "",
        "to": qq.date_to.isoformat() if qq.date_to else "",
        "translated": "" if qq.translated is None else str(qq.translated).lower(),
        "sort": qq.sort, "page": qq.page, "per_page": qq.per_page,
        "exact": "1" if qq.exact else "",
    }
    values.update({k.rstrip("_"): v for k, v in changes.items()})
    out: list[tuple[str, str]] = []
    for name in QUOTE_PARAMS:
        v = values.get(name)
        if name in MULTI:
            out += [(name, str(x)) for x in (v or ())]
        elif (name, v) in (("sort", "relevance"),) or (name == "page" and int(v or 1) == 1) \
                or (name == "per_page" and int(v or 10) == 10):
            continue
        elif v not in (None, ""):
            out.append((name, str(v)))
    return urlencode(out)


def quote_toggle(qq: QuoteQuery, name: str, value: str) -> str:
    current = {"speaker": qq.speakers, "outlet": qq.outlets, "kind": qq.kinds}[name]
    new = tuple(v for v in current if v != value) if value in current else (*current, value)
    return quote_query_string(qq, **{name: new, "page": 1})


def search_query(args: MultiDict, strict: bool = True, extra: tuple[str, ...] = (),
                 without: tuple[str, ...] = ()) -> SearchQuery:
    """Validate request arguments; strict (the API) refuses unknown parameters (those of
    `without` too), pages ignore them."""
    if strict:
        _check(args, tuple(p for p in SEARCH_PARAMS + extra if p not in without))

    def one(name: str, default=None):
        return _one(args, name, default)

    def many(name: str) -> list[str]:
        return args.getlist(name) + [v for long, short in FACET_PARAMS.items()
                                     if short == name for v in args.getlist(long)]

    try:
        return make_query(
            q=one("q", ""), outlet=many("outlet"), org=many("org"),
            person=many("person"), lang=many("lang"), type=many("type"),
            date_from=one("from"), date_to=one("to"), sort=one("sort"), page=one("page", 1),
            per_page=one("per_page", 10), exact=one("exact", False),
            translated=one("translated"), original_lang=one("original_lang"),
        )
    except ParameterError as exc:
        # "doc_type=op-ed" is refused as doc_type, the name it was given by
        given = [long for long, short in FACET_PARAMS.items()
                 if short == exc.parameter and long in args and exc.parameter not in args]
        if given:
            raise ParameterError(given[0], str(exc).replace(
                f"{exc.parameter} must", f"{given[0]} must", 1)) from None
        raise


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
