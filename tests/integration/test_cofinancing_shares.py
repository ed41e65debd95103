"""A syndicated loan in each fund's figures: shares sum to the whole to the cent, each fund counts only its share,
and the journals of all its funds together are the journal of the same loan unsplit (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest

from fundapp.banking import ledger
from fundapp.banking.journal import EventKind
from fundapp.cofinancing import services as cofinancing
from fundapp.cofinancing.shares import share
from fundapp.errors import Conflict, ValidationFailed
from fundapp.loans import portfolio, services
from fundapp.money import round_cent
from tests.factories import ACTOR, make_fund, make_investee, make_loan

D = Decimal
TERMS = {"principal": D("10000.01"), "annual_rate": D("7.3"), "disbursement_date": date(2024, 1, 10)}
PERCENTAGES = (D("50"), D("33.3333"), D("16.6667"))
AS_OF = date(2024, 10, 20)


def _history(session, loan):
    """Disbursed; installments 1-6 paid on time, 7 paid 40 days late, then nothing: 40 days in arrears on AS_OF."""
    for inst in loan.installments[:7]:
        late = 40 if inst.number == 7 else 0
        services.record_repayment(
            session,
            ACTOR,
            loan,
            inst.due_date + timedelta(days=late),
            inst.total_due,
            f"{loan.reference}/{inst.number}",
        )


@pytest.fixture()
def syndicate(db_session):
    lead, second, third = (make_fund(db_session, name=name) for name in ("Lead SIF", "Second SIF", "Third SIF"))
    loan = make_loan(db_session, make_investee(db_session, lead), status="approved", **TERMS)
    cofinancing.set_participations(
        db_session,
        ACTOR,
        loan,
        [{"fund_id": fund.id, "percentage": pct} for fund, pct in zip((lead, second, third), PERCENTAGES, strict=True)],
    )
    services.disburse(db_session, ACTOR, loan, TERMS["disbursement_date"], TERMS["principal"])
    _history(db_session, loan)
    # The same loan unsplit, in a fund of its own: the whole the shares must add up to.
    alone = make_fund(db_session, name="Alone")
    whole = make_loan(db_session, make_investee(db_session, alone), **TERMS)
    _history(db_session, whole)
    db_session.flush()
    return (lead, second, third), loan, alone


FIGURES = ("disbursed", "outstanding_principal", "principal_received", "interest_received")


def test_the_funds_shares_of_a_syndicated_loan_sum_to_the_whole_loan_to_the_cent(db_session, syndicate):
    funds, _loan, alone = syndicate
    whole = portfolio.portfolio(db_session, alone.id, AS_OF)
    parts = [portfolio.portfolio(db_session, fund.id, AS_OF) for fund in funds]
    for figure in FIGURES:
        assert sum(getattr(p, figure) for p in parts) == getattr(whole, figure), figure
    assert whole.outstanding_principal > 0 and whole.buckets["31-60"]["loans"] == 1


def test_a_participating_fund_counts_its_percentage_of_each_figure_rounded_half_up(db_session, syndicate):
    (_lead, second, _third), _loan, alone = syndicate
    whole = portfolio.portfolio(db_session, alone.id, AS_OF)
    mine = portfolio.portfolio(db_session, second.id, AS_OF)
    assert mine.disbursed == share(whole.disbursed, D("33.3333")) == D("3333.33")
    assert mine.principal_received == share(whole.principal_received, D("33.3333"))
    assert mine.interest_received == share(whole.interest_received, D("33.3333"))
    # Its outstanding is its share disbursed less its share repaid, all of it in the 31-60 days bucket.
    assert mine.outstanding_principal == mine.disbursed - mine.principal_received
    assert mine.buckets["31-60"]["outstanding"] == mine.outstanding_principal
    assert mine.par30 == D("1.000000") and mine.par90 == D("0.000000")
    assert mine.xirr is not None and abs(mine.xirr - whole.xirr) < D("0.001")


def test_the_journals_of_all_participating_funds_together_equal_the_unsplit_loans_journal(db_session, syndicate):
    funds, _loan, alone = syndicate

    def totals(fund_ids, provisions=False):
        summed: Counter = Counter()
        for fund_id in fund_ids:
            for entry in ledger.entries(db_session, fund_id, date(2024, 1, 1), AS_OF):
                if (entry.event is EventKind.PROVISION_CHANGE) is not provisions:
                    continue
                for line in entry.lines:
                    summed[(entry.date, line.account.code, "debit")] += line.debit
                    summed[(entry.date, line.account.code, "credit")] += line.credit
        return {key: value for key, value in summed.items() if value}

    assert totals([fund.id for fund in funds]) == totals([alone.id])
    # A provision is each fund's estimate on its own share, rounded per fund: together within a cent per fund.
    together, unsplit = totals([fund.id for fund in funds], True), totals([alone.id], True)
    assert together.keys() == unsplit.keys()
    assert all(abs(together[key] - unsplit[key]) <= D("0.01") * len(funds) for key in unsplit)
    # And every fund's share of every event balances on its own.
    for fund in funds:
        for entry in ledger.entries(db_session, fund.id, date(2024, 1, 1), AS_OF):
            assert sum(line.debit for line in entry.lines) == sum(line.credit for line in entry.lines)


def test_a_repaid_syndicated_loan_leaves_no_fund_a_cent_outstanding(db_session, syndicate):
    funds, loan, _alone = syndicate
    rest = loan.installments[7:]
    for inst in rest:
        services.record_repayment(db_session, ACTOR, loan, inst.due_date, inst.total_due - inst.total_paid, "")
    after = rest[-1].due_date + timedelta(days=1)
    assert [portfolio.portfolio(db_session, f.id, after).outstanding_principal for f in funds] == [D("0.00")] * 3


def test_participations_not_summing_to_exactly_100_are_refused_and_nothing_changes(db_session):
    lead, other = make_fund(db_session, name="Lead"), make_fund(db_session, name="Other")
    loan = make_loan(db_session, make_investee(db_session, lead), status="approved")
    rows = [{"fund_id": lead.id, "percentage": D("60")}, {"fund_id": other.id, "percentage": D("39.9999")}]
    with pytest.raises(ValidationFailed, match="exactly 100"):
        cofinancing.set_participations(db_session, ACTOR, loan, rows)
    assert cofinancing.participations_of(db_session, loan) == []


def test_the_lead_fund_must_keep_a_share_and_participations_are_set_before_money_moves(db_session):
    lead, other = make_fund(db_session, name="Lead"), make_fund(db_session, name="Other")
    loan = make_loan(db_session, make_investee(db_session, lead), status="approved")
    with pytest.raises(ValidationFailed, match="leads"):
        cofinancing.set_participations(db_session, ACTOR, loan, [{"fund_id": other.id, "percentage": D("100")}])
    active = make_loan(db_session, make_investee(db_session, lead))
    with pytest.raises(Conflict):
        cofinancing.set_participations(db_session, ACTOR, active, [{"fund_id": lead.id, "percentage": D("100")}])


@pytest.mark.parametrize(
    ("amount", "percentage"),
    [("0.01", "50"), ("0.03", "50"), ("-0.03", "50"), ("100.005", "100"), ("10000.01", "33.3333"), ("-7.77", "12.5")],
)
def test_the_database_splits_an_amount_exactly_as_the_rounding_rule_says(db_session, amount, percentage):
    from sqlalchemy import literal, select

    from fundapp.cofinancing.shares import share_of
    from fundapp.db import Money, Rate

    amount, percentage = round_cent(D(amount)), D(percentage)
    found = db_session.scalar(select(share_of(literal(amount, Money()), literal(percentage, Rate()))))
    assert found == share(amount, percentage)


def test_the_administrators_count_of_each_funds_active_loans_is_what_its_loan_book_lists(db_session, syndicate):
    from fundapp.loans.book_list import BookFilters, book_page
    from fundapp.reports.dashboards import admin_counts

    counted = {work.fund_id: work.active_loans for work in admin_counts(db_session).funds}
    for fund in (*syndicate[0], syndicate[2]):
        listed = book_page(db_session, fund.id, AS_OF, BookFilters(status="active"), "reference", 1, 50).page
        assert (counted[fund.id], listed.total) == (1, 1), fund.name
