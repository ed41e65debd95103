"""The home page's panels per role: a fixed number of queries per panel, whatever the number of rows behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import Session

from fundapp import datacache
from fundapp.auth.policy import Scope, memberships, never
from fundapp.cofinancing.models import LoanParticipation
from fundapp.funds.models import Fund
from fundapp.i18n import unit_label
from fundapp.impact import plans
from fundapp.impact.models import Submission, SubmissionStatus
from fundapp.impact.periods import Frequency, Period, due_date
from fundapp.investees.models import Investee
from fundapp.loans import portfolio as book
from fundapp.loans.models import Loan, LoanStatus
from fundapp.money import round_cent, round_places
from fundapp.outcomes.budget import payer_commitment
from fundapp.outcomes.claim_totals import CLAIMED, NOT_REJECTED, payer_amounts
from fundapp.outcomes.models import Claim, ClaimPayerSplit, ClaimStatus, ContractPayer, OutcomeContract
from fundapp.payers.models import OutcomePayer
from fundapp.reports import charts, frames, queries
from fundapp.reports.periods import trend_window

ATTENTION = ("overdue", "due", "returned", "draft", "awaiting_review")
APPROVED = (ClaimStatus.APPROVED, ClaimStatus.PARTLY_APPROVED, ClaimStatus.PAID)
ZERO = Decimal("0.00")
AWAITING_SHOWN = 10  # claims awaiting approval on an officer's home page; the claims page lists them all


@dataclass
class KeyTrend:
    name: str
    unit: str
    periods: list[str]
    values: list[Decimal | None]
    chart: charts.Chart


@dataclass
class FundPanel:
    fund: Fund
    portfolio: book.Portfolio
    buckets_chart: charts.Chart
    reporting: dict[str, int]
    key: KeyTrend | None
    # A state with one report behind it leads to that report, not to a list of one.
    only_report: dict[str, int] = field(default_factory=dict)

    @property
    def loans_in_arrears(self) -> int:
        return sum(b["loans"] for name, b in self.portfolio.buckets.items() if name != "current")


def fund_panels(session: Session, scope: Scope, today: date, words: dict[str, Any], locale: str) -> list[FundPanel]:
    mine = memberships(scope, Fund)
    if never(mine):
        return []
    funds = session.scalars(select(Fund).where(mine).order_by(Fund.name)).all()
    return [_fund_panel(session, fund, today, words, locale) for fund in funds]


def _fund_panel(session: Session, fund: Fund, today: date, words: dict[str, Any], locale: str) -> FundPanel:
    position = book.portfolio(session, fund.id, today)
    counts, reports = datacache.cached(
        session, "reporting states", (fund.id, today), lambda: _reporting_states(session, fund.id, today)
    )
    chart = charts.bar_chart(
        words["buckets"],
        [words["bucket"](b) for b in book.BUCKETS],
        [(words["outstanding"], [position.buckets[b]["outstanding"] for b in book.BUCKETS])],
        locale,
        width=4.6,
        height=2.3,
    )
    only = {state: sid for state, sid in reports.items() if counts[state] == 1 and sid is not None}
    # The words are the locale's: the trend is a function of the data, the day and the locale.
    key = datacache.cached(
        session, "key trend", (fund.id, today, locale), lambda: _key_trend(session, fund.id, today, words, locale)
    )
    return FundPanel(fund, position, chart, dict(counts), key, only)


def _reporting_states(session: Session, fund_id: int, today: date) -> tuple[dict[str, int], dict[str, int | None]]:
    """How many of the fund's investees' reports are in each state, and the last report of each state."""
    listed = Investee.fund_id == fund_id
    investees = session.execute(select(Investee.id, Investee.name).where(listed)).all()
    counts: dict[str, int] = {}
    reports: dict[str, int | None] = {}
    for row in plans.reporting_status(session, investees, today, select(Investee.id).where(listed)):
        counts[row.state] = counts.get(row.state, 0) + 1
        reports[row.state] = row.submission_id
    return counts, reports


def _key_trend(session: Session, fund_id: int, today: date, words: dict[str, Any], locale: str) -> KeyTrend | None:
    """The indicator most of the fund's investees report, over the last eight quarters, added up by its rule."""
    window = [str(p) for p in trend_window(Period.containing(today, Frequency.QUARTERLY), Frequency.QUARTERLY)]
    frame = frames.values_frame(queries.kpi_rows(session, queries.fund_investee_ids(fund_id), window))
    if frame.empty:
        return None
    reach = frame.groupby("indicator_id")["investee_id"].nunique()
    top = int(sorted(reach.items(), key=lambda pair: (-pair[1], pair[0]))[0][0])
    indicator = queries.indicators(session, [top])[top]
    series = frames.per_period(frame[frame["indicator_id"] == top], {top: indicator.aggregation.value})
    values = [series.get((top, label)) for label in window]
    name = indicator.name(locale)
    chart = charts.trend_chart(
        f"{name} ({unit_label(indicator.unit, locale)})",
        window,
        values,
        [None] * len(window),
        None,
        words["names"],
        locale,
    )
    return KeyTrend(name, indicator.unit, window, values, chart)


@dataclass
class AwaitingClaim:
    claim_id: int
    period: str
    amount: Decimal
    contract: str
    investee: str
    remaining: Decimal | None  # the payer's budget left on that contract


@dataclass
class PayerBudget:
    contract_id: int
    reference: str
    committed: Decimal | None
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    claimed: Decimal = ZERO  # submitted or decided, as budget.py counts it

    @property
    def remaining(self) -> Decimal | None:
        return None if self.committed is None else self.committed - self.approved

    @property
    def bar(self) -> charts.BudgetBar:
        return charts.BudgetBar(self.reference, self.committed, self.claimed, self.approved, self.paid)


@dataclass
class PayerPanel:
    payer: OutcomePayer
    awaiting: list[AwaitingClaim]  # the oldest AWAITING_SHOWN
    awaiting_total: int
    budgets: list[PayerBudget]
    chart: charts.Chart | None


def payer_panels(session: Session, scope: Scope, words: dict[str, Any], locale: str) -> list[PayerPanel]:
    mine = memberships(scope, OutcomePayer)
    if never(mine):
        return []
    payers = session.scalars(select(OutcomePayer).where(mine).order_by(OutcomePayer.name)).all()
    return [_payer_panel(session, payer, words, locale) for payer in payers]


def _payer_panel(session: Session, payer: OutcomePayer, words: dict[str, Any], locale: str) -> PayerPanel:
    budgets = _payer_budgets(session, payer.id)
    by_contract = {b.contract_id: b for b in budgets}
    contract_ids = select(ContractPayer.contract_id).where(
        ContractPayer.payer_id == payer.id, ContractPayer.accepted_at.is_not(None)
    )
    waiting = (Claim.status == ClaimStatus.SUBMITTED, Claim.contract_id.in_(contract_ids))
    total = session.scalar(select(func.count()).select_from(Claim).where(*waiting)) or 0
    rows = session.execute(
        select(Claim.id, Claim.period, Claim.total_payable, OutcomeContract.reference, Investee.name, Claim.contract_id)
        .join(OutcomeContract, OutcomeContract.id == Claim.contract_id)
        .join(Investee, Investee.id == Claim.investee_id)
        .where(*waiting)
        .order_by(Claim.submitted_at, Claim.id)
        .limit(AWAITING_SHOWN)
    ).all()
    awaiting = [
        AwaitingClaim(cid, period, amount, ref, name, by_contract[c].remaining if c in by_contract else None)
        for cid, period, amount, ref, name, c in rows
    ]
    chart = None
    if budgets:
        chart = charts.budget_chart(words["budget"], [b.bar for b in budgets], words["budget_parts"], locale, width=4.6)
    return PayerPanel(payer, awaiting, total, budgets, chart)


def _payer_budgets(session: Session, payer_id: int) -> list[PayerBudget]:
    """The payer's part of each contract: what it committed (budget.payer_commitment, as every budget table counts
    it), claimed, approved and paid (three queries)."""
    money = ClaimPayerSplit.amount.type  # SQLite keeps cents: every sum is read back through the money type
    contracts = session.execute(
        select(
            ContractPayer.contract_id,
            OutcomeContract.reference,
            ContractPayer.commitment,
            OutcomeContract.contract_cap,
            ContractPayer.share_percent,
        )
        .join(OutcomeContract, OutcomeContract.id == ContractPayer.contract_id)
        .where(ContractPayer.payer_id == payer_id, ContractPayer.accepted_at.is_not(None))
        .order_by(OutcomeContract.reference)
    ).all()
    budgets = {
        cid: PayerBudget(cid, ref, payer_commitment(commitment, cap, share))
        for cid, ref, commitment, cap, share in contracts
    }
    sums = session.execute(
        select(
            Claim.contract_id,
            func.sum(ClaimPayerSplit.amount),
            func.sum(
                case((ClaimPayerSplit.paid_on.is_not(None), ClaimPayerSplit.amount), else_=literal(0, type_=money)),
                type_=money,
            ),
        )
        .join(Claim, Claim.id == ClaimPayerSplit.claim_id)
        .where(ClaimPayerSplit.payer_id == payer_id, Claim.status.in_(APPROVED))
        .group_by(Claim.contract_id)
    ).all()
    for contract_id, approved, paid in sums:
        if contract_id in budgets:
            budgets[contract_id].approved = round_cent(approved)
            budgets[contract_id].paid = round_cent(paid)
    claimed = payer_amounts(
        session, Claim.contract_id, Claim.contract_id.in_(list(budgets)), Claim.status.in_(CLAIMED), NOT_REJECTED
    )
    for contract_id, parts in claimed.items():
        budgets[contract_id].claimed = round_cent(parts.get(str(payer_id), ZERO))
    return list(budgets.values())


@dataclass
class TargetLine:
    name: str
    unit: str
    actual: Decimal | None
    target: Decimal | None

    @property
    def achieved(self) -> Decimal | None:
        """Percent of the target reached, half-up to one decimal."""
        if self.actual is None or not self.target:
            return None
        return round_places(self.actual / self.target * 100, 1)


@dataclass
class InvesteePanel:
    investee: Investee
    due: list[plans.ReportingDue]
    installments: list[tuple[int, str, date, Decimal]]  # loan id, reference, due date, amount
    period: str | None
    targets: list[TargetLine]
    chart: charts.Chart | None
    claims: list[queries.ClaimRow] = field(default_factory=list)
    next_report: plans.ReportingDue | None = None


def investee_panels(
    session: Session, scope: Scope, today: date, words: dict[str, Any], locale: str
) -> list[InvesteePanel]:
    mine = memberships(scope, Investee)
    if never(mine):
        return []
    investees = session.scalars(select(Investee).where(mine).order_by(Investee.name)).all()
    return [_investee_panel(session, investee, today, words, locale) for investee in investees]


def _investee_panel(
    session: Session, investee: Investee, today: date, words: dict[str, Any], locale: str
) -> InvesteePanel:
    schedule = plans.reporting_status(session, [investee], today)
    due = [row for row in schedule if row.state in ATTENTION]
    loans = session.execute(
        select(Loan.id, Loan.reference).where(Loan.investee_id == investee.id, Loan.status == LoanStatus.ACTIVE)
    ).all()
    next_due = book.next_due(session, [loan_id for loan_id, _ in loans], today)
    installments = [(loan_id, ref, *next_due[loan_id]) for loan_id, ref in loans if loan_id in next_due]
    plan = plans.plan_of(session, investee)
    period, targets = _latest_targets(session, investee, plan, today, locale)
    chart = None
    shown = [(line.name, line.achieved) for line in targets if line.achieved is not None]
    if shown:
        chart = charts.bar_chart(
            words["achieved"],
            [name for name, _ in shown],
            [(words["achieved"], [achieved for _, achieved in shown])],
            locale,
            width=4.6,
            height=2.6,
        )
    claims = queries.claim_rows(session, (Claim.investee_id == investee.id) & (Claim.status != ClaimStatus.DRAFT), 10)
    return InvesteePanel(investee, due, installments, period, targets, chart, claims, _next_report(schedule, plan))


def _next_report(schedule: list[plans.ReportingDue], plan: Any) -> plans.ReportingDue | None:
    """The first report not yet sent in (due, late, a draft, returned, or the running period's), else the next
    period's: what the investee prepares next, with its due date."""
    if plan is None:
        return None
    open_ = [row for row in schedule if row.state in ("overdue", "due", "returned", "draft", "not_due_yet")]
    if open_:
        return open_[0]
    following = Period.parse(schedule[-1].period).next() if schedule else Period.parse(plan.first_period)
    return plans.ReportingDue(
        plan.investee_id, "", str(following), due_date(following, plan.due_days), "not_due_yet", None
    )


def _latest_targets(
    session: Session, investee: Investee, plan: Any, today: date, locale: str
) -> tuple[str | None, list[TargetLine]]:
    """The latest approved period: each planned indicator's value beside its target."""
    if plan is None:
        return None, []
    window = [str(p) for p in trend_window(Period.containing(today, plan.frequency), plan.frequency, 4)]
    rows = queries.kpi_rows(session, [investee.id], window)
    if not rows:
        return None, []
    latest = max((row[1] for row in rows), key=lambda label: Period.parse(label).start)
    values = {indicator_id: value for _i, label, indicator_id, value in rows if label == latest}
    return latest, [
        TargetLine(
            item.indicator.name(locale), item.indicator.unit, values.get(item.indicator_id), item.target_for(latest)
        )
        for item in plan.indicators
    ]


@dataclass
class FundWork:
    fund_id: int
    name: str
    active_loans: int
    reports_awaiting_review: int


@dataclass
class AdminCounts:
    figures: dict[str, int]
    funds: list[FundWork] = field(default_factory=list)


def admin_counts(session: Session) -> AdminCounts:
    """Everything in the installation in one query, and per fund what its lists hold in another."""

    def count(model: Any, *where: Any) -> Any:
        return select(func.count()).select_from(model).where(*where).scalar_subquery()

    row = session.execute(
        select(
            count(Fund),
            count(Investee),
            count(OutcomePayer),
            count(Claim, Claim.status == ClaimStatus.SUBMITTED),
        )
    ).one()
    keys = ("funds", "investees", "payers", "claims_awaiting")
    # As the fund's loan book lists them: its own loans and those of other funds it takes part in.
    taking_part = select(LoanParticipation.loan_id).where(LoanParticipation.fund_id == Fund.id).correlate(Fund)
    active = count(Loan, or_(Loan.fund_id == Fund.id, Loan.id.in_(taking_part)), Loan.status == LoanStatus.ACTIVE)
    submitted = count(
        Submission,
        Submission.status == SubmissionStatus.SUBMITTED,
        Submission.investee_id.in_(select(Investee.id).where(Investee.fund_id == Fund.id)),
    )
    funds = [
        FundWork(*work)
        for work in session.execute(select(Fund.id, Fund.name, active, submitted).order_by(Fund.name, Fund.id))
    ]
    return AdminCounts(dict(zip(keys, (int(v or 0) for v in row), strict=True)), funds)
