"""More rows of every kind in the walk's world A, for the query-count test of every page.

``grow(session, walk, step)`` adds one more of each kind of row a page lists or aggregates, both as new objects
of fund A (an investee with a loan, grant, guarantee, participation, application and KPI report) and as children
of the very objects the detail pages show (investee A, loan A, contract A, investor A, payer A, application A).
Call it with a new ``step`` each time: references, periods and dates are unique per step. Where children can
only be added to a new object (a KPI report's participants, a claim's lines, a statement's transactions), each
step makes one such object with ``step`` children: ``grow`` answers these as route arguments, for the detail
pages to show the newest.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tests.factories import ACTOR, ADMIN_SCOPE, make_fund, make_investee, make_investor, make_loan, make_payer

D = Decimal


def grow(session: Session, walk: Any, step: int) -> dict[str, int]:
    _lending(session, walk, step)
    _instruments(session, walk, step)
    _capital(session, walk, step)
    newest = {
        **_outcomes(session, walk, step),
        "submission_id": _impact(session, walk, step),
        "statement_id": _bank(session, walk, step),
        "batch_id": _batch(session, walk, step),
    }
    _people_and_papers(session, walk, step)
    session.flush()
    return newest


def _lending(session: Session, walk: Any, step: int) -> None:
    from fundapp.loans import services as loans

    world = walk.world
    investee = make_investee(session, world.fund_a, name=f"Grown {step:02d}")
    for borrower in (investee, world.investee_a):
        loan = make_loan(session, borrower, disbursement_date=date(2024, 3, 1))
        loans.record_repayment(session, ACTOR, loan, date(2024, 4, 1), D("100.00"), f"grown {step}")
    loans.record_repayment(session, ACTOR, world.loan_a, date(2024, 3, step), D("10.00"), f"grown {step}")
    make_fund(session, name=f"Grown fund {step:02d}")
    make_payer(session, name=f"Gemeente Grown {step:02d}")


def _instruments(session: Session, walk: Any, step: int) -> None:
    from fundapp.cofinancing import services as cofinancing
    from fundapp.instruments import guarantees
    from fundapp.instruments import services as equity
    from fundapp.investees import support
    from fundapp.investees.models import GrowthLevel, SupportKind
    from tests.equity_factories import make_participation
    from tests.instrument_factories import make_grant, make_guarantee
    from tests.pipeline_factories import make_application

    world = walk.world
    for investee in (world.investee_a, make_investee(session, world.fund_a, name=f"Grown holder {step:02d}")):
        make_grant(session, investee, reference=f"GRANT-G{step}-{investee.id}")
        make_guarantee(session, investee, reference=f"GUAR-G{step}-{investee.id}")
        make_participation(session, investee)
        make_application(session, investee)
    guarantees.record_fee(session, ACTOR, walk.guarantees["A"], date(2025, 5, step), D("1.00"), f"grown {step}")
    equity.record_dividend(session, ACTOR, walk.equity["A"], {"date": date(2026, 4, step), "amount": D("1.00")})
    on = date(2025, 1, step)
    support.record_growth_level(
        session, ACTOR, world.investee_a, {"level": GrowthLevel.BASIC, "from_date": on, "note": f"{step}"}
    )
    given = {"given_on": on, "kind": SupportKind.COACHING, "hours": D("1"), "given_by_name": "Grown", "note": ""}
    support.record_support(session, ACTOR, world.investee_a, given)
    parties = [
        {"fund_id": world.fund_a.id, "instrument": "loan", "amount": D("1000.00")},
        {"party_name": f"Bank {step}", "party_kind": "bank", "instrument": "loan", "amount": D("500.00")},
    ]
    cofinancing.create_round(
        session, ACTOR, ADMIN_SCOPE, world.investee_a, {"name": f"Round {step}", "on": on, "participants": parties}
    )


def _capital(session: Session, walk: Any, step: int) -> None:
    from fundapp.capital import services as capital

    world = walk.world
    # Its call keeps the fund's cash above the lending grown here, so the distribution below is never refused.
    big = D("1000000.00")
    make_investor(session, world.fund_a, call=big, name=f"Grown investor {step:02d}", commitment=big)
    capital.record_call(session, ACTOR, world.investor_a, {"date": date(2024, 2, step), "amount": D("1000.00")})
    distribution = {"date": date(2024, 2, step), "amount": D("1.00"), "kind": "income"}
    capital.record_distribution(session, ACTOR, world.investor_a, distribution)
    capital.record_expense(
        session, ACTOR, world.fund_a, {"date": date(2024, 2, step), "amount": D("1.00"), "description": f"{step}"}
    )


def _outcomes(session: Session, walk: Any, step: int) -> dict[str, int]:
    """A claim on contract A of ``step`` results of quarter 2026-Q(step + 1), and a contract more of payer A."""
    from fundapp.outcomes import claims, contracts, results
    from tests.factories import THRESHOLD, make_contract
    from tests.outcome_factories import make_claim

    world = walk.world
    result = {
        "investee_id": world.investee_a.id,
        "item": "JOB-START",
        "participant": f"G-{step:04d}",
        "achieved_on": date(2026, 2, step),
        "months_on_benefit": 14,
        "evidence": "payroll",
    }
    results.verify(session, ACTOR, results.record_result(session, ACTOR, world.contract_a, result))
    other = make_contract(session, world.payer_a, [world.investee_a], reference=f"RF-GROWN-{step}")
    results.verify(session, ACTOR, results.record_result(session, ACTOR, other, result))
    make_claim(session, other, world.investee_a)
    card = {
        "payer_id": world.payer_a.id,
        "name": f"Kaart {step}",
        "description": "",
        "items": [{"code": "JOB-START", "name": "Started paid work", "price": D("900.00")}],
    }
    contracts.create_rate_card(session, ACTOR, ADMIN_SCOPE, card)
    for n in range(step):
        achieved = {**result, "participant": f"Q-{step}-{n}", "achieved_on": date(2026, 3 * step + 1, 1 + n)}
        results.verify(session, ACTOR, results.record_result(session, ACTOR, world.contract_a, achieved))
    claim = claims.compute_claim(session, ACTOR, world.contract_a, world.investee_a.id, f"2026-Q{step + 1}")
    claims.submit(session, ACTOR, claim, THRESHOLD)
    return {"claim_id": claim.id, "line_id": claim.lines[0].id}


def _impact(session: Session, walk: Any, step: int) -> int:
    """Investee A's report of 2026-Q(step + 1) with ``step`` participants, and an investee more that reports."""
    from fundapp.impact import catalog
    from tests.factories import make_plan, make_submission
    from tests.web.walk_world import indicator_data

    world = walk.world
    catalog.create_indicator(session, ACTOR, ADMIN_SCOPE, indicator_data(f"GROWN-{step}", world.fund_a.id))
    investee = make_investee(session, world.fund_a, name=f"Grown reporter {step:02d}")
    make_plan(session, investee)
    make_submission(session, investee, status="submitted")
    on = date(2026, 3 * step + 1, 5)
    people = [[f"P-{step}{n:03d}", on, "bijstand", 14, 32, "LP-PLACEMENTS-STARTED", on] for n in range(step)]
    return make_submission(session, world.investee_a, f"2026-Q{step + 1}", participants=people).id


def _bank(session: Session, walk: Any, step: int) -> int:
    """A statement of fund A with ``step`` + 1 transactions, and one of payer A."""
    from tests import bank_factories as bank

    world = walk.world
    fund_iban, _investee_iban, payer_iban = bank.WALK_IBANS_A
    entries = [bank.Entry(f"{n + 1}.00", remittance=f"Grown {step} nr {n}") for n in range(step + 1)]
    statement = bank.import_file(session, world.fund_a, bank.camt(entries, fund_iban, opening=f"{1000 + step}.00"))
    paid = [bank.Entry("8.00", direction="debit", remittance=f"Grown {step}")]
    bank.import_file(session, world.payer_a, bank.camt(paid, payer_iban, opening=f"{2000 + step}.00"))
    return statement.id


def _batch(session: Session, walk: Any, step: int) -> int:
    """A direct-debit batch of fund A collecting one installment of each of ``step`` loans of the fund."""
    from sqlalchemy import select

    from fundapp.banking.models import BatchKind, BatchStatus, PaymentBatch, PaymentLine
    from fundapp.investees.models import Investee
    from fundapp.loans.models import Loan

    fund, mandate = walk.world.fund_a, walk.bank.mandate
    loans = session.scalars(
        select(Loan).join(Investee).where(Investee.fund_id == fund.id).order_by(Loan.id).limit(step)
    ).all()
    lines = [
        PaymentLine(end_to_end_id=f"GROWN-{step}-{loan.id}", amount=D("1.00"), loan_id=loan.id, installment_number=1)
        for loan in loans
    ]
    batch = PaymentBatch(
        kind=BatchKind.DIRECT_DEBIT,
        fund_id=fund.id,
        bank_account_id=walk.batches["A"].bank_account_id,
        message_id=f"GROWN-{step}",
        execution_date=date(2026, 3, 2),
        status=BatchStatus.CREATED,
        transactions=len(lines),
        total=D("1.00") * len(lines),
        lines=lines,
    )
    for line in lines:
        line.mandate_id, line.sequence = mandate.id, "RCUR"
    session.add(batch)
    session.flush()
    return batch.id


def _people_and_papers(session: Session, walk: Any, step: int) -> None:
    from fundapp import clock
    from fundapp.auth.services import issue_token
    from fundapp.documents import services as documents
    from fundapp.documents.storage import LocalFileStore
    from fundapp.jobs.models import JobFailure
    from fundapp.notifications.events import link, notify
    from fundapp.pipeline import services as pipeline
    from tests.conftest import test_files_dir
    from tests.documents_files import PDF

    world = walk.world
    store = LocalFileStore(test_files_dir())
    documents.attach(session, ACTOR, world.loan_a, PDF, f"grown {step}.pdf", "loan_agreement", store, 10**6)
    pipeline.add_note(session, ACTOR, world.application_a, f"Grown note {step}", internal=False)
    users = [world.user(role).id for role in ("admin", "manager_a", "officer_a", "member_a")]
    params = {"loan": world.loan_a.reference, "investee": world.investee_a.name, "number": step, "amount": "1.00"}
    path = link("loans.detail", loan_id=world.loan_a.id)
    notify(session, users, "installment_missed", world.loan_a, path, {**params, "due_on": "2026-01-15"}, clock.today())
    for role in ("admin", "manager_a", "officer_a", "member_a"):
        issue_token(session, world.user(role), f"grown {step}")
    session.add(JobFailure(task="run_day", args=f'["2026-12-0{step}"]', error="OSError", traceback="", tries=6))
