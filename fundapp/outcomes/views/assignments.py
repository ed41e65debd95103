"""Pages to assign a provider's outcome payments in part to its loan, and for a payer's officer to accept that."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from sqlalchemy import select

from fundapp import clock
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load, payer_rows_of, permitted_ids, visible
from fundapp.db import get_session
from fundapp.errors import Forbidden
from fundapp.i18n import gettext as _
from fundapp.i18n import percent
from fundapp.investees.models import Investee
from fundapp.loans.models import Loan, LoanStatus
from fundapp.outcomes import assignments
from fundapp.outcomes.assignment_api import AssignmentCreateSchema
from fundapp.outcomes.models import OutcomeContract
from fundapp.outcomes.views import bp
from fundapp.web import done, handle_form


def assignable_loans(contract: OutcomeContract) -> list[Loan]:
    """The active loans of the contract's providers that the user manages (whose payments they may assign)."""
    query = select(Loan).where(
        Loan.investee_id.in_(contract.provider_ids),
        Loan.status == LoanStatus.ACTIVE,
        visible(current_scope(), Loan, "edit"),
    )
    return list(get_session().scalars(query.order_by(Loan.reference)))


@bp.route("/contracts/<int:contract_id>/assignments/new", methods=["GET", "POST"])
@access("login", obj=(OutcomeContract, "contract_id", "view"))
def new_assignment(contract_id: int) -> Any:
    contract = load(get_session(), OutcomeContract, contract_id, current_scope())
    loans = assignable_loans(contract)
    if not permitted_ids(get_session(), current_scope(), "edit", Investee, contract.provider_ids):
        raise Forbidden("Only the fund manager of a provider's loan assigns payments to it.")
    back = url_for("outcomes.contract_detail", contract_id=contract.id)

    def save(data: dict[str, Any]) -> Any:
        assignments.assign(get_session(), current_actor(), current_scope(), contract, data)
        return done(_("Payments assigned. They are paid to the fund once each payer has accepted."), back)

    return handle_form(
        AssignmentCreateSchema(),
        {"valid_from": clock.today().isoformat()},
        save,
        "outcomes/assignment_form.html",
        contract=contract,
        providers=[(p.investee_id, p.investee.name) for p in contract.providers],
        loans=[(loan.id, f"{loan.reference} ({loan.investee.name})") for loan in loans],
        back=back,
    )


@bp.route("/contracts/<int:contract_id>/assignments/accept", methods=["GET", "POST"])
@access("login", obj=(OutcomeContract, "contract_id", "view"))
def accept_assignments(contract_id: int) -> Any:
    session = get_session()
    contract = load(session, OutcomeContract, contract_id, current_scope())
    if not payer_rows_of(current_scope(), contract):
        raise Forbidden("Only an officer of a payer of the contract accepts an assignment of its payments.")
    back = url_for("outcomes.contract_detail", contract_id=contract.id)
    rows = assignments.pending_for(
        current_scope(), contract, assignments.of_contract(session, contract, current_scope())
    )
    if not rows:
        return done(_("There is no assignment left for you to accept in this contract."), back, "warning")
    if request.method == "POST":
        assignments.accept(session, current_actor(), current_scope(), contract)
        return done(_("Accepted. From now on you pay the assigned part of each payment to the fund."), back)
    points = [
        _(
            "%(payer)s pays %(share)s of each payment to %(provider)s to the fund, as a repayment of loan %(loan)s.",
            payer=row.payer.name,
            share=percent(row.assignment.share_percent, 2),
            provider=row.assignment.investee.name,
            loan=row.assignment.loan.reference,
        )
        for row in rows
    ]
    return render_template(
        "confirm.html",
        title=_("Accept assigned payments"),
        question=_("You accept, for your payer:"),
        points=points,
        action=request.path,
        back=back,
        button=_("Accept"),
        button_class="primary",
    )
