"""The world the authorization walk runs on, and a valid request for every write of the app.

World A (``tests.factories``) gets the objects whose state lets each action succeed
once: a draft loan to edit, approve and disburse, a draft contract to accept and start,
a rate card and an indicator of each side. ``PREPARE`` brings world A into the state an
action needs (a submitted report to approve, an approved claim to pay), inside the
savepoint of the call, so every role meets the same state and nothing stays.
``BODIES`` gives a valid body per write endpoint (JSON for the API, a form for pages):
an allowed role must then succeed, a refused role must still be refused.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fundapp.auth.policy import Scope
from tests.factories import ACTOR, PASSWORD, THRESHOLD, World, filled_workbook, make_contract, make_loan

ROLES = (
    "anonymous",
    "admin",
    "manager_a",
    "manager_b",
    "officer_a",
    "officer_b",
    "member_a",
    "member_b",
    "validator_a",
    "validator_b",
)
TODAY = date.today().isoformat()
REASON = "Checked in the walk"


@dataclass
class Walk:
    """World A and B, with what the walk adds to them."""

    world: World
    tokens: dict[str, Any]
    workbook: bytes
    draft_loan: Any
    draft_contract: Any

    def side(self, role: str) -> tuple[Any, Any, Any]:
        """The fund, investee and payer a role acts for: world B's for the *_b roles, else world A's."""
        w = self.world
        if role.endswith("_b"):
            return w.fund_b, w.investee_b, w.payer_b
        return w.fund_a, w.investee_a, w.payer_a


def add_walk_states(session: Session, world: World) -> tuple[Any, Any]:
    """What world A needs besides ``add_outcomes``/``add_reports``, and a rate card and indicator of each side."""
    from fundapp.impact import catalog
    from fundapp.outcomes import contracts

    draft_loan = make_loan(session, world.investee_a, status="draft", disbursement_date=date(2026, 1, 15))
    draft_contract = make_contract(session, world.payer_a, [world.investee_a], reference="RF-A-DRAFT", activate=False)
    admin = Scope(user_id=0, is_admin=True)
    contracts.create_rate_card(
        session,
        ACTOR,
        admin,
        {
            "payer_id": world.payer_b.id,
            "name": "Kaart B",
            "description": "",
            "items": [{"code": "JOB-START", "name": "Started paid work", "price": Decimal("900.00")}],
        },
    )
    for fund, code in ((world.fund_a, "WALK-FUND-A"), (world.fund_b, "WALK-FUND-B")):
        catalog.create_indicator(session, ACTOR, admin, indicator_data(code, fund.id))
    _claim_of_world_b(session, world)
    session.flush()
    return draft_loan, draft_contract


def _claim_of_world_b(session: Session, world: World) -> None:
    """A verified result and a draft claim on contract B, so that lists have something of B's to hide from A."""
    from sqlalchemy import select

    from fundapp.outcomes import claims, results
    from fundapp.outcomes.models import OutcomeContract

    contract = session.scalar(select(OutcomeContract).where(OutcomeContract.reference == "RF-B"))
    result = results.record_result(
        session,
        ACTOR,
        contract,
        {
            "investee_id": world.investee_b.id,
            "item": "JOB-START",
            "participant": "P-0009",
            "achieved_on": date(2026, 2, 1),
            "months_on_benefit": 14,
            "evidence": "payroll",
        },
    )
    results.verify(session, ACTOR, result)
    claims.compute_claim(session, ACTOR, contract, world.investee_b.id, "2026-Q1")


def indicator_data(code: str, fund_id: int | None) -> dict[str, Any]:
    from fundapp.impact.models import Aggregation, TocLevel, ValueType

    return {
        "code": code,
        "fund_id": fund_id,
        "name_nl": f"Indicator {code}",
        "name_en": f"Indicator {code}",
        "theme_code": "arbeidsparticipatie",
        "toc_level": TocLevel.OUTPUT,
        "unit": "people",
        "value_type": ValueType.INTEGER,
        "aggregation": Aggregation.SUM,
    }


def make_walk(session: Session, world: World, tokens: dict[str, Any]) -> Walk:
    draft_loan, draft_contract = add_walk_states(session, world)
    return Walk(world, tokens, filled_workbook(session, world.investee_a), draft_loan, draft_contract)


def log_in(client: Any, user: Any) -> None:
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 303


def arguments(walk: Walk) -> dict[str, Any]:
    """Route argument name -> the id of world A's object."""
    world = walk.world
    return {
        "fund_id": world.fund_a.id,
        "investee_id": world.investee_a.id,
        "payer_id": world.payer_a.id,
        "label_id": world.investee_a.labels[0].id,
        "source_id": world.fund_a.capital_sources[0].id,
        "token_id": walk.tokens["manager_a"].id,
        "lang": "en",
        "loan_id": world.loan_a.id,
        "event_id": world.repayment_a.id,
        "submission_id": world.submission_a.id,
        "code": "LP-EMPLOYED-HEADCOUNT",
        "contract_id": world.contract_a.id,
        "card_id": world.rate_card_a.id,
        "result_id": world.result_a.id,
        "claim_id": world.claim_a.id,
        "line_id": world.claim_a.lines[0].id,
        "action": "close",
    }


# --- states: endpoint -> what to do first (inside the call's savepoint); answers route arguments to use ---------


def _draft_loan(session: Session, walk: Walk) -> dict[str, Any]:
    return {"loan_id": walk.draft_loan.id}


def _approved_loan(session: Session, walk: Walk) -> dict[str, Any]:
    from fundapp.loans import services

    services.approve(session, ACTOR, walk.draft_loan)
    return {"loan_id": walk.draft_loan.id}


def _written_off_loan(session: Session, walk: Walk) -> dict[str, Any]:
    from fundapp.loans import services

    services.write_off(session, ACTOR, walk.world.loan_a, date.today(), REASON)
    return {}


def _draft_contract(session: Session, walk: Walk) -> dict[str, Any]:
    return {"contract_id": walk.draft_contract.id}


def _accepted_draft_contract(session: Session, walk: Walk) -> dict[str, Any]:
    from fundapp.outcomes import contracts

    for row in walk.draft_contract.payers:
        contracts.accept_share(session, ACTOR, row)
    for row in walk.draft_contract.providers:
        contracts.accept_provision(session, ACTOR, row)
    return {"contract_id": walk.draft_contract.id}


def _verified_result(session: Session, walk: Walk) -> dict[str, Any]:
    from fundapp.outcomes import results

    results.verify(session, ACTOR, walk.world.result_a)
    return {}


def _draft_claim(session: Session, walk: Walk) -> dict[str, Any]:
    from fundapp.outcomes import claims

    _verified_result(session, walk)
    world = walk.world
    claim = claims.compute_claim(session, ACTOR, world.contract_a, world.investee_a.id, "2026-Q3")
    session.flush()
    return {"claim_id": claim.id, "line_id": claim.lines[0].id}


def _approved_claim(session: Session, walk: Walk) -> dict[str, Any]:
    from fundapp.outcomes import claims

    officer = walk.world.user("officer_a")
    claims.approve(session, officer, Scope.of_user(officer), walk.world.claim_a, THRESHOLD)
    return {}


def _submitted_report(session: Session, walk: Walk) -> dict[str, Any]:
    from fundapp.impact import submissions

    submissions.submit(session, ACTOR, walk.world.submission_a)
    return {}


Prepare = Callable[[Session, Walk], dict[str, Any]]
PREPARE: dict[str, Prepare] = {
    "loans.edit": _draft_loan,
    "loans.approve": _draft_loan,
    "api_loans.update_loan": _draft_loan,
    "api_loans.approve_loan": _draft_loan,
    "loans.disburse": _approved_loan,
    "api_loans.disburse": _approved_loan,
    "loans.recover": _written_off_loan,
    "api_loans.record_recovery": _written_off_loan,
    "outcomes.accept_contract": _draft_contract,
    "api_outcomes.accept_payer_share": _draft_contract,
    "api_outcomes.accept_provider": _draft_contract,
    "api_outcomes.activate_contract": _accepted_draft_contract,
    "outcomes.new_claim": _verified_result,
    "api_outcomes.compute_claim": _verified_result,
    "outcomes.submit_claim": _draft_claim,
    "outcomes.discard_claim": _draft_claim,
    "api_outcomes.submit_claim": _draft_claim,
    "api_outcomes.discard_claim": _draft_claim,
    "outcomes.record_payment": _approved_claim,
    "api_outcomes.record_payment": _approved_claim,
    "api_outcomes.correct_claim": _approved_claim,
    "impact.approve": _submitted_report,
    "impact.return_report": _submitted_report,
    "api_impact.approve_submission": _submitted_report,
    "api_impact.return_submission": _submitted_report,
}

# Allowed roles for whom the action is nothing to do, with why; every other allowed role must succeed.
SUCCEEDS: dict[str, frozenset[str]] = {
    # An administrator sees the draft but is no party to it: the page says there is nothing for them to accept.
    "outcomes.accept_contract": frozenset({"officer_a", "manager_a", "member_a"}),
}


# --- bodies: endpoint -> (walk, role) -> a valid body ---------------------------------------------------------------


def _terms(api: bool) -> dict[str, Any]:
    return {
        "principal": "10000.00" if api else "10000",
        "annual_interest_rate": "6",
        "disbursement_date": "2026-01-15",
        "number_of_installments": 12,
        "frequency": "monthly",
        "amortization": "annuity",
        "grace_on_principal": 0,
        "day_count": "30/360",
    }


def _investee(walk: Walk, role: str, api: bool) -> dict[str, Any]:
    fund = walk.side(role)[0]
    body = {
        "fund_id": fund.id,
        "name": "Walk BV",
        "kvk_number": "69999999",
        "legal_form": "bv",
        "municipality": "Utrecht",
        "themes": ["arbeidsparticipatie"],
        "sdgs": [8] if api else ["8"],
    }
    return body


def _investee_edit(walk: Walk, role: str) -> dict[str, Any]:
    investee = walk.world.investee_a
    return {
        "fund_id": investee.fund_id,
        "name": "Investee A",
        "kvk_number": investee.kvk_number,
        "legal_form": "bv",
        "municipality": "Schiedam",
        "themes": ["arbeidsparticipatie"],
        "sdgs": ["8"],
    }


def _contract(walk: Walk, role: str, api: bool) -> dict[str, Any]:
    _fund, investee, payer = walk.side(role)
    common = {
        "name": "Walk contract",
        "reference": "RF-WALK",
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
        "contract_cap": "50000.00" if api else "50000",
        "deadweight_percent": "0",
    }
    if api:
        items = [{"code": "JOB-START", "name": "Started paid work", "price": "1000.00"}]
        payers = [{"payer_id": payer.id, "share_percent": "100"}]
        return {**common, "payers": payers, "providers": [investee.id], "items": items}
    return {
        **common,
        "payer_id": payer.id,
        "share_percent": "100",
        "providers": [str(investee.id)],
        "item0_code": "JOB-START",
        "item0_name": "Started paid work",
        "item0_price": "1000",
    }


def _rate_card(walk: Walk, role: str, api: bool) -> dict[str, Any]:
    payer = walk.side(role)[2]
    if api:
        items = [{"code": "JOB-START", "name": "Started paid work", "price": "1000.00"}]
        return {"payer_id": payer.id, "name": "Walk card", "items": items}
    return {
        "payer_id": payer.id,
        "name": "Walk card",
        "item0_code": "JOB-START",
        "item0_name": "Started paid work",
        "item0_price": "1000",
    }


def _indicator(walk: Walk, role: str, api: bool) -> dict[str, Any]:
    fund = walk.side(role)[0]
    data = indicator_data("WALK-NEW", fund.id)
    body = {key: getattr(value, "value", value) for key, value in data.items() if key != "theme_code"}
    return {**body, "theme": "arbeidsparticipatie"}


def _result(walk: Walk, role: str) -> dict[str, Any]:
    return {
        "investee_id": walk.world.investee_a.id,
        "item": "JOB-START",
        "participant": "P-0002",
        "achieved_on": "2026-03-01",
        "months_on_benefit": 14,
        "evidence": "payroll",
    }


def _upload(walk: Walk, role: str) -> dict[str, Any]:
    return {"file": (io.BytesIO(walk.workbook), "kpi.xlsx")}


def _source(api: bool) -> dict[str, Any]:
    return {"name": "Walk foundation", "kind": "foundation", "committed": "5000.00" if api else "5000"}


def _const(body: dict[str, Any]) -> Callable[[Walk, str], dict[str, Any]]:
    return lambda _walk, _role: body


Body = Callable[[Walk, str], dict[str, Any]]
REASON_BODY = _const({"reason": REASON})
PAGE_BODIES: dict[str, Body] = {
    "auth.login": lambda walk, _r: {"email": walk.world.user("manager_a").email, "password": PASSWORD},
    "auth.create_token": _const({"name": "walk"}),
    "funds.create": _const({"name": "Walk Fund", "region": "Utrecht"}),
    "funds.edit": _const({"name": "Fund A", "region": "Schiedam"}),
    "funds.add_capital_source": _const(_source(False)),
    "funds.edit_capital_source": _const(_source(False)),
    "investees.create": lambda walk, role: _investee(walk, role, False),
    "investees.edit": _investee_edit,
    "investees.add_label": _const({"kind": "b_corp"}),
    "investees.edit_label": _const({"kind": "pso", "level": "trede_2"}),
    "payers.create": _const({"name": "Gemeente Walk", "kind": "municipality"}),
    "payers.edit": _const({"name": "Gemeente A", "kind": "municipality", "region": "Zuid"}),
    "loans.create": lambda walk, role: {**_terms(False), "investee_id": walk.side(role)[1].id},
    "loans.edit": _const(_terms(False)),
    "loans.preview": _const(_terms(False)),
    "loans.disburse": _const({"date": "2026-01-15", "amount": "10000"}),
    "loans.repay": _const({"date": TODAY, "amount": "100", "prepayment": "lower_installments"}),
    "loans.recover": _const({"date": TODAY, "amount": "100"}),
    "loans.write_off": _const({"date": TODAY, "reason": REASON}),
    "loans.restructure": _const({"date": TODAY, "number_of_installments": "12", "reason": REASON}),
    "loans.reverse": REASON_BODY,
    "impact.new_indicator": lambda walk, role: _indicator(walk, role, False),
    "impact.edit_plan": _const({"frequency": "quarterly", "first_period": "2026-Q1", "due_days": "30"}),
    "impact.add_plan_indicator": _const({"indicator_code": "LP-HOURS-WORKED", "baseline": "5"}),
    "impact.set_target": _const({"period": "2026-Q2", "target": "15"}),
    "impact.upload": _upload,
    "impact.return_report": REASON_BODY,
    "outcomes.new_contract": lambda walk, role: _contract(walk, role, False),
    "outcomes.rate_cards": lambda walk, role: _rate_card(walk, role, False),
    "outcomes.simulate": _const({"count_JOB-START": "2", "count_JOB-6M": "1"}),
    "outcomes.new_result": _result,
    "outcomes.reject_result": REASON_BODY,
    "outcomes.new_claim": lambda walk, _r: {"investee_id": walk.world.investee_a.id, "period": "2026-Q3"},
    "outcomes.reject_line": REASON_BODY,
    "outcomes.reject_claim": REASON_BODY,
    "outcomes.record_payment": _const({"paid_on": TODAY, "reference": "BANK-1"}),
}
API_BODIES: dict[str, Body] = {
    "api_auth.create_token": lambda walk, _r: {
        "email": walk.world.user("manager_a").email,
        "password": PASSWORD,
        "name": "walk",
    },
    "api_funds.create_fund": _const({"name": "Walk Fund", "region": "Utrecht"}),
    "api_funds.update_fund": _const({"region": "Schiedam"}),
    "api_funds.add_capital_source": _const(_source(True)),
    "api_funds.update_capital_source": _const({"notes": "walked"}),
    "api_investees.create_investee": lambda walk, role: _investee(walk, role, True),
    "api_investees.update_investee": _const({"municipality": "Schiedam"}),
    "api_investees.add_label": _const({"kind": "b_corp"}),
    "api_investees.update_label": _const({"reference": "PSO-1"}),
    "api_payers.create_payer": _const({"name": "Gemeente Walk", "kind": "municipality"}),
    "api_payers.update_payer": _const({"region": "Zuid"}),
    "api_loans.schedule_preview": _const(_terms(True)),
    "api_loans.create_loan": lambda walk, role: {**_terms(True), "investee_id": walk.side(role)[1].id},
    "api_loans.update_loan": _const({"purpose": "Walk"}),
    "api_loans.disburse": _const({"date": "2026-01-15", "amount": "10000.00"}),
    "api_loans.record_repayment": _const({"date": TODAY, "amount": "100.00"}),
    "api_loans.reverse_event": REASON_BODY,
    "api_loans.write_off": _const({"date": TODAY, "reason": REASON}),
    "api_loans.record_recovery": _const({"date": TODAY, "amount": "100.00"}),
    "api_loans.restructure": _const({"date": TODAY, "number_of_installments": 12, "reason": REASON}),
    "api_impact.create_indicator": lambda walk, role: _indicator(walk, role, True),
    "api_impact.save_plan": _const({"frequency": "quarterly", "first_period": "2026-Q1"}),
    "api_impact.add_plan_indicator": _const(
        {"indicator_code": "LP-HOURS-WORKED", "baseline": "5", "targets": {"2026-Q1": "7"}}
    ),
    "api_impact.upload_submission": _upload,
    "api_impact.return_submission": REASON_BODY,
    "api_outcomes.simulate": _const(
        {
            "payers": [{"name": "Gemeente", "share_percent": "100"}],
            "items": [{"code": "JOB-START", "name": "Started paid work", "price": "1000.00"}],
            "results": [{"item": "JOB-START", "participant": "P-1", "achieved_on": "2026-02-01"}],
        }
    ),
    "api_outcomes.create_rate_card": lambda walk, role: _rate_card(walk, role, True),
    "api_outcomes.create_contract": lambda walk, role: _contract(walk, role, True),
    "api_outcomes.record_result": _result,
    "api_outcomes.reject_result": REASON_BODY,
    "api_outcomes.compute_claim": lambda walk, _r: {"investee_id": walk.world.investee_a.id, "period": "2026-Q3"},
    "api_outcomes.reject_claim_line": REASON_BODY,
    "api_outcomes.reject_claim": REASON_BODY,
    "api_outcomes.record_payment": _const({"paid_on": TODAY, "reference": "BANK-1"}),
    "api_outcomes.correct_claim": lambda walk, _r: {"line_ids": [walk.world.claim_a.lines[0].id], "reason": REASON},
}
BODIES: dict[str, Body] = {**PAGE_BODIES, **API_BODIES}
UPLOADS = frozenset({"impact.upload", "api_impact.upload_submission"})
