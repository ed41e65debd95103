"""Co-financing: the verbs. They check, change state and audit; they never commit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.auth.policy import Scope, takes_part
from fundapp.cofinancing.models import FinancingRound, LoanParticipation, RoundParticipant
from fundapp.errors import Conflict, Forbidden, ValidationFailed
from fundapp.funds.models import Fund
from fundapp.investees.models import Investee
from fundapp.loans.models import Loan

HUNDRED = Decimal("100")


def _unknown_funds(session: Session, rows: list[dict[str, Any]], field: str) -> None:
    wanted = {row["fund_id"] for row in rows if row.get("fund_id") is not None}
    known = set(session.scalars(select(Fund.id).where(Fund.id.in_(wanted)))) if wanted else set()
    if wanted - known:
        raise ValidationFailed.field(field, "One of the funds named does not exist.")


def create_round(
    session: Session, actor: audit.Who, scope: Scope, investee: Investee, data: dict[str, Any]
) -> FinancingRound:
    """Record a financing round; its author manages a fund that takes part (an administrator may record any)."""
    rows = data["participants"]
    funds = {row["fund_id"] for row in rows if row.get("fund_id") is not None}
    if not takes_part(scope, funds):
        raise Forbidden("Only a manager of a fund that takes part in the round may record it.")
    _unknown_funds(session, rows, "participants")
    loan_ids = {row["loan_id"] for row in rows if row.get("loan_id") is not None}
    if loan_ids:
        found = set(session.scalars(select(Loan.id).where(Loan.id.in_(loan_ids), Loan.investee_id == investee.id)))
        if loan_ids - found:
            raise ValidationFailed.field("participants", "A linked loan must be a loan to this enterprise.")
    financing_round = FinancingRound(
        investee_id=investee.id,
        name=data["name"],
        on=data["on"],
        notes=data.get("notes", ""),
        created_by_id=getattr(actor, "id", None),
        participants=[
            RoundParticipant(
                fund_id=row.get("fund_id"),
                party_name=row.get("party_name") or "",
                party_kind=row.get("party_kind"),
                instrument=row["instrument"],
                amount=row["amount"],
                loan_id=row.get("loan_id"),
            )
            for row in rows
        ],
    )
    session.add(financing_round)
    session.flush()
    audit.record(
        session,
        actor,
        "financing_round.created",
        financing_round,
        {
            "investee_id": [None, investee.id],
            "name": [None, financing_round.name],
            "date": [None, financing_round.on],
            "participants": [None, [_described(p) for p in financing_round.participants]],
        },
    )
    return financing_round


def _described(row: RoundParticipant | LoanParticipation) -> dict[str, Any]:
    described = {"fund_id": row.fund_id, "party_name": row.party_name, "party_kind": row.party_kind}
    if isinstance(row, RoundParticipant):
        return {**described, "instrument": row.instrument, "amount": row.amount, "loan_id": row.loan_id}
    return {**described, "percentage": row.percentage}


def participations_of(session: Session, loan: Loan) -> list[LoanParticipation]:
    return list(
        session.scalars(
            select(LoanParticipation).where(LoanParticipation.loan_id == loan.id).order_by(LoanParticipation.id)
        )
    )


def set_participations(session: Session, actor: audit.Who, loan: Loan, rows: list[dict[str, Any]]) -> Loan:
    """Syndicate a loan (or, with no rows, make it its fund's alone again), before any money has moved.

    The parties' percentages sum to exactly 100 and the lead (the loan's fund, which services it) is one of them:
    it takes what rounding leaves (``fundapp.cofinancing.shares``).
    """
    if loan.disbursed > 0:
        raise Conflict(
            "The participations are set before the first disbursement: the shares of money already moved would change."
        )
    if rows:
        total = sum((row["percentage"] for row in rows), Decimal("0"))
        if total != HUNDRED:
            raise ValidationFailed.field("participations", "The percentages must sum to exactly 100.")
        funds = [row["fund_id"] for row in rows if row.get("fund_id") is not None]
        if len(set(funds)) != len(funds):
            raise ValidationFailed.field("participations", "Name each fund once.")
        if loan.fund_id not in funds:
            raise ValidationFailed.field(
                "participations", "The loan's own fund leads and services it: give it its percentage too."
            )
        _unknown_funds(session, rows, "participations")
    before = [_described(p) for p in participations_of(session, loan)]
    session.execute(delete(LoanParticipation).where(LoanParticipation.loan_id == loan.id))
    session.add_all(
        LoanParticipation(
            loan_id=loan.id,
            fund_id=row.get("fund_id"),
            party_name=row.get("party_name") or "",
            party_kind=row.get("party_kind"),
            percentage=row["percentage"],
        )
        for row in rows
    )
    session.flush()
    after = [_described(p) for p in participations_of(session, loan)]
    audit.record(session, actor, "loan.participations_set", loan, {"participations": [before, after]})
    return loan
