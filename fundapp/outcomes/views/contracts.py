"""Outcome contracts: list, set-up, detail, start and close, what-if simulation."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from fundapp import clock
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import (
    can,
    is_officer_or_admin,
    load,
    payer_rows_of,
    permitted_ids,
    provider_rows_of,
    require,
    visible_claims,
    visible_contracts,
    visible_results,
)
from fundapp.db import get_session
from fundapp.errors import Conflict, ValidationFailed
from fundapp.i18n import date_filter, money, percent
from fundapp.i18n import gettext as _
from fundapp.investees.models import Investee
from fundapp.kept_answers import keeps_answers
from fundapp.labels import label
from fundapp.listing import paginate, sort_by
from fundapp.outcomes import assignments as assignment_services
from fundapp.outcomes import budget as budgets
from fundapp.outcomes import contracts, pricing
from fundapp.outcomes.models import (
    Claim,
    ContractPayer,
    ContractStatus,
    OutcomeContract,
    OutcomeResult,
    RateCard,
    ResultStatus,
)
from fundapp.outcomes.terms import contract_terms, rule_errors
from fundapp.outcomes.views import bp
from fundapp.outcomes.views.contract_forms import ITEM_ROWS, load_contract_form, service_errors, simulation_schema
from fundapp.outcomes.views.rate_cards import my_payers
from fundapp.payers.models import OutcomePayer
from fundapp.web import app_error_to_form, done, list_args, load_form, no_longer

CONTRACT_SORTS = {
    "name": OutcomeContract.name,
    "status": OutcomeContract.status,
    "runs": OutcomeContract.valid_from,
    "cap": OutcomeContract.contract_cap,
}


@bp.get("/contracts")
@access("login")
def contract_list() -> Any:
    query = select(OutcomeContract).where(visible_contracts(current_scope()))
    args = list_args("status")
    query, sort = sort_by(query, CONTRACT_SORTS, args["sort"], "status")
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return render_template(
        "outcomes/contracts.html",
        page=page,
        contracts=page.items,
        sort=sort,
        can_create=is_officer_or_admin(current_scope()),
    )


@bp.route("/contracts/new", methods=["GET", "POST"])
@access("login", check=is_officer_or_admin)
def new_contract() -> Any:
    session = get_session()
    scope = current_scope()
    own = my_payers(session)
    all_payers = session.scalars(select(OutcomePayer).order_by(OutcomePayer.name)).all()
    # Choosing providers: enterprises are public (KvK register), so their names are listed here.
    investees = session.scalars(select(Investee).order_by(Investee.name)).all()
    cards = session.scalars(
        select(RateCard).where(RateCard.payer_id.in_([p.id for p in own])).order_by(RateCard.name)
    ).all()
    errors: dict[str, list[str]] = {}
    values: Any = {
        "payer_id": own[0].id if own else "",
        "share_percent": "100",
        "deadweight_percent": "0",
        "valid_from": clock.today().replace(month=1, day=1).isoformat(),
        "valid_until": clock.today().replace(year=clock.today().year + 2, month=12, day=31).isoformat(),
    }
    if request.method == "POST":
        values = request.form
        form, rows = load_contract_form(request.form)
        errors = form.errors
        if form.ok:
            try:
                contract = contracts.create_contract(session, current_actor(), scope, form.loaded)
            except (ValidationFailed, Conflict) as exc:
                errors = service_errors(exc, rows)
            else:
                return done(
                    _("Contract %(ref)s saved as a draft.", ref=contract.reference),
                    url_for("outcomes.contract_detail", contract_id=contract.id),
                )
    return render_template(
        "outcomes/contract_form.html",
        values=values,
        errors=errors,
        own=own,
        payers=all_payers,
        providers=[(i.id, f"{i.name} · KvK {i.kvk_number} · {i.municipality}") for i in investees],
        cards=cards,
        rows=range(ITEM_ROWS),
    ), (422 if errors else 200)


@bp.get("/contracts/<int:contract_id>")
@access("login", obj=(OutcomeContract, "contract_id", "view"))
@keeps_answers
def contract_detail(contract_id: int) -> Any:
    session = get_session()
    contract = load(session, OutcomeContract, contract_id, current_scope())
    scope = current_scope()
    args = list_args("id")
    claims_page = paginate(
        session,
        select(Claim)
        .options(selectinload(Claim.investee))
        .where(Claim.contract_id == contract.id, visible_claims(scope))
        .order_by(Claim.id.desc()),
        args["page"],
        args["page_size"],
    )
    counts = dict.fromkeys(ResultStatus, 0) | dict(
        session.execute(
            select(OutcomeResult.status, func.count())
            .where(OutcomeResult.contract_id == contract.id, visible_results(scope))
            .group_by(OutcomeResult.status)
        ).all()
    )
    assigned = assignment_services.of_contract(session, contract, scope)
    return render_template(
        "outcomes/contract.html",
        contract=contract,
        assignments=assigned,
        assignments_to_accept=assignment_services.pending_for(scope, contract, assigned),
        can_assign=bool(permitted_ids(session, scope, "edit", Investee, contract.provider_ids)),
        budget=budgets.budget(session, contract),
        page=claims_page,
        claims=claims_page.items,
        result_counts=counts,
        can_edit=can(scope, "edit", contract),
        can_claim=can(scope, "claim", contract),
        to_accept=_pending_rows(contract) if contract.status == ContractStatus.DRAFT else [],
        waiting=contracts.pending_parties(contract),
        my_close_agreed=all(p.close_agreed_at for p in payer_rows_of(scope, contract)),
        my_close_agreed_on=max(
            (p.close_agreed_at for p in payer_rows_of(scope, contract) if p.close_agreed_at), default=None
        ),
        ContractStatus=ContractStatus,
    )


def _pending_rows(contract: OutcomeContract) -> list[Any]:
    """The user's own parts of the contract still to accept: their payers' shares, their providers."""
    scope = current_scope()
    rows = payer_rows_of(scope, contract) + provider_rows_of(scope, contract)
    return [row for row in rows if row.accepted_at is None]


@bp.route("/contracts/<int:contract_id>/accept", methods=["GET", "POST"])
@access("login", obj=(OutcomeContract, "contract_id", "view"))
def accept_contract(contract_id: int) -> Any:
    session = get_session()
    contract = load(session, OutcomeContract, contract_id, current_scope())
    back = url_for("outcomes.contract_detail", contract_id=contract.id)
    rows = _pending_rows(contract) if contract.status == ContractStatus.DRAFT else []
    if not rows:
        return done(_("There is nothing left for you to accept in this contract."), back, "warning")
    if request.method == "POST":
        for row in rows:
            require(current_scope(), "accept", row)
            if isinstance(row, ContractPayer):
                contracts.accept_share(session, current_actor(), row)
            else:
                contracts.accept_provision(session, current_actor(), row)
        return done(_("Accepted. The contract starts once every party has accepted."), back)
    parts = [
        _(
            "%(payer)s pays %(share)s of every claim, at most %(commitment)s.",
            payer=row.payer.name,
            share=percent(row.share_percent, 2),
            commitment=money(row.commitment) if row.commitment is not None else _("no set maximum"),
        )
        if isinstance(row, ContractPayer)
        else _(
            "%(provider)s provides under this contract; its results, claims and KPI reports become visible to the"
            " contract's payers.",
            provider=row.investee.name,
        )
        for row in rows
    ]
    return render_template(
        "confirm.html",
        title=_("Accept contract %(ref)s", ref=contract.reference),
        question=_("Check the terms on the contract page before you accept. You accept:"),
        points=parts,
        action=request.path,
        back=back,
        button=_("Accept"),
        button_class="primary",
    )


@bp.route("/contracts/<int:contract_id>/<any(activate, close):action>", methods=["GET", "POST"])
@access("login", obj=(OutcomeContract, "contract_id", "edit"))
def contract_status(contract_id: int, action: str) -> Any:
    session = get_session()
    contract = load(session, OutcomeContract, contract_id, current_scope(), "edit")
    back = url_for("outcomes.contract_detail", contract_id=contract.id)
    mine = payer_rows_of(current_scope(), contract)
    if action == "activate" and contract.status != ContractStatus.DRAFT:
        return done(_("This contract has already started."), back, "warning")
    if action == "close" and contract.status != ContractStatus.ACTIVE:
        return done(
            _("Only a running contract can be closed; this contract is %(status)s.", status=label(contract.status)),
            back,
            "warning",
        )
    if action == "close" and not mine:
        return done(_("Only an officer of a payer of this contract closes it."), back, "warning")
    if action == "close" and all(p.close_agreed_at for p in mine):
        agreed = max(p.close_agreed_at for p in mine if p.close_agreed_at)
        why = _(
            "You agreed to close this contract on %(date)s; it closes once every payer has agreed.",
            date=date_filter(agreed, "long"),
        )
        return done(why, back, "warning")
    waiting = contracts.pending_parties(contract)
    if action == "activate" and waiting:
        why = _(
            "The contract starts once every payer and provider has accepted; still waiting for: %(names)s.",
            names=", ".join(waiting),
        )
        if gone := no_longer(why, back):
            return gone
    if request.method == "POST":
        if action == "activate":
            contracts.activate(session, current_actor(), contract)
            return done(_("Contract started."), back)
        contracts.agree_to_close(session, current_actor(), mine)
        if contract.status == ContractStatus.CLOSED:
            return done(_("Contract closed."), back)
        return done(_("You agreed to close the contract; it closes once every payer has agreed."), back)
    if action == "activate":
        question = _("Start contract %(ref)s? Its terms and rate card are fixed from then on.", ref=contract.reference)
    elif len(contract.payers) > 1:
        question = _(
            "Agree to close contract %(ref)s? It closes once an officer of every payer has agreed; then no new results"
            " can be recorded.",
            ref=contract.reference,
        )
    else:
        question = _("Close contract %(ref)s? No new results can be recorded.", ref=contract.reference)
    return render_template(
        "confirm.html",
        title=_("Start contract") if action == "activate" else _("Close contract"),
        question=question,
        action=request.path,
        back=back,
        button=_("Start") if action == "activate" else _("Close"),
        button_class="primary" if action == "activate" else "danger",
    )


@bp.route("/contracts/<int:contract_id>/simulate", methods=["GET", "POST"])
@access("login", obj=(OutcomeContract, "contract_id", "view"))
def simulate(contract_id: int) -> Any:
    """What-if: how much the contract would pay for an expected number of participants per item."""
    contract = load(get_session(), OutcomeContract, contract_id, current_scope())
    outcome = None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = load_form(simulation_schema([row.code for row in contract.items]))
        errors = form.errors
        if form.ok:
            expected = [
                pricing.Result(
                    item=row.code,
                    participant=f"SIM-{n + 1:05d}",
                    achieved_on=contract.valid_from,
                    months_on_benefit=form.loaded["months"],
                    key=f"{row.code}-{n}",
                )
                for row in contract.items
                for n in range(form.loaded[f"count_{row.code}"])
            ]
            try:
                outcome = pricing.simulate(contract_terms(contract), expected)
            except pricing.ContractRuleError as exc:
                errors = app_error_to_form(rule_errors(exc))
    return render_template(
        "outcomes/simulate.html", contract=contract, outcome=outcome, errors=errors, values=request.form
    ), (422 if errors else 200)
