"""The dashboards on the home page, per role, with the world of tests/integration/test_reports.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select

from fundapp import clock
from fundapp.outcomes.models import OutcomeContract
from tests.factories import ACTOR, PASSWORD, make_investee, make_loan, make_plan, make_submission
from tests.integration.test_reports import CODES, TARGETS, ReportWorld, in_savepoint, module_world
from tests.outcome_factories import THRESHOLD


@pytest.fixture(scope="module")
def rw(app: Any) -> Iterator[ReportWorld]:
    yield from module_world(app)


@pytest.fixture()
def rsession(rw: ReportWorld) -> Iterator[Any]:
    yield from in_savepoint(rw)


def _home(app: Any, user: Any) -> str:
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 303
    response = client.get("/?lang=en")  # the words checked are the English ones; amounts stay Dutch-free
    assert response.status_code == 200
    return response.get_data(as_text=True).replace("\xa0", " ")


def _queries(app: Any, session: Any, user: Any) -> int:
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    statements: list[str] = []
    engine = session.get_bind().engine

    def listen(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", listen)
    try:
        assert client.get("/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return len(statements)


def test_a_fund_manager_sees_the_loan_book_arrears_chart_reports_due_and_a_key_indicator_trend(app, rw, rsession):
    html = _home(app, rw.user("manager_a"))
    assert "Fund A" in html and "Fund B" not in html
    assert "€9,606.79" in html  # loan A's outstanding principal, all in the 90+ bucket
    assert "100.00 %" in html  # PAR30
    assert "Overdue: <strong>2</strong>" in html  # both investees' 2026-Q3 reports
    assert "Awaiting your review: <strong>1</strong>" in html  # the Utrecht 2026-Q2 report
    assert html.count("data:image/svg+xml;base64,") == 2  # the arrears buckets and the key indicator's trend
    assert "2026-Q1: 17 2026-Q2: 12" in html  # headcount per quarter: the investees that reported, added up


def test_a_payer_officer_sees_claims_awaiting_approval_beside_the_budget_left(app, rw, rsession):
    from fundapp.outcomes import claims

    contract = rsession.scalar(select(OutcomeContract).where(OutcomeContract.reference == "RF-REPORT"))
    claim = claims.compute_claim(rsession, ACTOR, contract, rw.rotterdam_id, "2026-Q1")
    claims.submit(rsession, ACTOR, claim, THRESHOLD)
    rsession.flush()
    html = _home(app, rw.user("officer_a"))
    assert f"/claims/{claim.id}" in html
    assert "€1,000.00" in html and "€99,000.00" in html  # the claim, and the cap left after the paid claim
    assert "Awaiting approval €1,000.00; Not yet claimed €98,000.00" in html  # the budget bar, written out
    assert "data:image/svg+xml;base64," in html
    assert "No claims are waiting for you." not in html
    other = _home(app, rw.user("officer_b"))
    assert f"/claims/{claim.id}" not in other and "No claims are waiting for you." in other


def test_an_investee_sees_what_is_due_its_targets_against_actuals_and_its_outcome_payments(app, rw, rsession):
    from fundapp.investees.models import Investee
    from fundapp.loans.models import LoanInstallment

    # Disbursed on the first of the month five months back, so some installments are due and some to come, any day.
    today = clock.today()
    start = (today.replace(day=1) - timedelta(days=140)).replace(day=1)
    loan = make_loan(
        rsession, rsession.get(Investee, rw.rotterdam_id), disbursement_date=start, number_of_installments=12
    )
    rsession.flush()
    next_due = rsession.scalar(
        select(func.min(LoanInstallment.due_date)).where(
            LoanInstallment.loan_id == loan.id, LoanInstallment.due_date >= today
        )
    )
    html = _home(app, rw.user("member_a"))
    assert "Impact report 2026-Q3</a>: overdue" in html
    assert "Next installment of loan" in html and f"{next_due.day} {next_due:%B %Y}" in html
    assert "Targets and actuals · 2026-Q2" in html and "100 %" in html  # 12 of 12 people
    assert "RF-REPORT" not in html or "Werk" in html
    assert "€1,000.00" in html and "paid" in html
    assert "Fund A" not in html.split("<main")[1].split("Dashboard")[0]


def test_an_administrator_sees_the_counts_of_the_installation(app, rw, rsession):
    html = _home(app, rw.user("admin"))
    assert "The installation" in html
    fund_a = rw.world.fund_a.id
    assert f'<a href="/funds/{fund_a}/reporting?state=awaiting_review">1</a>' in html
    assert '<a href="/claims?status=submitted">Claims awaiting approval: <strong>0</strong></a>' in html


def test_the_dashboard_reads_a_fixed_number_of_queries_whatever_the_number_of_investees(app, rw, rsession):
    before = {role: _queries(app, rsession, rw.user(role)) for role in ("manager_a", "member_a", "officer_a", "admin")}
    for n in range(4):
        investee = make_investee(rsession, rw.world.fund_a, name=f"Busy {n}")
        make_plan(rsession, investee, CODES, targets=TARGETS)
        make_submission(rsession, investee, "2026-Q1", "approved", values=dict.fromkeys(CODES, n))
        make_loan(rsession, investee)
    rsession.flush()
    after = {role: _queries(app, rsession, rw.user(role)) for role in before}
    assert after == before
    assert max(before.values()) <= 40
