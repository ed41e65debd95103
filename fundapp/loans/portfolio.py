"""The loan book as of a date, aggregated in SQL: a fixed number of queries whatever the number of loans.

PAR_X = outstanding principal of loans more than X days past due ÷ outstanding
principal of all active loans (by amount), half-up to 6 decimals; sums are read
half-up to the cent. The fund's XIRR takes the dated cash flows (disbursements
out; interest, principal, recoveries in) and values what is still outstanding
at par on the as-of date. A conversion into shares is the loan's return in kind:
the principal and interest converted count as received on the conversion date
(the shares are then equity, valued in the equity section).

A syndicated loan counts in each participating fund's figures for that fund's share only
(``fundapp.cofinancing.shares``): the plain aggregates read the loans wholly a fund's, a second part of the
same query adds the fund's shares of syndicated loans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from fundapp import datacache
from fundapp.cofinancing import shares
from fundapp.instruments.models import EquityParticipation
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


def _started(fund_id: int, as_of: date, whole_only: bool = True) -> Any:
    """The fund's own loans disbursed by the date: those wholly its own, or (``whole_only=False``) all it leads."""
    own = and_(Loan.fund_id == fund_id, Loan.disbursed > 0, Loan.disbursement_date <= as_of)
    return and_(own, shares.whole(Loan.id)) if whole_only else own


def _shared_started(fund_id: int, as_of: date) -> Any:
    """The syndicated loans the fund has a share of, disbursed by the date."""
    return and_(Loan.id.in_(shares.stakes(fund_id)), Loan.disbursed > 0, Loan.disbursement_date <= as_of)


def _oldest_unpaid(loans: Any, as_of: date) -> Any:
    return (
        select(LoanInstallment.loan_id, func.min(LoanInstallment.due_date).label("due"))
        .where(
            loans,
            LoanInstallment.due_date < as_of,
            or_(LoanInstallment.settled_on.is_(None), LoanInstallment.settled_on > as_of),
        )
        .group_by(LoanInstallment.loan_id)
        .subquery()
    )


def _gone(as_of: date) -> Any:
    return case((and_(Loan.written_off_on.is_not(None), Loan.written_off_on <= as_of), 1), else_=0)


def _per_loan(fund_id: int, as_of: date, split: bool = True) -> Any:
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
    oldest = _oldest_unpaid(LoanInstallment.fund_id == fund_id, as_of)
    # A loan converted into shares in full has ended on the conversion date (fundapp/instruments/conversion.py):
    # nothing is outstanding from then, what it converted before.
    converted = (
        select(EquityParticipation.loan_id, EquityParticipation.on, EquityParticipation.converted_principal)
        .where(EquityParticipation.fund_id == fund_id, EquityParticipation.ends_loan.is_(True))
        .subquery()
    )
    gone = or_(
        and_(Loan.written_off_on.is_not(None), Loan.written_off_on <= as_of),
        and_(converted.c.on.is_not(None), converted.c.on <= as_of),
    )
    converted_later = case((converted.c.on > as_of, converted.c.converted_principal), else_=0)
    written_off_later = case(
        (and_(Loan.written_off_on.is_not(None), Loan.written_off_on > as_of), Loan.written_off), else_=0
    )
    outstanding = (
        Loan.outstanding_principal
        + func.coalesce(repaid_later.c.amount, 0)
        - func.coalesce(disbursed_later.c.amount, 0)
        + written_off_later
        + converted_later
    )
    own = (
        select(
            Loan.id.label("loan_id"),
            outstanding.label("outstanding"),
            oldest.c.due.label("oldest_due"),
            case((gone, 1), else_=0).label("gone"),
        )
        .outerjoin(repaid_later, repaid_later.c.loan_id == Loan.id)
        .outerjoin(disbursed_later, disbursed_later.c.loan_id == Loan.id)
        .outerjoin(oldest, oldest.c.loan_id == Loan.id)
        .outerjoin(converted, converted.c.loan_id == Loan.id)
        .where(_started(fund_id, as_of, whole_only=split))
    )
    return union_all(own, _shared_per_loan(fund_id, as_of)).subquery() if split else own.subquery()


def _shared_per_loan(fund_id: int, as_of: date) -> Any:
    """The fund's share of each syndicated loan's outstanding principal on the date: its share of what was
    disbursed (and adjusted) by then less its share of the principal repaid by then."""
    stake = LoanEvent.loan_id.in_(shares.stakes(fund_id))
    put_in = (
        select(LoanEvent.loan_id, _sum(LoanEvent.amount).label("amount"))
        .where(stake, LoanEvent.kind.in_([EventKind.DISBURSEMENT, EventKind.ADJUSTMENT]), LoanEvent.on <= as_of)
        .group_by(LoanEvent.loan_id)
        .subquery()
    )
    repaid = (
        select(LoanAllocation.loan_id, _sum(LoanAllocation.principal).label("amount"))
        .where(LoanAllocation.loan_id.in_(shares.stakes(fund_id)), LoanAllocation.paid_on <= as_of)
        .group_by(LoanAllocation.loan_id)
        .subquery()
    )
    oldest = _oldest_unpaid(LoanInstallment.loan_id.in_(shares.stakes(fund_id)), as_of)
    figures = (
        select(
            Loan.id.label("loan_id"),
            func.coalesce(put_in.c.amount, 0).label("put_in"),
            func.coalesce(repaid.c.amount, 0).label("repaid"),
            oldest.c.due.label("oldest_due"),
            _gone(as_of).label("gone"),
        )
        .outerjoin(put_in, put_in.c.loan_id == Loan.id)
        .outerjoin(repaid, repaid.c.loan_id == Loan.id)
        .outerjoin(oldest, oldest.c.loan_id == Loan.id)
        .where(_shared_started(fund_id, as_of))
        .subquery()
    )
    f = figures.c
    outstanding = func.sum(
        shares.part(fund_id, f.put_in, f.put_in) - shares.part(fund_id, f.repaid, f.repaid), type_=Loan.disbursed.type
    )
    return shares.with_participations(
        select(f.loan_id, outstanding.label("outstanding"), f.oldest_due, f.gone), f.loan_id
    ).group_by(f.loan_id, f.oldest_due, f.gone)


def outstanding_on(session: Session, fund_id: int, as_of: date, split: bool = True) -> dict[int, Decimal]:
    """Each started loan's outstanding principal on the date (one query): the fund's share of a syndicated one;
    with ``split=False`` the whole of each loan the fund leads (what its servicing and its export speak of)."""
    per_loan = _per_loan(fund_id, as_of, split)
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
    """Five queries, whatever the number of loans; once per version of the data (fundapp/datacache.py)."""
    return datacache.cached(session, "portfolio", (fund_id, as_of), lambda: _portfolio(session, fund_id, as_of))


def _portfolio(session: Session, fund_id: int, as_of: date) -> Portfolio:
    buckets = _buckets(session, fund_id, as_of)
    outstanding = sum((b["outstanding"] for b in buckets.values()), ZERO)
    over30 = sum((buckets[b]["outstanding"] for b in ("31-60", "61-90", "90+")), ZERO)
    received = _received_per_day(session, fund_id, as_of)
    disbursed = _disbursed_per_day(session, fund_id, as_of)
    loans, written_off = _loans_and_written_off(session, fund_id, as_of)
    flows = [(day, -amount) for day, amount in disbursed] + [(day, row["cash"]) for day, row in received]
    flows += _converted_per_day(session, fund_id, as_of)
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


def _written_off_rows(fund_id: int, as_of: date) -> Any:
    """Per loan the fund has (a share of): the principal it wrote off by the date (its share of it)."""
    gone = case((Loan.written_off_on <= as_of, Loan.written_off), else_=literal(0, type_=Loan.written_off.type))
    own = select(Loan.id.label("loan_id"), gone.label("amount")).where(_started(fund_id, as_of))
    shared = (
        select(Loan.id.label("loan_id"), func.sum(shares.part(fund_id, gone, gone), type_=Loan.written_off.type))
        .select_from(shares.LoanParticipation)
        .join(Loan, Loan.id == shares.LoanParticipation.loan_id)
        .where(_shared_started(fund_id, as_of))
        .group_by(Loan.id)
    )
    return union_all(own, shared).subquery()


def _loans_and_written_off(session: Session, fund_id: int, as_of: date) -> tuple[int, Decimal]:
    """How many loans the fund has (a share of), and the principal it wrote off (its share of it)."""
    rows = _written_off_rows(fund_id, as_of)
    loans, amount = session.execute(select(func.count(), _sum(rows.c.amount))).one()
    return loans or 0, round_cent(amount)


def written_off_on(session: Session, fund_id: int, as_of: date) -> dict[int, Decimal]:
    """Each loan's principal the fund wrote off by the date, its share of it (one query; only loans written off)."""
    rows = _written_off_rows(fund_id, as_of)
    return {loan_id: round_cent(amount) for loan_id, amount in session.execute(select(rows).where(rows.c.amount > 0))}


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
    """Principal, interest, recoveries and cash received per day up to the date (one indexed scan, and the
    fund's shares of its syndicated loans)."""
    a = LoanAllocation
    names = ("principal", "interest", "recoveries", "cash")

    def flows(*keys: Any) -> Any:
        return select(
            *keys,
            _sum(a.principal).label("principal"),
            _sum(a.interest).label("interest"),
            _sum(case((a.kind == AllocationKind.RECOVERY, a.amount), else_=0)).label("recoveries"),
            # Overpayments are owed back to the investee: not the fund's income.
            _sum(case((a.kind != AllocationKind.OVERPAYMENT, a.amount), else_=0)).label("cash"),
        ).where(a.paid_on <= as_of)

    own = flows(a.paid_on.label("day")).where(a.fund_id == fund_id, shares.whole(a.loan_id)).group_by(a.paid_on)
    daily = (
        flows(a.loan_id, a.paid_on.label("day"))
        .where(a.loan_id.in_(shares.stakes(fund_id)))
        .group_by(a.loan_id, a.paid_on)
        .subquery()
    )
    both = union_all(own, shares.per_day(fund_id, daily, names)).subquery()
    rows = session.execute(select(both.c.day, *(_sum(both.c[n]) for n in names)).group_by(both.c.day)).all()
    return [
        (
            day,
            {"principal": round_cent(p), "interest": round_cent(i), "recoveries": round_cent(r), "cash": round_cent(c)},
        )
        for day, p, i, r, c in rows
    ]


def _disbursed_per_day(session: Session, fund_id: int, as_of: date) -> list[tuple[date, Decimal]]:
    e = LoanEvent
    paid_out = and_(e.kind == EventKind.DISBURSEMENT, e.on <= as_of)
    own = select(e.on.label("day"), _sum(e.amount).label("amount")).where(
        e.fund_id == fund_id, paid_out, shares.whole(e.loan_id)
    )
    daily = (
        select(e.loan_id, e.on.label("day"), _sum(e.amount).label("amount"))
        .where(e.loan_id.in_(shares.stakes(fund_id)), paid_out)
        .group_by(e.loan_id, e.on)
        .subquery()
    )
    both = union_all(own.group_by(e.on), shares.per_day(fund_id, daily, ("amount",))).subquery()
    rows = session.execute(select(both.c.day, _sum(both.c.amount)).group_by(both.c.day)).all()
    return [(day, round_cent(amount)) for day, amount in rows]


def _converted_per_day(session: Session, fund_id: int, as_of: date) -> list[tuple[date, Decimal]]:
    """Principal and interest converted into shares per day up to the date (the fund's share of a syndicated loan)."""
    p = EquityParticipation
    converted = and_(p.loan_id.is_not(None), p.on <= as_of)
    own = select(p.on.label("day"), _sum(p.cost).label("amount")).where(
        p.fund_id == fund_id, converted, shares.whole(p.loan_id)
    )
    daily = (
        select(p.loan_id, p.on.label("day"), _sum(p.cost).label("amount"))
        .where(p.loan_id.in_(shares.stakes(fund_id)), converted)
        .group_by(p.loan_id, p.on)
        .subquery()
    )
    both = union_all(own.group_by(p.on), shares.per_day(fund_id, daily, ("amount",))).subquery()
    rows = session.execute(select(both.c.day, _sum(both.c.amount)).group_by(both.c.day)).all()
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
    # What was paid is summed over the allocations of the installments found only (each loan's allocations by
    # index). Summed first for every listed loan and then joined, the planner (which expects few installments
    # due) ran that sum once per installment: 3.8 s for a book of 5,000 loans on PostgreSQL, 13 ms this way.
    rows = session.execute(
        select(
            LoanInstallment.loan_id,
            LoanInstallment.due_date,
            LoanInstallment.principal_due + LoanInstallment.interest_due - _sum(LoanAllocation.amount),
        )
        .join(first, and_(first.c.loan_id == LoanInstallment.loan_id, first.c.due == LoanInstallment.due_date))
        .outerjoin(
            LoanAllocation,
            and_(
                LoanAllocation.loan_id == LoanInstallment.loan_id,
                LoanAllocation.installment_number == LoanInstallment.number,
                LoanAllocation.paid_on <= as_of,
            ),
        )
        .group_by(
            LoanInstallment.id,
            LoanInstallment.loan_id,
            LoanInstallment.due_date,
            LoanInstallment.principal_due,
            LoanInstallment.interest_due,
        )
    ).all()
    return {loan_id: (due, round_cent(amount)) for loan_id, due, amount in rows}
