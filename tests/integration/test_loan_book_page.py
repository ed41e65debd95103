"""The loan book's page (fundapp/loans/book_list.py) lists the same loans, in the same order, with the same figures
as the plain way: every loan of the book loaded, its figures computed, filtered, sorted, then cut into pages."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, or_, select
from sqlalchemy.orm import contains_eager

from fundapp.cofinancing import shares
from fundapp.investees.models import Investee
from fundapp.listing import sort_by
from fundapp.loans import book_list, services
from fundapp.loans import portfolio as book
from fundapp.loans.models import Loan
from tests.factories import ACTOR, make_fund, make_investee, make_loan

AS_OF = date(2024, 9, 1)
SORTS = ["reference", "-investee", "principal", "-status", "disbursed", "outstanding", "-next_due", "days_past_due"]
FILTERS = [
    book_list.BookFilters(),
    book_list.BookFilters(arrears="overdue"),
    book_list.BookFilters(arrears="par30"),
    book_list.BookFilters(arrears="current"),
    book_list.BookFilters(status="active"),
]


def _plain(session, fund_id, as_of, filters, sort):
    query = (
        select(Loan)
        .join(Investee, Investee.id == Loan.investee_id)
        .options(contains_eager(Loan.investee))
        .where(or_(Loan.fund_id == fund_id, Loan.id.in_(shares.taken_part_in(fund_id))))
    )
    if filters.status:
        query = query.where(Loan.status == filters.status)
    key = sort.lstrip("-")
    computed = key in book_list.COMPUTED
    query, _used = sort_by(query, book_list.SORTABLE, "reference" if computed else sort, "reference")
    loans = list(session.scalars(query))
    ids = [loan.id for loan in loans]
    arrears, outstanding = book.loan_arrears(session, ids, as_of), book.outstanding_on(session, fund_id, as_of)
    next_due = book.next_due(session, ids, as_of)
    if filters.arrears in book_list.MORE_THAN:
        loans = [loan for loan in loans if arrears[loan.id].days_past_due > book_list.MORE_THAN[filters.arrears]]
    elif filters.arrears:
        loans = [loan for loan in loans if arrears[loan.id].bucket == filters.arrears]
    if computed:
        figure = book_list._sort_key(key, outstanding, arrears, next_due)
        loans.sort(key=lambda loan: figure(loan.id), reverse=sort.startswith("-"))
    return [loan.id for loan in loans], outstanding, arrears, next_due


@pytest.fixture()
def fund_id(db_session):
    rng = random.Random(15)
    fund = make_fund(db_session)
    investees = [make_investee(db_session, fund, name=f"Bedrijf {n}") for n in range(3)]
    for n in range(9):
        loan = make_loan(
            db_session,
            rng.choice(investees),
            principal=Decimal(rng.choice(["5000.00", "10000.00", "7500.00"])),
            disbursement_date=date(2024, 1 + n % 4, 10),
        )
        for month in range(5, 5 + rng.randint(0, 4)):
            services.record_repayment(db_session, ACTOR, loan, date(2024, month, 12), Decimal("400.00"))
    make_loan(db_session, investees[0], status="draft")
    db_session.flush()
    return fund.id


@pytest.mark.parametrize("sort", SORTS)
def test_every_page_of_the_loan_book_lists_what_the_plain_way_lists(db_session, fund_id, sort):
    for filters in FILTERS:
        expected, outstanding, arrears, next_due = _plain(db_session, fund_id, AS_OF, filters, sort)
        listed = []
        for page in range(1, 5):
            rows = book_list.book_page(db_session, fund_id, AS_OF, filters, sort, page, 3)
            assert rows.page.total == len(expected)
            listed += [loan.id for loan in rows.page.items]
            assert all(loan.investee.name.startswith("Bedrijf") for loan in rows.page.items)
            for loan in rows.page.items:
                assert rows.outstanding.get(loan.id) == outstanding.get(loan.id)
                assert (rows.arrears[loan.id], rows.next_due.get(loan.id)) == (arrears[loan.id], next_due.get(loan.id))
        assert listed == expected, (sort, filters)


def test_a_page_of_the_loan_book_loads_only_the_loans_it_shows(db_session, fund_id):
    db_session.expunge_all()
    loaded: list[int] = []

    def note(target, _context):
        loaded.append(target.id)

    event.listen(Loan, "load", note)
    try:
        rows = book_list.book_page(db_session, fund_id, AS_OF, book_list.BookFilters(), "reference", 2, 3)
    finally:
        event.remove(Loan, "load", note)
    assert rows.page.total == 10
    assert sorted(loaded) == sorted(loan.id for loan in rows.page.items)
