"""One error hierarchy and the one place that turns errors into responses.

The API answers ``{"error": {"code", "message", "details"}}``; a browser gets a
page that says what happened and what to do next.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace
from flask import Flask, Response, g, jsonify, render_template, request
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from fundapp.messages import N_


class AppError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: Any = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details if details is not None else []
        if code:
            self.code = code


class ValidationFailed(AppError):
    """422; details is a list of {"field": ..., "message": ...} (or sheet/cell for spreadsheets)."""

    status = 422
    code = "validation_failed"

    @classmethod
    def from_messages(cls, messages: Any, message: str = "The request is not valid.") -> ValidationFailed:
        return cls(message, details=flatten_messages(messages))

    @classmethod
    def field(cls, field: str, message: str) -> ValidationFailed:
        return cls(message, details=[{"field": field, "message": message}])


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Conflict(AppError):
    status = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"


def flatten_messages(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """marshmallow's nested {"field": ["msg"]} into [{"field": "a.b", "message": "msg"}]."""
    details: list[dict[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                name = prefix or "_schema"
            details.extend(flatten_messages(value, name))
    elif isinstance(messages, list | tuple):
        if all(isinstance(item, str) for item in messages):
            details.extend({"field": prefix or "_schema", "message": item} for item in messages)
        else:
            for item in messages:
                details.extend(flatten_messages(item, prefix))
    else:
        details.append({"field": prefix or "_schema", "message": str(messages)})
    return details


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, code: str, message: str, details: Any = None) -> Response | tuple:
    if wants_json():
        response = jsonify({"error": {"code": code, "message": message, "details": details or []}})
        response.status_code = status
        return response
    session = g.get("db_session")
    if session is not None:
        session.rollback()  # the page's header reads the database (the unread count): not in a failed transaction
    template = "errors/error.html"
    return render_template(template, status=status, code=code, message=message, details=details or []), status


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}


# Werkzeug's own descriptions are English; these are in the catalog, so a page shows them in the reader's language.
_HTTP_MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("Please log in first."),
    403: N_("You are not allowed to do this."),
    404: N_("There is nothing at this address."),
    405: N_("This address does not take this kind of request."),
    413: N_("The request is too large."),
    415: N_("This kind of content is not accepted here."),
    429: N_("Too many attempts. Please wait a moment and try again."),
    500: N_("Something went wrong on our side. Nothing was changed."),
    503: N_("The service is not available right now. Please try again in a minute."),
}

# Sent with the endpoint of an over-large request; a listener may answer it in its own terms (e.g. as a
# spreadsheet problem) by returning an AppError. Connected in ``create_app``.
request_too_large = Namespace().signal("request-too-large")


def _from_http_exception(exc: HTTPException) -> Response | tuple:
    status = exc.code or 500
    if status == 413:
        for _listener, replacement in request_too_large.send(request.endpoint):
            if replacement is not None:
                return error_response(replacement.status, replacement.code, replacement.message, replacement.details)
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    if status == 422 and messages:
        # webargs/flask-smorest parse errors come as {"json": {"field": [...]}}
        if (
            isinstance(messages, dict)
            and len(messages) == 1
            and next(iter(messages)) in {"json", "query", "form", "files", "multipart", "headers", "view_args"}
        ):
            messages = next(iter(messages.values()))
        return error_response(422, "validation_failed", "The request is not valid.", flatten_messages(messages))
    message = data.get("message") or exc.description or exc.name
    if message == type(exc).description:
        message = _HTTP_MESSAGES.get(status, message)
    if status == 500:
        original = getattr(exc, "original_exception", None)
        if original is not None:
            return _from_unexpected(original)
    response = error_response(status, _HTTP_CODES.get(status, "error"), message)
    allowed = getattr(exc, "valid_methods", None)
    if allowed:
        # HTTP requires a 405 to say which methods the resource does allow.
        if isinstance(response, tuple):
            return response[0], response[1], {"Allow": ", ".join(allowed)}
        response.headers["Allow"] = ", ".join(allowed)
    return response


def _from_unexpected(exc: BaseException) -> Response | tuple:
    if isinstance(exc, AppError):
        return error_response(exc.status, exc.code, exc.message, exc.details)
    if isinstance(exc, StaleDataError):
        return error_response(
            409, "conflict", N_("Someone else changed this at the same moment. Reload and try again.")
        )
    if isinstance(exc, OverflowError) or (isinstance(exc, DataError) and "out of range" in str(exc)):
        return error_response(
            422,
            "validation_failed",
            N_("A number in the request is too large."),
            [{"field": "_schema", "message": N_("number out of range")}],
        )
    if isinstance(exc, IntegrityError):
        return error_response(409, "conflict", N_("This conflicts with data that already exists."))
    if isinstance(exc, OperationalError) and is_busy(exc):
        return error_response(
            409, "conflict", N_("Someone else was saving at the same moment. Nothing was changed; please try again.")
        )
    if isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
        return error_response(
            503,
            "service_unavailable",
            N_("The database cannot be reached right now. Nothing was changed; please try again in a minute."),
        )
    return error_response(500, "internal_error", _HTTP_MESSAGES[500])


# SQLite's "locked"/"busy", PostgreSQL's serialization failure, deadlock and lock timeout: the database
# is there, another transaction was in the way. Trying again is the answer, not waiting for an operator.
_BUSY_SQLSTATES = {"40001", "40P01", "55P03"}


def is_busy(exc: DBAPIError) -> bool:
    if getattr(exc.orig, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    text = str(exc.orig).lower()
    return "database is locked" in text or "database table is locked" in text or "database is busy" in text


def init_app(app: Flask) -> None:
    @app.errorhandler(AppError)
    def _app_error(exc: AppError) -> Any:
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        return _from_http_exception(exc)

    @app.errorhandler(IntegrityError)
    def _integrity_error(exc: IntegrityError) -> Any:
        return _from_unexpected(exc)

    @app.errorhandler(OverflowError)
    def _overflow(exc: OverflowError) -> Any:
        return _from_unexpected(exc)

    @app.errorhandler(DataError)
    def _data_error(exc: DataError) -> Any:
        return _from_unexpected(exc)

    @app.errorhandler(StaleDataError)
    def _stale(exc: StaleDataError) -> Any:
        return _from_unexpected(exc)

    @app.errorhandler(OperationalError)
    def _db_down(exc: OperationalError) -> Any:
        app.logger.error("database unavailable: %s", exc)
        return _from_unexpected(exc)
