"""Pages of the fund's capital: investors, calls, distributions, expenses, provision percentages, NAV."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import marshmallow as ma
from flask import Blueprint, Response, render_template, request, url_for
from sqlalchemy import select

from fundapp import clock
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load
from fundapp.capital import nav, provision, services, statements
from fundapp.capital.models import CapitalCall, DistributionKind, FundExpense, Investor, InvestorKind
from fundapp.capital.schemas import (
    CallCreateSchema,
    DistributionCreateSchema,
    ExpenseCreateSchema,
    InvestorCreateSchema,
    ProvisionRatesSchema,
)
from fundapp.db import get_session
from fundapp.errors import NotFound, ValidationFailed
from fundapp.funds.models import Fund
from fundapp.i18n import gettext as _
from fundapp.listing import paginate
from fundapp.validation import Day
from fundapp.web import app_error_to_form, as_typed_values, done, handle_form, list_args, load_form

bp = Blueprint("capital", __name__)
FUND_EDIT = (Fund, "fund_id", "edit")
INVESTOR_EDIT = (Investor, "investor_id", "edit")


def _as_of() -> date:
    text = request.args.get("as_of", "").strip()
    if not text:
        return clock.today()
    try:
        return Day().deserialize(text)
    except ma.ValidationError as exc:
        raise ValidationFailed.from_messages({"as_of": exc.messages}) from exc


def _fund(fund_id: int) -> Fund:
    return load(get_session(), Fund, fund_id, current_scope(), "edit")


def _investor(investor_id: int) -> Investor:
    return load(get_session(), Investor, investor_id, current_scope(), "edit")


def confirmed_form(schema: ma.Schema, act: Any, page: dict[str, Any], question: str, check: Any = None) -> Any:
    """A form for an irreversible step: a valid post is shown back for confirmation, and only then ``act(data)``.
    ``check(data)`` refuses before the confirmation what ``act`` would refuse after it."""
    errors: dict[str, list[str]] = {}
    values = as_typed_values(page.pop("values", {}))
    if request.method == "POST":
        form = load_form(schema)
        values, errors = form.raw, form.errors
        if form.ok:
            try:
                if request.form.get("confirmed") == "1":
                    return act(form.loaded)
                if check is not None:
                    check(form.loaded)
                hidden = {key: request.form[key] for key in schema.fields if key in request.form}
                return render_template(
                    "confirm.html",
                    title=page["title"],
                    question=question,
                    points=[f"{label}: {request.form.get(name, '')}" for name, label in page["points"]],
                    action=request.path,
                    hidden={**hidden, "confirmed": "1"},
                    back=page["back"],
                    button=page["submit"],
                    button_class="primary",
                )
            except ValidationFailed as exc:
                errors = app_error_to_form(exc)
    # The form says it is not yet confirmed; the confirmation page posts the same fields confirmed.
    hidden = {"confirmed": "0"}
    return render_template("form_page.html", values=values, errors=errors, hidden=hidden, **page), (
        422 if errors else 200
    )


@bp.get("/funds/<int:fund_id>/investors")
@access("login", obj=FUND_EDIT)
def investors(fund_id: int) -> Any:
    session, fund, as_of = get_session(), _fund(fund_id), _as_of()
    args = list_args("name")
    page = paginate(
        session, select(Investor).where(Investor.fund_id == fund.id).order_by(Investor.name), args["page"], 100
    )
    fund_nav, accounts = nav.capital_accounts(session, fund.id, as_of)
    return render_template("capital/investors.html", fund=fund, page=page, as_of=as_of, nav=fund_nav, accounts=accounts)


@bp.route("/funds/<int:fund_id>/investors/new", methods=["GET", "POST"])
@access("login", obj=FUND_EDIT)
def add_investor(fund_id: int) -> Any:
    fund = _fund(fund_id)

    def save(data: dict[str, Any]) -> Any:
        investor = services.add_investor(get_session(), current_actor(), fund, data)
        return done(_("Investor added."), url_for("capital.investor", investor_id=investor.id))

    return handle_form(
        InvestorCreateSchema(),
        {"kind": InvestorKind.OTHER.value},
        save,
        "capital/investor_form.html",
        fund=fund,
        investor=None,
        kinds=list(InvestorKind),
    )


def _investor_values(investor: Investor) -> dict[str, Any]:
    values = {key: getattr(investor, key) for key in InvestorCreateSchema().fields}
    return {"kind": investor.kind.value, **{k: "" if v is None else v for k, v in values.items() if k != "kind"}}


@bp.route("/investors/<int:investor_id>/edit", methods=["GET", "POST"])
@access("login", obj=INVESTOR_EDIT)
def edit_investor(investor_id: int) -> Any:
    investor = _investor(investor_id)

    def save(data: dict[str, Any]) -> Any:
        services.update_investor(get_session(), current_actor(), investor, data)
        return done(_("Investor saved."), url_for("capital.investor", investor_id=investor.id))

    return handle_form(
        InvestorCreateSchema(),
        _investor_values(investor),
        save,
        "capital/investor_form.html",
        fund=investor.fund,
        investor=investor,
        kinds=list(InvestorKind),
    )


@bp.get("/investors/<int:investor_id>")
@access("login", obj=INVESTOR_EDIT)
def investor(investor_id: int) -> Any:
    session, investor, as_of = get_session(), _investor(investor_id), _as_of()
    fund_nav, accounts = nav.capital_accounts(session, investor.fund_id, as_of)
    return render_template(
        "capital/investor.html",
        investor=investor,
        as_of=as_of,
        nav=fund_nav,
        account=accounts[investor.id],
        quarters=statements.quarters(investor, clock.today()),
        kinds=statements.distribution_kinds(),
    )


def _flow_page(investor: Investor, title: str, submit: str, kinds: bool) -> dict[str, Any]:
    fields: list[dict[str, Any]] = [
        {"name": "date", "label": _("Date"), "type": "date", "required": True},
        {"name": "amount", "label": _("Amount (EUR)"), "required": True, "attrs": {"inputmode": "decimal"}},
    ]
    if kinds:
        options = [(k.value, label) for k, label in statements.distribution_kinds().items()]
        fields.append({"name": "kind", "label": _("Kind"), "required": True, "options": options})
    back = url_for("capital.investor", investor_id=investor.id)
    return {
        "title": title,
        "intro": investor.name,
        "fields": fields,
        "submit": submit,
        "back": back,
        "back_label": investor.name,
        "values": {"date": clock.today().isoformat(), "kind": DistributionKind.RETURN_OF_CAPITAL.value},
        "points": [(f["name"], f["label"]) for f in fields],
    }


@bp.route("/investors/<int:investor_id>/calls/new", methods=["GET", "POST"])
@access("login", obj=INVESTOR_EDIT)
def record_call(investor_id: int) -> Any:
    investor = _investor(investor_id)

    def act(data: dict[str, Any]) -> Any:
        services.record_call(get_session(), current_actor(), investor, data)
        return done(_("Capital call recorded."), url_for("capital.investor", investor_id=investor.id))

    page = _flow_page(investor, _("Record a capital call"), _("Record the call"), kinds=False)
    question = _("A recorded call cannot be changed or removed. Record it?")
    check = partial(services.check_call, get_session(), investor)
    return confirmed_form(CallCreateSchema(), act, page, question, check)


@bp.route("/investors/<int:investor_id>/distributions/new", methods=["GET", "POST"])
@access("login", obj=INVESTOR_EDIT)
def record_distribution(investor_id: int) -> Any:
    investor = _investor(investor_id)

    def act(data: dict[str, Any]) -> Any:
        services.record_distribution(get_session(), current_actor(), investor, data)
        return done(_("Distribution recorded."), url_for("capital.investor", investor_id=investor.id))

    page = _flow_page(investor, _("Record a distribution"), _("Record the distribution"), kinds=True)
    question = _("A recorded distribution cannot be changed or removed. Record it?")
    check = partial(services.check_distribution, get_session(), investor)
    return confirmed_form(DistributionCreateSchema(), act, page, question, check)


@bp.get("/calls/<int:call_id>/notice.pdf")
@access("login", obj=(CapitalCall, "call_id", "view"))
def call_notice(call_id: int) -> Any:
    call = load(get_session(), CapitalCall, call_id, current_scope())
    pdf = statements.call_notice_pdf(get_session(), call)
    name = f"capital-call-{call.reference}.pdf"
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/investors/<int:investor_id>/statements/<int:year>-q<int:quarter>.<fmt>")
@access("login", obj=INVESTOR_EDIT)
def statement(investor_id: int, year: int, quarter: int, fmt: str) -> Any:
    investor = _investor(investor_id)
    if quarter not in (1, 2, 3, 4) or fmt not in statements.FORMATS or not 1800 < year < 2200:
        raise NotFound("There is no such statement.")
    data = statements.statement_file(get_session(), investor, year, quarter, fmt)
    name = f"statement-{investor.id}-{year}-Q{quarter}.{fmt}"
    return Response(
        data, mimetype=statements.FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.get("/funds/<int:fund_id>/expenses")
@access("login", obj=FUND_EDIT)
def expenses(fund_id: int) -> Any:
    fund = _fund(fund_id)
    args = list_args("date")
    query = select(FundExpense).where(FundExpense.fund_id == fund.id).order_by(FundExpense.on.desc(), FundExpense.id)
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return render_template("capital/expenses.html", fund=fund, page=page)


@bp.route("/funds/<int:fund_id>/expenses/new", methods=["GET", "POST"])
@access("login", obj=FUND_EDIT)
def record_expense(fund_id: int) -> Any:
    fund = _fund(fund_id)

    def act(data: dict[str, Any]) -> Any:
        services.record_expense(get_session(), current_actor(), fund, data)
        return done(_("Fund expense recorded."), url_for("capital.expenses", fund_id=fund.id))

    fields = [
        {"name": "date", "label": _("Date"), "type": "date", "required": True},
        {"name": "amount", "label": _("Amount (EUR)"), "required": True, "attrs": {"inputmode": "decimal"}},
        {"name": "description", "label": _("Description"), "required": True},
    ]
    page = {
        "title": _("Record a fund expense"),
        "fields": fields,
        "submit": _("Record the expense"),
        "back": url_for("capital.expenses", fund_id=fund.id),
        "back_label": fund.name,
        "values": {"date": clock.today().isoformat()},
        "points": [(f["name"], f["label"]) for f in fields],
    }
    question = _("A recorded expense cannot be changed or removed. Record it?")
    return confirmed_form(ExpenseCreateSchema(), act, page, question)


@bp.route("/funds/<int:fund_id>/provision", methods=["GET", "POST"])
@access("login", obj=FUND_EDIT)
def provision_rates(fund_id: int) -> Any:
    fund = _fund(fund_id)
    rates = provision.rates_of(get_session(), fund.id)

    def save(data: dict[str, Any]) -> Any:
        provision.set_rates(get_session(), current_actor(), fund, data)
        return done(_("Provision percentages saved."), url_for("capital.investors", fund_id=fund.id))

    labels = statements.bucket_labels()
    fields = [
        {"name": name, "label": labels[name], "required": True, "attrs": {"inputmode": "decimal"}}
        for name in provision.BUCKETS
    ]
    return handle_form(
        ProvisionRatesSchema(),
        {name: getattr(rates, name) for name in provision.BUCKETS},
        save,
        "form_page.html",
        title=_("Loan-loss provision"),
        intro=_("The percentage of outstanding principal provided for, per arrears bucket (days past due)."),
        fields=fields,
        back=url_for("capital.investors", fund_id=fund.id),
        back_label=fund.name,
    )
