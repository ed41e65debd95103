"""The loan book as of a date, aggregated in SQL: a fixed number of queries whatever the number of loans.

PAR_X = outstanding principal of loans more than X days past due ÷ outstanding
principal of all active loans (by amount), half-up to 6 decimals; sums are read
half-up to the cent. The fund's XIRR takes the dated cash flows (disbursements
out; interest, principal, recoveries in) and values what is still outstanding
at par on the as-of date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from fundapp.loans.arrears import xirr
from fundapp.loans.models import AllocationKind, EventKind, Loan, LoanAllocation, LoanEvent, LoanInstallment
from fundapp.money import ZERO, round_cent, round_places

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
RATIO_PLACES = 6


@dataclass(frozen=True)
class Portfolio:
    fund_id: int
    as_of: date
    loans: int
    active_loans: int
    disbursed: Decimal
    outstanding_principal: Decimal
    principal_received: Decimal
    interest_received: Decimal
    recoveries: Decimal
    written_off: Decimal
    par30: Decimal
    par90: Decimal
    buckets: dict[str, dict[str, Any]] = field(default_factory=dict)
    xirr: Decimal | None = None


@dataclass(frozen=True)
class LoanArrears:
    loan_id: int
    outstanding: Decimal
    oldest_unpaid_due: date | None
    days_past_due: int
    bucket: str


def _sum(column: Any) -> Any:
    return func.coalesce(func.sum(column), literal(0, type_=column.type))


def _started(fund_id: int, as_of: date) -> Any:
    return and_(Loan.fund_id == fund_id, Loan.disbursed > 0, Loan.disbursement_date <= as_of)


def _per_loan(fund_id: int, as_of: date) -> Any:
    """One row per loan of the fund disbursed by the date: outstanding principal then, and oldest unpaid due date.

    The stored outstanding principal is today's; what happened after the date is
    added back (principal repaid after it, a later write-off) or taken off (later
    tranches). For a recent date that reads few rows.
    """
    repaid_later = (
        select(LoanAllocation.loan_id, _sum(LoanAllocation.principal).label("amount"))
        .where(LoanAllocation.fund_id == fund_id, LoanAllocation.paid_on > as_of)
        .group_by(LoanAllocation.loan_id)
        .subquery()
    )
    # Disbursements and adjustments (signed) are never reversed (only repayments and recoveries are).
    disbursed_later = (
        select(LoanEvent.loan_id, _sum(LoanEvent.amount).label("amount"))
        .where(
            LoanEvent.fund_id == fund_id,
            LoanEvent.kind.in_([EventKind.DISBURSEMENT, EventKind.ADJUSTMENT]),
            LoanEvent.on > as_of,
        )
        .group_by(LoanEvent.loan_id)
        .subquery()
    )
    oldest = (
        select(LoanInstallment.loan_id, func.min(LoanInstallment.due_date).label("due"))
        .where(
            LoanInstallment.fund_id == fund_id,
            LoanInstallment.due_date < as_of,
            or_(LoanInstallment.settled_on.is_(None), LoanInstallment.settled_on > as_of),
        )
        .group_by(LoanInstallment.loan_id)
        .subquery()
    )
    gone = and_(Loan.written_off_on.is_not(None), Loan.written_off_on <= as_of)
    written_off_later = case(
        (and_(Loan.written_off_on.is_not(None), Loan.written_off_on > as_of), Loan.written_off), else_=0
    )
    outstanding = (
        Loan.outstanding_principal
        + func.coalesce(repaid_later.c.amount, 0)
        - func.coalesce(disbursed_later.c.amount, 0)
        + written_off_later
    )
    return (
        select(
            Loan.id.label("loan_id"),
            outstanding.label("outstanding"),
            oldest.c.due.label("oldest_due"),
            case((gone, 1), else_=0).label("gone"),
        )
        .outerjoin(repaid_later, repaid_later.c.loan_id == Loan.id)
        .outerjoin(disbursed_later, disbursed_later.c.loan_id == Loan.id)
        .outerjoin(oldest, oldest.c.loan_id == Loan.id)
        .where(_started(fund_id, as_of))
        .subquery()
    )


def outstanding_on(session: Session, fund_id: int, as_of: date) -> dict[int, Decimal]:
    """Each started loan's outstanding principal on the date (one query)."""
    per_loan = _per_loan(fund_id, as_of)
    rows = session.execute(select(per_loan.c.loan_id, per_loan.c.outstanding, per_loan.c.gone)).all()
    return {loan_id: (ZERO if gone else round_cent(amount)) for loan_id, amount, gone in rows}


def arrears_rows(session: Session, fund_id: int, as_of: date) -> list[tuple[Decimal, date | None]]:
    """Outstanding principal and oldest unpaid due date on the date of each active loan (one query)."""
    per_loan = _per_loan(fund_id, as_of)
    active = and_(per_loan.c.gone == 0, per_loan.c.outstanding > 0)
    rows = session.execute(select(per_loan.c.outstanding, per_loan.c.oldest_due).where(active)).all()
    return [(round_cent(Decimal(amount)), due) for amount, due in rows]


def _bucket_expression(oldest_due: Any, as_of: date) -> Any:
    # Compare dates, not day counts: portable across SQLite and PostgreSQL.
    return case(
        (oldest_due.is_(None), "current"),
        (oldest_due >= as_of - timedelta(days=30), "1-30"),
        (oldest_due >= as_of - timedelta(days=60), "31-60"),
        (oldest_due >= as_of - timedelta(days=90), "61-90"),
        else_="90+",
    )


def portfolio(session: Session, fund_id: int, as_of: date) -> Portfolio:
    """Four queries, whatever the number of loans."""
    buckets = _buckets(session, fund_id, as_of)
    outstanding = sum((b["outstanding"] for b in buckets.values()), ZERO)
    over30 = sum((buckets[b]["outstanding"] for b in ("31-60", "61-90", "90+")), ZERO)
    received = _received_per_day(session, fund_id, as_of)
    disbursed = _disbursed_per_day(session, fund_id, as_of)
    loans, written_off = session.execute(
        select(func.count(), _sum(case((Loan.written_off_on <= as_of, Loan.written_off), else_=0)))
        .select_from(Loan)
        .where(_started(fund_id, as_of))
    ).one()
    flows = [(day, -amount) for day, amount in disbursed] + [(day, row["cash"]) for day, row in received]
    if outstanding > 0:
        flows.append((as_of, outstanding))
    return Portfolio(
        fund_id=fund_id,
        as_of=as_of,
        loans=loans or 0,
        active_loans=sum(b["loans"] for b in buckets.values()),
        disbursed=sum((amount for _, amount in disbursed), ZERO),
        outstanding_principal=outstanding,
        principal_received=sum((row["principal"] for _, row in received), ZERO),
        interest_received=sum((row["interest"] for _, row in received), ZERO),
        recoveries=sum((row["recoveries"] for _, row in received), ZERO),
        written_off=round_cent(written_off),
        par30=_ratio(over30, outstanding),
        par90=_ratio(buckets["90+"]["outstanding"], outstanding),
        buckets=buckets,
        xirr=xirr(flows),
    )


def _buckets(session: Session, fund_id: int, as_of: date) -> dict[str, dict[str, Any]]:
    per_loan = _per_loan(fund_id, as_of)
    active = and_(per_loan.c.gone == 0, per_loan.c.outstanding > 0)
    bucket = _bucket_expression(per_loan.c.oldest_due, as_of)
    rows = session.execute(
        select(bucket.label("bucket"), func.count(), func.sum(per_loan.c.outstanding)).where(active).group_by(bucket)
    ).all()
    buckets = {name: {"loans": 0, "outstanding": ZERO} for name in BUCKETS}
    for name, count, amount in rows:
        buckets[name] = {"loans": count, "outstanding": round_cent(amount)}
    return buckets


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    """part ÷ whole, half-up to 6 decimals (0 when there is no whole)."""
    return round_places(part / whole if whole else ZERO, RATIO_PLACES)


def _received_per_day(session: Session, fund_id: int, as_of: date) -> list[tuple[date, dict[str, Decimal]]]:
    """Principal, interest, recoveries and cash received per day up to the date (one indexed scan)."""
    a = LoanAllocation
    rows = session.execute(
        select(
            a.paid_on,
            _sum(a.principal),
            _sum(a.interest),
            _sum(case((a.kind == AllocationKind.RECOVERY, a.amount), else_=0)),
            # Overpayments are owed back to the investee: not the fund's income.
            _sum(case((a.kind != AllocationKind.OVERPAYMENT, a.amount), else_=0)),
        )
        .where(a.fund_id == fund_id, a.paid_on <= as_of)
        .group_by(a.paid_on)
    ).all()
    return [
        (
            day,
            {"principal": round_cent(p), "interest": round_cent(i), "recoveries": round_cent(r), "cash": round_cent(c)},
        )
        for day, p, i, r, c in rows
    ]


def _disbursed_per_day(session: Session, fund_id: int, as_of: date) -> list[tuple[date, Decimal]]:
    rows = session.execute(
        select(LoanEvent.on, _sum(LoanEvent.amount))
        .where(LoanEvent.fund_id == fund_id, LoanEvent.kind == EventKind.DISBURSEMENT, LoanEvent.on <= as_of)
        .group_by(LoanEvent.on)
    ).all()
    return [(day, round_cent(amount)) for day, amount in rows]


def loan_arrears(session: Session, loan_ids: list[int], as_of: date) -> dict[int, LoanArrears]:
    """Days past due and bucket per loan on a date (for the loan book), in two queries."""
    if not loan_ids:
        return {}
    oldest = dict(
        session.execute(
            select(LoanInstallment.loan_id, func.min(LoanInstallment.due_date))
            .where(
                LoanInstallment.loan_id.in_(loan_ids),
                LoanInstallment.due_date < as_of,
                or_(LoanInstallment.settled_on.is_(None), LoanInstallment.settled_on > as_of),
            )
            .group_by(LoanInstallment.loan_id)
        ).all()
    )
    result = {}
    for loan_id in loan_ids:
        due = oldest.get(loan_id)
        days = (as_of - due).days if due else 0
        result[loan_id] = LoanArrears(loan_id, ZERO, due, days, bucket_name(days))
    return result


def bucket_name(days: int) -> str:
    from fundapp.loans.arrears import arrears_bucket

    return arrears_bucket(days) or "current"


def next_due(session: Session, loan_ids: list[int], as_of: date) -> dict[int, tuple[date, Decimal]]:
    """The next installment not settled on the date, due on or after it, and what was still to pay then (one query)."""
    if not loan_ids:
        return {}
    first = (
        select(LoanInstallment.loan_id, func.min(LoanInstallment.due_date).label("due"))
        .where(
            LoanInstallment.loan_id.in_(loan_ids),
            LoanInstallment.due_date >= as_of,
            or_(LoanInstallment.settled_on.is_(None), LoanInstallment.settled_on > as_of),
        )
        .group_by(LoanInstallment.loan_id)
        .subquery()
    )
    paid = (
        select(LoanAllocation.loan_id, LoanAllocation.installment_number, _sum(LoanAllocation.amount).label("amount"))
        .where(
            LoanAllocation.loan_id.in_(loan_ids),
            LoanAllocation.paid_on <= as_of,
            LoanAllocation.installment_number.is_not(None),
        )
        .group_by(LoanAllocation.loan_id, LoanAllocation.installment_number)
        .subquery()
    )
    rows = session.execute(
        select(
            LoanInstallment.loan_id,
            LoanInstallment.due_date,
            LoanInstallment.principal_due + LoanInstallment.interest_due - func.coalesce(paid.c.amount, 0),
        )
        .join(first, and_(first.c.loan_id == LoanInstallment.loan_id, first.c.due == LoanInstallment.due_date))
        .outerjoin(
            paid, and_(paid.c.loan_id == LoanInstallment.loan_id, paid.c.installment_number == LoanInstallment.number)
        )
    ).all()
    return {loan_id: (due, round_cent(amount)) for loan_id, due, amount in rows}
