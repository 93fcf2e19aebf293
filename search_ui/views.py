"""HTML pages: search, document. Server-rendered; JavaScript only enhances."""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, render_template, request
from markupsafe import Markup, escape

from indexer.citation import citations, human_date, quote_citation
from indexer.language import language_name
from indexer.search import FACETS, SearchResults

from .app import get_index
from .params import (
    query_string,
    quote_query,
    quote_query_string,
    quote_toggle,
    search_query,
    toggle,
)

bp = Blueprint("views", __name__)

FACET_TITLES = {"outlet": "Outlet", "organization": "Organization", "person": "Person",
                "language": "Language", "year": "Year", "doc_type": "Type"}
# facet -> the request parameter that filters by it
FACET_PARAMS = {"outlet": "outlet", "organization": "org", "person": "person",
                "language": "lang", "doc_type": "type"}
# The only markup our highlighter and quotation renderer emit; attribute values are escaped.
_OUR_TAGS = re.compile(
    r'</?mark(?: id="m\d+")?>|</span>|</a>'
    r'|<span class="quote" id="q\d+" data-kind="[^"<>]*" title="[^"<>]*">'
    r'|<a class="who(?: unknown)?" href="#q\d+">'
)


def marked(fragment: str | None) -> Markup:
    """Trust our highlighter's <mark> (and the quotation spans of the document page) and
    nothing else: a fragment with any other markup is escaped whole."""
    if not fragment:
        return Markup("")
    rest = _OUR_TAGS.sub("", fragment)
    if "<" in rest or ">" in rest:
        return escape(fragment)
    return Markup(fragment)


def register_template_helpers(app) -> None:
    app.jinja_env.filters["marked"] = marked
    app.jinja_env.filters["language_name"] = language_name
    app.jinja_env.globals.update(FACETS=FACETS, FACET_TITLES=FACET_TITLES,
                                 query_string=query_string, toggle=toggle,
                                 FACET_PARAMS=FACET_PARAMS,
                                 quote_query_string=quote_query_string,
                                 quote_toggle=quote_toggle)


@bp.get("/")
def search_page():
    results = get_index().search(search_query(request.args, strict=False))
    # The links are made from the query as searched: a filter typed 'la opinion' was read
    # as 'La Opinión', the value its facet shows, so that value's link switches it off.
    return render_template("search.html", sq=results.query, r=results,
                           timeline=_timeline(results),
                           pages=_pages(results), year_links=_year_links(results))


def _year_links(r: SearchResults) -> dict[str, str]:
    """Year facet values switch the date range to that year (and back off)."""
    sq = r.query
    out = {}
    for v in r.facets.get("year", ()):
        if v.selected:
            out[v.value] = query_string(sq, from_="", to="", page=1)
        else:
            out[v.value] = query_string(sq, from_=v.value, to=v.value, page=1)
    return out


def _timeline(r: SearchResults) -> dict | None:
    """Bars for the months of the results; each links to that month."""
    if not r.timeline:
        return None
    peak = max(n for _, n in r.timeline) or 1
    width = 640
    bar = max(2.0, min(40.0, width / len(r.timeline)))
    bars = []
    for i, (month, n) in enumerate(r.timeline):
        h = 0 if n == 0 else max(3.0, 80.0 * n / peak)
        bars.append({
            "month": month, "count": n, "x": round(i * bar, 2), "w": round(bar * 0.85, 2),
            "y": round(90 - h, 2), "h": round(h, 2),
            "href": "?" + query_string(r.query, from_=month, to=month, page=1),
        })
    return {"bars": bars, "width": round(bar * len(bars), 2), "first": r.timeline[0][0],
            "last": r.timeline[-1][0], "peak": peak}


def _pages(r: SearchResults) -> list[tuple[str, int | None]]:
    """Page links around the current one: numbers, with None for a gap."""
    last, cur = r.pages, r.page
    wanted = sorted({1, last, *range(max(1, cur - 2), min(last, cur + 2) + 1)})
    out: list[tuple[str, int | None]] = []
    prev = 0
    for p in wanted:
        if p - prev > 1:
            out.append(("…", None))
        out.append((str(p), p))
        prev = p
    return out


@bp.get("/quotes")
def quotes_page():
    ix = get_index()
    results = ix.search_quotes(quote_query(request.args, strict=False))
    cites = {}
    for h in results.hits:
        doc = ix.document(h.doc_id)
        cites[h.id] = quote_citation(h.speaker, h.affiliation, h.text, h.title, h.outlet,
                                     doc.date, h.url, h.translated, h.original_language)
    return render_template("quotes.html", qq=results.query, r=results, cites=cites)


@bp.get("/doc/<path:doc_id>")
def document_page(doc_id: str):
    sq = search_query(request.args, strict=False)
    ix = get_index()
    doc = ix.document(doc_id)
    paragraphs, n_matches = ix.highlight_document(doc, sq.text, sq.exact)
    today = dt.datetime.now(dt.UTC).date()
    rows = [
        ("Outlet", doc.outlet, "outlet"),
        ("Also published in", "; ".join(doc.also_in), "also_in"),
        ("Series", doc.series, "series"),
        ("Date", human_date(doc.date) if doc.date else None, "date"),
        ("Type", doc.doc_type, "doc_type"),
        ("Language", f"{language_name(doc.language)} ({doc.language})", "language"),
        ("Original language", language_name(doc.original_language)
         if doc.original_language else None, "original_language"),
        ("Original title", doc.original_title, "original_title"),
        ("Author", doc.author, "author"),
        ("URL", doc.url, "url"),
        ("Organizations", "; ".join(e.name for e in doc.organizations), "organizations"),
        ("People", "; ".join(e.name for e in doc.people), "people"),
    ]
    back = query_string(sq)
    quote_cites = [quote_citation(q.speaker, q.affiliation, q.text, doc.title, doc.outlet,
                                  doc.date, doc.url, doc.translated, doc.original_language)
                   for q in doc.quotes]
    return render_template(
        "document.html", doc=doc, sq=sq, paragraphs=paragraphs, n_matches=n_matches,
        quote_cites=quote_cites,
        rows=[(label, value, doc.provenance.get(key)) for label, value, key in rows if value],
        citation=citations(doc, today), back=back, today=today,
        date_iso=doc.date.isoformat() if doc.date else None,
    )

