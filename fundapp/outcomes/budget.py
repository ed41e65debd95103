"""Budget use of a contract and of each payer: committed, claimed, approved, paid, remaining; the SIB investor."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp.money import ZERO, round_cent, round_places
from fundapp.outcomes.claim_totals import APPROVED, CLAIMED, NOT_REJECTED, payer_amounts
from fundapp.outcomes.models import Claim, ClaimLine, ClaimPayerSplit, ClaimStatus, OutcomeContract

__all__ = ["APPROVED", "CLAIMED", "Budget", "BudgetRow", "InvestorPosition", "budget", "budgets_of"]


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
    return budgets_of(session, [contract])[contract.id]


def budgets_of(session: Session, contracts: list[OutcomeContract]) -> dict[int, Budget]:
    """The budgets of several contracts in four aggregate queries, whatever the number of claims and lines."""
    ids = [c.id for c in contracts]
    # What was asked for: the lines not rejected by the payer (the same basis as each payer's row).
    asked = (Claim.contract_id.in_(ids), Claim.status.in_(CLAIMED), NOT_REJECTED)
    claimed = dict(
        session.execute(
            select(Claim.contract_id, func.sum(ClaimLine.payable))
            .join(Claim, Claim.id == ClaimLine.claim_id)
            .where(*asked)
            .group_by(Claim.contract_id)
        ).all()
    )
    decided: dict[tuple[int, ClaimStatus], Decimal] = {
        (contract_id, status): amount or ZERO
        for contract_id, status, amount in session.execute(
            select(Claim.contract_id, Claim.status, func.sum(Claim.approved_amount))
            .where(Claim.contract_id.in_(ids), Claim.status.in_(APPROVED))
            .group_by(Claim.contract_id, Claim.status)
        )
    }
    claimed_by_payer = payer_amounts(session, Claim.contract_id, *asked)
    splits: dict[tuple[int, int, bool], Decimal] = {
        (contract_id, payer_id, bool(paid)): amount or ZERO
        for contract_id, payer_id, paid, amount in session.execute(
            select(
                Claim.contract_id,
                ClaimPayerSplit.payer_id,
                ClaimPayerSplit.paid_on.is_not(None),
                func.sum(ClaimPayerSplit.amount),
            )
            .join(Claim, Claim.id == ClaimPayerSplit.claim_id)
            .where(Claim.contract_id.in_(ids), Claim.status.in_(APPROVED))
            .group_by(Claim.contract_id, ClaimPayerSplit.payer_id, ClaimPayerSplit.paid_on.is_not(None))
        )
    }
    return {
        c.id: _budget(c, claimed.get(c.id) or ZERO, decided, claimed_by_payer.get(c.id, {}), splits) for c in contracts
    }


def _budget(
    contract: OutcomeContract,
    claimed: Decimal,
    decided: dict[tuple[int, ClaimStatus], Decimal],
    claimed_by_payer: dict[str, Decimal],
    splits: dict[tuple[int, int, bool], Decimal],
) -> Budget:
    approved = sum((decided.get((contract.id, s), ZERO) for s in APPROVED), ZERO)
    paid = decided.get((contract.id, ClaimStatus.PAID), ZERO)
    commitments = [p.commitment for p in contract.payers if p.commitment is not None]
    committed = contract.contract_cap
    if committed is None and commitments and len(commitments) == len(contract.payers):
        committed = sum(commitments, ZERO)
    rows = []
    for p in contract.payers:
        paid_part = splits.get((contract.id, p.payer_id, True), ZERO)
        approved_part = splits.get((contract.id, p.payer_id, False), ZERO) + paid_part
        payer_claimed = claimed_by_payer.get(str(p.payer_id), ZERO)
        rows.append(BudgetRow(p.payer.name, p.payer_id, p.commitment, payer_claimed, approved_part, paid_part))
    total = BudgetRow(contract.name, None, committed, claimed, approved, paid)
    return Budget(total, rows, _investor(contract, paid))


def _investor(contract: OutcomeContract, paid: Decimal) -> InvestorPosition | None:
    # The investor is repaid from the outcome payments, up to capital plus the maximum return
    # (that ceiling half-up to the cent).
    if not contract.investor_name or contract.investor_capital is None:
        return None
    max_return = contract.investor_max_return_percent or ZERO
    ceiling = round_cent(contract.investor_capital * (1 + max_return / 100))
    return InvestorPosition(contract.investor_name, contract.investor_capital, ceiling, min(paid, ceiling))
