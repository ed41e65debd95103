"""Outcome contracts: list, set-up, detail, start and close, what-if simulation."""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
from flask import render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import can, load, visible_claims, visible_contracts, visible_results
from fundapp.db import get_session
from fundapp.errors import ValidationFailed
from fundapp.investees.models import Investee
from fundapp.outcomes import budget as budgets
from fundapp.outcomes import contracts, pricing
from fundapp.outcomes.contract_schemas import (
    ContractCreateSchema,
)
from fundapp.outcomes.models import (
    Claim,
    ContractStatus,
    OutcomeContract,
    OutcomeResult,
    RateCard,
    ResultStatus,
)
from fundapp.outcomes.terms import contract_terms, rule_errors
from fundapp.outcomes.views import bp
from fundapp.outcomes.views.common import officer_or_admin
from fundapp.outcomes.views.rate_cards import ITEM_ROWS, items_from_form, my_payers
from fundapp.payers.models import OutcomePayer
from fundapp.web import app_error_to_form, done


@bp.get("/contracts")
@access("login")
def contract_list() -> Any:
    session = get_session()
    rows = session.scalars(
        select(OutcomeContract)
        .where(visible_contracts(current_scope()))
        .order_by(OutcomeContract.status, OutcomeContract.valid_from.desc())
    ).all()
    return render_template("outcomes/contracts.html", contracts=rows, can_create=officer_or_admin(current_scope()))


@bp.route("/contracts/new", methods=["GET", "POST"])
@access("login", check=officer_or_admin)
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
        "valid_from": date.today().replace(month=1, day=1).isoformat(),
        "valid_until": date.today().replace(year=date.today().year + 2, month=12, day=31).isoformat(),
    }
    if request.method == "POST":
        values = request.form
        items, item_errors = items_from_form(request.form)
        if request.form.get("rate_card_id"):
            items, item_errors = [], {}
        payers = [
            {
                "payer_id": request.form.get("payer_id"),
                "share_percent": request.form.get("share_percent"),
                "commitment": request.form.get("commitment") or None,
            }
        ]
        if request.form.get("payer2_id"):
            payers.append(
                {
                    "payer_id": request.form.get("payer2_id"),
                    "share_percent": request.form.get("share2_percent"),
                    "commitment": request.form.get("commitment2") or None,
                }
            )
        raw = {
            k: request.form.get(k) or None
            for k in (
                "name",
                "reference",
                "description",
                "valid_from",
                "valid_until",
                "participant_cap",
                "contract_cap",
                "deadweight_percent",
                "rate_card_id",
                "investor_name",
                "investor_capital",
                "investor_max_return_percent",
            )
        }
        raw = {k: v for k, v in raw.items() if v is not None}
        raw.update(
            payers=payers,
            providers=[int(i) for i in request.form.getlist("providers") if i.isdigit()],
            items=items or None,
        )
        errors = dict(item_errors)
        if not errors:
            try:
                data = ContractCreateSchema().load(raw)
                contract = contracts.create_contract(session, current_actor(), scope, data)
            except ma.ValidationError as exc:
                from fundapp.errors import flatten_messages
                from fundapp.web import errors_by_field

                errors = errors_by_field(flatten_messages(exc.messages))
            except ValidationFailed as exc:
                errors = app_error_to_form(exc)
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
        investees=investees,
        cards=cards,
        rows=range(ITEM_ROWS),
    ), (422 if errors else 200)


@bp.get("/contracts/<int:contract_id>")
@access("login", obj=(OutcomeContract, "contract_id", "view"))
def contract_detail(contract_id: int) -> Any:
    session = get_session()
    contract = load(session, OutcomeContract, contract_id, current_scope())
    scope = current_scope()
    contract_claims = session.scalars(
        select(Claim).where(Claim.contract_id == contract.id, visible_claims(scope)).order_by(Claim.id.desc())
    ).all()
    counts = dict.fromkeys(ResultStatus, 0)
    for result in session.scalars(
        select(OutcomeResult).where(OutcomeResult.contract_id == contract.id, visible_results(scope))
    ):
        counts[result.status] += 1
    return render_template(
        "outcomes/contract.html",
        contract=contract,
        budget=budgets.budget(session, contract),
        claims=contract_claims,
        result_counts=counts,
        can_edit=can(scope, "edit", contract),
        can_claim=can(scope, "claim", contract),
        ContractStatus=ContractStatus,
    )


@bp.route("/contracts/<int:contract_id>/<any(activate, close):action>", methods=["GET", "POST"])
@access("login", obj=(OutcomeContract, "contract_id", "edit"))
def contract_status(contract_id: int, action: str) -> Any:
    contract = load(get_session(), OutcomeContract, contract_id, current_scope(), "edit")
    back = url_for("outcomes.contract_detail", contract_id=contract.id)
    if request.method == "POST":
        contracts.change_status(get_session(), current_actor(), contract, action)
        return done(_("Contract started.") if action == "activate" else _("Contract closed."), back)
    question = (
        _("Start contract %(ref)s? Its terms and rate card are fixed from then on.", ref=contract.reference)
        if action == "activate"
        else _("Close contract %(ref)s? No new results can be recorded.", ref=contract.reference)
    )
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
        expected: list[pricing.Result] = []
        months = request.form.get("months") or ""
        for row in contract.items:
            raw = (request.form.get(f"count_{row.code}") or "0").strip()
            if not raw.isdigit() or int(raw) > 100_000:
                errors[f"count_{row.code}"] = [_("Enter a whole number of participants.")]
                continue
            day = contract.valid_from
            for n in range(int(raw)):
                expected.append(
                    pricing.Result(
                        item=row.code,
                        participant=f"SIM-{n + 1:05d}",
                        achieved_on=day,
                        months_on_benefit=int(months) if months.isdigit() else None,
                        key=f"{row.code}-{n}",
                    )
                )
        if not errors:
            try:
                outcome = pricing.simulate(contract_terms(contract), expected)
            except pricing.ContractRuleError as exc:
                errors = app_error_to_form(rule_errors(exc))
    return render_template(
        "outcomes/simulate.html", contract=contract, outcome=outcome, errors=errors, values=request.form
    ), (422 if errors else 200)
