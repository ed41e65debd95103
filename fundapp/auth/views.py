from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from fundapp.auth import services
from fundapp.auth.access import access, current_actor, log_in, log_out
from fundapp.auth.api import authenticate_or_count
from fundapp.auth.models import ApiToken
from fundapp.db import get_session
from fundapp.errors import Unauthorized
from fundapp.i18n import gettext as _
from fundapp.listing import Page, paginate
from fundapp.web import done, list_args

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
@access("public")
def login() -> Any:
    error = None
    email = ""
    if request.method == "POST":
        email = (request.form.get("email") or "").strip()[:255]
        password = request.form.get("password") or ""
        try:
            user = authenticate_or_count(email, password)
        except Unauthorized as exc:
            error = exc.message
        else:
            log_in(user)
            flash(_("Welcome, %(name)s.", name=user.name or user.email), "success")
            return redirect(_safe_next(request.args.get("next")), code=303)
    status = 401 if error else 200
    return render_template("auth/login.html", error=error, email=email), status


@bp.route("/logout", methods=["POST"])
@access("public")
def logout() -> Any:
    log_out()
    flash(_("You are logged out."), "success")
    return redirect(url_for("auth.login"), code=303)


@bp.get("/account/tokens")
@access("login")
def tokens() -> Any:
    return render_template("auth/tokens.html", tokens=_token_page(), new_token=None)


def _token_page() -> Page:
    args = list_args("created")
    query = select(ApiToken).where(ApiToken.user_id == current_actor().id).order_by(ApiToken.id.desc())
    return paginate(get_session(), query, args["page"], args["page_size"])


@bp.post("/account/tokens")
@access("login")
def create_token() -> Any:
    from flask import current_app

    name = (request.form.get("name") or "").strip()[:100]
    _row, token = services.issue_token(get_session(), current_actor(), name, current_app.config["API_TOKEN_DAYS"])
    flash(_("Token created. Copy it now: it is shown only once."), "success")
    return render_template("auth/tokens.html", tokens=_token_page(), new_token=token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@access("login")
def revoke_token(token_id: int) -> Any:
    services.revoke_token(get_session(), current_actor(), token_id)
    return done(_("Token revoked."), url_for("auth.tokens"))
