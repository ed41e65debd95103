"""Every route of the app, called as every role: who gets the data, who gets 401/403/404.

The test enumerates the app's URL map (pages and API alike) and the operations
of the OpenAPI document. Each endpoint must appear in ACCESS below, so a new
route without a declared rule fails this test until someone decides who may
use it. Route arguments point at the objects of "world A"; the roles are the
rightful owners (manager_a, officer_a, member_a), their counterparts in world B,
the admin and the anonymous visitor.

Every write is sent a valid body (``walk_bodies.py``) in the state it needs
(``walk_world.py``): an allowed role must succeed (2xx; a page: a 303 with a
success message), a refused role must still be refused with that same body and
write nothing, and no GET may change anything. Lists are checked item by item in test_list_scopes.py.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from fundapp.audit import AuditEntry
from tests.web.walk_bodies import BODIES
from tests.web.walk_world import PREPARE, ROLES, SUCCEEDS, arguments, log_in

LOGGED_IN = frozenset(ROLES) - {"anonymous"}
EVERYONE = frozenset(ROLES)
ADMIN = frozenset({"admin"})
FUND_A = frozenset({"admin", "manager_a"})
# In the walk, payer A contracts investee A: its officers may then see the investee (not its loans' details).
INVESTEE_A_VIEW = frozenset({"admin", "manager_a", "member_a", "officer_a"})
PAYER_A = frozenset({"admin", "officer_a"})
MANAGERS = frozenset({"admin", "manager_a", "manager_b"})
FUND_MANAGERS = frozenset({"manager_a", "manager_b"})
TOKEN_OWNER = frozenset({"manager_a"})
NOTIFICATION_OWNER = frozenset({"manager_a"})
REPORT_FILE_REQUESTER = frozenset({"manager_a"})  # who asked for fund A's file; not even an admin
MANAGERS_A_OR_MEMBER = frozenset({"admin", "manager_a", "member_a"})
OFFICERS = frozenset({"admin", "officer_a", "officer_b"})
# The parties of contract A, and its independent validator (who sees the contract, not the investee).
CONTRACT_A_VIEW = frozenset({"admin", "officer_a", "manager_a", "member_a", "validator_a"})
# Verifying a result releases public money: the payer's officers or the contract's validator, never the lender.
VERIFIERS_A = frozenset({"officer_a", "validator_a"})
# Accepting, starting and closing a contract is for its parties themselves: an administrator is none of them.
OFFICER_A = frozenset({"officer_a"})
PROVIDER_A_ITSELF = frozenset({"manager_a", "member_a"})
PROVIDER_A = frozenset({"admin", "manager_a", "member_a"})
# Deciding on public money is for the payer's officers only: an administrator is not one.
DECIDERS_A = frozenset({"officer_a"})
REPORTERS_A = MANAGERS_A_OR_MEMBER  # who upload and submit investee A's KPI reports
REVIEWERS_A = FUND_A
# Who files an application: an enterprise's members for it, a fund's managers on behalf of its enterprises.
APPLICANTS = frozenset({"admin", "manager_a", "manager_b", "member_a", "member_b"})

# endpoint -> roles that may use it (on world A's objects). Lists are open to every
# logged-in role but filtered by scope (their content: test_list_scopes.py).
ACCESS: dict[str, frozenset[str]] = {
    # public
    "auth.login": EVERYONE,
    "auth.logout": EVERYONE,
    "home.language": EVERYONE,
    "home.api_docs": EVERYONE,
    "home.health": EVERYONE,
    "api-docs.openapi_json": EVERYONE,
    "api_auth.create_token": EVERYONE,
    # a mailed link, and asking for one: whoever holds the link (a logged-in visitor becomes its owner)
    "people.accept_invitation": EVERYONE,
    "people.reset_password": EVERYONE,
    "people.forgot_password": EVERYONE,
    # every logged-in user, on their own things
    "home.index": LOGGED_IN,
    "auth.tokens": LOGGED_IN,
    "auth.create_token": LOGGED_IN,
    "auth.revoke_token": TOKEN_OWNER,
    "api_auth.list_tokens": LOGGED_IN,
    "api_auth.revoke_token": TOKEN_OWNER,
    "api_auth.me": LOGGED_IN,
    # each user's own notifications (the walk's notification is manager A's)
    "notifications.inbox": LOGGED_IN,
    "notifications.mark_read": NOTIFICATION_OWNER,
    "notifications.mark_all_read": LOGGED_IN,
    "notifications.preferences": LOGGED_IN,
    "notifications.save_preferences": LOGGED_IN,
    # funds
    "funds.index": LOGGED_IN,
    "funds.detail": FUND_A,
    "funds.create": ADMIN,
    "funds.edit": FUND_A,
    "api_funds.list_funds": LOGGED_IN,
    "api_funds.create_fund": ADMIN,
    "api_funds.get_fund": FUND_A,
    "api_funds.update_fund": FUND_A,
    "api_funds.list_capital_sources": FUND_A,
    "api_funds.add_capital_source": FUND_A,
    "api_funds.update_capital_source": FUND_A,
    "portfolio.workbook": FUND_A,
    "portfolio.upload": FUND_A,
    "portfolio.status": FUND_A,  # an upload's progress and outcome: whoever may import into its fund
    "api_portfolio.portfolio_export": FUND_A,
    "api_portfolio.portfolio_import": FUND_A,
    # investees
    "investees.index": LOGGED_IN,
    "investees.detail": INVESTEE_A_VIEW,
    "investees.create": MANAGERS,
    "investees.edit": FUND_A,
    "investees.add_label": FUND_A,
    "investees.edit_label": FUND_A,
    "investees.delete_label": FUND_A,
    # growth levels and the support log: the fund's managers record them; the investee reads its own
    "investees.add_growth_level": FUND_A,
    "investees.add_support": FUND_A,
    "api_investees.list_growth_levels": MANAGERS_A_OR_MEMBER,
    "api_investees.record_growth_level": FUND_A,
    "api_investees.list_support": MANAGERS_A_OR_MEMBER,
    "api_investees.record_support": FUND_A,
    "people.invite_investee_member": FUND_A,
    "api_investees.list_investees": LOGGED_IN,
    "api_investees.create_investee": MANAGERS,
    "api_investees.get_investee": INVESTEE_A_VIEW,
    "api_investees.update_investee": FUND_A,
    "api_investees.add_label": FUND_A,
    "api_investees.update_label": FUND_A,
    "api_investees.delete_label": FUND_A,
    # outcome payers
    "payers.index": LOGGED_IN,
    "payers.detail": PAYER_A,
    "payers.create": ADMIN,
    "payers.edit": PAYER_A,
    "people.invite_payer_officer": PAYER_A,
    "api_payers.list_payers": LOGGED_IN,
    "api_payers.create_payer": ADMIN,
    "api_payers.get_payer": PAYER_A,
    "api_payers.update_payer": PAYER_A,
    # loans: the fund's managers do everything, the investee reads its own loans
    "loans.loan_book": FUND_A,
    # Co-financing: a round is seen by the funds named in it (and the enterprise), recorded by the investee's fund.
    "cofinancing.index": LOGGED_IN,
    "cofinancing.detail": MANAGERS_A_OR_MEMBER,
    "cofinancing.create": FUND_A,
    "cofinancing.participations": FUND_A,
    "api_cofinancing.list_rounds": LOGGED_IN,
    "api_cofinancing.create_round": FUND_A,
    "api_cofinancing.get_round": MANAGERS_A_OR_MEMBER,
    "api_cofinancing.get_participations": MANAGERS_A_OR_MEMBER,
    "api_cofinancing.set_participations": FUND_A,
    "loans.detail": MANAGERS_A_OR_MEMBER,
    "loans.create": MANAGERS,
    "loans.edit": FUND_A,
    "loans.approve": FUND_A,
    "loans.disburse": FUND_A,
    "loans.repay": FUND_A,
    "loans.recover": FUND_A,
    "loans.write_off": FUND_A,
    "loans.restructure": FUND_A,
    "loans.reverse": FUND_A,
    "loans.preview": LOGGED_IN,
    "loans.investee_loans": INVESTEE_A_VIEW,
    "api_loans.schedule_preview": LOGGED_IN,
    "api_loans.list_loans": LOGGED_IN,
    "api_loans.create_loan": MANAGERS,
    "api_loans.get_loan": MANAGERS_A_OR_MEMBER,
    "api_loans.update_loan": FUND_A,
    "api_loans.approve_loan": FUND_A,
    "api_loans.disburse": FUND_A,
    "api_loans.list_repayments": MANAGERS_A_OR_MEMBER,
    "api_loans.record_repayment": FUND_A,
    "api_loans.reverse_event": FUND_A,
    "api_loans.write_off": FUND_A,
    "api_loans.record_recovery": FUND_A,
    "api_loans.restructure": FUND_A,
    "api_loans.schedule_export": MANAGERS_A_OR_MEMBER,
    "api_loans.fund_portfolio": FUND_A,
    # equity participations and convertible loans: the fund's managers; the investee's members read their own
    "equity.fund_participations": FUND_A,
    "equity.create": MANAGERS,
    "equity.detail": MANAGERS_A_OR_MEMBER,
    "equity.valuation": FUND_A,
    "equity.dividend": FUND_A,
    "equity.exit_shares": FUND_A,
    "equity.conversion_terms": FUND_A,
    "equity.convert": FUND_A,
    "api_equity.list_participations": LOGGED_IN,
    "api_equity.create_participation": MANAGERS,
    "api_equity.get_participation": MANAGERS_A_OR_MEMBER,
    "api_equity.record_event": FUND_A,
    "api_equity.get_conversion_terms": MANAGERS_A_OR_MEMBER,
    "api_equity.set_conversion_terms": FUND_A,
    "api_equity.convert_loan": FUND_A,
    # grants, vouchers and guarantees: as loans, the fund's managers do everything, the investee reads its own
    "grants.create": MANAGERS,
    "grants.detail": MANAGERS_A_OR_MEMBER,
    "grants.decide": FUND_A,
    "grants.claw_back": FUND_A,
    "grants.receive": FUND_A,
    "guarantees.create": MANAGERS,
    "guarantees.detail": MANAGERS_A_OR_MEMBER,
    "guarantees.pay_fee": FUND_A,
    "guarantees.call": FUND_A,
    "api_grants.list_grants": LOGGED_IN,
    "api_grants.create_grant": MANAGERS,
    "api_grants.get_grant": MANAGERS_A_OR_MEMBER,
    "api_grants.list_grant_events": MANAGERS_A_OR_MEMBER,
    "api_grants.decide_grant": FUND_A,
    "api_grants.claw_back_grant": FUND_A,
    "api_grants.receive_grant_payment": FUND_A,
    "api_grants.list_guarantees": LOGGED_IN,
    "api_grants.create_guarantee": MANAGERS,
    "api_grants.get_guarantee": MANAGERS_A_OR_MEMBER,
    "api_grants.list_guarantee_events": MANAGERS_A_OR_MEMBER,
    "api_grants.pay_guarantee_fee": FUND_A,
    "api_grants.call_guarantee": FUND_A,
    "api_grants.fund_exposure": FUND_A,
    "funds.revolving_view": FUND_A,
    "api_funds.fund_revolving": FUND_A,
    # each fund manager's own funds side by side (an administrator manages none)
    "consolidated.page": FUND_MANAGERS,
    "api_funds.get_consolidated": FUND_MANAGERS,
    # impact
    "impact.indicators": LOGGED_IN,
    "impact.new_indicator": MANAGERS,
    "impact.investee_impact": INVESTEE_A_VIEW,
    "impact.edit_plan": FUND_A,
    "impact.add_plan_indicator": FUND_A,
    "impact.set_target": FUND_A,
    "impact.template": REPORTERS_A,
    "impact.upload": REPORTERS_A,
    "impact.submission": INVESTEE_A_VIEW,
    # The uploaded workbook holds the participant rows: who may see participants (never the administrator alone).
    "impact.submission_file": INVESTEE_A_VIEW - {"admin"},
    "impact.submit": REPORTERS_A,
    "impact.approve": REVIEWERS_A,
    "impact.return_report": REVIEWERS_A,
    "impact.reporting": FUND_A,
    "api_impact.list_indicators": LOGGED_IN,
    "api_impact.create_indicator": MANAGERS,
    "api_impact.get_plan": INVESTEE_A_VIEW,
    "api_impact.save_plan": FUND_A,
    "api_impact.add_plan_indicator": FUND_A,
    "api_impact.kpi_template": REPORTERS_A,
    "api_impact.list_submissions": INVESTEE_A_VIEW,
    "api_impact.upload_submission": REPORTERS_A,
    "api_impact.get_submission": INVESTEE_A_VIEW,
    "api_impact.list_participants": INVESTEE_A_VIEW - {"admin"},
    "api_impact.submit_submission": REPORTERS_A,
    "api_impact.approve_submission": REVIEWERS_A,
    "api_impact.return_submission": REVIEWERS_A,
    "api_impact.reporting_status": FUND_A,
    # result financing: payer A contracts investee A
    "outcomes.contract_list": LOGGED_IN,
    "outcomes.new_contract": OFFICERS,
    "outcomes.rate_cards": OFFICERS,
    "outcomes.contract_detail": CONTRACT_A_VIEW,
    "outcomes.contract_status": OFFICER_A,
    # On the draft contract (there is something to accept): its parties and the admin see it; validator_a
    # validates contract A, not this draft.
    "outcomes.accept_contract": frozenset({"admin", "officer_a", "manager_a", "member_a"}),
    "outcomes.simulate": CONTRACT_A_VIEW,
    # a provider's payments assigned to its loan: set by the loan's fund manager, accepted by the payer's officer
    "outcomes.new_assignment": FUND_A,
    "outcomes.accept_assignments": OFFICER_A,
    "api_outcomes.list_assignments": CONTRACT_A_VIEW,
    "api_outcomes.assign_payments": FUND_A,
    "api_outcomes.accept_assignments": OFFICER_A,
    "outcomes.new_result": PROVIDER_A,
    "outcomes.result_list": LOGGED_IN,
    "outcomes.verify_result": VERIFIERS_A,
    "outcomes.reject_result": VERIFIERS_A,
    "outcomes.claim_list": LOGGED_IN,
    "outcomes.new_claim": PROVIDER_A,
    "outcomes.claim_detail": CONTRACT_A_VIEW,
    "outcomes.submit_claim": PROVIDER_A,
    "outcomes.discard_claim": PROVIDER_A,
    "outcomes.reject_line": DECIDERS_A,
    "outcomes.approve_claim": DECIDERS_A,
    "outcomes.reject_claim": DECIDERS_A,
    "outcomes.record_payment": DECIDERS_A,
    "api_outcomes.simulate": LOGGED_IN,
    "api_outcomes.list_rate_cards": LOGGED_IN,
    "api_outcomes.create_rate_card": OFFICERS,
    "api_outcomes.get_rate_card": PAYER_A,
    "api_outcomes.list_contracts": LOGGED_IN,
    "api_outcomes.create_contract": OFFICERS,
    "api_outcomes.get_contract": CONTRACT_A_VIEW,
    "api_outcomes.activate_contract": OFFICER_A,
    "api_outcomes.close_contract": OFFICER_A,
    "api_outcomes.accept_payer_share": OFFICER_A,
    "api_outcomes.accept_provider": PROVIDER_A_ITSELF,
    "api_outcomes.provider_directory": OFFICERS,
    "api_outcomes.contract_budget": CONTRACT_A_VIEW,
    "api_outcomes.indigo_export": CONTRACT_A_VIEW,
    "api_outcomes.list_results": CONTRACT_A_VIEW,
    "api_outcomes.record_result": PROVIDER_A,
    "api_outcomes.verify_result": VERIFIERS_A,
    "api_outcomes.reject_result": VERIFIERS_A,
    "api_outcomes.list_claims": LOGGED_IN,
    "api_outcomes.compute_claim": PROVIDER_A,
    "api_outcomes.get_claim": CONTRACT_A_VIEW,
    "api_outcomes.list_claim_lines": CONTRACT_A_VIEW,
    "api_outcomes.discard_claim": PROVIDER_A,
    "api_outcomes.submit_claim": PROVIDER_A,
    "api_outcomes.reject_claim_line": DECIDERS_A,
    "api_outcomes.approve_claim": DECIDERS_A,
    "api_outcomes.reject_claim": DECIDERS_A,
    "api_outcomes.record_payment": DECIDERS_A,
    "api_outcomes.correct_claim": PROVIDER_A | DECIDERS_A,
    # reports: the investee's for who may see the investee, the fund's for its managers, the payer's for its officers
    "reports.stylesheet": EVERYONE,
    "reports.index": LOGGED_IN,
    "reports.investee": INVESTEE_A_VIEW,
    "reports.fund": FUND_A,
    "reports.payer": PAYER_A,
    "api_reports.investee_impact_report": INVESTEE_A_VIEW,
    "api_reports.fund_report": FUND_A,
    "api_reports.payer_report": PAYER_A,
    # the fund report's files built in the background: for who may read the fund's report
    "report_files.request_file": FUND_A,
    "report_files.detail": REPORT_FILE_REQUESTER,
    "report_files.download": REPORT_FILE_REQUESTER,
    # money through the bank: the fund's managers work with its accounts, statements and mandates; an investee
    # reads its own accounts and mandates; a payer's officers keep the payer's accounts
    "bank_accounts.add_fund_account": FUND_A,
    "bank_accounts.add_investee_account": FUND_A,
    "bank_accounts.add_payer_account": PAYER_A,
    "bank_accounts.new_mandate": FUND_A,
    "bank_accounts.revoke_mandate": FUND_A,
    "bank_statements.index": FUND_A,
    "bank_statements.upload": FUND_A,
    "bank_statements.detail": FUND_A,
    "bank_statements.transactions": FUND_A,
    "bank_statements.book": FUND_A,
    "bank_statements.set_aside": FUND_A,
    "api_bank_accounts.list_fund_accounts": FUND_A,
    "api_bank_accounts.add_fund_account": FUND_A,
    "api_bank_accounts.list_investee_accounts": INVESTEE_A_VIEW,
    "api_bank_accounts.add_investee_account": FUND_A,
    "api_bank_accounts.list_payer_accounts": PAYER_A,
    "api_bank_accounts.add_payer_account": PAYER_A,
    "api_bank_accounts.list_mandates": MANAGERS_A_OR_MEMBER,
    "api_bank_accounts.add_mandate": FUND_A,
    "api_bank_accounts.revoke_mandate": FUND_A,
    "api_bank_statements.list_statements": FUND_A,
    "api_bank_statements.import_statement": FUND_A,
    "api_bank_statements.get_statement": FUND_A,
    "api_bank_statements.list_transactions": FUND_A,
    "api_bank_statements.book_transaction": FUND_A,
    "api_bank_statements.set_aside": FUND_A,
    # a payer's statements are its officers' (the outcome payments they sent), as its batches are
    "api_bank_statements.import_payer_statement": OFFICER_A,
    "api_bank_statements.list_payer_transactions": OFFICER_A,
    "payer_statements.index": OFFICER_A,
    "payer_statements.upload": OFFICER_A,
    "payer_statements.transactions": OFFICER_A,
    # payment batches and the journal: a fund's for its managers, a payer's outcome payments for its officers only
    "api_batches.list_fund_batches": FUND_A,
    "api_batches.list_payer_batches": OFFICER_A,
    "api_batches.create_direct_debit_batch": FUND_A,
    "api_batches.create_disbursement_batch": FUND_A,
    "api_batches.create_outcome_payment_batch": OFFICER_A,
    "api_batches.get_batch": FUND_A,
    "api_batches.cancel_batch": FUND_A,
    "api_batches.direct_debit_file": FUND_A,
    "api_batches.credit_transfer_file": FUND_A,
    "api_journal.fund_journal": FUND_A,
    "api_journal.get_ledger_accounts": FUND_A,
    "api_journal.set_ledger_accounts": FUND_A,
    "batches.fund_batches": FUND_A,
    "batches.payer_batches": OFFICER_A,
    "batches.new_direct_debit": FUND_A,
    "batches.new_disbursements": FUND_A,
    "batches.new_outcome_payments": OFFICER_A,
    "batches.detail": FUND_A,
    "batches.download": FUND_A,
    "batches.cancel": FUND_A,
    "journal.journal": FUND_A,
    "journal.download": FUND_A,
    "journal.ledger_accounts": FUND_A,
    # the fund's capital (investors, calls, distributions, expenses, provision, NAV): its managers only
    **dict.fromkeys(
        [
            "capital.investors",
            "capital.add_investor",
            "capital.edit_investor",
            "capital.investor",
            "capital.record_call",
            "capital.record_distribution",
            "capital.call_notice",
            "capital.statement",
            "capital.expenses",
            "capital.record_expense",
            "capital.provision_rates",
            "api_capital.list_investors",
            "api_capital.add_investor",
            "api_capital.get_investor",
            "api_capital.update_investor",
            "api_capital.record_call",
            "api_capital.record_distribution",
            "api_capital.capital_account",
            "api_capital.fund_nav",
            "api_capital.list_expenses",
            "api_capital.record_expense",
            "api_capital.get_provision_rates",
            "api_capital.set_provision_rates",
        ],
        FUND_A,
    ),
    # documents, walked on loan A: reading follows the loan's view rule, attaching and deleting its edit rule
    "api_documents.list_documents": MANAGERS_A_OR_MEMBER,
    "api_documents.attach_document": FUND_A,
    "api_documents.document_content": MANAGERS_A_OR_MEMBER,
    "api_documents.delete_document": FUND_A,
    "documents.object_documents": MANAGERS_A_OR_MEMBER,
    "documents.attach": FUND_A,
    "documents.document_download": MANAGERS_A_OR_MEMBER,
    "documents.document_delete": FUND_A,
    # the pipeline: the fund's managers run it; the enterprise files, reads its own and adds notes and documents
    "pipeline.index": LOGGED_IN,
    "pipeline.create": APPLICANTS,
    "pipeline.detail": MANAGERS_A_OR_MEMBER,
    "pipeline.move": FUND_A,
    "pipeline.add_note": MANAGERS_A_OR_MEMBER,
    "pipeline.decision": FUND_A,
    "pipeline.make_instrument": FUND_A,
    "api_pipeline.list_applications": LOGGED_IN,
    "api_pipeline.create_application": APPLICANTS,
    "api_pipeline.get_application": MANAGERS_A_OR_MEMBER,
    "api_pipeline.move_application": FUND_A,
    "api_pipeline.list_notes": MANAGERS_A_OR_MEMBER,
    "api_pipeline.add_note": MANAGERS_A_OR_MEMBER,
    "api_pipeline.record_decision": FUND_A,
    "api_pipeline.make_instrument": FUND_A,
    # background jobs: the failed ones and trying one again are the administrators' (they hold no fund's data)
    "jobs.failures": ADMIN,
    "jobs.retry": ADMIN,
}

# Endpoints that are lists or forms open to several roles, where a logged-in
# user outside the rule would still be let in, are not in ACCESS twice: the
# table above is the whole truth (with the few allowed roles that have nothing to do, in SUCCEEDS).
DENIED = {401, 403, 404}
# Reads that need a query argument to answer 200.
QUERY = {
    "api_impact.kpi_template": "?period=2026-Q1",
    "impact.template": "?period=2026-Q1",
    "api_journal.fund_journal": "?from=2024-01-01&to=2024-12-31",
    "api_capital.fund_nav": "?as_of=2024-12-31",
    "api_capital.capital_account": "?as_of=2024-12-31",
}
# Logging in or out changes who the client is: the walk logs the role in again afterwards.
SESSION_ENDPOINTS = {"auth.login", "auth.logout", "people.accept_invitation", "people.reset_password"}


def _routes(app: Any) -> list[tuple[str, str, Any]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, rule))
    return routes


def test_every_route_has_a_declared_access_rule_in_the_app_and_in_this_test(app):
    missing_in_app = [
        endpoint
        for endpoint, _method, _rule in _routes(app)
        if getattr(app.view_functions[endpoint], "access_rule", None) is None and endpoint != "api-docs.openapi_json"
    ]
    missing_in_test = sorted({endpoint for endpoint, _m, _r in _routes(app)} - set(ACCESS))
    assert missing_in_app == []
    assert missing_in_test == [], "decide who may use these routes and add them to ACCESS"
    assert sorted(set(ACCESS) - {e for e, _m, _r in _routes(app)}) == [], "ACCESS names routes that do not exist"


def test_every_write_of_the_app_has_a_valid_body_in_the_walk(app):
    """A write that takes input and has no body here would be walked with an empty one, and prove nothing."""
    takes_no_input = {
        "auth.logout",
        "auth.revoke_token",
        "api_auth.revoke_token",
        "notifications.mark_read",
        "notifications.mark_all_read",
        "investees.delete_label",
        "api_investees.delete_label",
        "loans.approve",
        "api_loans.approve_loan",
        "impact.submit",
        "impact.approve",
        "api_impact.submit_submission",
        "api_impact.approve_submission",
        "outcomes.accept_contract",
        "outcomes.accept_assignments",
        "api_outcomes.accept_assignments",
        "outcomes.contract_status",
        "api_outcomes.accept_payer_share",
        "api_outcomes.accept_provider",
        "api_outcomes.activate_contract",
        "api_outcomes.close_contract",
        "outcomes.verify_result",
        "api_outcomes.verify_result",
        "outcomes.submit_claim",
        "outcomes.discard_claim",
        "api_outcomes.submit_claim",
        "api_outcomes.discard_claim",
        "outcomes.approve_claim",
        "api_outcomes.approve_claim",
        "bank_accounts.revoke_mandate",
        "api_bank_accounts.revoke_mandate",
        "api_batches.cancel_batch",
        "batches.cancel",
        "jobs.retry",
    }
    writes = {endpoint for endpoint, method, _rule in _routes(app) if method != "GET"}
    assert sorted(writes - set(BODIES) - takes_no_input) == []
    assert sorted((set(BODIES) | takes_no_input) - writes) == [], "bodies for routes that do not exist"


def test_every_api_operation_in_the_openapi_document_is_a_route_in_the_walk(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    walked = set()
    for _endpoint, method, rule in _routes(app):
        path = rule.rule
        for argument in rule.arguments:
            path = re.sub(r"<(?:[^<>]*:)?" + argument + ">", "{" + argument + "}", path)
        walked.add((method.lower(), path))
    documented = {(method, path) for path, ops in spec["paths"].items() for method in ops if method != "parameters"}
    assert documented, "the OpenAPI document lists no operations"
    assert documented - walked == set()


def _call(client: Any, method: str, url: str, headers: dict[str, str], is_api: bool, body: Any) -> Any:
    if method == "GET":
        return client.open(url, method=method, headers=headers if is_api else None)
    if is_api and not any(isinstance(value, tuple) for value in body.values()):
        return client.open(url, method=method, headers=headers, json=body)
    if is_api:
        return client.open(url, method=method, headers=headers, data=body)
    form = {key: value if isinstance(value, tuple | list) else str(value) for key, value in body.items()}
    return client.open(url, method=method, data=form)


def _denied(response: Any, is_api: bool) -> bool:
    if response.status_code in DENIED:
        return True
    return not is_api and response.status_code == 302 and "/login" in response.headers.get("Location", "")


def _flashes(client: Any) -> list[tuple[str, str]]:
    """The messages the request left for the next page (taken, so the next request starts clean)."""
    with client.session_transaction() as session:
        return session.pop("_flashes", [])


def _succeeded(endpoint: str, response: Any, flashes: list[tuple[str, str]], is_api: bool) -> bool:
    status = response.status_code
    if is_api or 200 <= status < 300:
        return 200 <= status < 300
    to_login = "/login" in response.headers.get("Location", "") and endpoint != "auth.logout"
    return status == 303 and not to_login and bool(flashes) and all(kind == "success" for kind, _m in flashes)


def _problem(response: Any, flashes: list[tuple[str, str]]) -> Any:
    if response.is_json:
        return response.get_json()
    return flashes or re.findall(
        r'class="utrecht-form-field-error-message[^"]*"[^>]*>([^<]+)', response.get_data(as_text=True)
    )


def test_every_route_as_every_role_gives_the_data_only_to_who_may_have_it(app, walk, db_session, role_clients):
    """Every write gets a valid body: an allowed role succeeds with it, a refused role is refused with it."""
    clients, _tokens, headers = role_clients
    base = arguments(walk)
    failures = []
    for endpoint, method, rule in _routes(app):
        is_api = rule.rule.startswith("/api/")
        body = BODIES[endpoint] if endpoint in BODIES and method != "GET" else (lambda _w, _r: {})
        for role in ROLES:
            allowed = role in ACCESS[endpoint]
            savepoint = db_session.begin_nested()
            try:
                values = {**base, **(PREPARE[endpoint](db_session, walk) if endpoint in PREPARE else {})}
                audit_before = db_session.scalar(select(func.count()).select_from(AuditEntry))
                url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
                url += QUERY.get(endpoint, "") if method == "GET" else ""
                response = _call(clients[role], method, url, headers[role], is_api, body(walk, role))
                audit_after = db_session.scalar(select(func.count()).select_from(AuditEntry))
                flashes = [] if is_api else _flashes(clients[role])
            finally:
                savepoint.rollback()
                db_session.expire_all()
            if endpoint in SESSION_ENDPOINTS and method == "POST":
                clients[role] = app.test_client()
                if role != "anonymous":
                    log_in(clients[role], walk.world.user(role))
            status = response.status_code
            where = f"{method} {url} as {role}"
            if status >= 500:
                failures.append(f"{where}: server error {status}")
            elif allowed and _denied(response, is_api):
                failures.append(f"{where}: refused with {status}, but should be allowed")
            elif allowed and method == "GET" and status not in (200, 302, 303):
                failures.append(f"{where}: {status} for an allowed read")
            elif (
                allowed
                and method != "GET"
                and role in SUCCEEDS.get(endpoint, ACCESS[endpoint])
                and not _succeeded(endpoint, response, flashes, is_api)
            ):
                failures.append(f"{where}: {status} for a valid request: {_problem(response, flashes)}")
            elif not allowed and not _denied(response, is_api):
                failures.append(f"{where}: answered {status}, but should be refused")
            if not allowed and audit_after != audit_before:
                failures.append(f"{where}: a refused request wrote to the audit trail")
            elif method == "GET" and audit_after != audit_before:
                failures.append(f"{where}: a GET changed something (no CSRF token guards a GET)")
    assert failures == [], "\n".join(failures)
