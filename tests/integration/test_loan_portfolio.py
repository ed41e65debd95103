"""The fund's loan book as of a date (fundapp.loans.portfolio and GET /api/v1/funds/<id>/portfolio).

A fund is built with five loans in known states on 2024-07-30 and every figure is checked against what the
pure schedule gives for those loans (fundapp.loans.schedule.build_schedule) and the pure XIRR
(fundapp.loans.arrears.xirr):

    current      10,000 at 6 % / 24 monthly from 2024-01-15, every installment paid on its due date
    45 days      10,000 from 2024-01-15, installments 1-4 paid; 2024-06-15 is the oldest unpaid  (dpd 45)
    100 days     10,000 from 2024-01-21, installments 1-2 paid; 2024-04-21 is the oldest unpaid  (dpd 100)
    written off  10,000 from 2024-01-15, installment 1 paid, written off 2024-05-20, 1,000 recovered 2024-07-01
    repaid        5,000 at 6 % / 6 monthly from 2024-01-10, every installment paid on its due date
    (and a draft loan, never disbursed)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import event

from fundapp.loans import portfolio as book
from fundapp.loans import services
from fundapp.loans.arrears import xirr
from fundapp.loans.schedule import LoanTerms, build_schedule
from tests.factories import ACTOR, make_fund, make_investee, make_loan, make_user

AS_OF = date(2024, 7, 30)
EARLIER = date(2024, 5, 1)
ZERO = Decimal("0.00")


def _schedule(principal: str, start: date, n: int):
    return build_schedule(
        LoanTerms(
            principal=Decimal(principal),
            annual_rate=Decimal("6"),
            disbursement_date=start,
            number_of_installments=n,
        )
    ).installments


@dataclass
class Book:
    fund: object
    loans: dict[str, object]
    flows: list[tuple[date, Decimal]] = field(default_factory=list)  # what the fund paid out and received


def _pay_installments(session, loan, schedule, count: int, book_: Book) -> None:
    for inst in schedule[:count]:
        services.record_repayment(session, ACTOR, loan, inst.due_date, inst.total, f"inst {inst.number}")
        book_.flows.append((inst.due_date, inst.total))


def _make_book(session) -> Book:
    fund = make_fund(session, name="Portfolio Fund")
    investees = [make_investee(session, fund) for _ in range(3)]
    result = Book(fund, {})
    s15, s21, s5 = (
        _schedule("10000.00", date(2024, 1, 15), 24),
        _schedule("10000.00", date(2024, 1, 21), 24),
        _schedule("5000.00", date(2024, 1, 10), 6),
    )

    def loan(name, investee, schedule, **terms):
        made = make_loan(session, investee, **terms)
        result.loans[name] = made
        result.flows.append((made.disbursement_date, -made.principal))
        return made

    _pay_installments(session, loan("current", investees[0], s15), s15, 6, result)
    _pay_installments(session, loan("45 days", investees[1], s15), s15, 4, result)
    _pay_installments(session, loan("100 days", investees[2], s21, disbursement_date=date(2024, 1, 21)), s21, 2, result)
    gone = loan("written off", investees[0], s15)
    _pay_installments(session, gone, s15, 1, result)
    services.write_off(session, ACTOR, gone, date(2024, 5, 20), "Bankrupt")
    services.record_recovery(session, ACTOR, gone, date(2024, 7, 1), Decimal("1000.00"), "curator")
    result.flows.append((date(2024, 7, 1), Decimal("1000.00")))
    repaid = loan(
        "repaid",
        investees[1],
        s5,
        principal=Decimal("5000.00"),
        number_of_installments=6,
        disbursement_date=date(2024, 1, 10),
    )
    _pay_installments(session, repaid, s5, 6, result)
    make_loan(session, investees[2], status="draft", principal=Decimal("50000.00"))
    session.flush()
    return result


@pytest.fixture()
def loan_book(db_session):
    return _make_book(db_session)


S15 = _schedule("10000.00", date(2024, 1, 15), 24)
S5 = _schedule("5000.00", date(2024, 1, 10), 6)


def _ratio(part: Decimal, whole: Decimal) -> str:
    return str((part / whole).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))


def _paid(schedule, count: int) -> tuple[Decimal, Decimal]:
    return sum((i.principal for i in schedule[:count]), ZERO), sum((i.interest for i in schedule[:count]), ZERO)


def _expected_xirr(flows: list[tuple[date, Decimal]], as_of: date, outstanding: Decimal) -> str:
    known = [(day, amount) for day, amount in flows if day <= as_of] + [(as_of, outstanding)]
    return str(xirr(known).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))


def test_the_portfolio_on_a_date_reports_each_figure_by_the_rules(client, api_headers, loan_book, db_session):
    manager = make_user(db_session, "fund_manager", loan_book.fund.id)
    db_session.flush()
    response = client.get(f"/api/v1/funds/{loan_book.fund.id}/portfolio?as_of={AS_OF}", headers=api_headers(manager))
    assert response.status_code == 200
    body = response.get_json()

    # the 30/360 amounts do not depend on the day of the month, so one schedule serves the three 10,000 loans
    current, late45, late100 = S15[5].balance, S15[3].balance, S15[1].balance
    outstanding = current + late45 + late100
    principal = [_paid(S15, 6)[0], _paid(S15, 4)[0], _paid(S15, 2)[0], _paid(S15, 1)[0], Decimal("5000.00")]
    interest = [_paid(S15, 6)[1], _paid(S15, 4)[1], _paid(S15, 2)[1], _paid(S15, 1)[1], _paid(S5, 6)[1]]

    assert body["as_of"] == "2024-07-30"
    # the draft was never lent; the written-off and the repaid loans are not active
    assert (body["loans"], body["active_loans"]) == (5, 3)
    assert body["disbursed"] == "45000.00"
    assert body["outstanding_principal"] == str(outstanding)
    assert body["principal_received"] == str(sum(principal))
    assert body["interest_received"] == str(sum(interest))
    assert body["written_off"] == str(S15[0].balance) == "9606.79"
    assert body["recoveries"] == "1000.00"
    assert body["par30"] == _ratio(late45 + late100, outstanding)
    assert body["par90"] == _ratio(late100, outstanding)
    assert body["arrears_buckets"] == {
        "current": {"loans": 1, "outstanding": str(current)},
        "1-30": {"loans": 0, "outstanding": "0.00"},
        "31-60": {"loans": 1, "outstanding": str(late45)},
        "61-90": {"loans": 0, "outstanding": "0.00"},
        "90+": {"loans": 1, "outstanding": str(late100)},
    }
    assert isinstance(body["xirr"], str)
    assert Decimal(body["xirr"]) == Decimal(_expected_xirr(loan_book.flows, AS_OF, outstanding))
    assert body["currency"] == "EUR"


def test_the_portfolio_counts_each_loan_once_whatever_its_payments(db_session, loan_book):
    result = book.portfolio(db_session, loan_book.fund.id, AS_OF)
    assert sum(b["loans"] for b in result.buckets.values()) == result.active_loans == 3
    assert sum((b["outstanding"] for b in result.buckets.values()), ZERO) == result.outstanding_principal
    stored = [loan_book.loans[name] for name in ("current", "45 days", "100 days")]
    assert result.outstanding_principal == sum(loan.outstanding_principal for loan in stored)
    assert result.disbursed - result.principal_received - result.written_off == result.outstanding_principal


def test_a_written_off_loan_has_nothing_outstanding_its_amount_is_written_off_and_recoveries_count_in_the_return(
    db_session, loan_book
):
    gone = loan_book.loans["written off"]
    assert (gone.outstanding_principal, gone.written_off, gone.recovered) == (
        ZERO,
        Decimal("9606.79"),
        Decimal("1000.00"),
    )
    before, after = (
        book.portfolio(db_session, loan_book.fund.id, date(2024, 6, 30)),
        book.portfolio(db_session, loan_book.fund.id, AS_OF),
    )
    assert (before.written_off, before.recoveries) == (Decimal("9606.79"), ZERO)
    assert (after.written_off, after.recoveries) == (Decimal("9606.79"), Decimal("1000.00"))
    # in July only the current loan's installment 6 and the 5,000 loan's last installment were paid
    assert (before.active_loans, after.active_loans) == (4, 3)
    assert after.outstanding_principal == before.outstanding_principal - (S15[5].principal + S5[5].principal)
    # The recovery is a cash flow in: without it the fund's return is lower.
    without = [flow for flow in loan_book.flows if flow != (date(2024, 7, 1), Decimal("1000.00"))]
    assert Decimal(_expected_xirr(without, AS_OF, after.outstanding_principal)) < after.xirr.quantize(
        Decimal("0.000001")
    )


def test_the_same_fund_on_an_earlier_date_shows_the_book_as_it_was(client, api_headers, loan_book, db_session):
    manager = make_user(db_session, "fund_manager", loan_book.fund.id)
    db_session.flush()
    body = client.get(
        f"/api/v1/funds/{loan_book.fund.id}/portfolio?as_of={EARLIER}", headers=api_headers(manager)
    ).get_json()
    # 2024-05-01: three installments paid on the 15th-loans and the 5,000 loan, two on the 21st-loan (2024-04-21 unpaid:
    # 10 days), the later-written-off loan has one paid (2024-03-15 unpaid: 47 days) and is not written off yet.
    outstanding = {
        "current": S15[2].balance,
        "45 days": S15[2].balance,
        "100 days": S15[1].balance,
        "written off": S15[0].balance,
        "repaid": S5[2].balance,
    }
    total = sum(outstanding.values(), ZERO)
    assert (body["loans"], body["active_loans"]) == (5, 5)
    assert body["disbursed"] == "45000.00"
    assert body["outstanding_principal"] == str(total)
    assert body["written_off"] == "0.00"
    assert body["recoveries"] == "0.00"
    paid = [_paid(S15, 3), _paid(S15, 3), _paid(S15, 2), _paid(S15, 1), _paid(S5, 3)]
    assert body["principal_received"] == str(sum(p for p, _ in paid))
    assert body["interest_received"] == str(sum(i for _, i in paid))
    assert body["arrears_buckets"] == {
        "current": {
            "loans": 3,
            "outstanding": str(outstanding["current"] + outstanding["45 days"] + outstanding["repaid"]),
        },
        "1-30": {"loans": 1, "outstanding": str(outstanding["100 days"])},
        "31-60": {"loans": 1, "outstanding": str(outstanding["written off"])},
        "61-90": {"loans": 0, "outstanding": "0.00"},
        "90+": {"loans": 0, "outstanding": "0.00"},
    }
    assert body["par30"] == _ratio(outstanding["written off"], total)
    assert body["par90"] == "0.000000"
    assert Decimal(body["xirr"]) == Decimal(_expected_xirr(loan_book.flows, EARLIER, total))


def test_a_date_before_any_disbursement_gives_an_empty_book(db_session, loan_book):
    result = book.portfolio(db_session, loan_book.fund.id, date(2024, 1, 9))
    assert (result.loans, result.active_loans, result.disbursed, result.outstanding_principal) == (0, 0, ZERO, ZERO)
    assert (result.par30, result.par90, result.xirr) == (Decimal("0.000000"), Decimal("0.000000"), None)
    assert all(b == {"loans": 0, "outstanding": ZERO} for b in result.buckets.values())


def test_the_portfolio_shows_only_its_own_funds_loans(db_session, world, loan_book):
    own = book.portfolio(db_session, world.fund_a.id, AS_OF)
    assert (own.loans, own.disbursed) == (1, Decimal("10000.00"))  # world.loan_a only
    assert own.outstanding_principal == Decimal("9606.79")
    assert own.buckets["90+"] == {"loans": 1, "outstanding": Decimal("9606.79")}  # 2024-03-15 unpaid: 137 days


@pytest.mark.parametrize(
    "who, status", [("manager_b", 404), ("member_a", 404), ("officer_a", 404), ("manager_a", 200), ("admin", 200)]
)
def test_only_the_funds_own_manager_and_the_admin_see_its_portfolio(client, api_headers, world, who, status):
    response = client.get(
        f"/api/v1/funds/{world.fund_a.id}/portfolio?as_of=2024-07-30", headers=api_headers(world.user(who))
    )
    assert response.status_code == status
    if status == 404:
        assert response.get_json()["error"]["code"] == "not_found"
        assert "outstanding_principal" not in response.get_data(as_text=True)


def test_a_bad_as_of_answers_422(client, api_headers, world):
    response = client.get(
        f"/api/v1/funds/{world.fund_a.id}/portfolio?as_of=2024-13-01", headers=api_headers(world.user("manager_a"))
    )
    assert response.status_code == 422
    assert {d["field"] for d in response.get_json()["error"]["details"]} == {"as_of"}


def _count_queries(engine, run) -> int:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_number_of_sql_queries_does_not_grow_with_the_number_of_loans(app, db_session):
    engine = app.extensions["fundapp.db"].engine

    def fund_with(n: int) -> int:
        fund = make_fund(db_session)
        investee = make_investee(db_session, fund)
        for k in range(n):
            loan = make_loan(db_session, investee, principal=Decimal("1000.00"), number_of_installments=6)
            if k % 3:
                services.record_repayment(db_session, ACTOR, loan, date(2024, 2, 15), Decimal("100.00"))
            if k % 5 == 4:
                services.write_off(db_session, ACTOR, loan, date(2024, 4, 1), "gone")
        db_session.flush()
        return fund.id

    small, large = fund_with(3), fund_with(30)
    db_session.expire_all()
    counts = [
        _count_queries(engine, lambda f=f: book._portfolio(db_session, f, date(2024, 6, 1)))
        for f in (small, large, small)
    ]
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] <= 10
    assert book.portfolio(db_session, large, date(2024, 6, 1)).loans == 30
