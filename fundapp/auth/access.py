"""Who is asking (session or API token), their Scope, and the access rule every route declares.

Every endpoint carries an ``access_rule`` ("public", "login" or "admin");
object-level rules are applied by ``policy.load``. A route without a rule is
refused (fail closed), and a test walks every route.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, current_app, g, redirect, request, url_for
from flask import session as cookie
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from fundapp.auth import token_uses, user_sessions
from fundapp.auth.models import User
from fundapp.auth.policy import Scope
from fundapp.db import get_session, utcnow
from fundapp.errors import Forbidden, Unauthorized, wants_json

F = TypeVar("F", bound=Callable[..., Any])
RULES = ("public", "login", "admin")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SESSION_KEY = "sid"

login_manager = LoginManager()
login_manager.session_protection = "strong"


def _idle() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_IDLE_HOURS"])


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    # Every way in (the session cookie, a remember-me cookie) needs a live session on the server.
    sid = cookie.get(SESSION_KEY)
    if not isinstance(sid, str):
        return None
    user = user_sessions.user_of(get_session(), sid, _idle())
    return user if user is not None and str(user.id) == user_id and user.is_active else None


def log_in(user: User) -> None:
    """Start a fresh session for ``user``: a new cookie (no session fixation) naming a new row on the server."""
    cookie.clear()
    login_user(user)
    cookie[SESSION_KEY] = user_sessions.start(get_session(), user, _idle())
    # A new CSRF secret with the new session, in the cookie the log-in sets: otherwise the first page after it
    # makes one and changes the session, and an answer that changes the session is never kept (kept_answers.py).
    # When 500 people log in for a meeting, each first page was then made afresh while they all arrived.
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    g.pop(field, None)  # the log-in form's token belongs to the session just cleared
    generate_csrf()


def log_out() -> None:
    """End the session on the server too, so a copy of the cookie no longer works."""
    sid = cookie.get(SESSION_KEY)
    if isinstance(sid, str):
        user_sessions.end(get_session(), sid)
    logout_user()
    cookie.clear()


def _authenticate_bearer() -> None:
    """A bearer token, when sent, decides who is asking (before any session cookie)."""
    from fundapp.auth.services import user_for_token

    header = request.headers.get("Authorization", "")
    if not header:
        return
    if not header.lower().startswith("bearer "):
        raise Unauthorized("Use Authorization: Bearer <token>.")
    found = user_for_token(get_session(), header[7:].strip())
    if found is None:
        raise Unauthorized("This API token is unknown, revoked or expired.")
    user, token = found
    g.api_token = token
    login_manager._update_request_context_with_user(user)


@login_manager.unauthorized_handler
def _unauthorized() -> Any:
    raise Unauthorized("Please log in.")


def current_scope() -> Scope:
    if "scope" not in g:
        g.scope = Scope.of_user(current_user if current_user.is_authenticated else None)
    return g.scope


def current_actor() -> User:
    """The logged-in user a route acts for (every route that changes something requires a login)."""
    if not current_user.is_authenticated:
        raise Unauthorized("Please log in.")
    return current_user


def access(
    rule: str, obj: tuple[Any, ...] | None = None, check: Callable[[Scope], bool] | None = None
) -> Callable[[F], F]:
    """Declare and enforce who may call a route: 'public', 'login' or 'admin'.

    ``obj=(Model, "route_arg", "action"[, options])`` loads and authorizes the route's object (with the loader
    ``options`` the view loads it with, so that the view's own ``load`` of it asks nothing again)
    before the request body is even parsed, so a stranger gets 404 (or 403), never
    a validation error that would tell them the object exists. ``check(scope)``
    is a role test for routes without an object (e.g. "fund managers only").
    """
    if rule not in RULES:
        raise ValueError(rule)

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if rule != "public":
                _require_login()
                scope = current_scope()
                if rule == "admin" and not scope.is_admin:
                    raise Forbidden("Only an administrator may do this.")
                if check is not None and not check(scope):
                    raise Forbidden("Your role does not allow this.")
                if obj is not None:
                    from fundapp.auth.policy import load

                    model, argument, action, *options = obj
                    load(get_session(), model, kwargs[argument], scope, action, *options)
            return view(*args, **kwargs)

        guarded.access_rule = rule  # type: ignore[attr-defined]  # a mark on the function, read by _fail_closed
        return cast(F, guarded)  # wraps() gives it the view's name and signature

    return decorate


def _require_login() -> None:
    if current_user.is_authenticated:
        is_api = request.path.startswith("/api/")
        if is_api and request.method not in SAFE_METHODS and "api_token" not in g:
            # The API takes changes only with a bearer token: a browser session
            # (cookie) cannot be used for cross-site writes to the API.
            raise Unauthorized("Send an API token: Authorization: Bearer <token>.")
        return
    if wants_json():
        raise Unauthorized("Log in first: send Authorization: Bearer <token> (POST /api/v1/auth/tokens).")
    raise _LoginRedirect()


class _LoginRedirect(Exception):
    pass


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"

    @app.errorhandler(_LoginRedirect)
    def _to_login(_exc: _LoginRedirect) -> Any:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    app.before_request(_authenticate_bearer)

    @app.before_request
    def _fail_closed() -> None:
        endpoint = request.endpoint
        if endpoint is None:
            return  # 404/405: no view will run
        view = app.view_functions.get(endpoint)
        if getattr(view, "access_rule", None) is None and endpoint not in PUBLIC_ENDPOINTS:
            raise Forbidden(f"The route {endpoint} declares no access rule.")

    token_uses.init_app(app)

    @app.after_request
    def _note_token_use(response: Any) -> Any:
        if response.status_code >= 400:
            return response  # a failed request's session may be unusable; it is rolled back anyway
        uses = token_uses.of(app)
        token = g.get("api_token")
        if token is not None:
            uses.note(token, utcnow())
        if uses.pending:
            uses.write_if_due(get_session())  # committed with the request (fundapp/db.py)
        return response


# Endpoints of Flask and flask-smorest themselves, public by design.
PUBLIC_ENDPOINTS = frozenset({"static", "api-docs.openapi_json"})
