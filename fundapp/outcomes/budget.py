"""Budget use of a contract and of each payer: committed, claimed, approved, paid, remaining; the SIB investor."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp.money import ZERO, round_cent, round_places
from fundapp.outcomes.models import (
    Claim,
    ClaimLine,
    ClaimPayerSplit,
    ClaimStatus,
    ContractPayer,
    LineStatus,
    OutcomeContract,
)

APPROVED = (ClaimStatus.APPROVED, ClaimStatus.PARTLY_APPROVED, ClaimStatus.PAID)
CLAIMED = (ClaimStatus.SUBMITTED, *APPROVED)


@dataclass(frozen=True)
class BudgetRow:
    name: str
    payer_id: int | None
    committed: Decimal | None
    claimed: Decimal
    approved: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal | None:
        return None if self.committed is None else self.committed - self.approved

    @property
    def used_ratio(self) -> Decimal | None:
        """Approved ÷ committed, half-up to 4 decimals."""
        if not self.committed:
            return None
        return round_places(self.approved / self.committed, 4)


@dataclass(frozen=True)
class InvestorPosition:
    name: str
    capital: Decimal
    max_repayment: Decimal
    repaid: Decimal

    @property
    def outstanding(self) -> Decimal:
        return max(self.capital - self.repaid, ZERO)

    @property
    def return_amount(self) -> Decimal:
        return max(self.repaid - self.capital, ZERO)


@dataclass(frozen=True)
class Budget:
    contract: BudgetRow
    payers: list[BudgetRow]
    investor: InvestorPosition | None


def budget(session: Session, contract: OutcomeContract) -> Budget:
    claims = list(session.scalars(select(Claim).where(Claim.contract_id == contract.id, Claim.status.in_(CLAIMED))))
    # What was asked for: the lines not rejected by the payer (the same basis as each payer's row).
    claimed = sum((line.payable for c in claims for line in c.lines if line.status != LineStatus.REJECTED), ZERO)
    approved = sum((c.approved_amount or ZERO for c in claims if c.status in APPROVED), ZERO)
    paid = sum((c.approved_amount or ZERO for c in claims if c.status == ClaimStatus.PAID), ZERO)
    commitments = [p.commitment for p in contract.payers if p.commitment is not None]
    committed = contract.contract_cap
    if committed is None and commitments and len(commitments) == len(contract.payers):
        committed = sum(commitments, ZERO)
    rows = [_payer_row(session, contract, p) for p in contract.payers]
    return Budget(BudgetRow(contract.name, None, committed, claimed, approved, paid), rows, _investor(contract, paid))


def _payer_row(session: Session, contract: OutcomeContract, payer: ContractPayer) -> BudgetRow:
    key = str(payer.payer_id)
    lines = session.scalars(
        select(ClaimLine)
        .join(Claim, Claim.id == ClaimLine.claim_id)
        .where(Claim.contract_id == contract.id, Claim.status.in_(CLAIMED), ClaimLine.status != LineStatus.REJECTED)
    )
    claimed = sum((Decimal(a) for line in lines for p, a in line.by_payer or [] if p == key), ZERO)
    splits = list(
        session.scalars(
            select(ClaimPayerSplit)
            .join(Claim, Claim.id == ClaimPayerSplit.claim_id)
            .where(
                Claim.contract_id == contract.id, Claim.status.in_(APPROVED), ClaimPayerSplit.payer_id == payer.payer_id
            )
        )
    )
    approved = sum((s.amount for s in splits), ZERO)
    paid = sum((s.amount for s in splits if s.paid_on is not None), ZERO)
    return BudgetRow(payer.payer.name, payer.payer_id, payer.commitment, claimed, approved, paid)


def _investor(contract: OutcomeContract, paid: Decimal) -> InvestorPosition | None:
    # The investor is repaid from the outcome payments, up to capital plus the maximum return
    # (that ceiling half-up to the cent).
    if not contract.investor_name or contract.investor_capital is None:
        return None
    max_return = contract.investor_max_return_percent or ZERO
    ceiling = round_cent(contract.investor_capital * (1 + max_return / 100))
    return InvestorPosition(contract.investor_name, contract.investor_capital, ceiling, min(paid, ceiling))
