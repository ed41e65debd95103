"""The journal read fast gives what the journal read the plain way gives: the loans' events row for row, every
source's totals the same balances per role as its events, and the NAV the sum of the journal's balances."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from fundapp.banking import journal, ledger
from fundapp.capital import nav
from fundapp.capital import services as capital_services
from fundapp.instruments import grants, guarantees
from fundapp.instruments import services as equity_services
from fundapp.loans import services as loan_services
from fundapp.loans.models import AllocationKind, EventKind, Loan, LoanAllocation, LoanEvent, LoanStatus
from tests.factories import ACTOR, make_fund, make_investee, make_investor, make_loan
from tests.instrument_factories import make_grant, make_guarantee

D = Decimal
START = date(2024, 1, 15)
ASSETS = ("bank", "loans_receivable", "loan_loss_provision", "equity_investments", "other_receivables")


def plain_loan_events(session, fund_id: int, start: date, end: date) -> list[journal.Event]:
    """The loans' journal events from the loaded loans, events and allocations, one by one (the reference)."""
    loans = {loan.id: loan for loan in session.scalars(select(Loan).where(Loan.fund_id == fund_id))}
    paid_out = sorted(
        (event.on, event.id, journal.Disbursement(event.on, loans[event.loan_id].reference, event.amount))
        for event in session.scalars(select(LoanEvent).where(LoanEvent.fund_id == fund_id))
        if event.kind == EventKind.DISBURSEMENT and event.reversed_at is None and start <= event.on <= end
    )
    per_payment: dict[tuple[date, int], list[Decimal]] = defaultdict(lambda: [D(0), D(0), D(0)])
    references = {}
    for part in session.scalars(select(LoanAllocation).where(LoanAllocation.fund_id == fund_id)):
        if start <= part.paid_on <= end:
            sums = per_payment[(part.paid_on, part.event_id)]
            sums[0] += part.principal
            sums[1] += part.interest
            sums[2] += part.amount if part.kind == AllocationKind.RECOVERY else 0
            references[(part.paid_on, part.event_id)] = loans[part.loan_id].reference
    received: list[journal.Event] = []
    for key, (principal, interest, recovered) in sorted(per_payment.items()):
        if principal or interest:
            received.append(journal.Repayment(key[0], references[key], principal, interest))
        if recovered:
            received.append(journal.Recovery(key[0], references[key], recovered))
    gone = sorted(
        (loan.written_off_on, loan.reference, journal.WriteOff(loan.written_off_on, loan.reference, loan.written_off))
        for loan in loans.values()
        if loan.written_off_on and start <= loan.written_off_on <= end and loan.written_off > 0
    )
    return [made for *_, made in paid_out] + received + [made for *_, made in gone]


def _balances(session, fund_id: int, end: date, *, summed: bool, start: date = date.min) -> dict[str, Decimal]:
    chart = ledger.chart_for(session, fund_id)
    made = ledger.events(session, fund_id, start, end, money_only=True, summed=summed)
    return journal.role_balances(journal.entries_for(made, chart), chart)


loan_story = st.fixed_dictionaries(
    {
        # Payments up to 15,000.00: some loans are repaid in full, some before their first due date.
        "principal": st.integers(10000, 50000).map(lambda euros: D(euros)),
        "months": st.integers(3, 12),
        "payments": st.lists(
            st.tuples(st.integers(1, 300), st.integers(1, 15000)), max_size=6, unique_by=lambda p: p[0]
        ),
        "reverse_first": st.booleans(),
        "write_off": st.booleans(),
    }
)


def _tell(session, investee, story) -> None:
    loan = make_loan(
        session, investee, principal=story["principal"], number_of_installments=story["months"], disbursement_date=START
    )
    made = []
    for day, euros in sorted(story["payments"]):
        if loan.status != LoanStatus.ACTIVE:  # repaid in full: nothing more is booked on it
            break
        on = START + timedelta(days=day)
        made.append(loan_services.record_repayment(session, ACTOR, loan, on, D(euros), f"pay {day} {euros}"))
    if story["reverse_first"] and made:
        loan_services.reverse_event(session, ACTOR, made[0], "wrong account")
    if story["write_off"] and loan.status == LoanStatus.ACTIVE:
        loan_services.write_off(session, ACTOR, loan, START + timedelta(days=320), "insolvent")
        loan_services.record_recovery(session, ACTOR, loan, START + timedelta(days=330), D("250.00"), "curator")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    stories=st.lists(loan_story, min_size=1, max_size=4),
    window=st.tuples(st.integers(0, 400), st.integers(0, 400)),
)
def test_the_loans_journal_events_are_those_of_the_loans_read_one_by_one(db_session, stories, window):
    fund = make_fund(db_session)
    investee = make_investee(db_session, fund)
    for story in stories:
        _tell(db_session, investee, story)
    db_session.flush()
    start, end = (START + timedelta(days=day) for day in sorted(window))
    for first, last in ((date.min, date(2025, 12, 31)), (start, end)):
        assert ledger.loan_events(db_session, fund.id, first, last) == plain_loan_events(
            db_session, fund.id, first, last
        )
        assert _balances(db_session, fund.id, last, start=first, summed=True) == _balances(
            db_session, fund.id, last, start=first, summed=False
        )


def _fund_of_every_instrument(session):
    """Investors, loans (one on time, one late, one written off), shares valued up and down and partly sold, a
    voucher clawed back and partly paid back, a guarantee with fees and a call."""
    fund = make_fund(session)
    first, second = make_investee(session, fund), make_investee(session, fund)
    investor, _call = make_investor(session, fund, call=D("90000.00"))
    capital_services.record_expense(
        session, ACTOR, fund, {"date": date(2024, 2, 1), "amount": D("750.00"), "description": "Beheer"}
    )
    on_time = make_loan(session, first, principal=D("12000.00"), number_of_installments=12)
    late = make_loan(session, second, principal=D("8000.00"), number_of_installments=12)
    gone = make_loan(session, second, principal=D("3000.00"), number_of_installments=12)
    for month in range(2, 9):
        loan_services.record_repayment(session, ACTOR, on_time, date(2024, month, 15), D("1032.80"), f"on time {month}")
        if month < 6:
            loan_services.record_repayment(session, ACTOR, late, date(2024, month, 25), D("500.00"), f"late {month}")
    loan_services.write_off(session, ACTOR, gone, date(2024, 6, 1), "insolvent")
    loan_services.record_recovery(session, ACTOR, gone, date(2024, 7, 1), D("400.00"), "curator")
    shares = equity_services.create_participation(
        session, ACTOR, first, {"date": date(2024, 2, 1), "shares": 1000, "price_per_share": D("10.00")}
    )
    for on, value in ((date(2024, 3, 31), D("12.50")), (date(2024, 6, 30), D("9.25"))):
        valued = {"date": on, "value_per_share": value, "method": "multiples", "decided_by": "IC"}
        equity_services.record_valuation(session, ACTOR, shares, valued)
    equity_services.record_dividend(session, ACTOR, shares, {"date": date(2024, 7, 1), "amount": D("300.00")})
    equity_services.record_exit(
        session, ACTOR, shares, {"date": date(2024, 8, 1), "shares": 400, "proceeds": D("4400.00")}
    )
    voucher = make_grant(
        session, second, paid_on=date(2024, 2, 1), period_from=date(2024, 2, 1), period_to=date(2024, 6, 30)
    )
    grants.decide(session, ACTOR, voucher, False, date(2024, 7, 1))
    grants.claw_back(session, ACTOR, voucher, date(2024, 7, 2), D("2000.00"), "not met")
    grants.receive(session, ACTOR, voucher, date(2024, 8, 1), D("500.00"), "first part")
    surety = make_guarantee(session, first, starts_on=date(2024, 1, 1), expires_on=date(2026, 12, 31))
    for month in (4, 7):
        guarantees.record_fee(session, ACTOR, surety, date(2024, month, 1), D("200.00"))
    session.flush()
    return fund, investor


def test_the_nav_is_the_sum_of_the_journals_balances_to_the_cent(db_session):
    fund, _investor = _fund_of_every_instrument(db_session)
    month_end = date(2024, 9, 30)  # the journal books the provision at month ends
    fund_nav = nav.nav(db_session, fund.id, month_end)
    held = ledger.role_balances(db_session, fund.id, month_end)
    assert fund_nav.nav == sum((held[role] for role in ASSETS), D(0))
    assert fund_nav.provision == -held["loan_loss_provision"] > 0
    assert (fund_nav.cash, fund_nav.loans_outstanding, fund_nav.equity_value, fund_nav.receivables) == (
        held["bank"],
        held["loans_receivable"],
        held["equity_investments"],
        held["other_receivables"],
    )
    chart = ledger.chart_for(db_session, fund.id)
    one_by_one = journal.role_balances(ledger.entries(db_session, fund.id, date.min, month_end), chart)
    assert held == one_by_one


def test_every_sources_totals_give_the_balances_of_its_events_over_any_period(db_session):
    fund, _investor = _fund_of_every_instrument(db_session)
    for start, end in (
        (date.min, date(2024, 12, 31)),
        (date(2024, 3, 1), date(2024, 7, 15)),
        (date(2024, 8, 1), date(2024, 8, 1)),
    ):
        for source, totals in ledger.TOTALS.items():
            chart = ledger.chart_for(db_session, fund.id)
            plain = journal.role_balances(journal.entries_for(source(db_session, fund.id, start, end), chart), chart)
            summed = journal.role_balances(journal.entries_for(totals(db_session, fund.id, start, end), chart), chart)
            assert summed == plain, (source.__name__, start, end)
