"""A POST takes effect once: an API request sent again with its Idempotency-Key, or a page's form sent twice.

The first request with a key claims it (a row of ``idempotency_keys``, unique per
user and key) before its view runs, and its answer is stored in the same
transaction as its effect: a failed request (4xx/5xx) is rolled back with its
claim, so only successful answers are kept and a failed request may be sent
again with the same key. A second request with the key gets the stored answer
and changes nothing; one sent while the first is still running waits on the
claim (PostgreSQL holds the unique index entry) and then gets that answer.

API: ``Idempotency-Key`` on any POST made with an API token, scoped to the
token's user and kept ``LIFETIME``; the replay carries ``Idempotent-Replayed:
true``; the same key with another path or body is refused (422).
Pages: every POST form carries a one-time ``form_token`` (``csrf()`` in
templates/_macros.html); sending it again redirects to where the first went.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import datetime, timedelta

from flask import Flask, Response, current_app, flash, g, redirect, request
from flask_login import current_user
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.wrappers import Response as BaseResponse

from fundapp import jsonbody
from fundapp.db import Base, UTCDateTime, get_session, utcnow
from fundapp.errors import ValidationFailed
from fundapp.i18n import gettext as _

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
LIFETIME = timedelta(hours=24)
KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as HTTP headers carry it
FORM_FIELD = "form_token"
FORM_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Forms that change nothing (calculators): sending one again simply calculates again.
REPEATABLE_FORMS = frozenset({"loans.preview", "outcomes.simulate"})


class IdempotencyKey(Base):
    """The first answer to a POST sent with a key (API) or a form token (pages, key ``form:<token>``)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(Text)
    request_hash: Mapped[str] = mapped_column(String(64))
    # Set by the request that claimed the key, in the transaction of its effect.
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def _claim(session: Session, user_id: int, key: str, path: str, request_hash: str) -> tuple[IdempotencyKey, bool]:
    """The key's record, and whether this request is its first (and must store its answer)."""
    found = _find(session, user_id, key)
    if found is not None:
        return found, False
    session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.created_at < utcnow() - LIFETIME)
    )
    record = IdempotencyKey(user_id=user_id, key=key, method=request.method, path=path, request_hash=request_hash)
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        # Another request claimed the key; PostgreSQL made this one wait until it committed.
        found = _find(session, user_id, key)
        if found is None:
            raise
        return found, False
    return record, True


def _find(session: Session, user_id: int, key: str) -> IdempotencyKey | None:
    return session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.key == key,
            IdempotencyKey.created_at >= utcnow() - LIFETIME,
        )
    )


def _body_hash() -> str:
    """JSON bodies are compared by content (key order and spacing aside), others byte for byte."""
    data = request.get_data()
    if request.is_json and data.strip():
        # Read as the view will read it: a body nested too deep or with bad text is refused here already.
        data = json.dumps(jsonbody.parse(data), sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(request.query_string + b"\n" + data).hexdigest()


def _api_request() -> Response | None:
    key = request.headers.get(HEADER)
    if key is None or request.method != "POST" or not request.path.startswith("/api/") or "api_token" not in g:
        return None
    if not KEY.fullmatch(key):
        raise ValidationFailed.field(HEADER, "An Idempotency-Key is 1 to 255 visible ASCII characters.")
    request_hash = _body_hash()
    record, first = _claim(get_session(), current_user.id, key, request.path, request_hash)
    if first:
        g.idempotency = record
        return None
    if (record.method, record.path, record.request_hash) != (request.method, request.path, request_hash):
        raise ValidationFailed(
            "This Idempotency-Key was used for a different request; use a new key for a new request.",
            [{"field": HEADER, "message": f"first used for {record.method} {record.path} with another body"}],
            code="idempotency_key_reused",
        )
    response = current_app.response_class(record.response_body, status=record.response_status)
    response.mimetype = "application/json"
    response.headers[REPLAYED_HEADER] = "true"
    return response


def _form_request() -> BaseResponse | None:
    if request.method != "POST" or request.path.startswith("/api/") or request.endpoint in REPEATABLE_FORMS:
        return None
    token = request.form.get(FORM_FIELD, "")
    if not current_user.is_authenticated or not FORM_TOKEN.fullmatch(token):
        return None
    record, first = _claim(get_session(), current_user.id, f"form:{token}", request.path, "")
    if first:
        g.idempotency = record
        return None
    flash(_("This form was already sent; it was not sent again."), "warning")
    return redirect(record.location or request.path, code=303)


def _store_answer(response: Response) -> Response:
    record = g.pop("idempotency", None)
    if record is None or response.status_code >= 400:
        return response  # a failed request is rolled back, its claim with it
    record.response_status = response.status_code
    if request.path.startswith("/api/"):
        record.response_body = response.get_data(as_text=True)
    else:
        # A page answered without a redirect (a new API token shown once) is not shown again: its address is.
        record.location = response.location or request.full_path.rstrip("?")
    return response


def init_app(app: Flask) -> None:
    """Registered after auth (the user is known) and after the database (answers are stored before its commit)."""
    app.before_request(_api_request)
    app.before_request(_form_request)
    app.after_request(_store_answer)
    app.jinja_env.globals["form_token"] = form_token


FORM_TOKENS = "fundapp_form_tokens"


def form_token() -> str:
    """A form's double-submit token, new for each form shown; noted for a page whose answer is kept, which gets
    new ones each time it is given again (fundapp/kept_answers.py)."""
    token = secrets.token_urlsafe(24)
    noted = g.get(FORM_TOKENS)
    if noted is not None:
        noted.append(token)
    return token
