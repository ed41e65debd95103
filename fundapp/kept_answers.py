"""Whole answers to GET requests, kept per person, request and exact version of the data (fundapp/datacache.py).

A page or API call marked ``@keeps_answers`` shows rows of the database and nothing else: no file, no job's
progress kept outside it, no clock finer than the day. Its answer to a person is the same as long as the rows it
could read are the same, so it is kept, per process, and given again while
- the same user asks the same thing (method GET, path and query string, ``Accept``, browser session or API token),
- in the same language, on the same day (server and Amsterdam),
- and the database is at the same exact version: no commit that wrote anything since, not even a session's
  "last used" (``datacache.exact_version``; a transaction that has written rows of its own is never served).
A kept answer went through every check the first time (login, the route's access rule, the policy) against
the same rows, so giving it again gives what those checks would give.

What differs per page view is made afresh: the CSRF token (the browser session's own), each form's
double-submit token (fundapp/idempotency.py) and the messages flashed to the viewer are kept as marks and
replaced each time the answer is given, the first time too.
Not kept: an answer other than 200, one that sets a cookie or changes the browser's session (the view's own
doing: showing a flashed message is not), one whose request wrote rows, a streamed file, anything but HTML or
JSON.
The store holds at most ANSWER_CACHE_BYTES per process (least recently used dropped first); 0 turns it off.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, g, render_template, request
from flask import session as browser_session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from fundapp import clock, datacache
from fundapp.db import get_session
from fundapp.i18n import locale_name
from fundapp.idempotency import FORM_TOKENS, form_token

F = TypeVar("F", bound=Callable[..., Any])

# Where a kept body had the CSRF token and each form token. Random per process: no text stored in the database (an
# investee's name, say) can hold them, so nothing a user typed is ever replaced by a token.
MARK_CSRF = b"kept-csrf-" + secrets.token_hex(16).encode()
MARK_FORM = b"kept-form-" + secrets.token_hex(16).encode()
# Where a page shows the messages flashed to its viewer (templates/base.html): a page is kept without them and
# each viewing gets its own (most often none; the first page after logging in says welcome).
MARK_FLASHES = b"kept-flashes-" + secrets.token_hex(16).encode()
FLASH_SLOT = "kept_flash_slot"  # g: the page being made puts MARK_FLASHES where the messages go
ONE_AT_MOST = 1024 * 1024  # a larger answer (a long export as JSON) is made each time
KEPT_TYPES = frozenset({"text/html", "application/json"})

_lock = threading.Lock()
_answers: OrderedDict[Hashable, Kept] = OrderedDict()
_held = 0  # bytes of the bodies kept


@dataclass(frozen=True)
class Kept:
    """A 200 answer: its headers (no cookie, no length) and its body with the tokens' marks."""

    headers: tuple[tuple[str, str], ...]
    body: bytes


def keeps_answers(view: F) -> F:
    """Mark a view whose answer depends only on the database's rows, the person, the request and the day."""
    view.keeps_answers = True  # type: ignore[attr-defined]  # read by init_app; copied by functools.wraps
    return view


def init_app(app: Flask) -> None:
    """Wrap the marked views (after every blueprint is registered)."""
    app.extensions["fundapp.kept_answers"] = _AppToken()
    if app.config["ANSWER_CACHE_BYTES"] <= 0:
        return
    for endpoint, view in list(app.view_functions.items()):
        if getattr(view, "keeps_answers", False):
            app.view_functions[endpoint] = _keeping(view)
    # First of all the request's hooks, before the login reads the user and their memberships.
    app.before_request_funcs.setdefault(None, []).insert(0, _version_first)
    app.jinja_env.globals["kept_flash_mark"] = MARK_FLASHES.decode()  # letters, digits and dashes: escaped as it is


def _version_first() -> None:
    """For a view that keeps answers, read the exact version before anything else: the rows the answer is then
    made from (the user and their memberships included) are at least as new as the version it is kept under.
    Read after the login, a commit in between (a membership ended) would be in the version but not in the
    person's rights the answer was checked against."""
    if request.method == "GET":
        view = current_app.view_functions.get(request.endpoint or "")
        if getattr(view, "gives_kept_answers", False):
            datacache.exact_version(get_session())


class _AppToken:
    """Names one app (its database) in the keys: two apps in one process (the tests) never share an answer."""


def _keeping(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def answer(*args: Any, **kwargs: Any) -> Any:
        key = _key()
        if key is None:
            return view(*args, **kwargs)
        with _lock:
            kept = _answers.get(key)
            if kept is not None:
                _answers.move_to_end(key)
        if kept is not None:
            return _given_again(kept)
        g.setdefault(FORM_TOKENS, [])
        setattr(g, FLASH_SLOT, True)
        try:
            response = current_app.make_response(view(*args, **kwargs))
        finally:
            g.pop(FLASH_SLOT, None)  # an error page made after this shows its messages itself
        _keep(key, response)
        if not response.is_streamed and MARK_FLASHES in (body := response.get_data()):
            response.set_data(body.replace(MARK_FLASHES, _flashes()))
        return response

    answer.gives_kept_answers = True  # type: ignore[attr-defined]
    return answer


def _key() -> Hashable | None:
    if request.method != "GET" or not current_user.is_authenticated:
        return None
    # Read first of all (_version_first); read again (None) if the login has since noted "last used".
    version = datacache.exact_version(get_session())
    if version is None:
        return None
    return (
        current_app.extensions["fundapp.kept_answers"],
        request.full_path,
        request.headers.get("Accept", ""),
        current_user.get_id(),
        "api_token" in g,
        locale_name(),
        clock.today(),
        version,
    )


def _keep(key: Hashable, response: Any) -> None:
    global _held
    if (
        response.status_code != 200
        or response.is_streamed
        or response.direct_passthrough
        or response.mimetype not in KEPT_TYPES
        or "Set-Cookie" in response.headers
        or browser_session.modified
    ):
        return
    session = get_session()
    if session.new or session.dirty or session.deleted:  # changes not yet written: the request is a writer
        return
    if datacache.exact_version(session) != key[-1]:  # type: ignore[index]  # the view wrote rows
        return
    body = response.get_data()
    if len(body) > ONE_AT_MOST:
        return
    csrf = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if csrf:
        body = body.replace(csrf.encode(), MARK_CSRF)
    for token in g.get(FORM_TOKENS) or ():
        body = body.replace(token.encode(), MARK_FORM)
    headers = tuple((k, v) for k, v in response.headers.items() if k.lower() != "content-length")
    limit = current_app.config["ANSWER_CACHE_BYTES"]
    with _lock:
        old = _answers.pop(key, None)
        if old is not None:
            _held -= len(old.body)
        _answers[key] = Kept(headers, body)
        _held += len(body)
        while _held > limit and _answers:
            _gone, dropped = _answers.popitem(last=False)
            _held -= len(dropped.body)


def _given_again(kept: Kept) -> Any:
    body = kept.body
    if MARK_CSRF in body:
        body = body.replace(MARK_CSRF, generate_csrf().encode())
    if MARK_FORM in body:
        parts = body.split(MARK_FORM)
        body = parts[0] + b"".join(form_token().encode() + part for part in parts[1:])
    if MARK_FLASHES in body:
        body = body.replace(MARK_FLASHES, _flashes())
    return current_app.response_class(body, status=200, headers=list(kept.headers))


def _flashes() -> bytes:
    """This viewer's messages to show, taken from their session as any page shows them."""
    if "_flashes" not in browser_session:
        return b""
    return render_template("_flashes.html").encode()


def clear() -> None:
    global _held
    with _lock:
        _answers.clear()
        _held = 0


def held() -> tuple[int, int]:
    """How many answers are kept, and their bytes."""
    with _lock:
        return len(_answers), _held
