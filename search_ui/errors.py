"""Errors: one JSON shape under /api, a friendly page elsewhere; never a traceback."""

from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.errors import (
    CorpusSearchError,
    DocumentNotFoundError,
    IndexNotFoundError,
    ParameterError,
)

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


def error_response(status: int, message: str, parameter: str | None = None):
    """{"error": {"status": 400, "message": "...", "parameter": "page"}} or the HTML page."""
    if _wants_json():
        body = {"error": {"status": status, "message": message}}
        if parameter:
            body["error"]["parameter"] = parameter
        return jsonify(body), status
    return render_template("error.html", status=status, message=message,
                           parameter=parameter), status


def register(app) -> None:
    @app.errorhandler(ParameterError)
    def bad_parameter(exc: ParameterError):
        return error_response(400, str(exc), exc.parameter)

    @app.errorhandler(DocumentNotFoundError)
    def no_document(exc):
        return error_response(404, str(exc))

    @app.errorhandler(IndexNotFoundError)
    def no_index(exc):
        return error_response(503, f"The index is not built yet: {exc}.")

    @app.errorhandler(CorpusSearchError)
    def library_error(exc):
        return error_response(500, str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        messages = {
            404: "Nothing here: check the address.",
            405: f"{request.method} is not allowed here; use "
                 f"{', '.join(sorted(exc.valid_methods or ['GET']))}."
            if hasattr(exc, "valid_methods") else "Method not allowed.",
            413: "The request is too large.",
            414: "The address is too long.",
        }
        return error_response(exc.code or 500, messages.get(exc.code, exc.description))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # a bug of ours: say so without showing internals
        log.exception("unexpected error on %s", request.path)
        return error_response(500, "Something went wrong on our side; it has been logged.")
