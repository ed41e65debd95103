"""Claims line by line: computing, submitting, deciding, paying."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import can, load, visible_claims
from fundapp.db import get_session
from fundapp.errors import NotFound, ValidationFailed
from fundapp.listing import paginate
from fundapp.outcomes import budget as budgets
from fundapp.outcomes import claim_totals, claims
from fundapp.outcomes.contract_schemas import (
    ClaimCreateSchema,
    PaymentSchema,
)
from fundapp.outcomes.models import Claim, ClaimLine, ClaimStatus, OutcomeContract
from fundapp.outcomes.views import bp
from fundapp.outcomes.views.common import my_providers, reason_confirm
from fundapp.web import done, handle_form, list_args


@bp.get("/claims")
@access("login")
def claim_list() -> Any:
    session = get_session()
    scope = current_scope()
    # No status asked for: an officer starts with what awaits them; "All" (status=) shows everything.
    status = request.args.get("status", "submitted" if scope.is_payer_officer else "") or None
    query = (
        select(Claim)
        .options(selectinload(Claim.contract), selectinload(Claim.investee))
        .where(visible_claims(scope))
        .order_by(Claim.id.desc())
    )
    if status in {s.value for s in ClaimStatus}:
        query = query.where(Claim.status == ClaimStatus(status))
    args = list_args("id")
    page = paginate(session, query, args["page"], args["page_size"])
    contract_budgets = budgets.budgets_of(session, list({c.contract_id: c.contract for c in page.items}.values()))
    return render_template(
        "outcomes/claims.html",
        page=page,
        claims=page.items,
        status=status,
        budgets=contract_budgets,
        statuses=list(ClaimStatus),
    )


@bp.route("/contracts/<int:contract_id>/claims/new", methods=["GET", "POST"])
@access("login", obj=(OutcomeContract, "contract_id", "claim"))
def new_claim(contract_id: int) -> Any:
    session = get_session()
    contract = load(session, OutcomeContract, contract_id, current_scope(), "claim")
    scope = current_scope()
    providers = my_providers(contract, scope)
    fields = [
        {"name": "investee_id", "label": _("Provider"), "required": True, "options": providers},
        {"name": "period", "label": _("Period"), "required": True, "help": _("e.g. 2026-Q1, 2026-H1 or 2026")},
    ]

    def save(data: dict[str, Any]) -> Any:
        if data["investee_id"] not in {p for p, _n in providers}:
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
    args = list_args("position")
    lines = paginate(
        session,
        select(ClaimLine).where(ClaimLine.claim_id == claim.id).order_by(ClaimLine.position),
        args["page"],
        args["page_size"],
    )
    # The split over the payers covers every line the payer has not rejected, not only the lines shown.
    payer_totals = claim_totals.payer_amounts(
        session, ClaimLine.claim_id, ClaimLine.claim_id == claim.id, claim_totals.NOT_REJECTED
    )
    return render_template(
        "outcomes/claim.html",
        claim=claim,
        page=lines,
        lines=lines.items,
        payer_names={str(p.payer_id): p.payer.name for p in claim.contract.payers},
        payer_totals=payer_totals.get(claim.id, {}),
        budget=budgets.budget(session, claim.contract),
        needed=claims.approvals_needed(session, claim, _threshold()),
        can_decide=can(scope, "decide", claim),
        can_submit=can(scope, "submit", claim),
        signed=any(a.user_id == scope.user_id for a in claim.approvals),
        ClaimStatus=ClaimStatus,
    )


def _threshold() -> Decimal:
    return current_app.config["CLAIM_DUAL_APPROVAL_ABOVE"]


def _claim(claim_id: int, action: str) -> Claim:
    return load(get_session(), Claim, claim_id, current_scope(), action)


@bp.route("/claims/<int:claim_id>/submit", methods=["GET", "POST"])
@access("login", obj=(Claim, "claim_id", "submit"))
def submit_claim(claim_id: int) -> Any:
    claim = _claim(claim_id, "submit")
    back = url_for("outcomes.claim_detail", claim_id=claim.id)
    if request.method == "POST":
        claims.submit(get_session(), current_actor(), claim, _threshold())
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
    line = get_session().scalar(select(ClaimLine).where(ClaimLine.id == line_id, ClaimLine.claim_id == claim.id))
    if line is None:
        raise NotFound("This line is not part of the claim.")
    return reason_confirm(
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
        claims.approve(get_session(), current_actor(), current_scope(), claim, _threshold())
        message = (
            _("Claim approved.")
            if claim.status != ClaimStatus.SUBMITTED
            else _("Signed. A second officer must co-sign this claim.")
        )
        return done(message, back)
    from fundapp.i18n import money

    needed = claims.approvals_needed(get_session(), claim, _threshold())
    return render_template(
        "confirm.html",
        title=_("Approve claim"),
        button=_("Approve"),
        button_class="primary",
        back=back,
        action=request.path,
        question=_(
            "Approve this claim for %(amount)s? Approved claims never change.",
            amount=money(claim_totals.approvable_amounts(get_session(), [claim.id])[claim.id]),
        ),
        warning=_(
            "Above %(limit)s two different officers sign: this is signature %(n)s of 2.",
            limit=money(_threshold()),
            n=len(claim.approvals) + 1,
        )
        if needed == 2
        else None,
    )


@bp.route("/claims/<int:claim_id>/reject", methods=["GET", "POST"])
@access("login", obj=(Claim, "claim_id", "decide"))
def reject_claim(claim_id: int) -> Any:
    claim = _claim(claim_id, "decide")
    return reason_confirm(
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
