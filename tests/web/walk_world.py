"""The world the authorization walk runs on, and the state each write needs.

World A (``tests.factories``) gets the objects whose state lets each action succeed
once: a draft loan to edit, approve and disburse, a draft contract to accept and start;
each side gets a rate card and an indicator, and world B a claim, so lists have B's to hide. ``PREPARE`` brings world A into the state an
action needs (a submitted report to approve, an approved claim to pay), inside the
savepoint of the call, so every role meets the same state and nothing stays.
The bodies the walk sends are in ``walk_bodies.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fundapp import clock
from fundapp.auth.policy import Scope
from tests.equity_factories import add_equity
from tests.factories import ACTOR, PASSWORD, THRESHOLD, World, filled_workbook, make_contract, make_loan
from tests.instrument_factories import add_instruments

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
TODAY = clock.today().isoformat()
REASON = "Checked in the walk"


@dataclass
class BankWalk:
    """World A's bank: a mandate on loan A, a statement with an unmatched credit (world B has the same)."""

    mandate: Any
    statement: Any
    transaction: Any


@dataclass
class Walk:
    """World A and B, with what the walk adds to them."""

    world: World
    tokens: dict[str, Any]
    workbook: bytes
    draft_loan: Any
    draft_contract: Any
    bank: BankWalk | None = None
    # Payment batches by name: "A" and "B" the funds' direct debits, "PA" and "PB" the payers' outcome payments.
    batches: dict[str, Any] = field(default_factory=dict)
    notification: Any = None  # manager A's
    # A document on loan A ("A") and one on world B's loan ("B").
    documents: dict[str, Any] = field(default_factory=dict)
    job_failure: Any = None  # a job that failed its last try, for the administrators' jobs page
    # A fund report file built in the background for each fund ("A", "B"), asked for by the fund's manager.
    report_files: dict[str, Any] = field(default_factory=dict)
    portfolio_import: Any = None  # a portfolio workbook of fund A, checked by its job
    financing_round: Any = None  # world A's (fund A with a bank); world B has one of its own
    # An equity participation of each world ("A", "B"), valued once.
    equity: dict[str, Any] = field(default_factory=dict)
    # A paid voucher and a guarantee (one fee paid) of each side's investee, by side ("A", "B").
    grants: dict[str, Any] = field(default_factory=dict)
    guarantees: dict[str, Any] = field(default_factory=dict)

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
    _growth_and_support(session, world)
    session.flush()
    return draft_loan, draft_contract


def _growth_and_support(session: Session, world: World) -> None:
    """A growth level and a support entry on each side, so that their lists have something of B's to hide."""
    from fundapp.investees import support
    from fundapp.investees.models import GrowthLevel, SupportKind

    for investee in (world.investee_a, world.investee_b):
        level = {"level": GrowthLevel.BASIC, "from_date": date(2026, 1, 1), "note": ""}
        support.record_growth_level(session, ACTOR, investee, level)
        given = {"given_on": date(2026, 1, 2), "kind": SupportKind.COACHING, "hours": Decimal("2")}
        support.record_support(session, ACTOR, investee, {**given, "given_by_name": "Walk", "note": ""})


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


def add_bank(session: Session, world: World) -> BankWalk:
    """Accounts on both sides (funds, investees, payers), a mandate per loan, an imported statement per fund and
    per payer."""
    from sqlalchemy import select

    from fundapp.banking import services_accounts
    from fundapp.banking.models import BankTransaction
    from fundapp.loans.models import Loan
    from tests import bank_factories as bank

    loan_b = session.scalar(select(Loan).where(Loan.investee_id == world.investee_b.id))
    sides = (
        ("A", world.fund_a, world.investee_a, world.payer_a, world.loan_a, bank.WALK_IBANS_A),
        ("B", world.fund_b, world.investee_b, world.payer_b, loan_b, bank.WALK_IBANS_B),
    )
    made = []
    for name, fund, investee, payer, loan, (fund_iban, investee_iban, payer_iban) in sides:
        bank.fund_account(session, fund, fund_iban)
        bank.investee_account(session, investee, investee_iban)
        services_accounts.add_account(session, ACTOR, payer, {"iban": payer_iban, "name": payer.name, "bic": ""})
        paid = bank.Entry("80.00", direction="debit", remittance=f"Uitbetaling {name}")
        bank.import_file(session, payer, bank.camt([paid], payer_iban))
        mandate = {"mandate_id": f"WALK-{name}", "signed_on": date(2025, 1, 1), "iban": investee_iban}
        file = bank.camt([bank.Entry("250.00", remittance=f"Gift {name}")], fund_iban)
        made.append(
            (services_accounts.add_mandate(session, ACTOR, loan, mandate), bank.import_file(session, fund, file))
        )
    mandate, statement = made[0]
    transaction = session.scalar(select(BankTransaction).where(BankTransaction.statement_id == statement.id))
    return BankWalk(mandate, statement, transaction)


def make_walk(session: Session, world: World, tokens: dict[str, Any]) -> Walk:
    draft_loan, draft_contract = add_walk_states(session, world)
    walk = Walk(world, tokens, filled_workbook(session, world.investee_a), draft_loan, draft_contract)
    walk.bank = add_bank(session, world)
    walk.batches = _batches_of_both_worlds(session, world)
    walk.notification = _notification_of_manager_a(session, world)
    walk.documents = _documents_of_both_worlds(session, world)
    walk.job_failure = _failed_job(session)
    walk.report_files = _report_files_of_both_worlds(session, world)
    walk.portfolio_import = _portfolio_import(session, world)
    walk.financing_round = financing_rounds(session, world)
    _notes_of_application_a(session, world)
    walk.equity = add_equity(session, world)
    walk.grants, walk.guarantees = add_instruments(session, world)
    return walk


def financing_rounds(session: Session, world: World) -> Any:
    """A financing round of investee A (fund A and a bank) and one of investee B (fund B): answers A's."""
    from fundapp.cofinancing import services

    admin = Scope(user_id=0, is_admin=True)
    made = []
    for fund, investee in ((world.fund_a, world.investee_a), (world.fund_b, world.investee_b)):
        parties = [
            {"fund_id": fund.id, "instrument": "loan", "amount": Decimal("100000.00")},
            {"party_name": "Walk Bank", "party_kind": "bank", "instrument": "loan", "amount": Decimal("50000.00")},
        ]
        made.append(
            services.create_round(
                session, ACTOR, admin, investee, {"name": "Walk round", "on": date(2026, 1, 1), "participants": parties}
            )
        )
    return made[0]


def _notes_of_application_a(session: Session, world: World) -> None:
    """One note the enterprise may read, one internal to the fund."""
    from fundapp.pipeline import services

    services.add_note(session, ACTOR, world.application_a, "Walk note for all", internal=False)
    services.add_note(session, ACTOR, world.application_a, "Walk note of the fund", internal=True)


def _notification_of_manager_a(session: Session, world: World) -> Any:
    from sqlalchemy import select

    from fundapp import clock
    from fundapp.notifications.events import link, notify
    from fundapp.notifications.models import Notification

    manager = world.user("manager_a")
    path = link("loans.detail", loan_id=world.loan_a.id)
    params = {"loan": world.loan_a.reference, "investee": world.investee_a.name, "number": 1, "amount": "100.00"}
    notify(
        session,
        [manager.id],
        "installment_missed",
        world.loan_a,
        path,
        {**params, "due_on": "2026-01-15"},
        clock.today(),
    )
    return session.scalar(
        select(Notification).where(Notification.user_id == manager.id).order_by(Notification.id.desc())
    )


def _documents_of_both_worlds(session: Session, world: World) -> dict[str, Any]:
    from sqlalchemy import select

    from fundapp.documents import services
    from fundapp.documents.storage import LocalFileStore
    from fundapp.loans.models import Loan
    from tests.conftest import test_files_dir
    from tests.documents_files import PDF

    store = LocalFileStore(test_files_dir())
    loan_b = session.scalar(select(Loan).where(Loan.investee_id == world.investee_b.id))
    return {
        name: services.attach(session, ACTOR, loan, PDF, f"agreement {name}.pdf", "loan_agreement", store, 10**6)
        for name, loan in (("A", world.loan_a), ("B", loan_b))
    }


def _batches_of_both_worlds(session: Session, world: World) -> dict[str, Any]:
    """Each side's fund collects by direct debit (a live batch for its active loan, whose mandate ``add_bank``
    recorded) and its payer has an outcome-payment batch, empty, for the lists."""
    from sqlalchemy import select

    from fundapp.banking import batches
    from fundapp.banking.models import BankAccount, BatchKind, BatchStatus, PaymentBatch
    from tests.batch_factories import CREDITOR_ID

    made: dict[str, Any] = {}
    for name, fund, payer in (("A", world.fund_a, world.payer_a), ("B", world.fund_b, world.payer_b)):
        fund.creditor_id = CREDITOR_ID
        made[name] = batches.create_direct_debit_batch(session, ACTOR, fund, clock.today())
        account = session.scalar(select(BankAccount).where(BankAccount.payer_id == payer.id))
        made[f"P{name}"] = PaymentBatch(
            kind=BatchKind.OUTCOME_PAYMENTS,
            payer_id=payer.id,
            bank_account_id=account.id,
            message_id=f"WALK-PAYER-{name}",
            execution_date=clock.today(),
            status=BatchStatus.CREATED,
        )
        session.add(made[f"P{name}"])
    session.flush()
    return made


def _report_files_of_both_worlds(session: Session, world: World) -> dict[str, Any]:
    from fundapp.documents.storage import LocalFileStore
    from fundapp.reports.models import ReportFile
    from tests.conftest import test_files_dir
    from tests.documents_files import PDF

    sha256 = LocalFileStore(test_files_dir()).put(PDF)
    made = {
        name: ReportFile(
            fund_id=fund.id,
            kind="pdf",
            period="2026",
            locale="nl",
            requested_by_id=world.user(f"manager_{name.lower()}").id,
            state="done",
            progress=100,
            sha256=sha256,
            size=len(PDF),
            name=f"fondsrapportage-{name}-2026.pdf",
        )
        for name, fund in (("A", world.fund_a), ("B", world.fund_b))
    }
    session.add_all(made.values())
    session.flush()
    return made


def _failed_job(session: Session) -> Any:
    from fundapp.jobs.models import JobFailure

    failure = JobFailure(task="run_day", args='["2026-12-02"]', error="OSError: disk full", traceback="", tries=6)
    session.add(failure)
    session.flush()
    return failure


def _portfolio_import(session: Session, world: World) -> Any:
    from fundapp.portfolio_import.models import PortfolioImport

    checked = {"investees": 1, "loans": 1, "repayments": 1, "differences": []}
    row = PortfolioImport(
        fund_id=world.fund_a.id,
        file_sha256="0" * 64,
        file_name="walk.xlsx",
        dry_run=True,
        state="done",
        result=checked,
    )
    session.add(row)
    session.flush()
    return row


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
        "source_id": world.investor_a.id,
        "investor_id": world.investor_a.id,
        "call_id": world.call_a.id,
        "year": 2024,
        "quarter": 1,
        "fmt": "pdf",
        "token_id": walk.tokens["manager_a"].id,
        "lang": "en",
        "token": "no-such-link",
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
        "mandate_id": walk.bank.mandate.id if walk.bank else 0,
        "statement_id": walk.bank.statement.id if walk.bank else 0,
        "transaction_id": walk.bank.transaction.id if walk.bank else 0,
        "batch_id": walk.batches["A"].id,
        "notification_id": walk.notification.id,
        # Documents are walked on loan A (who sees them follows the loan: tests/web/test_documents_access.py).
        "kind": "loans",
        "object_id": world.loan_a.id,
        "document_id": 0,
        "failure_id": walk.job_failure.id,
        "report_file_id": walk.report_files["A"].id,
        "import_id": walk.portfolio_import.id,
        "round_id": walk.financing_round.id,
        "application_id": world.application_a.id,
        "participation_id": walk.equity["A"].id,
        "grant_id": walk.grants["A"].id if walk.grants else 0,
        "guarantee_id": walk.guarantees["A"].id if walk.guarantees else 0,
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

    services.write_off(session, ACTOR, walk.world.loan_a, clock.today(), REASON)
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


def _no_live_collection(session: Session, walk: Walk) -> dict[str, Any]:
    """Fund A's live direct debit cancelled: its installments wait to be collected again."""
    from fundapp.banking import batches

    batches.cancel_batch(session, ACTOR, walk.batches["A"])
    return {}


def _disbursement_batch(session: Session, walk: Walk) -> dict[str, Any]:
    from fundapp.banking import batches

    _approved_loan(session, walk)
    batch = batches.create_disbursement_batch(session, ACTOR, walk.world.fund_a, clock.today())
    return {"batch_id": batch.id}


def _submitted_report(session: Session, walk: Walk) -> dict[str, Any]:
    from fundapp.impact import submissions

    submissions.submit(session, ACTOR, walk.world.submission_a)
    return {}


def _no_active_mandate(session: Session, walk: Walk) -> dict[str, Any]:
    from fundapp.banking import services_accounts

    assert walk.bank is not None
    services_accounts.revoke_mandate(session, ACTOR, walk.bank.mandate)
    return {}


def _loan_document(session: Session, walk: Walk) -> dict[str, Any]:
    from fundapp.documents import services
    from fundapp.documents.storage import LocalFileStore
    from tests.conftest import test_files_dir
    from tests.documents_files import PDF

    store = LocalFileStore(test_files_dir())
    document = services.attach(session, ACTOR, walk.world.loan_a, PDF, "walk.pdf", "other", store, 10**6)
    return {"document_id": document.id}


def _invitation_link(session: Session, walk: Walk) -> dict[str, Any]:
    """A person invited into investee A, with the link of the mail."""
    from fundapp.auth import user_tokens
    from fundapp.auth.models import Role, TokenPurpose, User
    from fundapp.auth.services import add_membership

    user = User(email="walk.invitee@example.nl", name="", password_hash="!", active=False, failed_logins=0)
    session.add(user)
    session.flush()
    add_membership(session, ACTOR, user, Role.INVESTEE_MEMBER, walk.world.investee_a.id)
    return {"token": user_tokens.issue(session, user, TokenPurpose.INVITATION, timedelta(days=7))}


def _reset_link(session: Session, walk: Walk) -> dict[str, Any]:
    """The link a reset mail to member A holds."""
    from fundapp.auth import user_tokens
    from fundapp.auth.models import TokenPurpose

    member = walk.world.user("member_a")
    return {"token": user_tokens.issue(session, member, TokenPurpose.PASSWORD_RESET, timedelta(minutes=15))}


def _application_before_committee(session: Session, walk: Walk) -> dict[str, Any]:
    from fundapp.pipeline import services

    for action in ("start_due_diligence", "refer_to_committee"):
        services.move(session, ACTOR, walk.world.application_a, action)
    return {}


def _approved_application(session: Session, walk: Walk) -> dict[str, Any]:
    from tests.pipeline_factories import decide

    _application_before_committee(session, walk)
    decide(session, walk.world.application_a)
    return {}


def _pending_assignment(session: Session, walk: Walk) -> dict[str, Any]:
    """Investee A's payments under contract A assigned to loan A, not yet accepted by payer A."""
    from fundapp.outcomes import assignments

    world = walk.world
    data = {"investee_id": world.investee_a.id, "loan_id": world.loan_a.id, "share_percent": Decimal("40")}
    assignments.assign(
        session, ACTOR, Scope(user_id=0, is_admin=True), world.contract_a, {**data, "valid_from": clock.today()}
    )
    return {}


def _convertible_loan_a(session: Session, walk: Walk) -> dict[str, Any]:
    from fundapp.instruments import conversion
    from fundapp.instruments.models import ConversionTrigger

    data = {"price_per_share": Decimal("2"), "trigger": ConversionTrigger.MATURITY}
    conversion.set_terms(session, ACTOR, walk.world.loan_a, data)
    return {}


def _grant_not_met(session: Session, walk: Walk) -> dict[str, Any]:
    from fundapp.instruments import grants

    grants.decide(session, ACTOR, walk.grants["A"], False, clock.today(), REASON)
    return {}


def _grant_clawed_back(session: Session, walk: Walk) -> dict[str, Any]:
    from fundapp.instruments import grants

    _grant_not_met(session, walk)
    grants.claw_back(session, ACTOR, walk.grants["A"], clock.today(), Decimal("500.00"), REASON)
    return {}


def _cash_for_a_distribution(session: Session, walk: Walk) -> dict[str, Any]:
    """Fund A's other instruments spent its investor's first call: a second call pays for the walk's distribution."""
    from fundapp.capital import services

    services.record_call(session, ACTOR, walk.world.investor_a, {"date": clock.today(), "amount": Decimal("50000.00")})
    return {}


Prepare = Callable[[Session, Walk], dict[str, Any]]
PREPARE: dict[str, Prepare] = {
    "capital.record_distribution": _cash_for_a_distribution,
    "api_capital.record_distribution": _cash_for_a_distribution,
    "people.accept_invitation": _invitation_link,
    "people.reset_password": _reset_link,
    "loans.edit": _draft_loan,
    "loans.approve": _draft_loan,
    "api_loans.update_loan": _draft_loan,
    "api_loans.approve_loan": _draft_loan,
    "cofinancing.participations": _draft_loan,
    "api_cofinancing.set_participations": _draft_loan,
    "loans.disburse": _approved_loan,
    "api_loans.disburse": _approved_loan,
    "loans.recover": _written_off_loan,
    "api_loans.record_recovery": _written_off_loan,
    "outcomes.accept_contract": _draft_contract,
    "api_outcomes.accept_payer_share": _draft_contract,
    "api_outcomes.accept_provider": _draft_contract,
    "api_outcomes.activate_contract": _accepted_draft_contract,
    "outcomes.new_claim": _verified_result,
    "outcomes.accept_assignments": _pending_assignment,
    "api_outcomes.accept_assignments": _pending_assignment,
    "api_outcomes.compute_claim": _verified_result,
    "outcomes.submit_claim": _draft_claim,
    "outcomes.discard_claim": _draft_claim,
    "api_outcomes.submit_claim": _draft_claim,
    "api_outcomes.discard_claim": _draft_claim,
    "outcomes.record_payment": _approved_claim,
    "api_outcomes.record_payment": _approved_claim,
    "api_outcomes.correct_claim": _approved_claim,
    "api_batches.create_direct_debit_batch": _no_live_collection,
    "batches.new_direct_debit": _no_live_collection,
    "api_batches.create_disbursement_batch": _approved_loan,
    "batches.new_disbursements": _approved_loan,
    "api_batches.create_outcome_payment_batch": _approved_claim,
    "batches.new_outcome_payments": _approved_claim,
    "api_batches.credit_transfer_file": _disbursement_batch,
    "impact.approve": _submitted_report,
    "impact.return_report": _submitted_report,
    "api_impact.approve_submission": _submitted_report,
    "api_impact.return_submission": _submitted_report,
    "bank_accounts.new_mandate": _no_active_mandate,
    "api_bank_accounts.add_mandate": _no_active_mandate,
    "api_documents.document_content": _loan_document,
    "api_documents.delete_document": _loan_document,
    "documents.document_download": _loan_document,
    "documents.document_delete": _loan_document,
    "pipeline.decision": _application_before_committee,
    "api_pipeline.record_decision": _application_before_committee,
    "pipeline.make_instrument": _approved_application,
    "api_pipeline.make_instrument": _approved_application,
    "equity.convert": _convertible_loan_a,
    "api_equity.convert_loan": _convertible_loan_a,
    "api_equity.get_conversion_terms": _convertible_loan_a,
    "grants.claw_back": _grant_not_met,
    "api_grants.claw_back_grant": _grant_not_met,
    "grants.receive": _grant_clawed_back,
    "api_grants.receive_grant_payment": _grant_clawed_back,
}

# Allowed roles for whom the action is nothing to do, with why; every other allowed role must succeed.
SUCCEEDS: dict[str, frozenset[str]] = {
    # An administrator sees the draft but is no party to it: the page says there is nothing for them to accept.
    "outcomes.accept_contract": frozenset({"officer_a", "manager_a", "member_a"}),
}
