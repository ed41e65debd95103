"""Pages of guarantees: record one, see it with its fee schedule and events, record a fee, record a call."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, url_for

from fundapp import clock
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import can, is_manager_or_admin, load
from fundapp.db import get_session
from fundapp.i18n import gettext as _
from fundapp.i18n import money
from fundapp.instruments import fees, guarantees
from fundapp.instruments.grant_schemas import GuaranteeCallSchema, GuaranteeCreateSchema, InstrumentPaymentSchema
from fundapp.instruments.grant_views import investee_choices
from fundapp.instruments.guarantee_models import Guarantee, GuaranteeEventKind
from fundapp.investees.models import Investee
from fundapp.labels import options
from fundapp.loans.schedule import Amortization, Frequency
from fundapp.pipeline.queries import application_of
from fundapp.web import done, handle_form, no_longer

bp = Blueprint("guarantees", __name__)
DECIMAL = {"inputmode": "decimal"}


def guarantee_fields(investees: list[tuple[int, str]] | None) -> list[dict[str, Any]]:
    """A new guarantee's form; ``investees`` None when the guarantee's investee is given (by an application)."""
    fields: list[dict[str, Any]] = [
        {"name": "reference", "label": _("Reference"), "help": _("Leave empty for the next number.")},
        {"name": "bank_name", "label": _("Bank"), "required": True},
        {"name": "bank_loan_reference", "label": _("The bank's loan reference")},
        {"name": "bank_loan_amount", "label": _("The bank's loan (EUR)"), "required": True, "attrs": DECIMAL},
        {"name": "guaranteed_amount", "label": _("Guaranteed amount (EUR)"), "required": True, "attrs": DECIMAL},
        {"name": "fee_percentage", "label": _("Yearly fee (%)"), "required": True, "attrs": DECIMAL},
        {"name": "fee_frequency", "label": _("Fee due"), "required": True, "options": options(list(Frequency))},
        {"name": "starts_on", "label": _("Starts on"), "type": "date", "required": True},
        {"name": "expires_on", "label": _("Expires on"), "type": "date", "required": True},
    ]
    if investees is None:
        return fields
    return [{"name": "investee_id", "label": _("Investee"), "required": True, "options": investees}, *fields]


@bp.route("/guarantees/new", methods=["GET", "POST"])
@access("login", check=is_manager_or_admin)
def create() -> Any:
    def save(data: dict[str, Any]) -> Any:
        investee = load(get_session(), Investee, data.pop("investee_id"), current_scope(), "edit")
        guarantee = guarantees.create_guarantee(get_session(), current_actor(), investee, data)
        return done(
            _("Guarantee %(ref)s recorded.", ref=guarantee.reference),
            url_for("guarantees.detail", guarantee_id=guarantee.id),
        )

    return handle_form(
        GuaranteeCreateSchema(),
        {"fee_frequency": Frequency.QUARTERLY.value, "starts_on": clock.today().isoformat()},
        save,
        "form_page.html",
        title=_("New guarantee"),
        intro=_(
            "The fund guarantees part of an investee's loan from a bank. The fee of each period is the guaranteed "
            "amount × the fee percentage ÷ the periods in a year, due at the end of each period until expiry."
        ),
        fields=guarantee_fields(investee_choices()),
        back=url_for("home.index"),
        submit=_("Record guarantee"),
    )


def _guarantee(guarantee_id: int, action: str = "view") -> Guarantee:
    return load(get_session(), Guarantee, guarantee_id, current_scope(), action)


@bp.get("/guarantees/<int:guarantee_id>")
@access("login", obj=(Guarantee, "guarantee_id", "view"))
def detail(guarantee_id: int) -> Any:
    guarantee = _guarantee(guarantee_id)
    schedule = guarantees.fee_schedule(guarantee)
    today = clock.today()
    return render_template(
        "instruments/guarantee.html",
        guarantee=guarantee,
        schedule=schedule,
        today=today,
        fees_open=fees.open_on(schedule, today),
        can_edit=can(current_scope(), "edit", guarantee),
        CALL=GuaranteeEventKind.CALL,
        from_application=application_of(get_session(), current_scope(), "guarantee_id", guarantee.id),
    )


def _back(guarantee: Guarantee) -> str:
    return url_for("guarantees.detail", guarantee_id=guarantee.id)


@bp.route("/guarantees/<int:guarantee_id>/fee", methods=["GET", "POST"])
@access("login", obj=(Guarantee, "guarantee_id", "edit"))
def pay_fee(guarantee_id: int) -> Any:
    guarantee = _guarantee(guarantee_id, "edit")
    unpaid = sum((fee.open for fee in guarantees.fee_schedule(guarantee)), start=0)
    if gone := no_longer(_("Every fee of this guarantee is paid.") if not unpaid else None, _back(guarantee)):
        return gone
    fields: list[dict[str, Any]] = [
        {"name": "date", "label": _("Date received"), "type": "date", "required": True},
        {
            "name": "amount",
            "label": _("Amount (EUR)"),
            "required": True,
            "attrs": DECIMAL,
            "help": _("It settles the oldest open fees first."),
        },
        {"name": "reference", "label": _("Reference (e.g. bank statement)")},
    ]

    def save(data: dict[str, Any]) -> Any:
        guarantees.record_fee(
            get_session(), current_actor(), guarantee, data["date"], data["amount"], data["reference"]
        )
        return done(_("Fee payment recorded."), _back(guarantee))

    return handle_form(
        InstrumentPaymentSchema(),
        {"date": clock.today().isoformat()},
        save,
        "form_page.html",
        title=_("Fee paid on %(ref)s", ref=guarantee.reference),
        fields=fields,
        back=_back(guarantee),
        back_label=guarantee.reference,
    )


@bp.route("/guarantees/<int:guarantee_id>/call", methods=["GET", "POST"])
@access("login", obj=(Guarantee, "guarantee_id", "edit"))
def call(guarantee_id: int) -> Any:
    guarantee = _guarantee(guarantee_id, "edit")
    if gone := no_longer(
        _("Nothing of this guarantee is left to call.") if guarantee.uncalled <= 0 else None, _back(guarantee)
    ):
        return gone
    fields: list[dict[str, Any]] = [
        {"name": "date", "label": _("Date paid to the bank"), "type": "date", "required": True},
        {
            "name": "amount",
            "label": _("Amount called (EUR)"),
            "required": True,
            "attrs": DECIMAL,
            "help": _("At most %(amount)s", amount=money(guarantee.uncalled)),
        },
        {"name": "reference", "label": _("Reference (e.g. bank statement)")},
        {"name": "annual_interest_rate", "label": _("Annual interest rate (%)"), "required": True, "attrs": DECIMAL},
        {
            "name": "number_of_installments",
            "label": _("Number of installments"),
            "required": True,
            "attrs": {"inputmode": "numeric"},
        },
        {"name": "frequency", "label": _("Frequency"), "required": True, "options": options(list(Frequency))},
        {"name": "amortization", "label": _("Amortization"), "required": True, "options": options(list(Amortization))},
        {
            "name": "grace_on_principal",
            "label": _("Grace on principal (installments)"),
            "attrs": {"inputmode": "numeric"},
        },
        {
            "name": "first_due_date",
            "label": _("First due date"),
            "type": "date",
            "help": _("Leave empty: one period after the call."),
        },
        {"name": "subordinated", "label": _("Subordinated"), "type": "checkbox"},
    ]

    def save(data: dict[str, Any]) -> Any:
        on, amount, reference = data.pop("date"), data.pop("amount"), data.pop("reference")
        event = guarantees.call(get_session(), current_actor(), guarantee, on, amount, data, reference)
        return done(
            _("Call recorded: the investee now repays loan %(ref)s.", ref=event.loan.reference),
            url_for("loans.detail", loan_id=event.loan_id),
        )

    return handle_form(
        GuaranteeCallSchema(),
        {
            "date": clock.today().isoformat(),
            "amount": guarantee.uncalled,
            "frequency": Frequency.MONTHLY.value,
            "amortization": Amortization.ANNUITY.value,
            "grace_on_principal": "0",
        },
        save,
        "form_page.html",
        title=_("Call on %(ref)s", ref=guarantee.reference),
        intro=_(
            "The fund pays the bank; what it paid becomes a loan to the investee on the terms below, disbursed on "
            "the date of the call and repaid as any loan."
        ),
        warning=_("A call cannot be undone."),
        fields=fields,
        back=_back(guarantee),
        back_label=guarantee.reference,
        submit=_("Record call"),
        danger=True,
    )
