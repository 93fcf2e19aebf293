"""create_app(config=None) -> Flask: pages, JSON API, errors, security headers."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, current_app, request

from indexer.search import CorpusIndex

# Every response: no inline script or style, nothing from elsewhere, no framing, no sniffing.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(config: dict | None = None) -> Flask:
    """The application. config: INDEX_DIR (default $CORPUS_SEARCH_INDEX or ./index)."""
    from . import api, errors, params, views  # they import get_index from here

    app = Flask(__name__)
    app.config.update(
        INDEX_DIR=os.environ.get("CORPUS_SEARCH_INDEX", "index"),
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=64 * 1024,  # nothing here takes uploads
        TEMPLATES_AUTO_RELOAD=False,
    )
    if config:
        app.config.update(config)
    app.url_map.merge_slashes = False  # "/doc//etc/passwd" is simply not a document
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.extensions["corpus_index"] = CorpusIndex(Path(app.config["INDEX_DIR"]))
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp, url_prefix="/api")
    errors.register(app)
    views.register_template_helpers(app)

    @app.before_request
    def utf8_arguments():
        params.check_utf8(request.query_string)

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def get_index() -> CorpusIndex:
    """The application's index handle (one per app, searchers per thread)."""
    return current_app.extensions["corpus_index"]
