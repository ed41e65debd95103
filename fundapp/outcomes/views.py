"""Result-financing pages: contracts and rate cards, results to verify, claims line by line, payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import marshmallow as ma
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import can, load, visible_claims, visible_contracts, visible_results
from fundapp.db import get_session
from fundapp.errors import NotFound, ValidationFailed
from fundapp.investees.models import Investee
from fundapp.outcomes import budget as budgets
from fundapp.outcomes import claims, contracts, pricing, results
from fundapp.outcomes.contract_schemas import (
    ClaimCreateSchema,
    ContractCreateSchema,
    DecisionReasonSchema,
    PaymentSchema,
    RateCardCreateSchema,
    ResultCreateSchema,
)
from fundapp.outcomes.models import (
    Claim,
    ClaimStatus,
    ContractStatus,
    OutcomeContract,
    OutcomeResult,
    RateCard,
    ResultStatus,
)
from fundapp.outcomes.terms import contract_terms, rule_errors
from fundapp.payers.models import OutcomePayer
from fundapp.web import app_error_to_form, confirm_with_reason, done, handle_form

bp = Blueprint("outcomes", __name__)
ITEM_ROWS = 8


def _officer_or_admin(scope: Any) -> bool:
    return scope.is_admin or scope.is_payer_officer


def _provider_side(scope: Any) -> bool:
    return scope.is_admin or scope.is_fund_manager or scope.is_investee_member


@bp.get("/contracts")
@access("login")
def contract_list() -> Any:
    session = get_session()
    rows = session.scalars(
        select(OutcomeContract)
        .where(visible_contracts(current_scope()))
        .order_by(OutcomeContract.status, OutcomeContract.valid_from.desc())
    ).all()
    return render_template("outcomes/contracts.html", contracts=rows, can_create=_officer_or_admin(current_scope()))


def _parse_bands(text: str) -> list[dict[str, Any]]:
    """'0-11: 1000, 12-35: 1500, 36+: 2000' into price bands."""
    bands = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        months, _sep, price = part.partition(":")
        low, _dash, high = months.strip().rstrip("+").partition("-")
        bands.append({"min_months": int(low), "max_months": int(high) if high else None, "price": price.strip()})
    return bands


def _items_from_form(form: Any) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    items, errors = [], {}
    for n in range(ITEM_ROWS):
        code = (form.get(f"item{n}_code") or "").strip()
        if not code:
            continue
        item: dict[str, Any] = {
            "code": code,
            "name": (form.get(f"item{n}_name") or "").strip(),
            "price": (form.get(f"item{n}_price") or "").strip(),
            "prerequisite": (form.get(f"item{n}_prerequisite") or "").strip() or None,
            "evidence": (form.get(f"item{n}_evidence") or "").strip(),
        }
        for key in ("max_units",):
            raw = (form.get(f"item{n}_{key}") or "").strip()
            item[key] = int(raw) if raw.isdigit() else None
        raw_amount = (form.get(f"item{n}_max_amount") or "").strip()
        item["max_amount"] = raw_amount or None
        try:
            item["price_bands"] = _parse_bands(form.get(f"item{n}_bands") or "")
        except ValueError:
            errors[f"item{n}_bands"] = [_("Write bands as 0-11: 1000, 12-35: 1500, 36+: 2000.")]
        items.append(item)
    if not items:
        errors["items"] = [_("Give at least one rate-card item (code, name, price).")]
    return items, errors


@bp.route("/rate-cards", methods=["GET", "POST"])
@access("login", check=_officer_or_admin)
def rate_cards() -> Any:
    session = get_session()
    scope = current_scope()
    query = select(RateCard).order_by(RateCard.name)
    if not scope.is_admin:
        query = query.where(RateCard.payer_id.in_(sorted(scope.payer_ids)))
    payers = _my_payers(session)
    errors: dict[str, list[str]] = {}
    values: Any = {"payer_id": payers[0].id if payers else ""}
    if request.method == "POST":
        values = request.form
        items, errors = _items_from_form(request.form)
        if not errors:
            try:
                data = RateCardCreateSchema().load(
                    {
                        "payer_id": request.form.get("payer_id"),
                        "items": items,
                        "name": request.form.get("name", ""),
                        "description": request.form.get("description", ""),
                    }
                )
                card = contracts.create_rate_card(session, current_actor(), scope, data)
            except ma.ValidationError as exc:
                from fundapp.errors import flatten_messages
                from fundapp.web import errors_by_field

                errors = errors_by_field(flatten_messages(exc.messages))
            except ValidationFailed as exc:
                errors = app_error_to_form(exc)
            else:
                return done(_("Rate card %(name)s saved.", name=card.name), url_for("outcomes.rate_cards"))
    cards = session.scalars(query).all()
    return render_template(
        "outcomes/rate_cards.html", cards=cards, payers=payers, values=values, errors=errors, rows=range(ITEM_ROWS)
    ), (422 if errors else 200)


def _my_payers(session: Any) -> list[OutcomePayer]:
    scope = current_scope()
    query = select(OutcomePayer).order_by(OutcomePayer.name)
    if not scope.is_admin:
        query = query.where(OutcomePayer.id.in_(sorted(scope.payer_ids)))
    return list(session.scalars(query))


@bp.route("/contracts/new", methods=["GET", "POST"])
@access("login", check=_officer_or_admin)
def new_contract() -> Any:
    session = get_session()
    scope = current_scope()
    own = _my_payers(session)
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
        items, item_errors = _items_from_form(request.form)
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


def _my_providers(contract: OutcomeContract, scope: Any) -> list[tuple[int, str]]:
    """The contract's providers the user acts for: their own enterprise, or their fund's."""
    return [
        (p.investee_id, p.investee.name)
        for p in contract.providers
        if scope.is_admin or p.investee_id in scope.investee_ids or p.investee.fund_id in scope.fund_ids
    ]


@bp.route("/contracts/<int:contract_id>/results/new", methods=["GET", "POST"])
@access("login", obj=(OutcomeContract, "contract_id", "claim"))
def new_result(contract_id: int) -> Any:
    session = get_session()
    contract = load(session, OutcomeContract, contract_id, current_scope(), "claim")
    scope = current_scope()
    providers = _my_providers(contract, scope)
    fields = [
        {"name": "investee_id", "label": _("Provider"), "required": True, "options": providers},
        {
            "name": "item",
            "label": _("Rate-card item"),
            "required": True,
            "options": [(row.code, f"{row.code} · {row.name}") for row in contract.items],
        },
        {
            "name": "participant",
            "label": _("Participant reference"),
            "help": _("Pseudonymous, never a BSN or name. Leave empty for a cohort result."),
        },
        {"name": "achieved_on", "label": _("Date achieved"), "type": "date"},
        {"name": "months_on_benefit", "label": _("Months on a benefit before"), "type": "number"},
        {"name": "period", "label": _("Cohort: period"), "help": _("e.g. 2026-Q1")},
        {"name": "units", "label": _("Cohort: number of units"), "type": "number"},
        {
            "name": "evidence",
            "label": _("Evidence"),
            "required": True,
            "type": "textarea",
            "help": _("What proves it, e.g. a payroll statement reference."),
        },
    ]

    def save(data: dict[str, Any]) -> Any:
        if not (scope.is_admin or data["investee_id"] in {p for p, _n in providers}):
            raise ValidationFailed.field("investee_id", _("Choose one of your providers."))
        results.record_result(session, current_actor(), contract, data)
        return done(
            _("Result recorded; it awaits verification."), url_for("outcomes.contract_detail", contract_id=contract.id)
        )

    return handle_form(
        ResultCreateSchema(),
        {"investee_id": providers[0][0] if len(providers) == 1 else ""},
        save,
        "form_page.html",
        title=_("Record a result"),
        fields=fields,
        back=url_for("outcomes.contract_detail", contract_id=contract.id),
        back_label=contract.name,
    )


@bp.get("/results")
@access("login")
def result_list() -> Any:
    """The results to verify (fund managers), or all results the user may see."""
    session = get_session()
    scope = current_scope()
    status = request.args.get("status", "pending" if scope.is_fund_manager else "") or None
    query = select(OutcomeResult).where(visible_results(scope)).order_by(OutcomeResult.achieved_on, OutcomeResult.id)
    if status in {s.value for s in ResultStatus}:
        query = query.where(OutcomeResult.status == ResultStatus(status))
    rows = session.scalars(query.limit(500)).all()
    return render_template(
        "outcomes/results.html", results=rows, status=status, can_verify={r.id: can(scope, "verify", r) for r in rows}
    )


@bp.route("/results/<int:result_id>/verify", methods=["POST"])
@access("login", obj=(OutcomeResult, "result_id", "verify"))
def verify_result(result_id: int) -> Any:
    result = load(get_session(), OutcomeResult, result_id, current_scope(), "verify")
    results.verify(get_session(), current_actor(), result)
    return done(_("Result verified."), request.referrer or url_for("outcomes.result_list"))


@bp.route("/results/<int:result_id>/reject", methods=["GET", "POST"])
@access("login", obj=(OutcomeResult, "result_id", "verify"))
def reject_result(result_id: int) -> Any:
    result = load(get_session(), OutcomeResult, result_id, current_scope(), "verify")
    return _reason_confirm(
        title=_("Reject result"),
        button=_("Reject result"),
        back=url_for("outcomes.result_list"),
        question=_(
            "Reject the result %(item)s of %(who)s on %(date)s?",
            item=result.item_code,
            who=result.participant or _("a cohort"),
            date=result.achieved_on.isoformat(),
        ),
        act=lambda reason: results.reject(get_session(), current_actor(), result, reason),
        message=_("Result rejected."),
    )


def _reason_confirm(title: str, button: str, back: str, question: str, act: Any, message: str) -> Any:
    return confirm_with_reason(
        DecisionReasonSchema(), act, message, back, _("Reason"), title=title, button=button, question=question
    )


@bp.get("/claims")
@access("login")
def claim_list() -> Any:
    session = get_session()
    scope = current_scope()
    # No status asked for: an officer starts with what awaits them; "All" (status=) shows everything.
    status = request.args.get("status", "submitted" if scope.is_payer_officer else "") or None
    query = select(Claim).where(visible_claims(scope)).order_by(Claim.id.desc())
    if status in {s.value for s in ClaimStatus}:
        query = query.where(Claim.status == ClaimStatus(status))
    rows = session.scalars(query.limit(300)).all()
    contracts_shown = {c.contract_id: c.contract for c in rows}
    contract_budgets = {cid: budgets.budget(session, contract) for cid, contract in contracts_shown.items()}
    return render_template(
        "outcomes/claims.html", claims=rows, status=status, budgets=contract_budgets, statuses=list(ClaimStatus)
    )


@bp.route("/contracts/<int:contract_id>/claims/new", methods=["GET", "POST"])
@access("login", obj=(OutcomeContract, "contract_id", "claim"))
def new_claim(contract_id: int) -> Any:
    session = get_session()
    contract = load(session, OutcomeContract, contract_id, current_scope(), "claim")
    scope = current_scope()
    providers = _my_providers(contract, scope)
    fields = [
        {"name": "investee_id", "label": _("Provider"), "required": True, "options": providers},
        {"name": "period", "label": _("Period"), "required": True, "help": _("e.g. 2026-Q1, 2026-H1 or 2026")},
    ]

    def save(data: dict[str, Any]) -> Any:
        if not (scope.is_admin or data["investee_id"] in {p for p, _n in providers}):
            raise ValidationFailed.field("investee_id", _("Choose one of your providers."))
        claim = claims.compute_claim(session, current_actor(), contract, data["investee_id"], data["period"])
        return done(
            _("Draft claim computed. Check each line, then submit it."),
            url_for("outcomes.claim_detail", claim_id=claim.id),
        )

    from fundapp.impact.periods import Frequency, Period

    return handle_form(
        ClaimCreateSchema(),
        {
            "investee_id": providers[0][0] if len(providers) == 1 else "",
            "period": str(Period.containing(date.today(), Frequency.QUARTERLY).previous()),
        },
        save,
        "form_page.html",
        title=_("Compute a claim"),
        fields=fields,
        intro=_("The claim takes every verified result of the period that was not claimed before."),
        back=url_for("outcomes.contract_detail", contract_id=contract.id),
        submit=_("Compute claim"),
    )


@bp.get("/claims/<int:claim_id>")
@access("login", obj=(Claim, "claim_id", "view"))
def claim_detail(claim_id: int) -> Any:
    session = get_session()
    claim = load(session, Claim, claim_id, current_scope())
    scope = current_scope()
    payer_names = {str(p.payer_id): p.payer.name for p in claim.contract.payers}
    payer_totals: dict[str, Decimal] = {}
    for line in claim.lines:
        if line.status.value != "rejected":
            for payer, amount in line.by_payer or []:
                payer_totals[payer] = payer_totals.get(payer, Decimal("0")) + Decimal(amount)
    return render_template(
        "outcomes/claim.html",
        claim=claim,
        payer_names=payer_names,
        payer_totals=payer_totals,
        budget=budgets.budget(session, claim.contract),
        needed=claims.approvals_needed(claim),
        can_decide=can(scope, "decide", claim),
        can_submit=can(scope, "submit", claim),
        signed=any(a.user_id == scope.user_id for a in claim.approvals),
        ClaimStatus=ClaimStatus,
    )


def _claim(claim_id: int, action: str) -> Claim:
    return load(get_session(), Claim, claim_id, current_scope(), action)


@bp.route("/claims/<int:claim_id>/submit", methods=["GET", "POST"])
@access("login", obj=(Claim, "claim_id", "submit"))
def submit_claim(claim_id: int) -> Any:
    claim = _claim(claim_id, "submit")
    back = url_for("outcomes.claim_detail", claim_id=claim.id)
    if request.method == "POST":
        claims.submit(get_session(), current_actor(), claim)
        return done(_("Claim submitted to the payers."), back)
    from fundapp.i18n import money

    return render_template(
        "confirm.html",
        title=_("Submit claim"),
        button=_("Submit claim"),
        button_class="primary",
        back=back,
        action=request.path,
        question=_(
            "Submit this claim of %(amount)s to the payers? It cannot be changed afterwards.",
            amount=money(claim.total_payable),
        ),
    )


@bp.route("/claims/<int:claim_id>/discard", methods=["GET", "POST"])
@access("login", obj=(Claim, "claim_id", "submit"))
def discard_claim(claim_id: int) -> Any:
    claim = _claim(claim_id, "submit")
    contract_id = claim.contract_id
    if request.method == "POST":
        claims.discard_draft(get_session(), current_actor(), claim)
        return done(
            _("Draft discarded; its results can be claimed again."),
            url_for("outcomes.contract_detail", contract_id=contract_id),
        )
    return render_template(
        "confirm.html",
        title=_("Discard draft claim"),
        button=_("Discard"),
        action=request.path,
        back=url_for("outcomes.claim_detail", claim_id=claim.id),
        question=_("Discard this draft claim? Its results become claimable again."),
    )


@bp.route("/claims/<int:claim_id>/lines/<int:line_id>/reject", methods=["GET", "POST"])
@access("login", obj=(Claim, "claim_id", "decide"))
def reject_line(claim_id: int, line_id: int) -> Any:
    claim = _claim(claim_id, "decide")
    line = next((line for line in claim.lines if line.id == line_id), None)
    if line is None:
        raise NotFound("This line is not part of the claim.")
    return _reason_confirm(
        title=_("Reject a claim line"),
        button=_("Reject line"),
        back=url_for("outcomes.claim_detail", claim_id=claim.id),
        question=_(
            "Reject line %(n)s (%(item)s, %(who)s)? The rest of the claim can still be approved.",
            n=line.position + 1,
            item=line.item_code,
            who=line.participant or _("cohort"),
        ),
        act=lambda reason: claims.reject_line(get_session(), current_actor(), current_scope(), claim, line, reason),
        message=_("Line rejected."),
    )


@bp.route("/claims/<int:claim_id>/approve", methods=["GET", "POST"])
@access("login", obj=(Claim, "claim_id", "decide"))
def approve_claim(claim_id: int) -> Any:
    claim = _claim(claim_id, "decide")
    back = url_for("outcomes.claim_detail", claim_id=claim.id)
    if request.method == "POST":
        claims.approve(get_session(), current_actor(), current_scope(), claim)
        message = (
            _("Claim approved.")
            if claim.status != ClaimStatus.SUBMITTED
            else _("Signed. A second officer must co-sign this claim.")
        )
        return done(message, back)
    from fundapp.i18n import money

    needed = claims.approvals_needed(claim)
    return render_template(
        "confirm.html",
        title=_("Approve claim"),
        button=_("Approve"),
        button_class="primary",
        back=back,
        action=request.path,
        question=_(
            "Approve this claim for %(amount)s? Approved claims never change.",
            amount=money(sum((line.payable for line in claim.lines if line.status.value != "rejected"), Decimal("0"))),
        ),
        warning=_(
            "Above %(limit)s two different officers sign: this is signature %(n)s of 2.",
            limit=money(claims.dual_approval_threshold()),
            n=len(claim.approvals) + 1,
        )
        if needed == 2
        else None,
    )


@bp.route("/claims/<int:claim_id>/reject", methods=["GET", "POST"])
@access("login", obj=(Claim, "claim_id", "decide"))
def reject_claim(claim_id: int) -> Any:
    claim = _claim(claim_id, "decide")
    return _reason_confirm(
        title=_("Reject claim"),
        button=_("Reject claim"),
        back=url_for("outcomes.claim_detail", claim_id=claim.id),
        question=_("Reject the whole claim? Its results can be claimed again."),
        act=lambda reason: claims.reject(get_session(), current_actor(), current_scope(), claim, reason),
        message=_("Claim rejected."),
    )


@bp.route("/claims/<int:claim_id>/payment", methods=["GET", "POST"])
@access("login", obj=(Claim, "claim_id", "decide"))
def record_payment(claim_id: int) -> Any:
    claim = _claim(claim_id, "decide")
    fields = [
        {"name": "paid_on", "label": _("Date paid"), "type": "date", "required": True},
        {"name": "reference", "label": _("Payment reference"), "required": True},
    ]

    def save(data: dict[str, Any]) -> Any:
        claims.record_payment(
            get_session(), current_actor(), current_scope(), claim, data["paid_on"], data["reference"]
        )
        return done(_("Payment recorded."), url_for("outcomes.claim_detail", claim_id=claim.id))

    return handle_form(
        PaymentSchema(),
        {"paid_on": date.today().isoformat()},
        save,
        "form_page.html",
        title=_("Record payment"),
        fields=fields,
        back=url_for("outcomes.claim_detail", claim_id=claim.id),
        submit=_("Record payment"),
        warning=_("Record a payment once it has left the bank; it cannot be recorded twice."),
    )
