"""The loan book's rows as of a date: filtered, sorted by the columns people scan, one page of them.

The figures of a row (outstanding then, next due date, days past due) are computed for every loan of the fund in a
fixed number of queries, so the book sorts and filters on them before it is cut into pages. The loans of other funds
the fund has a share of are in its book too, with its share's figures (the lead fund services them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, contains_eager

from fundapp import datacache
from fundapp.cofinancing import shares
from fundapp.investees.models import Investee
from fundapp.listing import Page, sort_by
from fundapp.loans import portfolio as book
from fundapp.loans.models import Loan, LoanStatus
from fundapp.money import ZERO

SORTABLE = {
    "reference": Loan.reference,
    "investee": Investee.name,
    "principal": Loan.principal,
    "status": Loan.status,
    "disbursed": Loan.disbursement_date,
}
# Sorted on the figures of the date shown, not on today's stored ones.
COMPUTED = ("outstanding", "next_due", "days_past_due")
# Arrears filters beside the buckets: any arrears, and the loans PAR30 and PAR90 count (more than 30 or 90 days).
MORE_THAN = {"overdue": 0, "par30": 30, "par90": 90}
ARREARS = (*book.BUCKETS, *MORE_THAN)


@dataclass(frozen=True)
class BookFilters:
    status: str | None = None
    investee_id: int | None = None
    arrears: str | None = None


@dataclass(frozen=True)
class BookPage:
    page: Page
    sort: str
    outstanding: dict[int, Decimal]
    arrears: dict[int, book.LoanArrears]
    next_due: dict[int, tuple[date, Decimal]]


def read_filters(args: Any) -> BookFilters:
    status = args.get("status") or None
    arrears = args.get("bucket") or None
    return BookFilters(
        status if status in {s.value for s in LoanStatus} else None,
        args.get("investee_id", type=int) or None,
        arrears if arrears in ARREARS else None,
    )


def book_page(
    session: Session, fund_id: int, as_of: date, filters: BookFilters, sort: str, page: int, page_size: int
) -> BookPage:
    book_ids = or_(Loan.fund_id == fund_id, Loan.id.in_(shares.taken_part_in(fund_id)))
    query = select(Loan.id).join(Investee, Investee.id == Loan.investee_id).where(book_ids)
    if filters.status:
        query = query.where(Loan.status == LoanStatus(filters.status))
    if filters.investee_id:
        query = query.where(Loan.investee_id == filters.investee_id)
    key = sort.lstrip("-")
    query, used = sort_by(query, SORTABLE, sort if key not in COMPUTED else "reference", "reference")
    if key in COMPUTED:
        used = sort
    ids = list(session.scalars(query))
    figures = datacache.cached(
        session, "loan book", (fund_id, as_of), lambda: _figures(session, book_ids, fund_id, as_of)
    )
    outstanding, arrears, next_due = figures
    if filters.arrears in MORE_THAN:
        ids = [i for i in ids if arrears[i].days_past_due > MORE_THAN[filters.arrears]]
    elif filters.arrears:
        ids = [i for i in ids if arrears[i].bucket == filters.arrears]
    if key in COMPUTED:
        ids.sort(key=_sort_key(key, outstanding, arrears, next_due), reverse=used.startswith("-"))
    start = (page - 1) * page_size
    shown = ids[start : start + page_size]
    loans = {
        loan.id: loan
        for loan in session.scalars(
            select(Loan)
            .join(Investee, Investee.id == Loan.investee_id)
            .options(contains_eager(Loan.investee))
            .where(Loan.id.in_(shown))
        )
    }
    return BookPage(Page([loans[i] for i in shown], len(ids), page, page_size), used, outstanding, arrears, next_due)


def _figures(
    session: Session, book_ids: Any, fund_id: int, as_of: date
) -> tuple[dict[int, Decimal], dict[int, book.LoanArrears], dict[int, tuple[date, Decimal]]]:
    """Every loan's figures on the date, for the whole book: a page sorts and filters on them."""
    ids = list(session.scalars(select(Loan.id).where(book_ids)))
    return (
        book.outstanding_on(session, fund_id, as_of),
        book.loan_arrears(session, ids, as_of),
        book.next_due(session, ids, as_of),
    )


def _sort_key(
    key: str,
    outstanding: dict[int, Decimal],
    arrears: dict[int, book.LoanArrears],
    next_due: dict[int, tuple[date, Decimal]],
) -> Any:
    """A loan's figure, then its id: ties keep one order from page to page. No next due date sorts last."""
    if key == "outstanding":
        return lambda loan_id: (outstanding.get(loan_id, ZERO), loan_id)
    if key == "days_past_due":
        return lambda loan_id: (arrears[loan_id].days_past_due, loan_id)
    return lambda loan_id: (next_due[loan_id][0] if loan_id in next_due else date.max, loan_id)
