"""Claims line by line: computing, submitting, deciding, paying."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import current_app, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import lazyload, selectinload

from fundapp import clock
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import can, load, payer_rows_of, visible_claims, visible_payers
from fundapp.db import get_session
from fundapp.errors import NotFound, ValidationFailed
from fundapp.i18n import date_filter, money
from fundapp.i18n import gettext as _
from fundapp.kept_answers import keeps_answers
from fundapp.labels import label
from fundapp.listing import paginate, sort_by
from fundapp.money import ZERO
from fundapp.outcomes import budget as budgets
from fundapp.outcomes import claim_totals, claims, payments
from fundapp.outcomes.contract_schemas import (
    ClaimCreateSchema,
    PaymentSchema,
)
from fundapp.outcomes.models import (
    Claim,
    ClaimApproval,
    ClaimLine,
    ClaimStatus,
    ContractPayer,
    LineStatus,
    OutcomeContract,
)
from fundapp.outcomes.views import bp
from fundapp.outcomes.views.common import my_providers, reason_confirm
from fundapp.payers.models import OutcomePayer
from fundapp.web import done, handle_form, list_args, no_longer

CLAIM_SORTS = {
    "id": Claim.id,
    "period": Claim.period,
    "status": Claim.status,
    "payable": Claim.total_payable,
    "submitted": Claim.submitted_at,
}


# The list of claims shows each claim's contract's name and payers (names, budget), not its rate card or
# providers: those are read only if something asks for them.
CONTRACT_OF_A_CLAIM = (lazyload(OutcomeContract.items), lazyload(OutcomeContract.providers))


@bp.get("/claims")
@access("login")
@keeps_answers
def claim_list() -> Any:
    session = get_session()
    scope = current_scope()
    # No status asked for: an officer starts with what awaits them; "All" (status=) shows everything.
    status = request.args.get("status", "submitted" if scope.is_payer_officer else "") or None
    query = (
        select(Claim)
        .options(selectinload(Claim.contract).options(*CONTRACT_OF_A_CLAIM), selectinload(Claim.investee))
        .where(visible_claims(scope))
    )
    if status in {s.value for s in ClaimStatus}:
        query = query.where(Claim.status == ClaimStatus(status))
    payer_id = request.args.get("payer_id", type=int)
    if payer_id:
        # The claims on the contracts this payer accepted: what awaits its officers (the home page's count).
        accepted = select(ContractPayer.contract_id).where(
            ContractPayer.payer_id == payer_id, ContractPayer.accepted_at.is_not(None)
        )
        query = query.where(Claim.contract_id.in_(accepted))
    args = list_args("-id")
    query, sort = sort_by(query, CLAIM_SORTS, args["sort"], "-id")
    page = paginate(session, query, args["page"], args["page_size"])
    # An officer sees what is left of their own payer's share, as on the home page; anyone else the whole contract.
    contracts_shown = {c.contract_id: c.contract for c in page.items}
    contract_budgets = budgets.budgets_of(session, list(contracts_shown.values()))
    left = {
        contract_id: budget.own({row.payer_id for row in payer_rows_of(scope, contracts_shown[contract_id])})
        if scope.is_payer_officer
        else budget.contract
        for contract_id, budget in contract_budgets.items()
    }
    return render_template(
        "outcomes/claims.html",
        page=page,
        claims=page.items,
        status=status,
        sort=sort,
        left=left,
        own_share=scope.is_payer_officer,
        statuses=list(ClaimStatus),
        payer=session.scalar(select(OutcomePayer).where(OutcomePayer.id == payer_id, visible_payers(scope)))
        if payer_id
        else None,
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
            "period": str(Period.containing(clock.today(), Frequency.QUARTERLY).previous()),
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
@keeps_answers
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
    rejected_lines, rejected_amount = claim_totals.rejected_total(session, claim.id)
    return render_template(
        "outcomes/claim.html",
        claim=claim,
        page=lines,
        lines=lines.items,
        payer_names={str(p.payer_id): p.payer.name for p in claim.contract.payers},
        payer_totals=payer_totals.get(claim.id, {}),
        rejected_lines=rejected_lines,
        rejected_amount=rejected_amount,
        budget=budgets.budget(session, claim.contract),
        needed=claims.approvals_needed(session, claim, _threshold()),
        can_decide=can(scope, "decide", claim),
        can_submit=can(scope, "submit", claim),
        my_signature=_my_signature(claim),
        my_splits=payments.own_splits(claim, scope),
        ClaimStatus=ClaimStatus,
        ZERO=ZERO,  # a variable, not a literal: Jinja would format a constant once, in the first reader's language
    )


def _threshold() -> Decimal:
    return current_app.config["CLAIM_DUAL_APPROVAL_ABOVE"]


def _claim(claim_id: int, action: str) -> Claim:
    return load(get_session(), Claim, claim_id, current_scope(), action)


def _my_signature(claim: Claim) -> ClaimApproval | None:
    return next((a for a in claim.approvals if a.user_id == current_scope().user_id), None)


def _not_submitted(claim: Claim) -> str | None:
    """Why a decision on the claim no longer applies: it is not (or no longer) awaiting one."""
    if claim.status == ClaimStatus.DRAFT:
        return _("This claim is still a draft; it can be decided once the provider has submitted it.")
    if claim.status != ClaimStatus.SUBMITTED:
        return _("This claim has already been decided: it is %(status)s.", status=label(claim.status))
    return None


def _not_a_draft(claim: Claim) -> str | None:
    if claim.status != ClaimStatus.DRAFT:
        return _("This claim has already been submitted: it is %(status)s.", status=label(claim.status))
    return None


def _signed(claim: Claim) -> str | None:
    mine = _my_signature(claim)
    if mine is not None:
        return _(
            "You signed this claim on %(date)s; a second, different officer must co-sign it.",
            date=date_filter(mine.approved_at, "long"),
        )
    return None


def _lines_fixed(claim: Claim, line: ClaimLine) -> str | None:
    if claim.approvals:
        return _("An officer has already signed this claim; its lines can no longer change.")
    if line.status == LineStatus.REJECTED:
        return _("This line has already been rejected: %(reason)s", reason=line.rejection_reason)
    return None


def _paid(claim: Claim) -> str | None:
    """Why recording a payment no longer applies: the claim is paid, not approved, or the officer's part is paid."""
    if claim.status == ClaimStatus.PAID:
        return _("This claim was paid in full on %(date)s.", date=date_filter(claim.paid_on, "long"))
    if claim.status not in (ClaimStatus.APPROVED, ClaimStatus.PARTLY_APPROVED):
        return _("Only an approved claim can be paid; this claim is %(status)s.", status=label(claim.status))
    mine = payments.own_splits(claim, current_scope())
    if mine and all(split.paid_on is not None for split in mine):
        return _(
            "Your part of this claim was recorded as paid on %(date)s (reference %(reference)s).",
            date=date_filter(mine[0].paid_on, "long"),
            reference=mine[0].payment_reference,
        )
    return None


@bp.route("/claims/<int:claim_id>/submit", methods=["GET", "POST"])
@access("login", obj=(Claim, "claim_id", "submit"))
def submit_claim(claim_id: int) -> Any:
    claim = _claim(claim_id, "submit")
    back = url_for("outcomes.claim_detail", claim_id=claim.id)
    if gone := no_longer(_not_a_draft(claim), back):
        return gone
    if request.method == "POST":
        claims.submit(get_session(), current_actor(), claim, _threshold())
        return done(_("Claim submitted to the payers."), back)
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
    if gone := no_longer(_not_a_draft(claim), url_for("outcomes.claim_detail", claim_id=claim.id)):
        return gone
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
    back = url_for("outcomes.claim_detail", claim_id=claim.id)
    if gone := no_longer(_not_submitted(claim) or _lines_fixed(claim, line), back):
        return gone
    return reason_confirm(
        title=_("Reject a claim line"),
        button=_("Reject line"),
        back=back,
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
    if gone := no_longer(_not_submitted(claim) or _signed(claim), back):
        return gone
    if request.method == "POST":
        claims.approve(get_session(), current_actor(), current_scope(), claim, _threshold())
        message = (
            _("Claim approved.")
            if claim.status != ClaimStatus.SUBMITTED
            else _("Signed. A second officer must co-sign this claim.")
        )
        return done(message, back)
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
    back = url_for("outcomes.claim_detail", claim_id=claim.id)
    if gone := no_longer(_not_submitted(claim), back):
        return gone
    return reason_confirm(
        title=_("Reject claim"),
        button=_("Reject claim"),
        back=back,
        question=_("Reject the whole claim? Its results can be claimed again."),
        act=lambda reason: claims.reject(get_session(), current_actor(), current_scope(), claim, reason),
        message=_("Claim rejected."),
    )


@bp.route("/claims/<int:claim_id>/payment", methods=["GET", "POST"])
@access("login", obj=(Claim, "claim_id", "decide"))
def record_payment(claim_id: int) -> Any:
    """Each payer records its own part; the page shows the amount and every payer's part before it is recorded."""
    claim = _claim(claim_id, "decide")
    back = url_for("outcomes.claim_detail", claim_id=claim.id)
    if gone := no_longer(_paid(claim), back):
        return gone
    mine = [split for split in payments.own_splits(claim, current_scope()) if split.paid_on is None]
    fields = [
        {"name": "paid_on", "label": _("Date paid"), "type": "date", "required": True},
        {"name": "reference", "label": _("Payment reference"), "required": True},
    ]

    def save(data: dict[str, Any]) -> Any:
        payments.record_payment(
            get_session(), current_actor(), current_scope(), claim, data["paid_on"], data["reference"]
        )
        if claim.status == ClaimStatus.PAID:
            return done(_("Payment recorded; every payer has paid its part, so the claim is paid."), back)
        return done(_("Payment recorded; the claim is paid once the other payers have recorded theirs."), back)

    return handle_form(
        PaymentSchema(),
        {"paid_on": clock.today().isoformat()},
        save,
        "outcomes/payment.html",
        title=_("Record payment"),
        fields=fields,
        back=back,
        claim=claim,
        mine=mine,
        intro=_(
            "The claim's approved amount is %(total)s. Record what %(payers)s paid: %(amount)s.",
            total=money(claim.approved_amount),
            payers=", ".join(split.payer.name for split in mine),
            amount=money(sum((split.amount for split in mine), ZERO)),
        ),
        submit=_("Record payment"),
        warning=_("Record a payment once it has left the bank; it cannot be recorded twice."),
    )
