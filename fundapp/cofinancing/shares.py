"""A fund's share of a syndicated loan, in SQL, so that portfolio figures stay aggregates whatever the loan count.

The rounding rule (README, "Calculation rules"): the running total of each of a loan's figures (disbursed,
principal repaid, interest, recoveries, cash received) is split by participation; every party but the lead gets
its percentage of the running total rounded half-up to the cent, and the lead gets the rest. A party's share of one
event is the change in its share of the running total. So the shares of every event sum exactly to the event,
a party's share of a total is its percentage of that total to the cent, and a repaid loan leaves nobody a cent
outstanding. A write-off is one amount, split the same way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from fundapp.cofinancing.models import LoanParticipation
from fundapp.db import Money
from fundapp.loans.models import Loan
from fundapp.money import round_cent

HUNDRED = Decimal(100)


def share(amount: Decimal, percentage: Decimal) -> Decimal:
    """A non-lead party's share of an amount: its percentage of it, half-up to the cent (as ``share_of`` in SQL)."""
    return round_cent(amount * percentage / HUNDRED)


class share_of(FunctionElement):  # noqa: N801 - an SQL function, named as one
    """``share(amount, percentage)`` computed by the database, exactly."""

    type = Money()
    inherit_cache = True
    name = "share_of"


@compiles(share_of)
def _share_of_numeric(element: Any, compiler: Any, **kw: Any) -> str:
    amount, percentage = (compiler.process(c, **kw) for c in element.clauses)
    # ROUND on NUMERIC rounds half away from zero: half-up, as fundapp.money does.
    return f"ROUND(({amount}) * ({percentage}) / 100, 2)"


@compiles(share_of, "sqlite")
def _share_of_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    # SQLite holds money in cents and percentages in millionths (100 % = 10^8): integer arithmetic stays exact.
    amount, percentage = (compiler.process(c, **kw) for c in element.clauses)
    product = f"(({amount}) * ({percentage}))"
    return (
        f"(CASE WHEN {product} >= 0 THEN ({product} + 50000000) / 100000000"
        f" ELSE -((-{product} + 50000000) / 100000000) END)"
    )


def syndicated() -> Any:
    """The ids of the loans that have participations (all others are wholly their fund's)."""
    return select(LoanParticipation.loan_id)


def whole(loan_id: Any) -> ColumnElement[bool]:
    """A loan that is wholly its own fund's: the portfolio's plain aggregates hold for it."""
    return loan_id.not_in(syndicated())


def stakes(fund_id: int) -> Any:
    """The syndicated loans a fund leads or takes part in."""
    return (
        select(LoanParticipation.loan_id)
        .join(Loan, Loan.id == LoanParticipation.loan_id)
        .where(or_(Loan.fund_id == fund_id, LoanParticipation.fund_id == fund_id))
    )


def taken_part_in(fund_id: int) -> Any:
    """The loans of other funds this fund takes part in (it sees them, read-only)."""
    return (
        select(LoanParticipation.loan_id)
        .join(Loan, Loan.id == LoanParticipation.loan_id)
        .where(LoanParticipation.fund_id == fund_id, Loan.fund_id != fund_id)
    )


def part(fund_id: int, through: Any, flow: Any) -> Any:
    """The fund's part of ``flow`` (which brought the running total to ``through``), on one participation row.

    Summed over a loan's participation rows (joined with ``Loan``), it gives the fund's share: the lead's own
    row brings the whole flow, each other party's row takes that party's share off the lead and gives it
    to that party.
    """
    p = LoanParticipation
    member = share_of(through, p.percentage) - share_of(through - flow, p.percentage)
    return case(
        (and_(Loan.fund_id == fund_id, p.fund_id == fund_id), flow),
        (Loan.fund_id == fund_id, -member),
        (p.fund_id == fund_id, member),
        else_=literal(0, type_=Money()),
    )


def with_participations(query: Any, loan_id: Any) -> Any:
    """Join a query on loan ids to the loans' participation rows and to the loan (for its lead fund)."""
    return query.join(LoanParticipation, LoanParticipation.loan_id == loan_id).join(Loan, Loan.id == loan_id)


def split(fund_id: int, rows: Any, names: tuple[str, ...], order: tuple[str, ...], keys: tuple[Any, ...]) -> Any:
    """The fund's shares of flows: ``rows`` has one row per syndicated loan and moment (``loan_id``, the
    ``order`` columns and the flows ``names``); each flow's running total per loan in that order is split, and
    the fund's parts are summed per ``keys`` (columns of ``rows`` by name, or of ``Loan``)."""
    c = rows.c
    running = select(
        *c,
        *(
            func.sum(c[name]).over(partition_by=c.loan_id, order_by=[c[o] for o in order]).label(f"{name}_through")
            for name in names
        ),
    ).subquery()
    r = running.c
    columns = [r[key] if isinstance(key, str) else key for key in keys]
    parts = (func.sum(part(fund_id, r[f"{name}_through"], r[name]), type_=Money()).label(name) for name in names)
    return with_participations(select(*columns, *parts), r.loan_id).group_by(*columns)


def per_day(fund_id: int, daily: Any, names: tuple[str, ...]) -> Any:
    """The fund's shares of flows per day, from one row per syndicated loan and ``day``."""
    return split(fund_id, daily, names, ("day",), ("day",))
