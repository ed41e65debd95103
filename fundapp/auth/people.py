"""Pages for people: inviting a colleague, accepting an invitation, resetting a forgotten password."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Blueprint, current_app, render_template, request, url_for

from fundapp.auth import invitations, services, user_tokens
from fundapp.auth.access import access, current_actor, current_scope, log_in, log_out
from fundapp.auth.api import login_policy
from fundapp.auth.models import Role, TokenPurpose, UserToken
from fundapp.auth.policy import load
from fundapp.db import get_session
from fundapp.errors import AppError, Unauthorized
from fundapp.formats import LANGUAGES
from fundapp.i18n import gettext as _
from fundapp.investees.models import Investee
from fundapp.payers.models import OutcomePayer
from fundapp.web import app_error_to_form, done, handle_form, load_form

bp = Blueprint("people", __name__)


class InviteSchema(ma.Schema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=255))
    name = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))
    language = ma.fields.String(load_default="nl", validate=ma.validate.OneOf(LANGUAGES))


class PasswordSchema(ma.Schema):
    password = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=1000))
    password_again = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=1000))

    @ma.validates_schema
    def _same(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data["password"] != data["password_again"]:
            raise ma.ValidationError("The two passwords differ.", "password_again")


class ForgotSchema(ma.Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=255))


def _invite_form(role: Role, target: Any, back: str) -> Any:
    def save(data: dict[str, Any]) -> Any:
        invitations.invite(
            get_session(), current_actor(), role, target.id, data["email"], data["name"], data["language"]
        )
        return done(_("Invitation sent to %(email)s.", email=data["email"]), back)

    fields = [
        {"name": "email", "label": _("Email address"), "type": "email", "required": True},
        {"name": "name", "label": _("Name")},
        {
            "name": "language",
            "label": _("Language of the invitation"),
            "required": True,
            "options": [("nl", _("Dutch")), ("en", _("English"))],
        },
    ]
    title = {
        Role.INVESTEE_MEMBER: _("Invite a member of %(name)s", name=target.name),
        Role.PAYER_OFFICER: _("Invite an officer of %(name)s", name=target.name),
    }[role]
    return handle_form(
        InviteSchema(),
        {"language": "nl"},
        save,
        "form_page.html",
        title=title,
        intro=_(
            "We mail a link with which they choose a password. The link works once, for %(days)s days.",
            days=current_app.config["INVITATION_DAYS"],
        ),
        fields=fields,
        back=back,
        back_label=target.name,
        submit=_("Send invitation"),
    )


@bp.route("/investees/<int:investee_id>/people/invite", methods=["GET", "POST"])
@access("login", obj=(Investee, "investee_id", "invite"))
def invite_investee_member(investee_id: int) -> Any:
    investee = load(get_session(), Investee, investee_id, current_scope(), "invite")
    back = url_for("investees.detail", investee_id=investee.id)
    return _invite_form(Role.INVESTEE_MEMBER, investee, back)


@bp.route("/payers/<int:payer_id>/people/invite", methods=["GET", "POST"])
@access("login", obj=(OutcomePayer, "payer_id", "invite"))
def invite_payer_officer(payer_id: int) -> Any:
    payer = load(get_session(), OutcomePayer, payer_id, current_scope(), "invite")
    return _invite_form(Role.PAYER_OFFICER, payer, url_for("payers.detail", payer_id=payer.id))


def _password_page(row: UserToken | None, act: Any, title: str, intro: str, submit: str, message: str) -> Any:
    """A link's page: a used or expired link says so; a working one asks for the password twice."""
    if row is None:
        return render_template("auth/link_used.html"), 200
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = load_form(PasswordSchema())
        errors = form.errors
        if form.ok:
            try:
                user = act(get_session(), row, form.loaded["password"])
            except AppError as exc:
                errors = app_error_to_form(exc)
            else:
                if user is None:
                    return render_template("auth/link_used.html"), 200
                log_out()
                log_in(user)
                return done(message, url_for("home.index"))
    fields = [
        {
            "name": "password",
            "label": _("New password"),
            "type": "password",
            "required": True,
            "help": _(
                "At least %(n)s characters; a few words in a row are easy to remember and hard to guess.",
                n=current_app.config["PASSWORD_MIN_LENGTH"],
            ),
            "attrs": {"autocomplete": "new-password"},
        },
        {
            "name": "password_again",
            "label": _("The same password again"),
            "type": "password",
            "required": True,
            "attrs": {"autocomplete": "new-password"},
        },
    ]
    page = render_template(
        "form_page.html", title=title, intro=intro, fields=fields, values={}, errors=errors, submit=submit
    )
    return page, (422 if errors else 200)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@access("public")
def accept_invitation(token: str) -> Any:
    row = user_tokens.find(get_session(), token, TokenPurpose.INVITATION)
    return _password_page(
        row,
        invitations.accept,
        _("Welcome to fundapp"),
        _("Choose a password for %(email)s.", email=row.user.email) if row else "",
        _("Set password and log in"),
        _("Your account is ready. Welcome!"),
    )


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@access("public")
def reset_password(token: str) -> Any:
    row = invitations.usable(user_tokens.find(get_session(), token, TokenPurpose.PASSWORD_RESET))
    return _password_page(
        row,
        invitations.reset,
        _("Set a new password"),
        _("Choose a new password for %(email)s. You are then logged out everywhere else.", email=row.user.email)
        if row
        else "",
        _("Set new password"),
        _("Your password is changed."),
    )


@bp.route("/password/forgot", methods=["GET", "POST"])
@access("public")
def forgot_password() -> Any:
    """Whether the address has an account shows neither in the answer nor in its status."""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = load_form(ForgotSchema())
        errors = form.errors
        if form.ok:
            email = form.loaded["email"].strip()
            address = request.remote_addr or "unknown"
            session = get_session()
            try:
                # The login throttle, on an account of its own: asking for links is not failing to log in.
                services.check_address(session, address, "reset:" + email, login_policy())
            except Unauthorized as exc:
                return render_template("auth/forgot.html", errors={"_schema": [exc.message]}, sent=False), 429
            services.note_failed_address(session, address, "reset:" + email)
            invitations.request_reset(session, email)
            return render_template("auth/forgot.html", errors={}, sent=True), 200
    return render_template("auth/forgot.html", errors=errors, sent=False), (422 if errors else 200)
