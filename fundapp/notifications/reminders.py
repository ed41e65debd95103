"""The day's reminders, as of a given day: KPI reports, installments and API tokens. Running them again tells no one.

Days are counted as in the Netherlands: a KPI report 14 days before its due date, on it and 7 days after it
when still not submitted; an installment 7 days before its due date, and 1 and 30 days after it when unpaid;
an API token 7 days before it expires.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fundapp.auth.models import ApiToken, User
from fundapp.clock import ZONE
from fundapp.impact.models import ImpactPlan, Submission, SubmissionStatus
from fundapp.impact.periods import Period
from fundapp.investees.models import Investee
from fundapp.loans.models import Loan, LoanInstallment, LoanStatus
from fundapp.notifications.events import link, managers_of, members_of, notify, recipients

KPI_REMINDERS = ((14, "kpi_due_soon"), (0, "kpi_due_today"), (-7, "kpi_overdue"))
MISSED_AFTER_DAYS = (1, 30)
INSTALLMENT_NOTICE_DAYS = 7
TOKEN_NOTICE_DAYS = 7
DONE = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)


def run_reminders(session: Session, day: date) -> dict[str, int]:
    """Tells everyone due a reminder on ``day``; answers how many were told, per kind."""
    counts: Counter[str] = Counter()
    _kpi_reports(session, day, counts)
    _installments(session, day, counts)
    _tokens(session, day, counts)
    return dict(counts)


def _kpi_reports(session: Session, day: date, counts: Counter[str]) -> None:
    for plan, investee in session.execute(select(ImpactPlan, Investee).join(Investee)).all():
        for days_before, kind in KPI_REMINDERS:
            due_on = day + timedelta(days=days_before)
            period_end = due_on - timedelta(days=plan.due_days)
            period = Period.containing(period_end, plan.frequency)
            if (
                period.end != period_end
                or period.start < Period.parse(plan.first_period).start
                or _reported(session, plan, period)
            ):
                continue
            owners = [members_of(investee.id)]
            if kind == "kpi_overdue":
                owners.append(managers_of(investee.fund_id))
            params = {"investee": investee.name, "period": str(period), "due_on": due_on.isoformat()}
            path = link("impact.investee_impact", investee_id=investee.id)
            counts[kind] += notify(session, recipients(session, *owners), kind, plan, path, params, day)


def _reported(session: Session, plan: ImpactPlan, period: Period) -> bool:
    query = select(Submission.id).where(
        Submission.investee_id == plan.investee_id, Submission.period == str(period), Submission.status.in_(DONE)
    )
    return session.scalar(query.limit(1)) is not None


def _installments(session: Session, day: date, counts: Counter[str]) -> None:
    soon = day + timedelta(days=INSTALLMENT_NOTICE_DAYS)
    missed = {day - timedelta(days=n): n for n in MISSED_AFTER_DAYS}
    query = (
        select(LoanInstallment, Loan, Investee)
        .join(Loan, Loan.id == LoanInstallment.loan_id)
        .join(Investee, Investee.id == Loan.investee_id)
        .where(
            Loan.status == LoanStatus.ACTIVE,
            LoanInstallment.due_date.in_([soon, *missed]),
            # Unpaid as of the day: paid later (a catch-up run) still counts as unpaid then.
            or_(LoanInstallment.settled_on.is_(None), LoanInstallment.settled_on > day),
        )
        .order_by(LoanInstallment.id)
    )
    for installment, loan, investee in session.execute(query).all():
        unpaid = installment.principal_due + installment.interest_due
        unpaid -= installment.principal_paid + installment.interest_paid
        params = {
            "loan": loan.reference,
            "investee": investee.name,
            "number": installment.number,
            "amount": str(unpaid),
            "due_on": installment.due_date.isoformat(),
        }
        path = link("loans.detail", loan_id=loan.id)
        if installment.due_date == soon:
            users = recipients(session, members_of(investee.id))
            counts["installment_due_soon"] += notify(
                session, users, "installment_due_soon", installment, path, params, day
            )
            continue
        days = missed[installment.due_date]
        users = recipients(session, members_of(investee.id), managers_of(loan.fund_id))
        counts["installment_missed"] += notify(
            session, users, "installment_missed", installment, path, {**params, "days": days}, day, f"-{days}"
        )


def _tokens(session: Session, day: date, counts: Counter[str]) -> None:
    start = datetime.combine(day + timedelta(days=TOKEN_NOTICE_DAYS), time(), ZONE)
    end = datetime.combine(day + timedelta(days=TOKEN_NOTICE_DAYS + 1), time(), ZONE)
    query = (
        select(ApiToken)
        .join(User, User.id == ApiToken.user_id)
        .where(
            User.active.is_(True),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at >= start,
            ApiToken.expires_at < end,
        )
        .order_by(ApiToken.id)
    )
    path = link("auth.tokens")
    for token in session.scalars(query):
        assert token.expires_at is not None
        params = {
            "name": token.name or token.prefix,
            "prefix": token.prefix,
            "expires_on": token.expires_at.astimezone(ZONE).date().isoformat(),
        }
        counts["token_expiring"] += notify(session, [token.user_id], "token_expiring", token, path, params, day)
