"""The fund of bench_nav.py: 1,000 investees with five instruments each, and 10 investors.

Each investee has a loan and a convertible loan (bench_loans.py's repayment profiles: on time, late, partial,
prepaid, written off, so every arrears bucket is filled), an equity participation with yearly valuations (some
with a dividend, some partly sold), a grant or voucher (one in ten not met and clawed back, part of it paid back)
and a guarantee of a bank loan with quarterly fees (one in ten behind on its fees). A hundred convertible loans
convert into shares and twenty guarantees are called, through the services. The bulk rows are the rows the
services write, their derived figures worked out by the same pure rules (``Holding``, ``fees``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from benchmarks.bench_loans import AS_OF
from fundapp.audit import Actor
from fundapp.capital.models import CapitalCall, Distribution, FundExpense, Investor
from fundapp.instruments import conversion, fees, guarantees
from fundapp.instruments.equity import Holding
from fundapp.instruments.grant_models import Grant, GrantEvent, GrantEventKind, GrantKind, GrantStatus
from fundapp.instruments.guarantee_models import Guarantee, GuaranteeEvent, GuaranteeEventKind
from fundapp.instruments.models import (
    ConversionTerms,
    ConversionTrigger,
    EquityEvent,
    EquityEventKind,
    EquityParticipation,
    ValuationMethod,
)
from fundapp.investees.models import Investee, LegalForm
from fundapp.loans.models import Loan, LoanEvent, LoanStatus
from fundapp.loans.schedule import Amortization, DayCount, Frequency

INVESTEES, LOANS_EACH, INVESTORS = 1000, 2, 10
ACTOR = Actor.system("bench")
CALL_TERMS = {
    "annual_rate": Decimal("5"),
    "first_due_date": None,
    "number_of_installments": 24,
    "frequency": Frequency.MONTHLY,
    "amortization": Amortization.ANNUITY,
    "grace_periods": 0,
    "day_count": DayCount.THIRTY_360,
    "subordinated": False,
}


def populate(session: Session, fund_id: int) -> None:
    investees = _investees(session, fund_id)
    loans = session.scalars(select(Loan.id).where(Loan.fund_id == fund_id).order_by(Loan.id)).all()
    session.execute(
        update(Loan), [{"id": loan, "investee_id": investees[n // LOANS_EACH]} for n, loan in enumerate(loans)]
    )
    convertible = loans[1::LOANS_EACH]
    session.execute(
        insert(ConversionTerms),
        [
            {"loan_id": loan, "price_per_share": Decimal("8.00"), "trigger": ConversionTrigger.QUALIFIED_ROUND}
            for loan in convertible
        ],
    )
    _convert(session, convertible)
    _equity(session, fund_id, investees)
    _grants(session, fund_id, investees)
    _guarantees(session, fund_id, investees)
    _investors(session, fund_id)


def _investees(session: Session, fund_id: int) -> list[int]:
    rows = [
        {
            "fund_id": fund_id,
            "name": f"Bench {n:04d} BV",
            "kvk_number": f"{70000000 + n:08d}",
            "legal_form": LegalForm.BV,
            "municipality": "Rotterdam",
        }
        for n in range(INVESTEES)
    ]
    return list(session.scalars(insert(Investee).returning(Investee.id, sort_by_parameter_order=True), rows).all())


def _convert(session: Session, convertible: list[int]) -> None:
    """A hundred running convertible loans convert in full on the day of their last booking."""
    last = func.max(LoanEvent.on)
    running = session.execute(
        select(Loan, last)
        .join(LoanEvent, LoanEvent.loan_id == Loan.id)
        .where(Loan.id.in_(convertible), Loan.status == LoanStatus.ACTIVE)
        .group_by(Loan.id)
        .having(last <= AS_OF)
        .order_by(Loan.id)
        .limit(100)
    ).all()
    for loan, on in running:
        conversion.convert(session, ACTOR, loan, {"date": on})


def _equity(session: Session, fund_id: int, investees: list[int]) -> None:
    """Shares bought in 2021, valued at each year end; one in four pays a dividend, one in twenty sells half."""
    bought = [
        {
            "fund_id": fund_id,
            "investee_id": investee,
            "on": date(2021, 1 + n % 12, 15),
            "shares": 1000 + n,
            "price_per_share": Decimal("10.00"),
            "cost": Decimal(10 * (1000 + n)),
        }
        for n, investee in enumerate(investees)
    ]
    ids = session.scalars(
        insert(EquityParticipation).returning(EquityParticipation.id, sort_by_parameter_order=True), bought
    )
    events: list[dict[str, Any]] = []
    for n, (participation, row) in enumerate(zip(ids.all(), bought, strict=True)):
        held = Holding(row["shares"], row["cost"])
        base = {"fund_id": fund_id, "participation_id": participation}
        for year in (2021, 2022, 2023):
            value = Decimal("10.00") + Decimal((n * 7 + year) % 9 - 4) / 2
            change = held.value(value)
            events.append(
                base
                | {"kind": EquityEventKind.VALUATION, "on": date(year, 12, 31), "value_per_share": value}
                | {"method": ValuationMethod.MULTIPLES, "decided_by": "Beleggingscommissie", "carrying_change": change}
            )
        if n % 4 == 0:
            events.append(
                base | {"kind": EquityEventKind.DIVIDEND, "on": date(2024, 6, 30), "amount": Decimal("750.00")}
            )
        if n % 20 == 0:
            proceeds = Decimal(12 * (held.shares // 2))
            sold = held.sell(held.shares // 2, proceeds)
            events.append(
                base
                | {
                    "kind": EquityEventKind.EXIT,
                    "on": date(2024, 9, 30),
                    "amount": proceeds,
                    "shares_sold": row["shares"] // 2,
                }
                | {"cost_sold": sold.cost_sold, "carrying_sold": sold.carrying_sold}
            )
    session.execute(insert(EquityEvent), events)


def _grants(session: Session, fund_id: int, investees: list[int]) -> None:
    """A grant or voucher each, paid 2020–2023; one in ten not met: half clawed back, a quarter paid back."""
    rows = []
    for n, investee in enumerate(investees):
        paid_on = date(2020 + n % 4, 1 + n % 12, 1)
        rows.append(
            {
                "fund_id": fund_id,
                "investee_id": investee,
                "reference": f"G{n:05d}",
                "kind": GrantKind.VOUCHER if n % 2 else GrantKind.GRANT,
                "amount": Decimal(5000 + 100 * (n % 50)),
                "paid_on": paid_on,
                "period_from": paid_on,
                "period_to": paid_on.replace(year=paid_on.year + 1),
                "status": GrantStatus.NOT_MET if n % 10 == 0 else GrantStatus.MET,
                "decided_on": paid_on.replace(year=paid_on.year + 1),
            }
        )
    for row in rows[::10]:
        row["clawed_back"], row["received"] = row["amount"] / 2, row["amount"] / 4
    ids = session.scalars(insert(Grant).returning(Grant.id, sort_by_parameter_order=True), rows).all()
    events = []
    for grant, row in list(zip(ids, rows, strict=True))[::10]:
        base = {"fund_id": fund_id, "grant_id": grant}
        events.append(base | {"kind": GrantEventKind.CLAWBACK, "on": row["decided_on"], "amount": row["clawed_back"]})
        events.append(base | {"kind": GrantEventKind.RECEIPT, "on": date(2024, 11, 1), "amount": row["received"]})
    session.execute(insert(GrantEvent), events)


def _guarantees(session: Session, fund_id: int, investees: list[int]) -> None:
    """A guarantee each, from 2020–2022 for five years at 1.5 % a year, fees paid quarterly (one in ten stopped
    paying in 2024); twenty are called in 2024 and become loans."""
    rows, payments = [], []
    for n, investee in enumerate(investees):
        starts = date(2020 + n % 3, 1 + n % 12, 1)
        row = {
            "fund_id": fund_id,
            "investee_id": investee,
            "reference": f"GAR{n:05d}",
            "bank_name": "Rabobank",
            "bank_loan_amount": Decimal("100000.00"),
            "guaranteed_amount": Decimal("50000.00"),
            "fee_rate": Decimal("1.5"),
            "fee_frequency": Frequency.QUARTERLY,
            "starts_on": starts,
            "expires_on": starts.replace(year=starts.year + 5),
        }
        until = date(2023, 12, 31) if n % 10 == 0 else AS_OF
        due = [
            fee
            for fee in fees.fee_schedule(
                Decimal("50000.00"), Decimal("1.5"), Frequency.QUARTERLY, starts, row["expires_on"]
            )
            if fee.due_date <= until
        ]
        row["fees_paid"] = sum((fee.amount for fee in due), Decimal(0))
        rows.append(row)
        payments.append(due)
    ids = session.scalars(insert(Guarantee).returning(Guarantee.id, sort_by_parameter_order=True), rows).all()
    session.execute(
        insert(GuaranteeEvent),
        [
            {
                "fund_id": fund_id,
                "guarantee_id": guarantee,
                "kind": GuaranteeEventKind.FEE_PAYMENT,
                "on": fee.due_date,
                "amount": fee.amount,
            }
            for guarantee, due in zip(ids, payments, strict=True)
            for fee in due
        ],
    )
    for guarantee in session.scalars(select(Guarantee).where(Guarantee.id.in_(ids[5::50]))):
        guarantees.call(session, ACTOR, guarantee, date(2024, 3, 15), Decimal("20000.00"), CALL_TERMS, "bank claim")


_FIRST, _LATER = Decimal("8000000.00"), Decimal("2000000.00")


def _investors(session: Session, fund_id: int) -> None:
    """10 investors of 20,000,000 each, called yearly 2020–2023 (most at the start, when the loans are paid out); income distributed each year end; fund costs."""
    people = [
        {
            "fund_id": fund_id,
            "name": f"Investor {n}",
            "kind": "foundation",
            "commitment": Decimal("20000000.00"),
            "notes": "",
        }
        for n in range(INVESTORS)
    ]
    investor_ids = session.scalars(insert(Investor).returning(Investor.id, sort_by_parameter_order=True), people).all()
    calls, paid_out = [], []
    for n, investor in enumerate(investor_ids):
        for year in range(2020, 2024):
            base = {"fund_id": fund_id, "investor_id": investor}
            calls.append(base | {"on": date(year, 1, 2), "amount": (_FIRST if year == 2020 else _LATER) + n})
            paid_out.append(base | {"on": date(year, 12, 20), "amount": Decimal("150000.00"), "kind": "income"})
    session.execute(insert(CapitalCall), calls)
    session.execute(insert(Distribution), paid_out)
    session.execute(
        insert(FundExpense),
        [
            {
                "fund_id": fund_id,
                "on": date(2020 + n // 12, n % 12 + 1, 28),
                "amount": Decimal("7500.00"),
                "description": "Beheer",
            }
            for n in range(59)
        ],
    )
