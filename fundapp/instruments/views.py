"""Equity pages: a fund's participations, one participation with its events, and the forms that change them;
a loan's conversion terms and its conversion into shares."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template, request, url_for
from sqlalchemy import select

from fundapp import clock
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import can, is_manager_or_admin, load, visible
from fundapp.db import get_session
from fundapp.funds.models import Fund
from fundapp.i18n import gettext as _
from fundapp.i18n import money
from fundapp.instruments import conversion, queries, services
from fundapp.instruments.models import ConversionTrigger, EquityParticipation, ValuationMethod
from fundapp.instruments.schemas import (
    ConversionSchema,
    ConversionTermsSchema,
    DividendSchema,
    EquityParticipationCreateSchema,
    ExitSchema,
    ValuationSchema,
)
from fundapp.investees.models import Investee
from fundapp.investees.queries import editable_investees
from fundapp.labels import label, options
from fundapp.loans.models import Loan, LoanStatus
from fundapp.loans.services import REFUSALS
from fundapp.pipeline.queries import application_of
from fundapp.web import done, handle_form, no_longer

bp = Blueprint("equity", __name__)

DATE = {"name": "date", "type": "date", "required": True}
DECIMAL = {"inputmode": "decimal"}
NOTE = {"name": "note", "type": "textarea"}


@bp.get("/funds/<int:fund_id>/equity")
@access("login", obj=(Fund, "fund_id", "view"))
def fund_participations(fund_id: int) -> Any:
    session = get_session()
    fund = load(session, Fund, fund_id, current_scope())
    found = queries.positions(session, [EquityParticipation.fund_id == fund.id])
    return render_template(
        "instruments/list.html",
        fund=fund,
        positions=found,
        totals=queries.totals(found),
        can_edit=can(current_scope(), "edit", fund),
    )


@bp.route("/equity/new", methods=["GET", "POST"])
@access("login", check=is_manager_or_admin)
def create() -> Any:
    session = get_session()
    choices = editable_investees(session, current_scope())

    def save(data: dict[str, Any]) -> Any:
        investee = load(session, Investee, data.pop("investee_id"), current_scope(), "edit")
        made = services.create_participation(session, current_actor(), investee, data)
        return done(_("Participation recorded."), url_for("equity.detail", participation_id=made.id))

    fields = [{"name": "investee_id", "label": _("Investee"), "required": True, "options": choices}]
    return handle_form(
        EquityParticipationCreateSchema(),
        {"investee_id": request.args.get("investee_id", ""), "date": clock.today().isoformat()},
        save,
        "form_page.html",
        title=_("New equity participation"),
        fields=fields + participation_fields(),
        back=url_for("home.index"),
        submit=_("Record participation"),
    )


def participation_fields() -> list[dict[str, Any]]:
    """A new participation's form, but for its investee."""
    return [
        {**DATE, "label": _("Investment date")},
        {"name": "shares", "label": _("Number of shares"), "required": True, "attrs": {"inputmode": "numeric"}},
        {"name": "price_per_share", "label": _("Price per share (EUR)"), "required": True, "attrs": DECIMAL},
        {
            "name": "amount_paid",
            "label": _("Amount paid (EUR)"),
            "help": _("Leave empty: shares × price."),
            "attrs": DECIMAL,
        },
        {**NOTE, "label": _("Note")},
    ]


def _participation(participation_id: int, action: str = "view") -> EquityParticipation:
    return load(get_session(), EquityParticipation, participation_id, current_scope(), action)


@bp.get("/equity/<int:participation_id>")
@access("login", obj=(EquityParticipation, "participation_id", "view"))
def detail(participation_id: int) -> Any:
    participation = _participation(participation_id)
    position = queries.Position(participation, services.holding_of(participation))
    return render_template(
        "instruments/detail.html",
        p=participation,
        position=position,
        can_edit=can(current_scope(), "edit", participation),
        from_application=application_of(get_session(), current_scope(), "participation_id", participation.id),
    )


def _event_form(
    p: EquityParticipation, schema: Any, title: str, fields: list[dict[str, Any]], act: Any, **extra: Any
) -> Any:
    def save(data: dict[str, Any]) -> Any:
        act(get_session(), current_actor(), p, data)
        return done(_("Event recorded."), url_for("equity.detail", participation_id=p.id))

    return handle_form(
        schema,
        {"date": clock.today().isoformat()},
        save,
        "form_page.html",
        title=title,
        fields=[{**DATE, "label": _("Date")}, *fields, {**NOTE, "label": _("Note")}],
        back=url_for("equity.detail", participation_id=p.id),
        back_label=p.investee.name,
        **extra,
    )


@bp.route("/equity/<int:participation_id>/valuation", methods=["GET", "POST"])
@access("login", obj=(EquityParticipation, "participation_id", "edit"))
def valuation(participation_id: int) -> Any:
    p = _participation(participation_id, "edit")
    fields = [
        {"name": "value_per_share", "label": _("Value per share (EUR)"), "required": True, "attrs": DECIMAL},
        {"name": "method", "label": _("Method"), "required": True, "options": options(list(ValuationMethod))},
        {"name": "decided_by", "label": _("Decided by"), "required": True},
    ]
    title = _("Valuation of %(name)s", name=p.investee.name)
    return _event_form(p, ValuationSchema(), title, fields, services.record_valuation)


@bp.route("/equity/<int:participation_id>/dividend", methods=["GET", "POST"])
@access("login", obj=(EquityParticipation, "participation_id", "edit"))
def dividend(participation_id: int) -> Any:
    p = _participation(participation_id, "edit")
    fields = [{"name": "amount", "label": _("Amount received (EUR)"), "required": True, "attrs": DECIMAL}]
    title = _("Dividend from %(name)s", name=p.investee.name)
    return _event_form(p, DividendSchema(), title, fields, services.record_dividend)


@bp.route("/equity/<int:participation_id>/exit", methods=["GET", "POST"])
@access("login", obj=(EquityParticipation, "participation_id", "edit"))
def exit_shares(participation_id: int) -> Any:
    p = _participation(participation_id, "edit")
    held = services.holding_of(p)
    if gone := no_longer(
        _("All shares have been sold.") if held.shares == 0 else None, url_for("equity.detail", participation_id=p.id)
    ):
        return gone
    fields = [
        {
            "name": "shares",
            "label": _("Shares sold"),
            "required": True,
            "attrs": {"inputmode": "numeric"},
            "help": _("The fund holds %(n)s shares.", n=held.shares),
        },
        {"name": "proceeds", "label": _("Proceeds (EUR)"), "required": True, "attrs": DECIMAL},
    ]
    return _event_form(
        p,
        ExitSchema(),
        _("Sell shares of %(name)s", name=p.investee.name),
        fields,
        services.record_exit,
        danger=True,
        submit=_("Record the sale"),
        warning=_("A sale cannot be undone: the shares sold leave the fund's books at their average cost."),
    )


# --- a loan's conversion terms and its conversion ------------------------------------------------------------


def _loan(loan_id: int, action: str = "view") -> Loan:
    return load(get_session(), Loan, loan_id, current_scope(), action)


@bp.route("/loans/<int:loan_id>/conversion-terms", methods=["GET", "POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
def conversion_terms(loan_id: int) -> Any:
    loan = _loan(loan_id, "edit")
    back = url_for("loans.detail", loan_id=loan.id)
    ended = loan.status not in (LoanStatus.DRAFT, LoanStatus.APPROVED, LoanStatus.ACTIVE)
    if gone := no_longer(_("This loan has ended.") if ended else None, back):
        return gone
    terms = conversion.terms_of(get_session(), loan)
    values = {name: getattr(terms, name) for name in conversion.TERM_FIELDS} if terms else {}
    values = {k: (v.value if hasattr(v, "value") else ("" if v is None else v)) for k, v in values.items()}

    def save(data: dict[str, Any]) -> Any:
        conversion.set_terms(get_session(), current_actor(), loan, data)
        return done(_("Conversion terms saved."), back)

    return handle_form(
        ConversionTermsSchema(),
        values,
        save,
        "form_page.html",
        title=_("Conversion terms of %(ref)s", ref=loan.reference),
        fields=conversion_term_fields(),
        back=back,
        back_label=loan.reference,
    )


def conversion_term_fields() -> list[dict[str, Any]]:
    return [
        {"name": "price_per_share", "label": _("Price per share (EUR)"), "attrs": DECIMAL},
        {
            "name": "discount_percent",
            "label": _("Discount on the round's price (%)"),
            "attrs": DECIMAL,
            "help": _("Give a price, a discount, or both: the lowest price applies."),
        },
        {"name": "cap", "label": _("Cap: highest price per share (EUR)"), "attrs": DECIMAL},
        {"name": "trigger", "label": _("Converts on"), "required": True, "options": options(list(ConversionTrigger))},
        {"name": "trigger_text", "label": _("Trigger in words"), "type": "textarea"},
    ]


@bp.route("/loans/<int:loan_id>/convert", methods=["GET", "POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
def convert(loan_id: int) -> Any:
    loan = _loan(loan_id, "edit")
    back = url_for("loans.detail", loan_id=loan.id)
    session = get_session()
    why = None
    if loan.status != LoanStatus.ACTIVE:
        why = _("This loan is %(status)s. %(why)s", status=label(loan.status), why=_(REFUSALS["convert"]))
    elif conversion.terms_of(session, loan) is None:
        why = _("This loan has no conversion terms: set them first.")
    if gone := no_longer(why, back):
        return gone

    def save(data: dict[str, Any]) -> Any:
        made = conversion.convert(session, current_actor(), loan, data)
        message = _("Converted into %(n)s shares.", n=made.shares)
        return done(message, url_for("equity.detail", participation_id=made.id))

    fields = [
        {**DATE, "label": _("Conversion date")},
        {
            "name": "round_price",
            "label": _("Price per share in the financing round (EUR)"),
            "attrs": DECIMAL,
            "help": _("Needed when the terms give a discount."),
        },
        {
            "name": "principal",
            "label": _("Principal to convert (EUR)"),
            "attrs": DECIMAL,
            "help": _(
                "Leave empty to convert the whole loan with its accrued interest (%(amount)s outstanding).",
                amount=money(loan.outstanding_principal),
            ),
        },
    ]
    return handle_form(
        ConversionSchema(),
        {"date": clock.today().isoformat()},
        save,
        "form_page.html",
        title=_("Convert %(ref)s into shares", ref=loan.reference),
        fields=fields,
        back=back,
        back_label=loan.reference,
        danger=True,
        submit=_("Convert"),
        warning=_("A conversion cannot be undone: the converted principal and interest become shares."),
    )


def investee_section(investee: Investee) -> dict[str, Any]:
    """The investee page's equity section: what the user may see of its participations."""
    session = get_session()
    where = [EquityParticipation.investee_id == investee.id, visible(current_scope(), EquityParticipation)]
    return {"equity_positions": queries.positions(session, where)}


def loan_section(loan: Loan) -> dict[str, Any]:
    """The loan page's conversion section: its terms and what it was converted into, as far as the reader may see
    those participations (a fund with a share of the loan reads the loan, not the lead fund's shares)."""
    session = get_session()
    where = [EquityParticipation.loan_id == loan.id, visible(current_scope(), EquityParticipation)]
    conversions = session.scalars(select(EquityParticipation).where(*where).order_by(EquityParticipation.on)).all()
    return {"conversion_terms": conversion.terms_of(session, loan), "conversions": conversions}


def fund_section(fund: Fund, as_of: date) -> dict[str, Any]:
    """The loan book's equity section: the fund's participations on the date, with totals."""
    found = queries.positions(get_session(), [EquityParticipation.fund_id == fund.id], as_of)
    return {"equity_positions": found, "equity_totals": queries.totals(found)}
