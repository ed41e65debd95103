"""The rows reports are made of, read in a fixed number of queries whatever the number of investees or values.

Every KPI figure comes from the latest approved version of an investee's
report for a period: a correction that is approved later replaces the earlier
approval, which stays in the database with status ``approved``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Numeric, and_, cast, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from fundapp.cofinancing import shares
from fundapp.impact.models import (
    ImpactPlan,
    Indicator,
    Participant,
    PlanIndicator,
    PlanTarget,
    Submission,
    SubmissionStatus,
    SubmissionValue,
)
from fundapp.investees.models import Investee, InvesteeSdg, investee_themes
from fundapp.loans import portfolio as book
from fundapp.loans.models import Loan
from fundapp.outcomes.models import Claim, ClaimPayerSplit, ClaimStatus, ContractPayer, OutcomeContract
from fundapp.payers.models import OutcomePayer

EARNED = (ClaimStatus.APPROVED, ClaimStatus.PARTLY_APPROVED, ClaimStatus.PAID)


def _latest_approved(investee_ids: Any, labels: list[str]) -> Any:
    """(id, investee_id, period) of the latest approved version per investee and period."""
    newest = (
        select(Submission.investee_id, Submission.period, func.max(Submission.version).label("version"))
        .where(
            Submission.status == SubmissionStatus.APPROVED,
            Submission.investee_id.in_(investee_ids),
            Submission.period.in_(labels),
        )
        .group_by(Submission.investee_id, Submission.period)
        .subquery()
    )
    return (
        select(Submission.id, Submission.investee_id, Submission.period)
        .join(
            newest,
            and_(
                newest.c.investee_id == Submission.investee_id,
                newest.c.period == Submission.period,
                newest.c.version == Submission.version,
            ),
        )
        .subquery()
    )


def kpi_rows(
    session: Session, investee_ids: Any, labels: list[str], units: bool = False
) -> Sequence[tuple[int, str, int, Any]]:
    """(investee_id, period, indicator_id, value) of the approved reports of those periods (one query).

    The rows as read (tuple-like; a fund's report reads tens of thousands: no copies). ``units``: each value as
    whole ten-thousandths (``_units``).
    """
    approved = _latest_approved(investee_ids, labels)
    value = _units(session, SubmissionValue.value) if units else SubmissionValue.value
    query = select(approved.c.investee_id, approved.c.period, SubmissionValue.indicator_id, value).join(
        SubmissionValue, SubmissionValue.submission_id == approved.c.id
    )
    return _read(session, query, units)


def target_rows(
    session: Session, investee_ids: Any, labels: list[str], units: bool = False
) -> Sequence[tuple[int, str, int, Any]]:
    """(investee_id, period, indicator_id, target) of the plans, for those periods (one query); ``units``: as
    ``kpi_rows``."""
    target = _units(session, PlanTarget.target) if units else PlanTarget.target
    query = (
        select(ImpactPlan.investee_id, PlanTarget.period, PlanIndicator.indicator_id, target)
        .join(PlanIndicator, PlanIndicator.id == PlanTarget.plan_indicator_id)
        .join(ImpactPlan, ImpactPlan.id == PlanIndicator.plan_id)
        .where(ImpactPlan.investee_id.in_(investee_ids), PlanTarget.period.in_(labels))
    )
    return _read(session, query, units)


def _units(session: Session, column: Any) -> Any:
    """A ``Quantity`` column as an integer of its smallest unit (ten-thousandths): exact, as it is stored.

    SQLite holds the scaled integer itself (``fundapp.db.ExactDecimal``); PostgreSQL scales its numeric.
    """
    if session.get_bind().dialect.name == "sqlite":
        return type_coerce(column, BigInteger)
    return cast(type_coerce(column, Numeric()) * 10**column.type.scale, BigInteger)


def _read(session: Session, query: Any, plain: bool) -> Sequence[Any]:
    """The rows of ``query``; ``plain``: on the session's connection, without the ORM's work per row (plain
    columns only; flushed first, as ``session.execute`` would)."""
    if not plain:
        return session.execute(query).all()
    session.flush()
    return session.connection().execute(query).all()


@dataclass(frozen=True)
class ParticipantRow:
    investee_id: int
    period: str
    reference: str
    start_date: date
    benefit_type: str | None
    hours_per_week: Decimal | None


def participant_rows(session: Session, investee_ids: Any, labels: list[str]) -> list[ParticipantRow]:
    """The participant rows of the approved reports of those periods (one query)."""
    approved = _latest_approved(investee_ids, labels)
    rows = session.execute(
        select(
            approved.c.investee_id,
            approved.c.period,
            Participant.reference,
            Participant.start_date,
            Participant.benefit_type,
            Participant.hours_per_week,
        ).join(Participant, Participant.submission_id == approved.c.id)
    ).all()
    return [ParticipantRow(*row) for row in rows]


def indicators(session: Session, ids: Iterable[int]) -> dict[int, Indicator]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {i.id: i for i in session.scalars(select(Indicator).where(Indicator.id.in_(wanted)))}


@dataclass(frozen=True)
class InvesteeInfo:
    id: int
    name: str
    municipality: str
    themes: frozenset[str]
    sdgs: frozenset[int]


def fund_investees(session: Session, fund_id: int) -> list[InvesteeInfo]:
    """The fund's investees with their themes and SDGs, as plain rows (three queries, no objects to build)."""
    ids = fund_investee_ids(fund_id)
    themes: dict[int, set[str]] = {}
    for investee_id, code in session.execute(
        select(investee_themes.c.investee_id, investee_themes.c.theme_code).where(
            investee_themes.c.investee_id.in_(ids)
        )
    ):
        themes.setdefault(investee_id, set()).add(code)
    sdgs: dict[int, set[int]] = {}
    for investee_id, sdg in session.execute(
        select(InvesteeSdg.investee_id, InvesteeSdg.sdg).where(InvesteeSdg.investee_id.in_(ids))
    ):
        sdgs.setdefault(investee_id, set()).add(sdg)
    rows = session.execute(
        select(Investee.id, Investee.name, Investee.municipality)
        .where(Investee.fund_id == fund_id)
        .order_by(Investee.name, Investee.id)
    ).all()
    return [
        InvesteeInfo(i, name, municipality or "–", frozenset(themes.get(i, ())), frozenset(sdgs.get(i, ())))
        for i, name, municipality in rows
    ]


def fund_investee_ids(fund_id: int) -> Any:
    return select(Investee.id).where(Investee.fund_id == fund_id)


@dataclass(frozen=True)
class ClaimRow:
    claim_id: int
    investee: str
    contract: str
    reference: str
    payers: str
    period: str
    status: str
    amount: Decimal
    paid_on: date | None
    payment_reference: str
    paid: Decimal = Decimal("0.00")  # what the payers have paid of it so far (each payer pays its own part)


def claim_rows(session: Session, clause: Any, latest: int | None = None) -> list[ClaimRow]:
    """Claims with their contract, investee and payers (two queries); ``latest``: only the newest so many."""
    query = (
        select(
            Claim.id,
            Investee.name,
            OutcomeContract.name,
            OutcomeContract.reference,
            OutcomeContract.id,
            Claim.period,
            Claim.status,
            Claim.approved_amount,
            Claim.paid_on,
            Claim.payment_reference,
            _paid_parts(),
        )
        .join(OutcomeContract, OutcomeContract.id == Claim.contract_id)
        .join(Investee, Investee.id == Claim.investee_id)
        .where(clause)
        .order_by(Claim.period, OutcomeContract.reference, Claim.id)
    )
    if latest is not None:
        query = query.order_by(None).order_by(Claim.id.desc()).limit(latest)
    rows = session.execute(query).all()
    payers = _payer_names(session, {row[4] for row in rows})
    return [
        ClaimRow(
            cid,
            inv,
            name,
            ref,
            payers.get(contract_id, ""),
            period,
            status.value,
            amount or Decimal("0.00"),
            paid_on,
            pref,
            paid or Decimal("0.00"),
        )
        for cid, inv, name, ref, contract_id, period, status, amount, paid_on, pref, paid in rows
    ]


def _paid_parts() -> Any:
    """The sum of a claim's parts its payers have paid, read back through the money type (cents on SQLite)."""
    return (
        select(func.sum(ClaimPayerSplit.amount))
        .where(ClaimPayerSplit.claim_id == Claim.id, ClaimPayerSplit.paid_on.is_not(None))
        .scalar_subquery()
    )


def _payer_names(session: Session, contract_ids: set[int]) -> dict[int, str]:
    if not contract_ids:
        return {}
    names: dict[int, list[str]] = {}
    for contract_id, name in session.execute(
        select(ContractPayer.contract_id, OutcomePayer.name)
        .join(OutcomePayer, OutcomePayer.id == ContractPayer.payer_id)
        .where(ContractPayer.contract_id.in_(sorted(contract_ids)))
        .order_by(ContractPayer.id)
    ):
        names.setdefault(contract_id, []).append(name)
    return {contract_id: ", ".join(found) for contract_id, found in names.items()}


def investee_claims(session: Session, investee_id: int, labels: list[str], *seen: Any) -> list[ClaimRow]:
    """Outcome payments earned: the investee's approved or paid claims for periods inside the report period;
    ``seen`` narrows them to the claims the reader may see (a payer's officer: those on its own contracts)."""
    return claim_rows(
        session, and_(Claim.investee_id == investee_id, Claim.status.in_(EARNED), Claim.period.in_(labels), *seen)
    )


def fund_payments(session: Session, fund_id: int, start: date, end: date) -> list[ClaimRow]:
    """Outcome payments received by the fund's investees within the dates: each payer's payment of its part."""
    rows = session.execute(
        select(
            Claim.id,
            Investee.name,
            OutcomeContract.name,
            OutcomeContract.reference,
            OutcomePayer.name,
            Claim.period,
            Claim.status,
            ClaimPayerSplit.amount,
            ClaimPayerSplit.paid_on,
            ClaimPayerSplit.payment_reference,
        )
        .join(Claim, Claim.id == ClaimPayerSplit.claim_id)
        .join(OutcomePayer, OutcomePayer.id == ClaimPayerSplit.payer_id)
        .join(OutcomeContract, OutcomeContract.id == Claim.contract_id)
        .join(Investee, Investee.id == Claim.investee_id)
        .where(
            Claim.investee_id.in_(fund_investee_ids(fund_id)),
            ClaimPayerSplit.paid_on >= start,
            ClaimPayerSplit.paid_on <= end,
        )
        .order_by(ClaimPayerSplit.paid_on, Claim.id, ClaimPayerSplit.id)
    ).all()
    return [
        ClaimRow(cid, inv, name, ref, payer, period, status.value, amount, paid_on, pref, amount)
        for cid, inv, name, ref, payer, period, status, amount, paid_on, pref in rows
    ]


@dataclass(frozen=True)
class LoanRow:
    loan_id: int
    reference: str
    investee: str
    municipality: str
    status: str
    principal: Decimal
    outstanding: Decimal
    days_past_due: int
    bucket: str
    written_off: Decimal
    written_off_on: date | None
    investee_id: int = 0
    subordinated: bool = False


def loan_rows(session: Session, fund_id: int, as_of: date, investee_id: int | None = None, *seen: Any) -> list[LoanRow]:
    """The fund's loans (or one investee's) as of the date: outstanding, days past due (four queries). A syndicated
    loan is in the report of every fund with a share of it, with that fund's share outstanding and written off.
    ``seen`` narrows them to the loans the reader may see."""
    query = (
        select(Loan, Investee.name, Investee.municipality)
        .join(Investee, Investee.id == Loan.investee_id)
        .where(or_(Loan.fund_id == fund_id, Loan.id.in_(shares.taken_part_in(fund_id))), *seen)
        .order_by(Investee.name, Loan.reference)
    )
    if investee_id is not None:
        query = query.where(Loan.investee_id == investee_id)
    loans = session.execute(query).all()
    outstanding = book.outstanding_on(session, fund_id, as_of)
    gone = book.written_off_on(session, fund_id, as_of)
    arrears = book.loan_arrears(session, [loan.id for loan, _n, _m in loans if loan.id in outstanding], as_of)
    return [
        _loan_row(loan, name, municipality, outstanding, gone, arrears, as_of) for loan, name, municipality in loans
    ]


def _loan_row(
    loan: Loan, name: str, municipality: str, outstanding: dict, written_off: dict, arrears: dict, as_of: date
) -> LoanRow:
    zero = Decimal("0.00")
    amount = outstanding.get(loan.id, zero)
    gone = loan.written_off_on is not None and loan.written_off_on <= as_of
    days = arrears[loan.id].days_past_due if loan.id in arrears and not gone and amount > 0 else 0
    return LoanRow(
        loan_id=loan.id,
        reference=loan.reference,
        investee=name,
        municipality=municipality,
        status=loan.status.value,
        principal=loan.principal,
        outstanding=amount,
        days_past_due=days,
        bucket=book.bucket_name(days),
        written_off=written_off.get(loan.id, zero) if gone else zero,
        written_off_on=loan.written_off_on if gone else None,
        investee_id=loan.investee_id,
        subordinated=loan.subordinated,
    )
