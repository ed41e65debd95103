"""The fund report's investors: committed, paid in and distributed up to the report's date, from calls and
distributions (they replaced the capital sources)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fundapp.capital import services
from fundapp.capital.models import DistributionKind, InvestorKind
from fundapp.reports.fund_report import InvestorLine, investor_lines
from tests.factories import ACTOR, make_fund, make_investor

D = Decimal


def test_the_fund_report_counts_each_investors_calls_and_distributions_up_to_its_date(db_session):
    fund = make_fund(db_session)
    bank, _call = make_investor(
        db_session, fund, call=D("30000.00"), name="Bank", kind=InvestorKind.BANK, commitment=D("50000.00")
    )
    services.record_call(db_session, ACTOR, bank, {"date": date(2024, 7, 1), "amount": D("10000.00")})
    services.record_distribution(
        db_session, ACTOR, bank, {"date": date(2024, 6, 30), "amount": D("1500.25"), "kind": DistributionKind.INCOME}
    )
    services.record_distribution(
        db_session, ACTOR, bank, {"date": date(2024, 7, 2), "amount": D("99.00"), "kind": DistributionKind.GAIN}
    )
    services.add_investor(db_session, ACTOR, fund, {"name": "Alpha", "commitment": D("1000.00")})

    assert investor_lines(db_session, fund.id, date(2024, 6, 30)) == [
        InvestorLine("Alpha", InvestorKind.OTHER, D("1000.00"), D("0.00"), D("0.00")),
        InvestorLine("Bank", InvestorKind.BANK, D("50000.00"), D("30000.00"), D("1500.25")),
    ]
    assert investor_lines(db_session, fund.id, date(2024, 7, 2))[1] == InvestorLine(
        "Bank", InvestorKind.BANK, D("50000.00"), D("40000.00"), D("1599.25")
    )
