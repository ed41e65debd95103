"""Every list, as every role that may open it, holds exactly what that role may see: never world B's to A, nor A's to B.

The expectation is written by hand per role (``SEES``), in the names of the walk's
objects, not computed with the policy the app itself uses. API lists are compared
by the ids of their items; pages by the ids in their links (any link to an object
on a list page must be to one the role may see) and, where rows have no link, by a
text only that object shows.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from tests.web.test_authorization_matrix import ACCESS
from tests.web.walk_world import ROLES, Walk

AB, A, B = frozenset({"A", "B"}), frozenset({"A"}), frozenset({"B"})
A_SIDE = ("manager_a", "member_a", "officer_a", "validator_a")
B_SIDE = ("manager_b", "member_b", "officer_b", "validator_b")
LOANS_A = frozenset({"A", "A-draft"})
CONTRACTS_A = frozenset({"A", "A-draft"})

# kind -> role -> names of the objects the role sees ("*": every other role). Payer A contracts investee A
# (contract A, active), and names it in the draft contract A-draft; the same between payer B and investee B.
SEES: dict[str, dict[str, frozenset[str]]] = {
    "fund": {"admin": AB, "manager_a": A, "manager_b": B},
    "investor": {"admin": AB, "manager_a": A, "manager_b": B},
    "expense": {"admin": AB, "manager_a": A, "manager_b": B},
    # An officer sees the investees its payer contracts (both accepted a contract that started).
    "investee": {
        "admin": AB,
        "manager_a": A,
        "member_a": A,
        "officer_a": A,
        "manager_b": B,
        "member_b": B,
        "officer_b": B,
    },
    "payer": {"admin": AB, "officer_a": A, "officer_b": B},
    "loan": {"admin": LOANS_A | B, "manager_a": LOANS_A, "member_a": LOANS_A, "manager_b": B, "member_b": B},
    # The parties named in a contract see it, draft or not; its validator sees only the one they validate.
    "contract": {
        "admin": CONTRACTS_A | B,
        **dict.fromkeys(("manager_a", "member_a", "officer_a"), CONTRACTS_A),
        "validator_a": A,
        **dict.fromkeys(B_SIDE, B),
    },
    "claim": {"admin": AB, **dict.fromkeys(A_SIDE, A), **dict.fromkeys(B_SIDE, B)},
    "claim_line": {"admin": AB, **dict.fromkeys(A_SIDE, A), **dict.fromkeys(B_SIDE, B)},
    "result": {"admin": AB, **dict.fromkeys(A_SIDE, A), **dict.fromkeys(B_SIDE, B)},
    "rate_card": {"admin": AB, "officer_a": A, "officer_b": B},
    "indicator": {
        "admin": frozenset({"shared", "A", "B"}),
        **dict.fromkeys(("manager_a", "member_a"), frozenset({"shared", "A"})),
        **dict.fromkeys(("manager_b", "member_b"), frozenset({"shared", "B"})),
        "*": frozenset({"shared"}),
    },
    "submission": dict.fromkeys(("admin", "manager_a", "member_a", "officer_a"), A),
    # A loan's documents: whoever sees the loan.
    "document": {"admin": AB, "manager_a": A, "member_a": A, "manager_b": B, "member_b": B},
    # Participant rows are personal data: not even an administrator reads them.
    "participant": dict.fromkeys(("manager_a", "member_a", "officer_a"), A),
    # A fund's batches are its managers' (and the administrator's); a payer's outcome payments its officers' only.
    "batch": {
        "admin": AB,
        "manager_a": A,
        "manager_b": B,
        "officer_a": frozenset({"PA"}),
        "officer_b": frozenset({"PB"}),
    },
    # Each user sees their own API tokens only.
    "token": {role: frozenset({role}) for role in ROLES},
    # A fund's accounts to its managers, an investee's to its fund's managers and its members, a payer's to its
    # officers; the fund's statements and transactions to its managers; a mandate also to the investee.
    "bank_account": {
        "admin": frozenset({"fund A", "fund B", "investee A", "investee B", "payer A", "payer B"}),
        "manager_a": frozenset({"fund A", "investee A"}),
        "member_a": frozenset({"investee A"}),
        "officer_a": frozenset({"payer A"}),
        "manager_b": frozenset({"fund B", "investee B"}),
        "member_b": frozenset({"investee B"}),
        "officer_b": frozenset({"payer B"}),
    },
    "mandate": {"admin": AB, "manager_a": A, "member_a": A, "manager_b": B, "member_b": B},
    # Grants and guarantees as loans: the fund's managers and the investee's members.
    "grant": {"admin": AB, "manager_a": A, "member_a": A, "manager_b": B, "member_b": B},
    "guarantee": {"admin": AB, "manager_a": A, "member_a": A, "manager_b": B, "member_b": B},
    # A payer's statements are its officers' only, as its batches are.
    "statement": {
        "admin": AB,
        "manager_a": A,
        "manager_b": B,
        "officer_a": frozenset({"PA"}),
        "officer_b": frozenset({"PB"}),
    },
    # A financing round: the funds named in it (world A's names fund A and a bank) and the enterprise.
    "financing_round": {"admin": AB, "manager_a": A, "member_a": A, "manager_b": B, "member_b": B},
    # A fund's report files built in the background: who asked for them (manager_a, manager_b), not even an admin.
    "report_file": {"manager_a": A, "manager_b": B},
    "bank_transaction": {
        "admin": AB,
        "manager_a": A,
        "manager_b": B,
        "officer_a": frozenset({"PA"}),
        "officer_b": frozenset({"PB"}),
    },
    # An application to its fund's managers and its enterprise's members; the fund's internal notes to the managers.
    "application": {"admin": AB, "manager_a": A, "member_a": A, "manager_b": B, "member_b": B},
    "note": {"admin": frozenset({"A", "A-internal"}), "manager_a": frozenset({"A", "A-internal"}), "member_a": A},
    # A fund's equity participations are its managers'; the investee's members read their own.
    "equity": {"admin": AB, "manager_a": A, "member_a": A, "manager_b": B, "member_b": B},
}


def sees(kind: str, role: str) -> frozenset[str]:
    table = SEES[kind]
    return table.get(role, table.get("*", frozenset()))


def _named(session: Any, walk: Walk) -> dict[str, dict[str, set[Any]]]:
    """kind -> name -> the ids of the world's objects of that name, found by plain queries (no policy)."""
    from fundapp.banking.models import BankAccount, BankStatement, BankTransaction, Mandate
    from fundapp.capital.models import Investor
    from fundapp.cofinancing.models import FinancingRound
    from fundapp.impact.models import Indicator, Participant, Submission
    from fundapp.instruments.grant_models import GrantEvent
    from fundapp.instruments.guarantee_models import GuaranteeEvent
    from fundapp.investees.models import GrowthLevelEntry, SupportEntry
    from fundapp.loans.models import EventKind, Loan, LoanEvent
    from fundapp.outcomes.models import Claim, ClaimLine, OutcomeContract, OutcomeResult, PaymentAssignment, RateCard
    from fundapp.pipeline.models import Application, ApplicationNote

    w = walk.world

    def ids(query: Any) -> set[Any]:
        return set(session.scalars(query))

    contract = {"A": w.contract_a.id, "A-draft": walk.draft_contract.id}
    contract["B"] = session.scalar(select(OutcomeContract.id).where(OutcomeContract.reference == "RF-B"))
    return {
        "fund": {"A": {w.fund_a.id}, "B": {w.fund_b.id}},
        "investor": {
            "A": ids(select(Investor.id).where(Investor.fund_id == w.fund_a.id)),
            "B": ids(select(Investor.id).where(Investor.fund_id == w.fund_b.id)),
        },
        "expense": {"A": set(), "B": set()},
        "investee": {"A": {w.investee_a.id}, "B": {w.investee_b.id}},
        "payer": {"A": {w.payer_a.id}, "B": {w.payer_b.id}},
        "loan": {
            "A": {w.loan_a.id},
            "A-draft": {walk.draft_loan.id},
            "B": ids(select(Loan.id).where(Loan.investee_id == w.investee_b.id)),
        },
        "contract": {name: {value} for name, value in contract.items()},
        "claim": {name: ids(select(Claim.id).where(Claim.contract_id == contract[name])) for name in ("A", "B")},
        "result": {
            name: ids(select(OutcomeResult.id).where(OutcomeResult.contract_id == contract[name]))
            for name in ("A", "B")
        },
        "rate_card": {
            "A": ids(select(RateCard.id).where(RateCard.payer_id == w.payer_a.id)),
            "B": ids(select(RateCard.id).where(RateCard.payer_id == w.payer_b.id)),
        },
        "indicator": {
            "shared": ids(select(Indicator.id).where(Indicator.fund_id.is_(None), Indicator.active.is_(True))),
            "A": ids(select(Indicator.id).where(Indicator.fund_id == w.fund_a.id)),
            "B": ids(select(Indicator.id).where(Indicator.fund_id == w.fund_b.id)),
        },
        "submission": {"A": ids(select(Submission.id).where(Submission.investee_id == w.investee_a.id))},
        "token": {role: {row.id} for role, row in walk.tokens.items()},
        "batch": {name: {batch.id} for name, batch in walk.batches.items()},
        "document": {name: {document.id} for name, document in walk.documents.items()},
        "report_file": {name: {row.id} for name, row in walk.report_files.items()},
        "financing_round": {
            "A": ids(select(FinancingRound.id).where(FinancingRound.investee_id == w.investee_a.id)),
            "B": ids(select(FinancingRound.id).where(FinancingRound.investee_id == w.investee_b.id)),
        },
        "equity": {name: {row.id} for name, row in walk.equity.items()},
        # Lists under one object: all of that object's rows, for whoever may open it.
        "event": {
            "A": ids(
                select(LoanEvent.id).where(LoanEvent.loan_id == w.loan_a.id, LoanEvent.kind == EventKind.REPAYMENT)
            )
        },
        "participant": {"A": ids(select(Participant.reference).where(Participant.submission_id == w.submission_a.id))},
        "claim_line": {"A": ids(select(ClaimLine.id).where(ClaimLine.claim_id == w.claim_a.id))},
        "growth_level": {"A": ids(select(GrowthLevelEntry.id).where(GrowthLevelEntry.investee_id == w.investee_a.id))},
        "support": {"A": ids(select(SupportEntry.id).where(SupportEntry.investee_id == w.investee_a.id))},
        "assignment": {"A": ids(select(PaymentAssignment.id).where(PaymentAssignment.contract_id == w.contract_a.id))},
        "grant": {name: {grant.id} for name, grant in walk.grants.items()},
        "guarantee": {name: {guarantee.id} for name, guarantee in walk.guarantees.items()},
        "grant_event": {"A": ids(select(GrantEvent.id).where(GrantEvent.grant_id == walk.grants["A"].id))},
        "guarantee_event": {
            "A": ids(select(GuaranteeEvent.id).where(GuaranteeEvent.guarantee_id == walk.guarantees["A"].id))
        },
        "bank_account": {
            f"{kind} {side}": ids(select(BankAccount.id).where(column == owner.id))
            for kind, column, owners in (
                ("fund", BankAccount.fund_id, (w.fund_a, w.fund_b)),
                ("investee", BankAccount.investee_id, (w.investee_a, w.investee_b)),
                ("payer", BankAccount.payer_id, (w.payer_a, w.payer_b)),
            )
            for side, owner in zip("AB", owners, strict=True)
        },
        "mandate": {
            "A": ids(select(Mandate.id).where(Mandate.fund_id == w.fund_a.id)),
            "B": ids(select(Mandate.id).where(Mandate.fund_id == w.fund_b.id)),
        },
        "statement": {
            side: ids(select(BankStatement.id).join(BankAccount).where(column == owner.id))
            for side, column, owner in _account_owners(w)
        },
        "bank_transaction": {
            side: ids(select(BankTransaction.id).join(BankAccount).where(column == owner.id))
            for side, column, owner in _account_owners(w)
        },
        "application": {
            side: ids(select(Application.id).where(Application.investee_id == investee.id))
            for side, investee in (("A", w.investee_a), ("B", w.investee_b))
        },
        "note": {
            name: ids(
                select(ApplicationNote.id).where(
                    ApplicationNote.application_id == w.application_a.id, ApplicationNote.internal.is_(internal)
                )
            )
            for name, internal in (("A", False), ("A-internal", True))
        },
    }


def _account_owners(w: Any) -> list[tuple[str, Any, Any]]:
    """The owners of statements: funds A and B, payers A ("PA") and B ("PB")."""
    from fundapp.banking.models import BankAccount

    return [
        ("A", BankAccount.fund_id, w.fund_a),
        ("B", BankAccount.fund_id, w.fund_b),
        ("PA", BankAccount.payer_id, w.payer_a),
        ("PB", BankAccount.payer_id, w.payer_b),
    ]


def _expected(
    named: dict[str, dict[str, set[Any]]], kind: str, role: str, only: frozenset[str] | None = None
) -> set[Any]:
    """The ids of ``kind`` the role may see (limited to the names ``only`` for a list under one object)."""
    names = set(sees(kind, role) if kind in SEES else named[kind])
    return set().union(*(named[kind].get(name, set()) for name in names & set(only or names)))


FUND_ACCOUNTS = frozenset({"fund A"})
# endpoint -> (path, kind, key of an item, names the list is limited to (a list under one object)).
API_LISTS: dict[str, tuple[str, str, str, frozenset[str] | None]] = {
    "api_funds.list_funds": ("/api/v1/funds", "fund", "id", None),
    "api_funds.list_capital_sources": ("/api/v1/funds/{fund_a}/capital-sources", "investor", "id", A),
    "api_capital.list_investors": ("/api/v1/funds/{fund_a}/investors", "investor", "id", A),
    "api_capital.list_expenses": ("/api/v1/funds/{fund_a}/expenses", "expense", "id", A),
    "api_investees.list_investees": ("/api/v1/investees", "investee", "id", None),
    "api_payers.list_payers": ("/api/v1/payers", "payer", "id", None),
    "api_loans.list_loans": ("/api/v1/loans", "loan", "id", None),
    "api_loans.list_repayments": ("/api/v1/loans/{loan_a}/repayments", "event", "id", None),
    "api_grants.list_grants": ("/api/v1/grants", "grant", "id", None),
    "api_grants.list_guarantees": ("/api/v1/guarantees", "guarantee", "id", None),
    "api_grants.list_grant_events": ("/api/v1/grants/{grant_a}/events", "grant_event", "id", None),
    "api_grants.list_guarantee_events": ("/api/v1/guarantees/{guarantee_a}/events", "guarantee_event", "id", None),
    "api_impact.list_indicators": ("/api/v1/indicators", "indicator", "id", None),
    "api_impact.list_submissions": ("/api/v1/investees/{investee_a}/kpi-submissions", "submission", "id", None),
    "api_impact.list_participants": (
        "/api/v1/kpi-submissions/{submission_a}/participants",
        "participant",
        "reference",
        None,
    ),
    "api_impact.reporting_status": ("/api/v1/funds/{fund_a}/reporting-status", "investee", "investee_id", A),
    "api_outcomes.list_rate_cards": ("/api/v1/rate-cards", "rate_card", "id", None),
    "api_outcomes.list_contracts": ("/api/v1/outcome-contracts", "contract", "id", None),
    "api_outcomes.list_results": ("/api/v1/outcome-contracts/{contract_a}/results", "result", "id", A),
    "api_outcomes.list_claims": ("/api/v1/claims", "claim", "id", None),
    "api_outcomes.list_claim_lines": ("/api/v1/claims/{claim_a}/lines", "claim_line", "id", A),
    "api_outcomes.list_assignments": ("/api/v1/outcome-contracts/{contract_a}/assignments", "assignment", "id", A),
    "api_investees.list_growth_levels": ("/api/v1/investees/{investee_a}/growth-levels", "growth_level", "id", A),
    "api_investees.list_support": ("/api/v1/investees/{investee_a}/support", "support", "id", A),
    "api_auth.list_tokens": ("/api/v1/auth/tokens", "token", "id", None),
    "api_documents.list_documents": ("/api/v1/loans/{loan_a}/documents", "document", "id", A),
    "api_bank_accounts.list_fund_accounts": (
        "/api/v1/funds/{fund_a}/bank-accounts",
        "bank_account",
        "id",
        FUND_ACCOUNTS,
    ),
    "api_bank_accounts.list_investee_accounts": (
        "/api/v1/investees/{investee_a}/bank-accounts",
        "bank_account",
        "id",
        frozenset({"investee A"}),
    ),
    "api_bank_accounts.list_payer_accounts": (
        "/api/v1/payers/{payer_a}/bank-accounts",
        "bank_account",
        "id",
        frozenset({"payer A"}),
    ),
    "api_bank_accounts.list_mandates": ("/api/v1/loans/{loan_a}/mandates", "mandate", "id", A),
    "api_bank_statements.list_statements": ("/api/v1/funds/{fund_a}/bank-statements", "statement", "id", A),
    "api_bank_statements.list_payer_transactions": (
        "/api/v1/payers/{payer_a}/bank-transactions",
        "bank_transaction",
        "id",
        frozenset({"PA"}),
    ),
    "api_bank_statements.list_transactions": (
        "/api/v1/funds/{fund_a}/bank-transactions",
        "bank_transaction",
        "id",
        A,
    ),
    "api_batches.list_fund_batches": ("/api/v1/funds/{fund_a}/payment-batches", "batch", "id", A),
    "api_cofinancing.list_rounds": ("/api/v1/financing-rounds", "financing_round", "id", None),
    "api_batches.list_payer_batches": ("/api/v1/payers/{payer_a}/payment-batches", "batch", "id", frozenset({"PA"})),
    "api_pipeline.list_applications": ("/api/v1/applications", "application", "id", None),
    "api_pipeline.list_notes": ("/api/v1/applications/{application_a}/notes", "note", "id", None),
    "api_equity.list_participations": ("/api/v1/equity-participations", "equity", "id", None),
}
# The directory officers name providers from: every enterprise's public register entry, by design.
PUBLIC_DIRECTORY = "api_outcomes.provider_directory"

LINKS = {
    "fund": re.compile(r"/funds/(\d+)"),
    "investor": re.compile(r"/investors/(\d+)"),
    "investee": re.compile(r"/investees/(\d+)"),
    "payer": re.compile(r"/payers/(\d+)"),
    "loan": re.compile(r"/loans/(\d+)"),
    "contract": re.compile(r"/contracts/(\d+)"),
    "claim": re.compile(r"/claims/(\d+)"),
    "result": re.compile(r"/results/(\d+)"),
    "submission": re.compile(r"/kpi-submissions/(\d+)"),
    "token": re.compile(r"/account/tokens/(\d+)"),
    "batch": re.compile(r"/payment-batches/(\d+)"),
    "statement": re.compile(r"/bank-statements/(\d+)"),
    "bank_transaction": re.compile(r"/bank-transactions/(\d+)"),
    "report_file": re.compile(r"/report-files/(\d+)"),
    "financing_round": re.compile(r"/financing-rounds/(\d+)"),
    "application": re.compile(r"/applications/(\d+)"),
    "equity": re.compile(r"/equity/(\d+)"),
    "grant": re.compile(r"/grants/(\d+)"),
    "guarantee": re.compile(r"/guarantees/(\d+)"),
}
# Rows that carry no link show a text only their object has (checked on every page).
TEXTS = {
    "rate_card": {"A": "Werk en inkomen", "B": "Kaart B"},
    "indicator": {"A": "WALK-FUND-A", "B": "WALK-FUND-B"},
}
# Texts that tell the rows apart on the page that lists them (a participant reference is on several pages).
ROW_TEXTS = {"result": {"A": "P-0001", "B": "P-0009"}, "participant": {"A": "P-0001"}}
# endpoint -> (path, the kind the page lists, names it is limited to); every page is also checked for every
# link and text of every kind.
PAGES: dict[str, tuple[str, str | None, frozenset[str] | None]] = {
    "home.index": ("/", None, None),
    "funds.index": ("/funds/", "fund", None),
    "funds.detail": ("/funds/{fund_a}", "investee", A),
    "investees.index": ("/investees/", "investee", None),
    "payers.index": ("/payers/", "payer", None),
    "loans.loan_book": ("/funds/{fund_a}/loans", "loan", LOANS_A),
    "loans.investee_loans": ("/investees/{investee_a}/loans", "loan", LOANS_A),
    "impact.indicators": ("/indicators", "indicator", None),
    "impact.investee_impact": ("/investees/{investee_a}/impact", "submission", A),
    "impact.reporting": ("/funds/{fund_a}/reporting?state=", None, None),
    "outcomes.contract_list": ("/contracts", "contract", None),
    "outcomes.contract_detail": ("/contracts/{contract_a}", "claim", A),
    "impact.submission": ("/kpi-submissions/{submission_a}", "participant", None),
    "outcomes.result_list": ("/results?status=", "result", None),
    "outcomes.claim_list": ("/claims?status=", "claim", None),
    "outcomes.rate_cards": ("/rate-cards", "rate_card", None),
    "auth.tokens": ("/account/tokens", "token", None),
    "notifications.inbox": ("/inbox", None, None),
    "reports.index": ("/reports/", None, None),
    "bank_statements.index": ("/funds/{fund_a}/bank-statements", "statement", A),
    "bank_statements.transactions": ("/funds/{fund_a}/bank-transactions?status=all", None, None),
    "payer_statements.index": ("/payers/{payer_a}/bank-statements", "statement", frozenset({"PA"})),
    "payer_statements.transactions": ("/payers/{payer_a}/bank-transactions?status=all", None, None),
    "batches.fund_batches": ("/funds/{fund_a}/payment-batches", "batch", A),
    "batches.payer_batches": ("/payers/{payer_a}/payment-batches", "batch", frozenset({"PA"})),
    "jobs.failures": ("/admin/jobs", None, None),
    "cofinancing.index": ("/financing-rounds/", "financing_round", None),
    # The fund report page lists the user's own recent files of the fund (test_report_files.py).
    "reports.fund": ("/reports/funds/{fund_a}", None, None),
    "pipeline.index": ("/applications", "application", None),
    "equity.fund_participations": ("/funds/{fund_a}/equity", "equity", A),
    "consolidated.page": ("/consolidated/", "fund", None),
}


def _path(template: str, walk: Walk) -> str:
    w = walk.world
    ids = {
        "fund_a": w.fund_a.id,
        "investee_a": w.investee_a.id,
        "loan_a": w.loan_a.id,
        "submission_a": w.submission_a.id,
        "contract_a": w.contract_a.id,
        "claim_a": w.claim_a.id,
        "payer_a": w.payer_a.id,
        "application_a": w.application_a.id,
        "grant_a": walk.grants["A"].id,
        "guarantee_a": walk.guarantees["A"].id,
    }
    path = template.format(**ids)
    return path + ("&" if "?" in path else "?") + "page_size=200"


def _items(body: Any) -> list[Any]:
    """A list answers {"items": [...], ...} or, for lists not yet paginated, a bare array."""
    return body["items"] if isinstance(body, dict) else body


def test_every_api_list_gives_each_role_exactly_what_it_may_see(walk, db_session, role_clients):
    clients, _tokens, headers = role_clients
    named = _named(db_session, walk)
    failures = []
    for endpoint, (template, kind, key, only) in API_LISTS.items():
        for role in sorted(ACCESS[endpoint] - {"anonymous"}):
            response = clients[role].get(_path(template, walk), headers=headers[role])
            assert response.status_code == 200, (endpoint, role, response.get_json())
            got = {item[key] for item in _items(response.get_json())}
            expected = _expected(named, kind, role, only)
            if got != expected:
                failures.append(f"{endpoint} as {role}: got {sorted(got)}, expected {sorted(expected)}")
    assert failures == [], "\n".join(failures)


def test_the_provider_directory_lists_every_enterprise_to_officers_and_nothing_else(walk, role_clients):
    clients, _tokens, headers = role_clients
    expected = {walk.world.investee_a.id, walk.world.investee_b.id}
    for role in sorted(ACCESS[PUBLIC_DIRECTORY] - {"anonymous"}):
        body = clients[role].get("/api/v1/providers?page_size=200", headers=headers[role]).get_json()
        assert {item["id"] for item in _items(body)} == expected
        assert {key for item in _items(body) for key in item} == {"id", "name", "kvk_number", "municipality"}


def test_every_api_list_is_checked_by_this_test(app, walk, role_clients):
    """A new list endpoint fails here until its expectation per role is written down above."""
    from tests.web.walk_world import arguments

    clients, _tokens, headers = role_clients
    values = arguments(walk)
    lists = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or "GET" not in rule.methods or rule.endpoint == "api-docs.openapi_json":
            continue
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        response = clients["admin"].get(url + "?period=2026-Q1", headers=headers["admin"])
        body = response.get_json(silent=True) if response.is_json else None
        if isinstance(body, list) or (isinstance(body, dict) and {"items", "total"} <= body.keys()):
            lists.add(rule.endpoint)
    assert lists, "no list found: the detection is broken"
    assert sorted(lists - set(API_LISTS) - {PUBLIC_DIRECTORY}) == []


def test_every_list_page_shows_each_role_only_what_it_may_see(walk, db_session, role_clients):
    clients, _tokens, _headers = role_clients
    named = _named(db_session, walk)
    failures = []
    for endpoint, (template, main, only) in PAGES.items():
        for role in sorted(ACCESS[endpoint] - {"anonymous"}):
            response = clients[role].get(_path(template, walk))
            assert response.status_code == 200, (endpoint, role, response.status_code)
            page = response.get_data(as_text=True)
            where = f"{endpoint} as {role}"
            for kind, pattern in LINKS.items():
                linked = {int(found) for found in pattern.findall(page)}
                hidden = linked - _expected(named, kind, role)
                if hidden:
                    failures.append(f"{where}: links to {kind} {sorted(hidden)} it may not see")
                expected = _expected(named, kind, role, only)
                if kind == main and kind not in TEXTS and kind not in ROW_TEXTS and linked != expected:
                    failures.append(f"{where}: lists {kind} {sorted(linked)}, expected {sorted(expected)}")
            texts_here = {**TEXTS, **{kind: ROW_TEXTS[kind] for kind in ROW_TEXTS if kind == main}}
            for kind, texts in texts_here.items():
                for name, text in texts.items():
                    shown = text in page
                    if shown and name not in sees(kind, role):
                        failures.append(f"{where}: shows {kind} {name} ({text}) it may not see")
                    elif kind == main and not shown and name in sees(kind, role):
                        failures.append(f"{where}: misses {kind} {name} ({text})")
    assert failures == [], "\n".join(failures)
