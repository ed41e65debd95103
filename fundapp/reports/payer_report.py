"""The municipal (payer) report for a period: contracts, outcomes by rate-card item, payments, budget, social value.

What counts in the period: results verified with an achievement date in it;
what this payer paid in it (its share of each claim, by payment date); the
participants of the lines it paid. Their social value is computed from their
rows in the providers' approved KPI reports of the same period, with the
payer's region choosing the bouwblokken table (the municipality pays, so its
table applies). Budget use is the contract's position today (budget.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp.impact.periods import Period
from fundapp.investees.models import Investee
from fundapp.money import round_cent, round_places
from fundapp.outcomes import budget as budgets
from fundapp.outcomes.models import (
    Claim,
    ClaimLine,
    ClaimPayerSplit,
    ContractPayer,
    LineStatus,
    OutcomeContract,
    OutcomeResult,
    RateItemRow,
    ResultStatus,
)
from fundapp.payers.models import OutcomePayer
from fundapp.reports import queries
from fundapp.reports.periods import covered_labels
from fundapp.reports.social import SocialValue, social_value

ZERO = Decimal("0.00")
PREFIXES = ("Gemeente ", "Provincie ", "Municipality of ", "Province of ")


@dataclass
class ContractRow:
    contract: OutcomeContract
    share: Decimal
    commitment: Decimal | None
    providers: str


@dataclass
class ItemRow:
    contract: str
    code: str
    name: str
    price: Decimal
    results: int = 0
    units_verified: int = 0
    units_paid: int = 0
    paid: Decimal = ZERO

    @property
    def cost_per_outcome(self) -> Decimal | None:
        """Paid ÷ units paid, half-up to the cent."""
        if not self.units_paid:
            return None
        return round_cent(self.paid / self.units_paid)


@dataclass
class PaymentRow:
    paid_on: date
    reference: str
    contract: str
    provider: str
    claim_period: str
    amount: Decimal


@dataclass
class BudgetRow:
    contract: str
    row: budgets.BudgetRow


@dataclass
class PayerReport:
    payer: OutcomePayer
    period: Period
    generated_on: date
    locale: str
    contracts: list[ContractRow]
    items: list[ItemRow]
    payments: list[PaymentRow]
    budgets: list[BudgetRow]
    social: SocialValue
    participants_paid: int

    @property
    def paid_total(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)

    @property
    def units_paid(self) -> int:
        return sum(item.units_paid for item in self.items)

    @property
    def cost_per_outcome(self) -> Decimal | None:
        """Paid ÷ units paid over all items, half-up to the cent."""
        paid = sum((item.paid for item in self.items), ZERO)
        return round_cent(paid / self.units_paid) if self.units_paid else None

    @property
    def value_per_euro(self) -> Decimal | None:
        """Social-return value per euro paid (the participants paid for), half-up to 2 decimals."""
        if not self.paid_total:
            return None
        return round_places(self.social.total_value / self.paid_total, 2)


def build(session: Session, payer: OutcomePayer, period: Period, locale: str, today: date) -> PayerReport:
    contracts = _contracts(session, payer)
    ids = [row.contract.id for row in contracts]
    items = _items(session, contracts)
    _add_verified(session, items, ids, period)
    people = _add_paid(session, items, payer, period)
    rows = queries.participant_rows(session, sorted({i for i, _r in people}) or [0], covered_labels(period))
    paid_for = [row for row in rows if (row.investee_id, row.reference.casefold()) in people]
    municipality = next((payer.name.removeprefix(p) for p in PREFIXES if payer.name.startswith(p)), payer.name)
    return PayerReport(
        payer=payer,
        period=period,
        generated_on=today,
        locale=locale,
        contracts=contracts,
        items=list(items.values()),
        payments=_payments(session, payer, period),
        budgets=_budgets(session, [row.contract for row in contracts], payer),
        social=social_value(paid_for, period, payer.region, municipality),
        participants_paid=len(people),
    )


def _contracts(session: Session, payer: OutcomePayer) -> list[ContractRow]:
    found = session.execute(
        select(OutcomeContract, ContractPayer.share_percent, ContractPayer.commitment)
        .join(ContractPayer, ContractPayer.contract_id == OutcomeContract.id)
        .where(ContractPayer.payer_id == payer.id, ContractPayer.accepted_at.is_not(None))
        .order_by(OutcomeContract.valid_from, OutcomeContract.reference)
    ).all()
    return [
        ContractRow(contract, share, commitment, ", ".join(p.investee.name for p in contract.providers))
        for contract, share, commitment in found
    ]


def _items(session: Session, contracts: list[ContractRow]) -> dict[tuple[int, str], ItemRow]:
    names = {row.contract.id: row.contract.reference for row in contracts}
    items = session.scalars(
        select(RateItemRow)
        .where(RateItemRow.contract_id.in_(sorted(names) or [0]))
        .order_by(RateItemRow.contract_id, RateItemRow.position)
    )
    return {
        (item.contract_id, item.code): ItemRow(names[item.contract_id], item.code, item.name, item.price)
        for item in items
        if item.contract_id is not None
    }


def _add_verified(session: Session, items: dict, contract_ids: list[int], period: Period) -> None:
    rows = session.execute(
        select(OutcomeResult.contract_id, OutcomeResult.item_code, func.count(), func.sum(OutcomeResult.units))
        .where(
            OutcomeResult.contract_id.in_(contract_ids or [0]),
            OutcomeResult.status == ResultStatus.VERIFIED,
            OutcomeResult.achieved_on >= period.start,
            OutcomeResult.achieved_on <= period.end,
        )
        .group_by(OutcomeResult.contract_id, OutcomeResult.item_code)
    ).all()
    for contract_id, code, count, units in rows:
        item = items.get((contract_id, code))
        if item is not None:
            item.results += count
            item.units_verified += int(units or 0)


def _add_paid(session: Session, items: dict, payer: OutcomePayer, period: Period) -> set[tuple[int, str]]:
    """Add this payer's paid share per item; answer the participants (investee, reference) paid for."""
    key = str(payer.id)
    lines = session.execute(
        select(Claim.contract_id, Claim.investee_id, ClaimLine.item_code, ClaimLine.units_paid, ClaimLine.participant)
        .add_columns(ClaimLine.by_payer)
        .join(Claim, Claim.id == ClaimLine.claim_id)
        .join(ClaimPayerSplit, (ClaimPayerSplit.claim_id == Claim.id) & (ClaimPayerSplit.payer_id == payer.id))
        .where(
            ClaimLine.status == LineStatus.APPROVED,
            ClaimPayerSplit.paid_on >= period.start,
            ClaimPayerSplit.paid_on <= period.end,
        )
    ).all()
    people: set[tuple[int, str]] = set()
    for contract_id, investee_id, code, units, participant, by_payer in lines:
        share = sum((Decimal(str(amount)) for p, amount in by_payer or [] if str(p) == key), ZERO)
        item = items.get((contract_id, code))
        if item is not None:
            item.units_paid += units
            item.paid += share
        if participant and units > 0:
            people.add((investee_id, participant.casefold()))
    return people


def _payments(session: Session, payer: OutcomePayer, period: Period) -> list[PaymentRow]:
    rows = session.execute(
        select(
            ClaimPayerSplit.paid_on,
            ClaimPayerSplit.payment_reference,
            OutcomeContract.reference,
            Investee.name,
            Claim.period,
            ClaimPayerSplit.amount,
        )
        .join(Claim, Claim.id == ClaimPayerSplit.claim_id)
        .join(OutcomeContract, OutcomeContract.id == Claim.contract_id)
        .join(Investee, Investee.id == Claim.investee_id)
        .where(
            ClaimPayerSplit.payer_id == payer.id,
            ClaimPayerSplit.paid_on >= period.start,
            ClaimPayerSplit.paid_on <= period.end,
        )
        .order_by(ClaimPayerSplit.paid_on, ClaimPayerSplit.id)
    ).all()
    # The WHERE clause keeps paid splits only, so no paid_on is None.
    return [PaymentRow(*row) for row in cast("list[tuple[date, str, str, str, str, Decimal]]", rows)]


def _budgets(session: Session, contracts: list[OutcomeContract], payer: OutcomePayer) -> list[BudgetRow]:
    positions = budgets.budgets_of(session, contracts)
    rows = []
    for contract in contracts:
        position = positions[contract.id]
        own = next((row for row in position.payers if row.payer_id == payer.id), position.contract)
        rows.append(BudgetRow(contract.reference, own))
    return rows
