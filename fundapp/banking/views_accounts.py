"""Pages for bank accounts (of funds, investees, payers) and for a loan's direct-debit mandates."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for

from fundapp import clock
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load
from fundapp.banking import services_accounts as services
from fundapp.banking.account_schemas import BankAccountCreateSchema, MandateCreateSchema
from fundapp.banking.models import Mandate
from fundapp.db import get_session
from fundapp.funds.models import Fund
from fundapp.i18n import date_filter
from fundapp.i18n import gettext as _
from fundapp.investees.models import Investee
from fundapp.loans.models import Loan
from fundapp.payers.models import OutcomePayer
from fundapp.web import done, handle_form

bp = Blueprint("bank_accounts", __name__)


def _account_form(owner: Any, back: str) -> Any:
    def save(data: dict[str, Any]) -> Any:
        account = services.add_account(get_session(), current_actor(), owner, data)
        return done(_("Bank account %(iban)s added.", iban=account.iban), back)

    fields = [
        {
            "name": "iban",
            "label": _("IBAN"),
            "required": True,
            "help": _("E.g. NL91 ABNA 0417 1643 00; spaces are fine."),
        },
        {"name": "name", "label": _("Name of the account"), "help": _("As the bank names it, e.g. the holder's name.")},
        {"name": "bic", "label": _("BIC"), "help": _("Optional: the bank's BIC, e.g. ABNANL2A.")},
    ]
    return handle_form(
        BankAccountCreateSchema(),
        {},
        save,
        "form_page.html",
        title=_("Add a bank account of %(name)s", name=owner.name),
        fields=fields,
        back=back,
        back_label=owner.name,
        submit=_("Add account"),
    )


@bp.route("/funds/<int:fund_id>/bank-accounts/new", methods=["GET", "POST"])
@access("login", obj=(Fund, "fund_id", "edit"))
def add_fund_account(fund_id: int) -> Any:
    fund = load(get_session(), Fund, fund_id, current_scope(), "edit")
    return _account_form(fund, url_for("funds.detail", fund_id=fund.id))


@bp.route("/investees/<int:investee_id>/bank-accounts/new", methods=["GET", "POST"])
@access("login", obj=(Investee, "investee_id", "edit"))
def add_investee_account(investee_id: int) -> Any:
    investee = load(get_session(), Investee, investee_id, current_scope(), "edit")
    return _account_form(investee, url_for("investees.detail", investee_id=investee.id))


@bp.route("/payers/<int:payer_id>/bank-accounts/new", methods=["GET", "POST"])
@access("login", obj=(OutcomePayer, "payer_id", "edit"))
def add_payer_account(payer_id: int) -> Any:
    payer = load(get_session(), OutcomePayer, payer_id, current_scope(), "edit")
    return _account_form(payer, url_for("payers.detail", payer_id=payer.id))


@bp.route("/loans/<int:loan_id>/mandates/new", methods=["GET", "POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
def new_mandate(loan_id: int) -> Any:
    session = get_session()
    loan = load(session, Loan, loan_id, current_scope(), "edit")
    back = url_for("loans.detail", loan_id=loan.id)

    def save(data: dict[str, Any]) -> Any:
        mandate = services.add_mandate(session, current_actor(), loan, data)
        return done(
            _("Mandate %(id)s recorded; installments can be collected by direct debit.", id=mandate.mandate_id), back
        )

    accounts = services.accounts_of(session, loan.investee)
    fields = [
        {"name": "mandate_id", "label": _("Mandate id"), "required": True, "help": _("As on the signed mandate form.")},
        {"name": "signed_on", "label": _("Signed on"), "type": "date", "required": True},
        {"name": "iban", "label": _("IBAN to collect from"), "required": True},
        {"name": "debtor_name", "label": _("Account holder"), "help": _("Leave empty for the investee's name.")},
        {"name": "bic", "label": _("BIC"), "help": _("Optional.")},
    ]
    values = {
        "mandate_id": loan.reference,
        "signed_on": clock.today().isoformat(),
        "iban": accounts[0].iban if accounts else "",
        "debtor_name": loan.investee.name,
    }
    return handle_form(
        MandateCreateSchema(),
        values,
        save,
        "form_page.html",
        title=_("New direct-debit mandate for %(ref)s", ref=loan.reference),
        intro=_("Record the SEPA Core mandate the investee signed; a loan has one active mandate at a time."),
        fields=fields,
        back=back,
        back_label=loan.reference,
        submit=_("Record mandate"),
    )


@bp.route("/mandates/<int:mandate_id>/revoke", methods=["GET", "POST"])
@access("login", obj=(Mandate, "mandate_id", "edit"))
def revoke_mandate(mandate_id: int) -> Any:
    session = get_session()
    mandate = load(session, Mandate, mandate_id, current_scope(), "edit")
    back = url_for("loans.detail", loan_id=mandate.loan_id)
    if request.method == "POST":
        services.revoke_mandate(session, current_actor(), mandate)
        return done(_("Mandate revoked; nothing is collected under it again."), back)
    return render_template(
        "confirm.html",
        title=_("Revoke mandate"),
        button=_("Revoke mandate"),
        question=_(
            "Revoke mandate %(id)s, signed on %(date)s, for %(iban)s? No installment is collected under it again; "
            "this cannot be undone (a new mandate can be recorded).",
            id=mandate.mandate_id,
            date=date_filter(mandate.signed_on, "long"),
            iban=mandate.iban,
        ),
        action=url_for("bank_accounts.revoke_mandate", mandate_id=mandate.id),
        back=back,
    )
