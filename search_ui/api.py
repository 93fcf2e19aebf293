"""/api/...: JSON for scripts. The same objects as `corpus-search search --json` and
`corpus-search show --json`; CSV and JSON Lines exports of whole result sets."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from itertools import chain

from flask import Blueprint, Response, jsonify, request, stream_with_context

from indexer.errors import ParameterError

from . import openapi
from .app import get_index
from .params import quote_query, search_query

bp = Blueprint("api", __name__)


@bp.get("/search")
def search():
    results = get_index().search(search_query(request.args))
    return jsonify(results.to_dict())


@bp.get("/quotes")
def quotes():
    results = get_index().search_quotes(quote_query(request.args))
    return jsonify(results.to_dict())


@bp.get("/documents/<path:doc_id>")
def document(doc_id: str):
    for name in request.args:
        if name not in ("q", "exact"):
            raise ParameterError(name, f"unknown parameter '{name}'; the parameters are q, exact")
    ix = get_index()
    doc = ix.document(doc_id)
    data = doc.to_dict()
    q = request.args.get("q", "")
    if q.strip():
        sq = search_query(request.args)  # validates q (length) and exact
        data["matches"] = ix.all_matches(doc_id, sq.text, sq.exact).to_dict()
    return jsonify(data)


EXPORT_COLUMNS = ("id", "title", "outlet", "date", "date_precision", "language",
                  "original_language", "translated", "doc_type", "organizations", "people",
                  "author", "url", "score", "snippet")


def _plain(snippet_html: str) -> str:
    return html.unescape(re.sub(r"</?mark[^>]*>", "", snippet_html))


def _cell(value: object) -> str:
    """A CSV cell; a leading = + - @ is neutralised so spreadsheets never run it."""
    text = "; ".join(value) if isinstance(value, (list, tuple)) else (
        "" if value is None else str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/export")
def export():
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "jsonl"):
        raise ParameterError("format", f"format must be csv or jsonl, not {fmt!r}")
    for name in ("page", "per_page"):
        if name in request.args:
            raise ParameterError(name, f"{name} does not apply: an export holds every result")
    sq = search_query(request.args, extra=("format",), without=("page", "per_page"))
    ix = get_index()
    rows = ix.iter_hits(sq)
    # The search runs when the first row is asked for: ask now, so that a query the index
    # refuses (ParameterError) is a 400 like /api/search's, not a stream cut off after it
    # has begun with 200.
    first = next(rows, None)
    rows = chain([] if first is None else [first], rows)

    def generate():
        if fmt == "csv":
            buf = io.StringIO()
            writer = csv.writer(buf)
            writer.writerow(EXPORT_COLUMNS)
            yield buf.getvalue()
            for _total, hit in rows:
                buf.seek(0)
                buf.truncate()
                d = hit.to_dict()
                d["snippet"] = _plain(hit.snippets[0]) if hit.snippets else ""
                writer.writerow([_cell(d.get(c)) for c in EXPORT_COLUMNS])
                yield buf.getvalue()
        else:
            for _total, hit in rows:
                d = hit.to_dict()
                d["snippet"] = hit.snippets[0] if hit.snippets else ""
                del d["snippets"]
                yield json.dumps(d, ensure_ascii=False) + "\n"

    mimetype = "text/csv" if fmt == "csv" else "application/x-ndjson"
    response = Response(stream_with_context(generate()), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="corpus-search.{fmt}"'
    return response


@bp.get("/openapi.json")
def openapi_spec():
    return jsonify(openapi.spec(request.host_url.rstrip("/")))


@bp.get("/")
@bp.get("")
def index():
    return jsonify({"endpoints": ["/api/search", "/api/quotes", "/api/documents/{id}",
                                  "/api/export", "/api/openapi.json"]})

