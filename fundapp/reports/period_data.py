"""Which periods a report has data for: approved KPI reports, decided claims, loan activity, payments.

Each subject's choice costs a fixed number of queries: the periods named by reports and claims, and the months
(not the days) of dated activity, so a busy loan book answers a few dozen rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import extract, select
from sqlalchemy.orm import Session

from fundapp.impact.models import Submission, SubmissionStatus
from fundapp.impact.periods import Period
from fundapp.investees.models import Investee
from fundapp.loans.models import Loan, LoanEvent
from fundapp.outcomes.models import Claim, ClaimPayerSplit, ClaimStatus, ContractPayer, OutcomeResult, ResultStatus
from fundapp.reports.periods import period_choices

DECIDED = (ClaimStatus.APPROVED, ClaimStatus.PARTLY_APPROVED, ClaimStatus.PAID)


def investee_periods(session: Session, investee_id: int, current: Period) -> list[Period]:
    of_investee = Submission.investee_id == investee_id
    labels = _labels(session, of_investee, Claim.investee_id == investee_id)
    loans = select(Loan.id).where(Loan.investee_id == investee_id)
    return period_choices(labels, _months(session, LoanEvent.on, LoanEvent.loan_id.in_(loans)), current)


def fund_periods(session: Session, fund_id: int, current: Period) -> list[Period]:
    investees = select(Investee.id).where(Investee.fund_id == fund_id)
    labels = _labels(session, Submission.investee_id.in_(investees), Claim.investee_id.in_(investees))
    return period_choices(labels, _months(session, LoanEvent.on, LoanEvent.fund_id == fund_id), current)


def payer_periods(session: Session, payer_id: int, current: Period) -> list[Period]:
    accepted = select(ContractPayer.contract_id).where(
        ContractPayer.payer_id == payer_id, ContractPayer.accepted_at.is_not(None)
    )
    claims = session.scalars(
        select(Claim.period).where(Claim.contract_id.in_(accepted), Claim.status.in_(DECIDED)).distinct()
    ).all()
    months = _months(session, ClaimPayerSplit.paid_on, ClaimPayerSplit.payer_id == payer_id) + _months(
        session,
        OutcomeResult.achieved_on,
        OutcomeResult.contract_id.in_(accepted),
        OutcomeResult.status == ResultStatus.VERIFIED,
    )
    return period_choices(claims, months, current)


def _labels(session: Session, submissions: Any, claims: Any) -> list[str]:
    approved = select(Submission.period).where(submissions, Submission.status == SubmissionStatus.APPROVED)
    decided = select(Claim.period).where(claims, Claim.status.in_(DECIDED))
    return list(session.scalars(approved.union(decided)))


def _months(session: Session, column: Any, *where: Any) -> list[tuple[int, int]]:
    year, month = extract("year", column), extract("month", column)
    rows = session.execute(select(year, month).where(column.is_not(None), *where).distinct()).all()
    return [(int(y), int(m)) for y, m in rows]
