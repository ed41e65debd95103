"""Budget use of a contract and of each payer: committed, claimed, approved, paid, remaining; the SIB investor."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp import datacache
from fundapp.money import ZERO, round_cent, round_places
from fundapp.outcomes.claim_totals import APPROVED, CLAIMED, NOT_REJECTED, payer_amounts
from fundapp.outcomes.models import Claim, ClaimLine, ClaimPayerSplit, OutcomeContract

__all__ = ["APPROVED", "CLAIMED", "Budget", "BudgetRow", "InvestorPosition", "budget", "budgets_of", "payer_commitment"]


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

    def own(self, payer_ids: Collection[int]) -> BudgetRow | None:
        """The part of the budget that is these payers' own (an officer's), or None when none of them pays here."""
        rows = [row for row in self.payers if row.payer_id in payer_ids]
        if not rows:
            return None
        committed = [row.committed for row in rows]
        return BudgetRow(
            ", ".join(row.name for row in rows),
            rows[0].payer_id if len(rows) == 1 else None,
            None if None in committed else sum((c for c in committed if c is not None), ZERO),
            sum((row.claimed for row in rows), ZERO),
            sum((row.approved for row in rows), ZERO),
            sum((row.paid for row in rows), ZERO),
        )


def payer_commitment(commitment: Decimal | None, contract_cap: Decimal | None, share: Decimal) -> Decimal | None:
    """What a payer committed to a contract: its own maximum, else its share of the contract cap (half-up to the
    cent), else no limit (None)."""
    if commitment is not None:
        return commitment
    return None if contract_cap is None else round_cent(contract_cap * share / 100)


def budget(session: Session, contract: OutcomeContract) -> Budget:
    # Once per version of the data: a contract's page, its claims' pages and the budget API all show it.
    return datacache.cached(session, "budget", contract.id, lambda: budgets_of(session, [contract])[contract.id])


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
    approved: dict[int, Decimal] = {
        contract_id: amount or ZERO
        for contract_id, amount in session.execute(
            select(Claim.contract_id, func.sum(Claim.approved_amount))
            .where(Claim.contract_id.in_(ids), Claim.status.in_(APPROVED))
            .group_by(Claim.contract_id)
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
        c.id: _budget(c, claimed.get(c.id) or ZERO, approved.get(c.id) or ZERO, claimed_by_payer.get(c.id, {}), splits)
        for c in contracts
    }


def _budget(
    contract: OutcomeContract,
    claimed: Decimal,
    approved: Decimal,
    claimed_by_payer: dict[str, Decimal],
    splits: dict[tuple[int, int, bool], Decimal],
) -> Budget:
    commitments = [p.commitment for p in contract.payers if p.commitment is not None]
    committed = contract.contract_cap
    if committed is None and commitments and len(commitments) == len(contract.payers):
        committed = sum(commitments, ZERO)
    rows = []
    for p in contract.payers:
        paid_part = splits.get((contract.id, p.payer_id, True), ZERO)
        approved_part = splits.get((contract.id, p.payer_id, False), ZERO) + paid_part
        payer_claimed = claimed_by_payer.get(str(p.payer_id), ZERO)
        committed_part = payer_commitment(p.commitment, contract.contract_cap, p.share_percent)
        rows.append(BudgetRow(p.payer.name, p.payer_id, committed_part, payer_claimed, approved_part, paid_part))
    # Each payer pays its own part: paid is every part recorded as paid, also of claims not yet paid in full.
    paid = sum((row.paid for row in rows), ZERO)
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
