"""List pages issue a bounded number of queries whatever the number of rows (no query per row)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from tests.factories import ACTOR, make_investee, make_loan
from tests.instrument_factories import make_grant, make_guarantee


@contextmanager
def counting(engine):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _queries(app, client, url: str) -> int:
    with counting(app.extensions["fundapp.db"].engine) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def _grow(db_session, world, n: int) -> None:
    for i in range(n):
        investee = make_investee(db_session, world.fund_a, name=f"Extra {i:03d}")
        loan = make_loan(db_session, investee, disbursement_date=date(2024, 3, 1))
        from fundapp.loans import services

        services.record_repayment(db_session, ACTOR, loan, date(2024, 4, 1), Decimal("100.00"), "part")
        make_grant(db_session, investee)
        make_guarantee(db_session, investee)
    db_session.flush()


@pytest.mark.parametrize(
    "url",
    [
        "/investees/?page_size=100",
        "/funds/{fund}/loans?page_size=100",
        "/loans/{loan}",
        "/funds/{fund}/reporting",
        "/",
        "/api/v1/funds/{fund}/exposure",
        "/funds/{fund}/revolving",
        "/consolidated/",
    ],
)
def test_a_page_issues_the_same_number_of_queries_for_few_and_for_many_rows(
    app, client, world, db_session, login_as, url
):
    login_as(world.user("manager_a"))
    path = url.format(fund=world.fund_a.id, loan=world.loan_a.id, investee=world.investee_a.id)
    _grow(db_session, world, 2)
    few = _queries(app, client, path)
    _grow(db_session, world, 12)
    many = _queries(app, client, path)
    assert many == few, f"{path}: {few} queries with few rows, {many} with many"


class Outcomes:
    """A contract of payers A (60 %) and B (40 %) with 14 providers; grow(n) gives n more providers a claim on it,
    and adds n contracts of payer A, each with a claimed result, and n rate cards."""

    def __init__(self, db_session, world):
        from tests.outcome_factories import make_contract

        self.db_session, self.world, self.grown = db_session, world, 0
        self.providers = [make_investee(db_session, world.fund_a, name=f"Provider {i:02d}") for i in range(14)]
        self.contract = make_contract(
            db_session, [(world.payer_a, "60", None), (world.payer_b, "40", None)], self.providers
        )

    def grow(self, n: int) -> None:
        from fundapp.outcomes import contracts
        from tests.factories import ADMIN_SCOPE
        from tests.outcome_factories import add_verified_results, item, make_claim, make_contract

        session, world = self.db_session, self.world
        for provider in self.providers[self.grown : self.grown + n]:
            add_verified_results(session, self.contract, provider, 3)
            make_claim(session, self.contract, provider)
            other = make_contract(session, [(world.payer_a, "100", None)], [provider])
            add_verified_results(session, other, provider, 1)
            make_claim(session, other, provider)
            card = {"payer_id": world.payer_a.id, "name": provider.name, "description": "", "items": [item("J", "1")]}
            contracts.create_rate_card(session, ACTOR, ADMIN_SCOPE, card)
        self.grown += n
        session.flush()


@pytest.mark.parametrize(
    "url",
    [
        "/contracts?page_size=100",
        "/contracts/{contract}?page_size=100",
        "/claims?status=&page_size=100",
        "/results?status=&page_size=100",
        "/rate-cards?page_size=100",
    ],
)
def test_a_result_financing_page_issues_the_same_number_of_queries_for_few_and_for_many_rows(
    app, client, world, db_session, login_as, url
):
    outcomes = Outcomes(db_session, world)
    login_as(world.user("officer_a"))
    path = url.format(contract=outcomes.contract.id)
    outcomes.grow(2)
    few = _queries(app, client, path)
    outcomes.grow(12)
    many = _queries(app, client, path)
    assert many == few, f"{path}: {few} queries with few rows, {many} with many"


def test_the_claim_page_issues_the_same_number_of_queries_for_three_lines_and_for_three_hundred(
    app, client, world, db_session, login_as
):
    from tests.outcome_factories import add_verified_results, make_claim

    outcomes = Outcomes(db_session, world)
    small, large = outcomes.providers[:2]
    add_verified_results(db_session, outcomes.contract, small, 3)
    add_verified_results(db_session, outcomes.contract, large, 300)
    few_lines = make_claim(db_session, outcomes.contract, small)
    many_lines = make_claim(db_session, outcomes.contract, large)
    login_as(world.user("officer_a"))
    few = _queries(app, client, f"/claims/{few_lines.id}")
    many = _queries(app, client, f"/claims/{many_lines.id}?page=3")
    assert many == few


def _grow_bank(db_session, world, n: int) -> None:
    """n statements more, each with a proposal, a transaction booked on a new loan and one nothing matches."""
    from fundapp.banking import booking
    from fundapp.banking.models import BankTransaction, TransactionStatus
    from tests.bank_factories import Entry, camt, import_file

    for i in range(n):
        loan = make_loan(db_session, make_investee(db_session, world.fund_a), reference=f"BANK-{world.grown:04d}")
        world.grown += 1
        entries = [Entry("443.21", remittance=loan.reference), Entry("12.00", remittance=f"?{i}")]
        entries.append(Entry("443.21", remittance=f"{loan.reference} bis", booked=date(2026, 3, 3)))
        statement = import_file(db_session, world.fund_a, camt(entries))
        last = db_session.scalars(
            select(BankTransaction).where(
                BankTransaction.statement_id == statement.id, BankTransaction.status == TransactionStatus.PROPOSED
            )
        ).all()[-1]
        booking.book(db_session, ACTOR, last)
    db_session.flush()


@pytest.mark.parametrize(
    "url",
    [
        "/funds/{fund}/bank-statements?page_size=100",
        "/funds/{fund}/bank-transactions?status=all&page_size=100",
        "/funds/{fund}",
        "/loans/{loan}",
    ],
)
def test_a_bank_page_issues_the_same_number_of_queries_for_few_and_for_many_rows(
    app, client, world, db_session, login_as, url
):
    from tests.bank_factories import fund_account

    fund_account(db_session, world.fund_a)
    world.grown = 0
    login_as(world.user("manager_a"))
    path = url.format(fund=world.fund_a.id, loan=world.loan_a.id, investee=world.investee_a.id)
    _grow_bank(db_session, world, 2)
    few = _queries(app, client, path)
    _grow_bank(db_session, world, 12)
    many = _queries(app, client, path)
    assert many == few, f"{path}: {few} queries with few rows, {many} with many"


def test_a_statement_page_issues_the_same_number_of_queries_for_three_transactions_and_for_sixty(
    app, client, world, db_session, login_as
):
    from fundapp.banking import booking
    from fundapp.banking.models import BankTransaction
    from tests.bank_factories import Entry, camt, fund_account, import_file

    fund_account(db_session, world.fund_a)
    login_as(world.user("manager_a"))
    counts = []
    for size, day in ((3, 2), (60, 3)):
        entries = [Entry(f"{n}.00", remittance=f"L2024-0001 nr {n}", booked=date(2024, 3, day)) for n in range(1, size)]
        statement = import_file(db_session, world.fund_a, camt([*entries, Entry("1.00", remittance="?")]))
        booking.book(
            db_session,
            ACTOR,
            db_session.scalar(
                select(BankTransaction)
                .where(BankTransaction.statement_id == statement.id)
                .order_by(BankTransaction.id)  # the first, a repayment; without an order PostgreSQL may pick any
                .limit(1)
            ),
        )
        db_session.flush()
        counts.append(_queries(app, client, f"/bank-statements/{statement.id}?page_size=100"))
    assert counts[0] == counts[1]


def _grow_payer_bank(db_session, world, account, start: int, n: int) -> None:
    """n statements more of payer A's account, each with debits nothing matches, one of them set aside."""
    from fundapp.banking import booking
    from fundapp.banking.models import BankTransaction
    from tests.bank_factories import Entry, camt, import_file

    for i in range(start, start + n):
        entries = [Entry(f"{i}.{cents:02d}", direction="debit", remittance=f"Kosten {i}") for cents in range(3)]
        statement = import_file(db_session, world.payer_a, camt(entries, account=account.iban, opening="5000.00"))
        first = db_session.scalar(
            select(BankTransaction).where(BankTransaction.statement_id == statement.id).order_by(BankTransaction.id)
        )
        booking.set_aside(db_session, ACTOR, first, "Bankkosten")
    db_session.flush()


@pytest.mark.parametrize(
    "url",
    [
        "/payers/{payer}/bank-statements?page_size=100",
        "/payers/{payer}/bank-transactions?status=all&page_size=100",
        "/payers/{payer}",
    ],
)
def test_a_payers_bank_page_issues_the_same_number_of_queries_for_few_and_for_many_rows(
    app, client, world, db_session, login_as, url
):
    from tests.batch_factories import payer_account

    account = payer_account(db_session, world.payer_a)
    login_as(world.user("officer_a"))
    path = url.format(payer=world.payer_a.id)
    _grow_payer_bank(db_session, world, account, 1, 2)
    few = _queries(app, client, path)
    _grow_payer_bank(db_session, world, account, 3, 12)
    many = _queries(app, client, path)
    assert many == few, f"{path}: {few} queries with few rows, {many} with many"


def test_the_fund_page_issues_the_same_number_of_queries_for_one_investor_and_for_twelve(
    app, client, world, db_session, login_as
):
    from tests.factories import make_investor

    login_as(world.user("manager_a"))
    path = f"/funds/{world.fund_a.id}"
    make_investor(db_session, world.fund_a)
    db_session.flush()
    few = _queries(app, client, path)
    for _ in range(11):
        make_investor(db_session, world.fund_a)
    db_session.flush()
    many = _queries(app, client, path)
    assert many == few, f"{path}: {few} queries with one investor, {many} with twelve"


def test_the_reporting_page_lets_the_database_find_the_funds_investees_instead_of_sending_their_ids(
    app, client, world, db_session, login_as
):
    from tests.factories import make_plan

    for i in range(40):
        make_plan(db_session, make_investee(db_session, world.fund_a, name=f"Rapporteur {i:02d}"))
    db_session.flush()
    login_as(world.user("manager_a"))
    bound: list[int] = []

    def count(_conn, _cursor, _statement, parameters, *_args):
        bound.append(len(parameters or ()))

    engine = app.extensions["fundapp.db"].engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(f"/funds/{world.fund_a.id}/reporting?page_size=100")
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert response.status_code == 200
    assert "Rapporteur 00" in response.get_data(as_text=True)
    assert max(bound) < 20  # one id per investee would be over 40
