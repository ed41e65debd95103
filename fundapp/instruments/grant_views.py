"""Pages of grants and vouchers: record one, see it with its events, judge its conditions, claw back, receive."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, url_for

from fundapp import clock, labels
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import can, is_manager_or_admin, load
from fundapp.db import get_session
from fundapp.i18n import gettext as _
from fundapp.i18n import lazy_gettext as _l
from fundapp.i18n import money
from fundapp.instruments import grants
from fundapp.instruments.grant_models import Grant, GrantKind, GrantStatus
from fundapp.instruments.grant_schemas import (
    GrantClawbackSchema,
    GrantCreateSchema,
    GrantDecisionSchema,
    InstrumentPaymentSchema,
)
from fundapp.investees.models import Investee
from fundapp.investees.queries import editable_investees
from fundapp.labels import options
from fundapp.pipeline.queries import application_of
from fundapp.web import done, handle_form, no_longer

bp = Blueprint("grants", __name__)

labels.register(
    {
        # Capitalised like every other label: "grant" is also the co-financing instrument's value.
        "grant": _l("Grant"),
        "voucher": _l("Voucher"),
        "met": _l("conditions met"),
        "not_met": _l("conditions not met"),
        "clawback": _l("clawback"),
        "receipt": _l("payment received"),
        "fee_payment": _l("fee paid"),
        "call": _l("call"),
    }
)


def investee_choices() -> list[tuple[int, str]]:
    """The investees the user may give a grant or guarantee to (those of the funds they manage)."""
    return editable_investees(get_session(), current_scope())


def grant_fields(investees: list[tuple[int, str]] | None) -> list[dict[str, Any]]:
    """A new grant's form; ``investees`` None when the grant's investee is given (by an application)."""
    amount = {"attrs": {"inputmode": "decimal"}, "required": True}
    fields: list[dict[str, Any]] = [
        {"name": "reference", "label": _("Reference"), "help": _("Leave empty for the next number.")},
        {"name": "kind", "label": _("Kind"), "required": True, "options": options(list(GrantKind))},
        {"name": "amount", "label": _("Amount paid (EUR)"), **amount},
        {"name": "paid_on", "label": _("Paid on"), "type": "date", "required": True},
        {"name": "conditions", "label": _("Conditions"), "type": "textarea"},
        {"name": "period_from", "label": _("Conditions apply from"), "type": "date", "required": True},
        {"name": "period_to", "label": _("Conditions apply until"), "type": "date", "required": True},
    ]
    if investees is None:
        return fields
    return [{"name": "investee_id", "label": _("Investee"), "required": True, "options": investees}, *fields]


@bp.route("/grants/new", methods=["GET", "POST"])
@access("login", check=is_manager_or_admin)
def create() -> Any:
    def save(data: dict[str, Any]) -> Any:
        investee = load(get_session(), Investee, data.pop("investee_id"), current_scope(), "edit")
        grant = grants.create_grant(get_session(), current_actor(), investee, data)
        return done(
            _("Grant %(ref)s recorded as paid.", ref=grant.reference), url_for("grants.detail", grant_id=grant.id)
        )

    today = clock.today().isoformat()
    return handle_form(
        GrantCreateSchema(),
        {"kind": GrantKind.VOUCHER.value, "paid_on": today, "period_from": today},
        save,
        "form_page.html",
        title=_("New grant or voucher"),
        intro=_("A grant or voucher is paid when it is recorded: the journal books it on the payment date."),
        fields=grant_fields(investee_choices()),
        back=url_for("home.index"),
        submit=_("Record payment"),
    )


def _grant(grant_id: int, action: str = "view") -> Grant:
    return load(get_session(), Grant, grant_id, current_scope(), action)


@bp.get("/grants/<int:grant_id>")
@access("login", obj=(Grant, "grant_id", "view"))
def detail(grant_id: int) -> Any:
    grant = _grant(grant_id)
    return render_template(
        "instruments/grant.html",
        grant=grant,
        can_edit=can(current_scope(), "edit", grant),
        GrantStatus=GrantStatus,
        from_application=application_of(get_session(), current_scope(), "grant_id", grant.id),
    )


def _stale(grant: Grant, action: str) -> Any | None:
    why = None if (grant.status, action) in grants.TRANSITIONS else _(grants.REFUSALS[action])
    return no_longer(why, url_for("grants.detail", grant_id=grant.id))


def _step(
    grant: Grant, schema: Any, title: str, fields: list[dict[str, Any]], act: Any, message: str, **page: Any
) -> Any:
    def save(data: dict[str, Any]) -> Any:
        act(data)
        return done(message, url_for("grants.detail", grant_id=grant.id))

    return handle_form(
        schema,
        page.pop("values", {"date": clock.today().isoformat()}),
        save,
        "form_page.html",
        title=title,
        fields=fields,
        back=url_for("grants.detail", grant_id=grant.id),
        back_label=grant.reference,
        **page,
    )


@bp.route("/grants/<int:grant_id>/decide", methods=["GET", "POST"])
@access("login", obj=(Grant, "grant_id", "edit"))
def decide(grant_id: int) -> Any:
    grant = _grant(grant_id, "edit")
    if gone := _stale(grant, "meet"):
        return gone
    fields: list[dict[str, Any]] = [
        {"name": "met", "label": _("Were the conditions met?"), "required": True, "options": _met_options()},
        {"name": "date", "label": _("Judged on"), "type": "date", "required": True},
        {"name": "note", "label": _("Note"), "type": "textarea"},
    ]
    return _step(
        grant,
        GrantDecisionSchema(),
        _("Judge the conditions of %(ref)s", ref=grant.reference),
        fields,
        lambda d: grants.decide(get_session(), current_actor(), grant, d["met"], d["date"], d["note"]),
        _("The conditions were judged."),
        values={"date": clock.today().isoformat(), "met": "true"},
        intro=grant.conditions or None,
    )


def _met_options() -> list[tuple[str, str]]:
    return [("true", _("Yes, met")), ("false", _("No, not met"))]


@bp.route("/grants/<int:grant_id>/claw-back", methods=["GET", "POST"])
@access("login", obj=(Grant, "grant_id", "edit"))
def claw_back(grant_id: int) -> Any:
    grant = _grant(grant_id, "edit")
    if gone := _stale(grant, "claw_back"):
        return gone
    fields: list[dict[str, Any]] = [
        {"name": "date", "label": _("Date"), "type": "date", "required": True},
        {
            "name": "amount",
            "label": _("Amount clawed back (EUR)"),
            "required": True,
            "attrs": {"inputmode": "decimal"},
            "help": _("At most %(amount)s", amount=money(grant.amount - grant.clawed_back)),
        },
        {"name": "reason", "label": _("Reason"), "type": "textarea", "required": True},
    ]
    return _step(
        grant,
        GrantClawbackSchema(),
        _("Claw back %(ref)s", ref=grant.reference),
        fields,
        lambda d: grants.claw_back(get_session(), current_actor(), grant, d["date"], d["amount"], d["reason"]),
        _("Clawback recorded: the investee owes it to the fund."),
        warning=_("The amount clawed back becomes a receivable from the investee."),
    )


@bp.route("/grants/<int:grant_id>/receive", methods=["GET", "POST"])
@access("login", obj=(Grant, "grant_id", "edit"))
def receive(grant_id: int) -> Any:
    grant = _grant(grant_id, "edit")
    if gone := _stale(grant, "receive") or no_longer(
        _("Nothing is owed on this grant.") if grant.receivable <= 0 else None,
        url_for("grants.detail", grant_id=grant.id),
    ):
        return gone
    fields: list[dict[str, Any]] = [
        {"name": "date", "label": _("Date received"), "type": "date", "required": True},
        {
            "name": "amount",
            "label": _("Amount (EUR)"),
            "required": True,
            "attrs": {"inputmode": "decimal"},
            "help": _("Still owed: %(amount)s", amount=money(grant.receivable)),
        },
        {"name": "reference", "label": _("Reference (e.g. bank statement)")},
    ]
    return _step(
        grant,
        InstrumentPaymentSchema(),
        _("Payment on the clawback of %(ref)s", ref=grant.reference),
        fields,
        lambda d: grants.receive(get_session(), current_actor(), grant, d["date"], d["amount"], d["reference"]),
        _("Payment recorded."),
    )
