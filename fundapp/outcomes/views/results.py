"""Results to pay for: recording, the list to verify, verification and rejection."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load, permitted_ids, visible_contracts, visible_results
from fundapp.db import get_session
from fundapp.documents.services import KIND_LABELS
from fundapp.documents.views import evidence_of
from fundapp.errors import ValidationFailed
from fundapp.i18n import date_filter
from fundapp.i18n import gettext as _
from fundapp.labels import label
from fundapp.listing import paginate, sort_by
from fundapp.outcomes import results
from fundapp.outcomes.contract_schemas import (
    ResultCreateSchema,
)
from fundapp.outcomes.models import (
    OutcomeContract,
    OutcomeResult,
    ResultStatus,
)
from fundapp.outcomes.views import bp
from fundapp.outcomes.views.common import my_providers, reason_confirm
from fundapp.web import done, handle_form, list_args, no_longer

RESULT_SORTS = {
    "achieved": OutcomeResult.achieved_on,
    "item": OutcomeResult.item_code,
    "status": OutcomeResult.status,
    "months": OutcomeResult.months_on_benefit,
}


@bp.route("/contracts/<int:contract_id>/results/new", methods=["GET", "POST"])
@access("login", obj=(OutcomeContract, "contract_id", "claim"))
def new_result(contract_id: int) -> Any:
    session = get_session()
    contract = load(session, OutcomeContract, contract_id, current_scope(), "claim")
    scope = current_scope()
    providers = my_providers(contract, scope)
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
        if data["investee_id"] not in {p for p, _n in providers}:
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
    """The results awaiting verification (what payers' officers and validators start with), or all the user may see."""
    session = get_session()
    scope = current_scope()
    status = request.args.get("status", "pending") or None
    query = (
        select(OutcomeResult)
        .options(
            selectinload(OutcomeResult.contract).selectinload(OutcomeContract.items),
            selectinload(OutcomeResult.investee),
        )
        .where(visible_results(scope))
    )
    if status in {s.value for s in ResultStatus}:
        query = query.where(OutcomeResult.status == ResultStatus(status))
    contract_id = request.args.get("contract_id", type=int)
    if contract_id:
        query = query.where(OutcomeResult.contract_id == contract_id)
    args = list_args("achieved")
    query, sort = sort_by(query, RESULT_SORTS, args["sort"], "achieved")
    page = paginate(session, query, args["page"], args["page_size"])
    evidence = evidence_of(page.items)
    return render_template(
        "outcomes/results.html",
        page=page,
        results=page.items,
        sort=sort,
        contract=session.scalar(
            select(OutcomeContract).where(OutcomeContract.id == contract_id, visible_contracts(scope))
        )
        if contract_id
        else None,
        status=status,
        can_verify=permitted_ids(session, scope, "verify", OutcomeResult, [r.id for r in page.items]),
        evidence=evidence,
        needs_evidence=evidence_missing(page.items, evidence),
        kind_labels=KIND_LABELS,
    )


def evidence_missing(shown: list[OutcomeResult], evidence: dict[int, list[Any]]) -> dict[int, str]:
    """The document kind a pending result's item asks for and the result does not have yet (so it cannot be
    verified); the contracts' items are loaded with the page."""
    missing = {}
    for result in shown:
        item = next((r for r in result.contract.items if r.code == result.item_code), None)
        kinds = {d.kind for d in evidence.get(result.id, [])}
        if result.status == ResultStatus.PENDING and item is not None and item.evidence_kind not in kinds | {None}:
            missing[result.id] = item.evidence_kind
    return missing


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
    if result.status != ResultStatus.PENDING:
        why = _("This result has already been %(status)s.", status=label(result.status))
        if gone := no_longer(why, url_for("outcomes.result_list", status=result.status.value)):
            return gone
    return reason_confirm(
        title=_("Reject result"),
        button=_("Reject result"),
        back=url_for("outcomes.result_list"),
        question=_(
            "Reject the result %(item)s of %(who)s on %(date)s?",
            item=result.item_code,
            who=result.participant or _("a cohort"),
            date=date_filter(result.achieved_on, "long"),
        ),
        act=lambda reason: results.reject(get_session(), current_actor(), result, reason),
        message=_("Result rejected."),
    )
