"""Reports built from the database: every figure checked against what was stored (fundapp/reports/*_report.py).

The world (built once per module, each test in a savepoint rolled back after it):

    Fund A
      Investee A (Rotterdam)   plan: headcount (latest), placements (sum), placement rate (average)
        2026-Q1 approved  10 / 4 / 50 %   participants P-1 bijstand 36 h from 1 Jan, P-2 Wajong 18 h from
                                           15 Feb, P-3 "other" 20 h
        2026-Q2 approved  12 / 6 / 70 %   participant P-1 again
      Investee "=HYPERLINK(...)" (Utrecht)  same plan
        2026-Q1 approved 5 / 2 / 30 %, then a correction approved 7 / 2 / 30 %
        2026-Q2 submitted, not approved (100 / 100 / 100: must not count)
      loan A (10,000 from 2024-01-15, one installment paid: far in arrears by 2026)
    Fund B: investee B 2026-Q1 approved 50 / 50 / 50 (must never show in fund A)
    Payer A contracts investee A: P-1 started work 2026-02-01 (claimed, approved, paid 2026-04-15),
      P-2 started work 2026-03-01 (verified, not claimed)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from fundapp import clock
from fundapp.auth.policy import Scope
from fundapp.errors import ValidationFailed
from fundapp.impact.periods import Frequency, Period
from fundapp.loans import portfolio as book
from fundapp.reports import frames, fund_report, investee_report, payer_report, queries, social
from fundapp.reports import social_value as rules
from fundapp.reports.periods import as_of, covered_labels, report_period
from fundapp.reports.queries import ParticipantRow
from tests.factories import ACTOR, World, make_contract, make_investee, make_plan, make_submission, make_world
from tests.outcome_factories import THRESHOLD

HEADCOUNT, PLACEMENTS, RATE = "LP-EMPLOYED-HEADCOUNT", "LP-PLACEMENTS-STARTED", "LP-PLACEMENT-RATE"
CODES = (HEADCOUNT, PLACEMENTS, RATE)
TARGETS = {"2026-Q1": "12", "2026-Q2": "12"}
FORMULA_NAME = '=HYPERLINK("http://evil.example","Utrecht BV")'
YEAR = Period.parse("2026")
TODAY = clock.today()
NAMES = ("Actual", "Target", "Baseline")


@dataclass
class ReportWorld:
    session: Session
    world: World
    rotterdam_id: int
    utrecht_id: int
    claim_id: int

    def user(self, role: str) -> Any:
        return self.world.user(role)


def _values(headcount: int, placements: int, rate: int) -> dict[str, int]:
    return {HEADCOUNT: headcount, PLACEMENTS: placements, RATE: rate}


def _approve_correction(session: Session, investee: Any, period: str, values: dict[str, int]) -> None:
    from fundapp.impact import submissions as subs

    corrected = make_submission(session, investee, period, values=values)
    subs.submit(session, ACTOR, corrected)
    subs.approve(session, ACTOR, corrected)


def _paid_claim(session: Session, world: World, investee: Any) -> int:
    from fundapp.outcomes import claims, payments, results

    contract = make_contract(session, world.payer_a, [investee], reference="RF-REPORT")
    for participant, day in (("P-1", date(2026, 2, 1)), ("P-2", date(2026, 3, 1))):
        result = results.record_result(
            session,
            ACTOR,
            contract,
            {
                "investee_id": investee.id,
                "item": "JOB-START",
                "participant": participant,
                "achieved_on": day,
                "months_on_benefit": 14,
                "evidence": "payroll",
            },
        )
        results.verify(session, ACTOR, result)
        if participant == "P-1":
            claim = claims.compute_claim(session, ACTOR, contract, investee.id, "2026-Q1")
            claims.submit(session, ACTOR, claim, THRESHOLD)
            officer = world.user("officer_a")
            claims.approve(session, officer, Scope.of_user(officer), claim, THRESHOLD)
            payments.record_payment(session, officer, Scope.of_user(officer), claim, date(2026, 4, 15), "BANK-1")
    return claim.id


def build_report_world(session: Session) -> ReportWorld:
    world = make_world(session)
    rotterdam = world.investee_a
    utrecht = make_investee(session, world.fund_a, name=FORMULA_NAME, municipality="Utrecht", sdgs=[8, 12])
    for investee in (rotterdam, utrecht, world.investee_b):
        make_plan(session, investee, CODES, targets=TARGETS)
    make_submission(
        session,
        rotterdam,
        "2026-Q1",
        "approved",
        values=_values(10, 4, 50),
        participants=[
            ["P-1", date(2026, 1, 1), "bijstand", 14, 36],
            ["P-2", date(2026, 2, 15), "wajong", 30, 18],
            ["P-3", date(2026, 1, 10), "other", 5, 20],
        ],
    )
    make_submission(
        session,
        rotterdam,
        "2026-Q2",
        "approved",
        values=_values(12, 6, 70),
        participants=[["P-1", date(2026, 1, 1), "bijstand", 14, 36]],
    )
    make_submission(session, utrecht, "2026-Q1", "approved", values=_values(5, 2, 30))
    _approve_correction(session, utrecht, "2026-Q1", _values(7, 2, 30))
    make_submission(session, utrecht, "2026-Q2", "submitted", values=_values(100, 100, 100))
    make_submission(session, world.investee_b, "2026-Q1", "approved", values=_values(50, 50, 50))
    claim_id = _paid_claim(session, world, rotterdam)
    session.flush()
    return ReportWorld(session, world, rotterdam.id, utrecht.id, claim_id)


def module_world(app: Any) -> Iterator[ReportWorld]:
    """The world above, built once for a module inside a transaction that is rolled back at its end."""
    database = app.extensions["fundapp.db"]
    connection = database.engine.connect()
    outer = connection.begin()
    original = database.session_factory
    database.session_factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    session = database.session_factory()
    try:
        with app.test_request_context("/"):
            world = build_report_world(session)
        yield world
    finally:
        session.close()
        database.session_factory = original
        outer.rollback()
        connection.close()


def in_savepoint(world: ReportWorld) -> Iterator[Session]:
    """Each test inside a savepoint of the module's transaction: what it changes is gone afterwards."""
    connection = world.session.connection()
    savepoint = connection.begin_nested()
    try:
        yield world.session
    finally:
        savepoint.rollback()
        world.session.expire_all()


@pytest.fixture(scope="module")
def rw(app: Any) -> Iterator[ReportWorld]:
    yield from module_world(app)


@pytest.fixture()
def rsession(rw: ReportWorld) -> Iterator[Session]:
    yield from in_savepoint(rw)


def _fund(rw: ReportWorld, session: Session, period: Period = YEAR) -> fund_report.FundReport:
    return fund_report.build(session, rw.world.fund_a, period, "nl", TODAY)


def _line(report: Any, code: str) -> Any:
    return next(line for line in report.impact if line.code == code)


def test_fund_impact_takes_latest_values_adds_sums_and_averages_the_investees_means(app, rw, rsession):
    with app.test_request_context("/"):
        report = _fund(rw, rsession)
    assert _line(report, HEADCOUNT).value == Decimal("19")  # 12 (Q2, the latest) + 7 (the correction)
    assert _line(report, PLACEMENTS).value == Decimal("12")  # 4 + 6 + 2
    assert _line(report, RATE).value == Decimal("45.0000")  # mean(mean(50, 70), 30)
    assert _line(report, HEADCOUNT).investees == 2
    assert _line(report, HEADCOUNT).target == Decimal("24")  # each investee's latest target, added up


def test_a_later_approved_correction_counts_and_unapproved_or_other_funds_reports_do_not(app, rw, rsession):
    with app.test_request_context("/"):
        quarter = _fund(rw, rsession, Period.parse("2026-Q2"))
    assert _line(quarter, HEADCOUNT).value == Decimal("12")  # the Utrecht Q2 report is submitted only
    assert _line(quarter, PLACEMENTS).investees == 1
    with app.test_request_context("/"):
        first = _fund(rw, rsession, Period.parse("2026-Q1"))
    assert _line(first, HEADCOUNT).value == Decimal("17")  # 10 + 7, never fund B's 50
    assert first.investee_count == 2


def test_fund_impact_is_rolled_up_per_municipality_theme_and_sdg(app, rw, rsession):
    with app.test_request_context("/"):
        report = _fund(rw, rsession)
    by_place = {g.name: {line.code: line.value for line in g.lines} for g in report.municipalities}
    assert by_place["Rotterdam"] == {HEADCOUNT: Decimal("12"), PLACEMENTS: Decimal("10"), RATE: Decimal("60.0000")}
    assert by_place["Utrecht"] == {HEADCOUNT: Decimal("7"), PLACEMENTS: Decimal("2"), RATE: Decimal("30.0000")}
    theme = next(g for g in report.themes if g.key == "arbeidsparticipatie")
    assert theme.name == "Arbeidsparticipatie" and theme.investees == 2
    assert {line.code for line in theme.lines} == set(CODES)
    sdg8 = next(g for g in report.sdgs if g.key == "8")
    assert sdg8.investees == 2 and {line.code for line in sdg8.lines} == set(CODES)
    sdg12 = next(g for g in report.sdgs if g.key == "12")
    assert sdg12.investees == 1 and sdg12.lines == []
    assert report.by_period[(_line(report, HEADCOUNT).indicator_id, "2026-Q1")] == Decimal("17")


def test_fund_loan_book_is_the_portfolio_as_of_the_period_end_or_today_while_it_runs(app, rw, rsession):
    with app.test_request_context("/"):
        report = _fund(rw, rsession)
        past = _fund(rw, rsession, Period.parse("2025"))
    assert report.as_of == min(date(2026, 12, 31), TODAY)
    assert report.portfolio == book.portfolio(rsession, rw.world.fund_a.id, report.as_of)
    assert past.as_of == date(2025, 12, 31)
    assert (
        past.portfolio.outstanding_principal
        == book.portfolio(rsession, rw.world.fund_a.id, past.as_of).outstanding_principal
    )
    loan = next(row for row in report.loans if row.loan_id == rw.world.loan_a.id)
    assert loan.outstanding == report.portfolio.outstanding_principal
    assert loan.days_past_due == (report.as_of - date(2024, 3, 15)).days  # the second installment, never paid
    assert loan.bucket == "90+"


def test_fund_outcome_payments_are_the_claims_paid_in_the_period(app, rw, rsession):
    with app.test_request_context("/"):
        year = _fund(rw, rsession)
        first = _fund(rw, rsession, Period.parse("2026-Q1"))
    assert [(p.claim_id, p.amount, p.paid_on) for p in year.payments] == [
        (rw.claim_id, Decimal("1000.00"), date(2026, 4, 15))
    ]
    assert year.payments_total == Decimal("1000.00")
    assert first.payments == []  # paid in April


def test_fund_report_reads_a_fixed_number_of_queries_whatever_the_number_of_investees(app, rw, rsession):
    from tests.factories import make_loan

    def count() -> int:
        from fundapp import datacache

        datacache.clear()  # figures remembered from before would read no queries
        statements: list[str] = []
        engine = rsession.get_bind().engine

        def listen(*args: Any) -> None:
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", listen)
        try:
            with app.test_request_context("/"):
                _fund(rw, rsession)
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        return len(statements)

    rsession.expire_all()  # both counts start from the same, empty identity map
    before = count()
    for n in range(4):
        investee = make_investee(rsession, rw.world.fund_a, name=f"Extra {n}", municipality=f"Plaats {n}")
        make_plan(rsession, investee, CODES, targets=TARGETS)
        make_submission(rsession, investee, "2026-Q1", "approved", values=_values(n, n, n))
        make_loan(rsession, investee)
    rsession.flush()
    rsession.expire_all()
    assert count() == before
    # Loans, impact, equity, grants and guarantees, exposure, splits and the revolving view (the fund's journal
    # sources): a fixed number each.
    assert before <= 50


def test_investee_report_shows_each_quarter_and_the_year_by_the_indicators_rule(app, rw, rsession):
    from fundapp.investees.models import Investee

    investee = rsession.get(Investee, rw.rotterdam_id)
    with app.test_request_context("/"):
        report = investee_report.build(rsession, investee, YEAR, "en", NAMES, TODAY)
    lines = {line.code: line for line in report.lines}
    assert report.periods == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    headcount = lines[HEADCOUNT]
    assert [(c.actual, c.target) for c in headcount.cells[:3]] == [
        (Decimal("10"), Decimal("12")),
        (Decimal("12"), Decimal("12")),
        (None, None),
    ]
    assert (headcount.total_actual, headcount.total_target) == (Decimal("12"), Decimal("12"))
    assert (lines[PLACEMENTS].total_actual, lines[PLACEMENTS].total_target) == (Decimal("10"), Decimal("24"))
    assert lines[RATE].total_actual == Decimal("60.0000")
    assert headcount.baseline == Decimal("10")
    assert headcount.name == "Target-group employees (headcount)"
    assert headcount.measurement.startswith("Count")
    assert [level for level, found in report.by_level if found] == ["output", "outcome"]
    assert len(headcount.trend) == 8 and headcount.trend[-1].period == "2026-Q4"
    assert headcount.chart is not None and "<svg" in headcount.chart.svg


def test_investee_report_lists_sdg_targets_payments_earned_and_its_loans(app, rw, rsession):
    from fundapp.investees.models import Investee

    investee = rsession.get(Investee, rw.rotterdam_id)
    with app.test_request_context("/"):
        report = investee_report.build(rsession, investee, YEAR, "nl", NAMES, TODAY, with_charts=False)
    sdgs = {row.sdg: row for row in report.sdgs}
    assert sdgs[8].chosen and sdgs[8].targets == ["8.5"] and sdgs[8].name == "Eerlijk werk en economische groei"
    assert not sdgs[10].chosen and sdgs[10].targets == ["10.2"]
    assert [(c.claim_id, c.amount, c.status, c.payers) for c in report.claims] == [
        (rw.claim_id, Decimal("1000.00"), "paid", "Gemeente A")
    ]
    assert [(loan.reference, loan.principal) for loan in report.loans] == [
        (rw.world.loan_a.reference, Decimal("10000.00"))
    ]
    assert all(line.chart is None for line in report.lines)


def test_social_value_of_a_rotterdam_investee_uses_the_reference_table_and_counts_months_in_work(app, rw, rsession):
    from fundapp.investees.models import Investee

    investee = rsession.get(Investee, rw.rotterdam_id)
    with app.test_request_context("/"):
        value = investee_report.build(rsession, investee, YEAR, "nl", NAMES, TODAY, with_charts=False).social
    assert (value.choice.region, value.choice.basis) == ("Utrecht", "default")
    assert value.table.valid_from == date(2022, 1, 1) and value.norm.valid_from == date(2025, 7, 1)
    lines = {line.situation: line for line in value.lines}
    # P-1: two quarters of 3 months, full time, on bijstand before: 40,000 × 6/12; the docs' worked example for 6 months.
    assert (lines["bijstand"].people, lines["bijstand"].months, lines["bijstand"].value) == (
        1,
        Decimal("6.00"),
        Decimal("20000.00"),
    )
    assert lines["bijstand"].avoided == Decimal("9643.84")
    # P-2: Wajong (not in the Utrecht table) counts as doelgroepregister; 45 of 90 days of Q1 at 18 hours.
    assert (lines["doelgroepregister"].months, lines["doelgroepregister"].value) == (
        Decimal("1.50"),
        Decimal("3125.00"),
    )
    assert lines["doelgroepregister"].avoided == Decimal("0.00")
    assert value.not_valued == {"situation_not_in_table": 1}  # P-3, "other benefit"
    assert (value.total_value, value.total_avoided, value.people) == (Decimal("23125.00"), Decimal("9643.84"), 2)


def test_payer_report_counts_results_paid_units_cost_per_outcome_payments_and_who_it_paid_for(app, rw, rsession):
    with app.test_request_context("/"):
        report = payer_report.build(rsession, rw.world.payer_a, YEAR, "nl", TODAY)
    item = next(i for i in report.items if i.contract == "RF-REPORT" and i.code == "JOB-START")
    assert (item.results, item.units_verified, item.units_paid, item.paid) == (2, 2, 1, Decimal("1000.00"))
    assert item.cost_per_outcome == Decimal("1000.00") and report.cost_per_outcome == Decimal("1000.00")
    assert [(p.paid_on, p.reference, p.amount) for p in report.payments] == [
        (date(2026, 4, 15), "BANK-1", Decimal("1000.00"))
    ]
    assert report.participants_paid == 1
    assert [(line.situation, line.value) for line in report.social.lines] == [("bijstand", Decimal("20000.00"))]
    assert report.value_per_euro == Decimal("20.00")
    budget = next(b for b in report.budgets if b.contract == "RF-REPORT")
    assert (budget.row.approved, budget.row.paid) == (Decimal("1000.00"), Decimal("1000.00"))
    with app.test_request_context("/"):
        other = payer_report.build(rsession, rw.world.payer_b, YEAR, "nl", TODAY)
    assert other.payments == [] and all(row.contract.reference != "RF-REPORT" for row in other.contracts)


def test_a_period_that_is_not_a_year_half_or_quarter_is_refused_naming_the_period_field():
    with pytest.raises(ValidationFailed) as refused:
        report_period("2026-Q5")
    assert refused.value.details[0]["field"] == "period"
    assert report_period(None, date(2027, 3, 1)) == Period(2027, "")


def test_a_year_covers_its_halves_and_quarters_and_the_loan_book_date_is_never_in_the_future():
    assert covered_labels(Period.parse("2026")) == ["2026", "2026-H1", "2026-H2"] + [f"2026-Q{q}" for q in range(1, 5)]
    assert covered_labels(Period.parse("2026-H2")) == ["2026-H2", "2026-Q3", "2026-Q4"]
    assert covered_labels(Period.parse("2026-Q3")) == ["2026-Q3"]
    assert as_of(Period.parse("2026"), date(2026, 5, 1)) == date(2026, 5, 1)
    assert as_of(Period.parse("2025-Q4"), date(2026, 5, 1)) == date(2025, 12, 31)


def test_rules_combine_one_investees_periods_first_then_the_investees():
    rows = [(1, "2026-Q1", 7, Decimal("10")), (1, "2026-Q2", 7, Decimal("20")), (2, "2026-Q1", 7, Decimal("40"))]
    frame = frames.values_frame(rows)
    assert frames.totals(frame, {7: "sum"})[7] == (Decimal("70"), 2)
    assert frames.totals(frame, {7: "latest"})[7] == (Decimal("60"), 2)
    assert frames.totals(frame, {7: "average"})[7] == (Decimal("27.5000"), 2)  # mean(15, 40), not mean(10, 20, 40)
    assert frames.totals(frames.values_frame([]), {7: "sum"}) == {}


def test_the_table_follows_the_region_or_municipality_and_the_situation_follows_the_benefit():
    tables = rules.BOUWBLOKKEN_SEED
    assert social.choose_region("", "Leiderdorp", tables) == social.TableChoice("Leiden", "municipality", "Leiderdorp")
    assert social.choose_region("Leiden", "Katwijk", tables).basis == "region"
    assert social.choose_region("", "Zeist", tables).region == "Utrecht"
    assert social.choose_region("Rijnmond", "Rotterdam", tables) == social.TableChoice(
        "Utrecht", "default", "Rotterdam"
    )
    leiden = rules.pick_table(tables, "Leiden", date(2026, 1, 1))
    utrecht = rules.pick_table(tables, "Utrecht", date(2026, 1, 1))
    assert social.situation_for("wajong", leiden) == "wajong"
    assert social.situation_for("wajong", utrecht) == "doelgroepregister"
    assert social.situation_for("ioaw", utrecht) == "bijstand"
    assert social.situation_for(None, utrecht) == "none"
    assert social.situation_for("other", utrecht) is None


def test_months_count_from_the_start_date_within_the_period_and_people_are_recognised_across_quarters():
    assert social.months_in("2026-Q1", date(2025, 6, 1)) == Decimal("3.00")
    assert social.months_in("2026-Q1", date(2026, 2, 15)) == Decimal("1.50")
    assert social.months_in("2026", date(2026, 7, 1)) == Decimal("6.05")  # 184 of 365 days × 12
    rows = [
        ParticipantRow(1, "2026-Q1", "p-9", date(2026, 1, 1), "ww", Decimal("20")),
        ParticipantRow(1, "2026-Q2", "P-9", date(2026, 1, 1), "ww", Decimal("30")),
        ParticipantRow(2, "2026-Q1", "P-9", date(2026, 1, 1), None, None),
    ]
    spans = social.people(rows)
    assert len(spans) == 2
    assert (spans[0].months, spans[0].hours) == (Decimal("6.00"), Decimal("25.00"))
    value = social.social_value(rows, Period.parse("2026"), "", "Leiden")
    assert value.not_valued == {"no_hours": 1}
    assert [(line.situation, line.value) for line in value.lines] == [
        ("ww", Decimal("5208.33"))
    ]  # 15,000 × 25/36 × 6/12


def test_fund_reports_impact_figures_are_those_the_pandas_roll_up_gives_for_every_fund_and_period(app, rw, rsession):
    """The one-pass roll-up (rollup.py) against frames, the pandas roll-up the report used before, on the
    database's rows: two funds, an investee without data, a half-year report beside quarters, a correction."""
    with app.test_request_context("/"):
        make_investee(rsession, rw.world.fund_a, name="Zonder Cijfers BV", municipality="Schiedam")
        half = make_investee(rsession, rw.world.fund_a, name="Halfjaar BV", municipality="Utrecht")
        plan = make_plan(rsession, half, CODES)
        plan.frequency, plan.first_period = Frequency.HALF_YEARLY, "2026-H1"  # its report is a half year's
        make_submission(rsession, half, "2026-H1", "approved", values=_values(3, 1, 15))
        rsession.flush()
        for fund, label in [(f, p) for f in (rw.world.fund_a, rw.world.fund_b) for p in ("2026", "2026-H1", "2026-Q2")]:
            period = Period.parse(label)
            report = fund_report.build(rsession, fund, period, "nl", TODAY)
            ids, labels = queries.fund_investee_ids(fund.id), covered_labels(period)
            extra = {i.id: {"municipality": i.municipality} for i in report.investees}
            frame = frames.values_frame(queries.kpi_rows(rsession, ids, labels), extra)
            targets = frames.values_frame(queries.target_rows(rsession, ids, labels), extra)
            rule_of = {line.indicator_id: line.rule for line in report.impact}

            assert {line.indicator_id: (str(line.value), line.investees) for line in report.impact} == {
                indicator: (str(value), count) for indicator, (value, count) in frames.totals(frame, rule_of).items()
            } | dict.fromkeys(set(rule_of) - set(frames.totals(frame, rule_of)), ("0.00", 0))
            assert {line.indicator_id: str(line.target) for line in report.impact if line.target is not None} == {
                indicator: str(value) for indicator, (value, _n) in frames.totals(targets, rule_of).items()
            }
            assert [
                (group.name, line.indicator_id, str(line.value), line.investees)
                for group in report.municipalities
                for line in group.lines
            ] == [(g, i, str(v), n) for g, i, v, n in frames.grouped_totals(frame, rule_of, "municipality")]
            assert {k: str(v) for k, v in report.by_period.items()} == {
                k: str(v) for k, v in frames.per_period(frame, rule_of).items()
            }
            assert {k: str(v) for k, v in report.by_investee.items()} == {
                k: str(v) for k, v in frames.per_investee(frame, rule_of).items()
            }
            assert report.periods == sorted(
                set(frame["period"]), key=lambda p: (Period.parse(p).start, Period.parse(p).end)
            )
        assert "2026-H1" in fund_report.build(rsession, rw.world.fund_a, YEAR, "nl", TODAY).periods
