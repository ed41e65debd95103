"""A valid request for every write of the app: JSON for the API, a form for the pages.

``BODIES`` maps an endpoint to ``(walk, role) -> body``. A role of world B gets its
own side's fund, investee and payer where a write creates something (a manager of
fund B opens a loan for investee B); the objects a route acts on are world A's.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from fundapp.notifications.kinds import KINDS
from tests.factories import PASSWORD
from tests.web.walk_world import REASON, TODAY, Walk, indicator_data


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


def _grant(walk: Walk, role: str, api: bool) -> dict[str, Any]:
    return {
        "investee_id": walk.side(role)[1].id,
        "kind": "voucher",
        "amount": "1000.00" if api else "1000",
        "paid_on": "2026-01-15",
        "conditions": "Walk",
        "period_from": "2026-01-15",
        "period_to": "2026-12-31",
    }


def _guarantee(walk: Walk, role: str, api: bool) -> dict[str, Any]:
    return {
        "investee_id": walk.side(role)[1].id,
        "bank_name": "Walk Bank",
        "bank_loan_amount": "50000.00" if api else "50000",
        "guaranteed_amount": "20000.00" if api else "20000",
        "fee_percentage": "2",
        "fee_frequency": "quarterly",
        "starts_on": "2026-01-01",
        "expires_on": "2028-12-31",
    }


CALL = {
    "date": TODAY,
    "amount": "1000",
    "annual_interest_rate": "5",
    "number_of_installments": "12",
    "frequency": "monthly",
    "amortization": "annuity",
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


def _document(walk: Walk, role: str) -> dict[str, Any]:
    from tests.documents_files import PDF

    return {"kind": "loan_agreement", "file": (io.BytesIO(PDF), "agreement.pdf")}


def _portfolio(walk: Walk, role: str) -> dict[str, Any]:
    from tests.portfolio_factories import simple_workbook

    return {"file": (io.BytesIO(simple_workbook("99887766")), "portfolio.xlsx")}


def _statement(walk: Walk, role: str) -> dict[str, Any]:
    from tests.bank_factories import FUND_IBAN, Entry, camt

    return {"file": (io.BytesIO(camt([Entry("75.00", remittance="Walk")], FUND_IBAN)), "statement.xml")}


def _payer_statement(walk: Walk, role: str) -> dict[str, Any]:
    from tests.bank_factories import WALK_IBANS_A, Entry, camt

    entry = Entry("75.00", direction="debit", remittance="Walk")
    return {"file": (io.BytesIO(camt([entry], WALK_IBANS_A[2])), "statement.xml")}


def _book(api: bool) -> Callable[[Walk, str], dict[str, Any]]:
    return lambda walk, _role: {"loan_id": walk.world.loan_a.id if api else str(walk.world.loan_a.id)}


ACCOUNT = {"iban": "NL02 ABNA 0123 4567 89", "name": "Walk"}
MANDATE = {"mandate_id": "WALK-NEW", "signed_on": "2025-06-01", "iban": "NL39RABO0300065264"}


def _source(api: bool) -> dict[str, Any]:
    return {"name": "Walk foundation", "kind": "foundation", "committed": "5000.00" if api else "5000"}


def _const(body: dict[str, Any]) -> Callable[[Walk, str], dict[str, Any]]:
    return lambda _walk, _role: body


def _assignment(walk: Walk) -> dict[str, Any]:
    world = walk.world
    return {"investee_id": world.investee_a.id, "loan_id": world.loan_a.id, "share_percent": "40", "valid_from": TODAY}


Body = Callable[[Walk, str], dict[str, Any]]
REASON_BODY = _const({"reason": REASON})
PAGE_BODIES: dict[str, Body] = {
    "auth.login": lambda walk, _r: {"email": walk.world.user("manager_a").email, "password": PASSWORD},
    "auth.create_token": _const({"name": "walk"}),
    "notifications.save_preferences": _const({**dict.fromkeys(KINDS, "email"), "claim_submitted": "digest"}),
    "people.invite_investee_member": _const({"email": "walk.member@example.nl", "name": "Walk", "language": "nl"}),
    "people.invite_payer_officer": _const({"email": "walk.officer@example.nl", "name": "Walk", "language": "en"}),
    "people.accept_invitation": _const({"password": "walk-new-password-1", "password_again": "walk-new-password-1"}),
    "people.reset_password": _const({"password": "walk-new-password-1", "password_again": "walk-new-password-1"}),
    "people.forgot_password": lambda walk, _r: {"email": walk.world.user("member_a").email},
    "funds.create": _const({"name": "Walk Fund", "region": "Utrecht"}),
    "funds.edit": _const({"name": "Fund A", "region": "Schiedam"}),
    "funds.add_capital_source": _const(_source(False)),
    "capital.add_investor": _const({"name": "Walk Investor", "kind": "bank", "commitment": "1000"}),
    "capital.record_call": _const({"date": TODAY, "amount": "100", "confirmed": "1"}),
    "capital.record_distribution": _const({"date": TODAY, "amount": "100", "kind": "income", "confirmed": "1"}),
    "capital.record_expense": _const({"date": TODAY, "amount": "100", "description": "Audit", "confirmed": "1"}),
    "capital.provision_rates": _const({"current": "1", "days_1_30": "5", "days_31_90": "20", "over_90": "60"}),
    "funds.edit_capital_source": _const(_source(False)),
    "investees.create": lambda walk, role: _investee(walk, role, False),
    "investees.edit": _investee_edit,
    "investees.add_label": _const({"kind": "b_corp"}),
    "investees.edit_label": _const({"kind": "pso", "level": "trede_2"}),
    "investees.add_growth_level": _const({"level": "advanced", "from_date": TODAY}),
    "investees.add_support": _const({"given_on": TODAY, "kind": "coaching", "hours": "1,5"}),
    "payers.create": _const({"name": "Gemeente Walk", "kind": "municipality"}),
    "payers.edit": _const({"name": "Gemeente A", "kind": "municipality", "region": "Zuid"}),
    "grants.create": lambda walk, role: _grant(walk, role, False),
    "grants.decide": _const({"met": "false", "date": TODAY, "note": REASON}),
    "grants.claw_back": _const({"date": TODAY, "amount": "100", "reason": REASON}),
    "grants.receive": _const({"date": TODAY, "amount": "50"}),
    "guarantees.create": lambda walk, role: _guarantee(walk, role, False),
    "guarantees.pay_fee": _const({"date": TODAY, "amount": "100"}),
    "guarantees.call": _const(CALL),
    "loans.create": lambda walk, role: {**_terms(False), "investee_id": walk.side(role)[1].id},
    "loans.edit": _const(_terms(False)),
    "cofinancing.create": lambda walk, role: {
        "name": "Walk round",
        "date": "2026-01-01",
        "fund_id_1": str(walk.side(role)[0].id),
        "instrument_1": "loan",
        "amount_1": "1000",
    },
    "cofinancing.participations": lambda walk, _role: {
        "fund_id_1": str(walk.world.fund_a.id),
        "percentage_1": "60",
        "fund_id_2": str(walk.world.fund_b.id),
        "percentage_2": "40",
    },
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
    "portfolio.upload": _portfolio,
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
    "outcomes.new_assignment": lambda walk, _r: _assignment(walk),
    "bank_accounts.add_fund_account": _const(ACCOUNT),
    "bank_accounts.add_investee_account": _const(ACCOUNT),
    "bank_accounts.add_payer_account": _const(ACCOUNT),
    "bank_accounts.new_mandate": _const(MANDATE),
    "bank_statements.upload": _statement,
    "payer_statements.upload": _payer_statement,
    "bank_statements.book": _book(False),
    "bank_statements.set_aside": REASON_BODY,
    "batches.new_direct_debit": _const({"collection_date": TODAY}),
    "batches.new_disbursements": _const({"execution_date": TODAY}),
    "batches.new_outcome_payments": _const({"execution_date": TODAY}),
    "documents.attach": _document,
    "documents.document_delete": REASON_BODY,
    "report_files.request_file": _const({"kind": "pdf", "period": "2026"}),
    "journal.ledger_accounts": _const({"bank_code": "1110", "bank_name": "Triodos", "bank_rgs_code": "BLimBanRba"}),
}
API_BODIES: dict[str, Body] = {
    "api_batches.create_direct_debit_batch": _const({"collection_date": TODAY}),
    "api_batches.create_disbursement_batch": _const({"execution_date": TODAY}),
    "api_batches.create_outcome_payment_batch": _const({"execution_date": TODAY}),
    "api_journal.set_ledger_accounts": _const({"accounts": [{"role": "bank", "code": "1110", "name": "Triodos"}]}),
    "api_auth.create_token": lambda walk, _r: {
        "email": walk.world.user("manager_a").email,
        "password": PASSWORD,
        "name": "walk",
    },
    "api_funds.create_fund": _const({"name": "Walk Fund", "region": "Utrecht"}),
    "api_funds.update_fund": _const({"region": "Schiedam"}),
    "api_funds.add_capital_source": _const(_source(True)),
    "api_capital.add_investor": _const({"name": "Walk Investor", "commitment": "1000.00"}),
    "api_capital.update_investor": _const({"notes": "walked"}),
    "api_capital.record_call": _const({"date": TODAY, "amount": "100.00"}),
    "api_capital.record_distribution": _const({"date": TODAY, "amount": "100.00", "kind": "gain"}),
    "api_capital.record_expense": _const({"date": TODAY, "amount": "100.00", "description": "Audit"}),
    "api_capital.set_provision_rates": _const({"current": "1", "days_1_30": "5", "days_31_90": "20", "over_90": "60"}),
    "api_funds.update_capital_source": _const({"notes": "walked"}),
    "api_investees.create_investee": lambda walk, role: _investee(walk, role, True),
    "api_investees.update_investee": _const({"municipality": "Schiedam"}),
    "api_investees.add_label": _const({"kind": "b_corp"}),
    "api_investees.update_label": _const({"reference": "PSO-1"}),
    "api_outcomes.assign_payments": lambda walk, _r: _assignment(walk),
    "api_investees.record_growth_level": _const({"level": "advanced", "from_date": TODAY}),
    "api_investees.record_support": _const({"given_on": TODAY, "kind": "coaching", "hours": "1.5"}),
    "api_payers.create_payer": _const({"name": "Gemeente Walk", "kind": "municipality"}),
    "api_payers.update_payer": _const({"region": "Zuid"}),
    "api_grants.create_grant": lambda walk, role: _grant(walk, role, True),
    "api_grants.decide_grant": _const({"met": False, "date": TODAY, "note": REASON}),
    "api_grants.claw_back_grant": _const({"date": TODAY, "amount": "100.00", "reason": REASON}),
    "api_grants.receive_grant_payment": _const({"date": TODAY, "amount": "50.00"}),
    "api_grants.create_guarantee": lambda walk, role: _guarantee(walk, role, True),
    "api_grants.pay_guarantee_fee": _const({"date": TODAY, "amount": "100.00"}),
    "api_grants.call_guarantee": _const({**CALL, "amount": "1000.00", "number_of_installments": 12}),
    "api_loans.schedule_preview": _const(_terms(True)),
    "api_loans.create_loan": lambda walk, role: {**_terms(True), "investee_id": walk.side(role)[1].id},
    "api_loans.update_loan": _const({"purpose": "Walk"}),
    "api_cofinancing.create_round": lambda walk, role: {
        "name": "Walk round",
        "date": "2026-01-01",
        "participants": [{"fund_id": walk.side(role)[0].id, "instrument": "loan", "amount": "1000.00"}],
    },
    "api_cofinancing.set_participations": lambda walk, _role: {
        "participations": [
            {"fund_id": walk.world.fund_a.id, "percentage": "60"},
            {"party_name": "Walk Bank", "party_kind": "bank", "percentage": "40"},
        ]
    },
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
    "api_portfolio.portfolio_import": _portfolio,
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
    "api_bank_accounts.add_fund_account": _const(ACCOUNT),
    "api_bank_accounts.add_investee_account": _const(ACCOUNT),
    "api_bank_accounts.add_payer_account": _const(ACCOUNT),
    "api_bank_accounts.add_mandate": _const(MANDATE),
    "api_bank_statements.import_statement": _statement,
    "api_bank_statements.import_payer_statement": _payer_statement,
    "api_bank_statements.book_transaction": _book(True),
    "api_bank_statements.set_aside": REASON_BODY,
    "api_documents.attach_document": _document,
    "api_documents.delete_document": REASON_BODY,
}
_VOTES = [{"member": "Anna", "vote": "for"}, {"member": "Bram", "vote": "for"}]
PIPELINE_BODIES: dict[str, Body] = {
    "pipeline.create": lambda walk, role: {
        "investee_id": walk.side(role)[1].id,
        "instrument": "loan",
        "amount": "25000",
        "purpose": "Walk oven",
        "impact_case": "Walk jobs",
    },
    "pipeline.move": _const({"action": "start_due_diligence"}),
    "pipeline.add_note": _const({"text": "Walk note"}),
    "pipeline.decision": _const(
        {
            "decided_on": TODAY,
            "member0": "Anna",
            "vote0": "for",
            "member1": "Bram",
            "vote1": "for",
            "outcome": "approved",
        }
    ),
    "pipeline.make_loan": lambda walk, _r: {**_terms(False), "investee_id": walk.world.investee_a.id},
    "api_pipeline.create_application": lambda walk, role: {
        "investee_id": walk.side(role)[1].id,
        "instrument": "loan",
        "amount": "25000.00",
        "purpose": "Walk oven",
        "impact_case": "Walk jobs",
    },
    "api_pipeline.move_application": _const({"action": "start_due_diligence"}),
    "api_pipeline.add_note": _const({"text": "Walk note"}),
    "api_pipeline.record_decision": _const({"decided_on": TODAY, "outcome": "approved", "votes": _VOTES}),
}
EQUITY_BODIES: dict[str, Body] = {
    "equity.create": lambda walk, role: {
        "investee_id": walk.side(role)[1].id,
        "date": TODAY,
        "shares": "100",
        "price_per_share": "3",
    },
    "equity.valuation": _const({"date": TODAY, "value_per_share": "13", "method": "dcf", "decided_by": "IC"}),
    "equity.dividend": _const({"date": TODAY, "amount": "100"}),
    "equity.exit_shares": _const({"date": TODAY, "shares": "10", "proceeds": "150"}),
    "equity.conversion_terms": _const({"price_per_share": "2", "trigger": "maturity"}),
    "equity.convert": _const({"date": TODAY}),
    "api_equity.create_participation": lambda walk, role: {
        "investee_id": walk.side(role)[1].id,
        "date": TODAY,
        "shares": 100,
        "price_per_share": "2.50",
    },
    "api_equity.record_event": _const({"kind": "dividend", "date": TODAY, "amount": "100.00"}),
    "api_equity.set_conversion_terms": _const({"price_per_share": "2.00", "trigger": "maturity"}),
    "api_equity.convert_loan": _const({"date": TODAY}),
}
BODIES: dict[str, Body] = {**PAGE_BODIES, **API_BODIES, **PIPELINE_BODIES, **EQUITY_BODIES}
