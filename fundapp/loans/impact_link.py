"""Impact-linked interest: when an approved KPI report meets a named indicator's target, the loan's rate drops.

The discount (percentage points, never below 0 %) applies from the next
installment due after the approval date; the schedule from there is recomputed
and the interest saved is recorded on the loan.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp import audit, clock
from fundapp.loans import services
from fundapp.loans.models import Loan, LoanStatus
from fundapp.money import ZERO


def _total_interest(loan: Loan) -> Decimal:
    return sum((i.interest_due for i in loan.installments), ZERO)


def apply_discounts(session: Session, actor: audit.Who, submission: Any) -> list[Loan]:
    from fundapp.impact.models import ImpactPlan

    loans = list(
        session.scalars(
            select(Loan).where(
                Loan.investee_id == submission.investee_id,
                Loan.status == LoanStatus.ACTIVE,
                Loan.impact_indicator_code.is_not(None),
                Loan.impact_discount_applied_on.is_(None),
            )
        )
    )
    if not loans:
        return []
    plan = session.scalar(select(ImpactPlan).where(ImpactPlan.investee_id == submission.investee_id))
    values = {v.indicator.code: v.value for v in submission.values}
    applied = []
    for loan in loans:
        code, points = loan.impact_indicator_code, loan.impact_discount_points
        item = next((pi for pi in (plan.indicators if plan else []) if pi.indicator.code == code), None)
        target = item.target_for(submission.period) if item else None
        if points is None or target is None or code not in values or values[code] < target:
            continue
        before = _total_interest(loan)
        new_rate = max(loan.annual_rate - points, ZERO)
        services.change_rate(
            session,
            actor,
            loan,
            clock.today(),
            new_rate,
            f"impact-linked discount: {code} {values[code]} met the target {target} for {submission.period}",
        )
        session.refresh(loan)
        loan.impact_discount_applied_on = clock.today()
        loan.impact_discount_period = submission.period
        loan.impact_discount_saving = before - _total_interest(loan)
        session.flush()
        audit.record(
            session,
            actor,
            "loan.impact_discount_applied",
            loan,
            {
                "rate": [loan.annual_rate, new_rate],
                "saving": [None, loan.impact_discount_saving],
                "period": [None, submission.period],
            },
        )
        applied.append(loan)
    return applied


def on_submission_approved(submission: Any, *, session: Session, actor: audit.Who) -> None:
    apply_discounts(session, actor, submission)
