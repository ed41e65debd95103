"""What waits to go into a payment batch: installments to collect, loans to pay out, a payer's parts of claims.

Each is read in a fixed number of queries, whatever the number of loans or claims. Something already in a
live batch (not cancelled) whose money has not been settled from a statement yet is left out, so nothing is
collected or paid twice; a collection settled and later returned by the bank (its repayment reversed) leaves
its installment unpaid, and so collectable again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp import clock
from fundapp.banking import sepa
from fundapp.banking.models import (
    BankAccount,
    BatchKind,
    BatchStatus,
    Mandate,
    MandateStatus,
    PaymentBatch,
    PaymentLine,
)
from fundapp.funds.models import Fund
from fundapp.investees.models import Investee
from fundapp.loans.models import Loan, LoanInstallment, LoanStatus
from fundapp.messages import N_
from fundapp.outcomes.assignments import assigned_part
from fundapp.outcomes.models import (
    AssignmentPayer,
    Claim,
    ClaimPayerSplit,
    ClaimStatus,
    OutcomeContract,
    PaymentAssignment,
)

COLLECTION_TEXT = N_("Loan %(reference)s installment %(number)s")
DISBURSEMENT_TEXT = N_("Disbursement of loan %(reference)s")
OUTCOME_TEXT = N_("Outcome payment %(contract)s %(period)s claim %(claim)s")
ASSIGNED_TEXT = N_("Repayment of loan %(loan)s from outcome payment %(contract)s %(period)s claim %(claim)s")


@dataclass(frozen=True)
class Collection:
    """One installment to collect: the file's line and what it stands for."""

    line: sepa.DirectDebitLine
    loan_id: int
    installment_number: int
    mandate_pk: int  # the mandates row


@dataclass(frozen=True)
class Payout:
    """One credit transfer to make: a loan to pay out or a payer's part of a claim.

    ``creditor_iban`` is empty when the payee has no bank account yet: the item is shown, not paid. ``held``:
    the other transfer of the same claim part (an assigned part and the provider's rest) cannot be paid, so
    neither is: a part is paid whole or waits whole.
    """

    end_to_end_base: str
    amount: Decimal
    creditor_name: str
    creditor_iban: str
    creditor_bic: str
    remittance: str
    reference: str
    loan_id: int | None = None
    split_id: int | None = None
    claim_id: int | None = None
    held: bool = False

    @property
    def payable(self) -> bool:
        return bool(self.creditor_iban) and not self.held


def _pending(kind: BatchKind, column: Any, owner: Any) -> Any:
    """Lines of live batches of this owner whose money has not been settled from a statement."""
    return (
        select(column)
        .join(PaymentBatch, PaymentBatch.id == PaymentLine.batch_id)
        .where(
            owner,
            PaymentBatch.kind == kind,
            PaymentBatch.status != BatchStatus.CANCELLED,
            PaymentLine.settled_transaction_id.is_(None),
        )
    )


def collections(
    session: Session, fund_id: int, collection_date: dt.date, remittance: str = COLLECTION_TEXT
) -> list[Collection]:
    """Every installment due by the date and unpaid, of the fund's active loans with an active mandate (3 queries)."""
    usable = (
        Mandate.fund_id == fund_id,
        Mandate.status == MandateStatus.ACTIVE,
        Mandate.signed_on <= collection_date,
        Loan.status == LoanStatus.ACTIVE,
    )
    mandates: dict[int, tuple[Mandate, str, str]] = {}
    for mandate, reference, name in session.execute(
        select(Mandate, Loan.reference, Investee.name)
        .join(Loan, Loan.id == Mandate.loan_id)
        .join(Investee, Investee.id == Loan.investee_id)
        .where(*usable)
        .order_by(Mandate.loan_id, Mandate.signed_on, Mandate.id)
    ):
        mandates[mandate.loan_id] = (mandate, reference, name)  # the latest signed mandate of a loan wins
    if not mandates:
        return []
    pending = set(
        session.execute(
            _pending(
                BatchKind.DIRECT_DEBIT,
                PaymentLine.loan_id,
                PaymentBatch.fund_id == fund_id,
            ).add_columns(PaymentLine.installment_number)
        ).all()
    )
    unpaid = LoanInstallment.principal_due + LoanInstallment.interest_due
    unpaid = unpaid - LoanInstallment.principal_paid - LoanInstallment.interest_paid
    due: dict[int, list[sepa.DueInstallment]] = {}
    for loan_id, number, due_date, amount in session.execute(
        select(LoanInstallment.loan_id, LoanInstallment.number, LoanInstallment.due_date, unpaid).where(
            LoanInstallment.loan_id.in_(select(Mandate.loan_id).join(Loan, Loan.id == Mandate.loan_id).where(*usable)),
            LoanInstallment.fund_id == fund_id,
            LoanInstallment.due_date <= collection_date,
            LoanInstallment.settled_on.is_(None),
        )
    ):
        if amount > 0 and (loan_id, number) not in pending:
            due.setdefault(loan_id, []).append(sepa.DueInstallment(number, due_date, amount))
    loans = []
    owners: dict[str, tuple[int, int, int]] = {}
    for loan_id, installments in due.items():
        mandate, reference, name = mandates[loan_id]
        loans.append(
            sepa.CollectableLoan(
                reference=reference,
                debtor_name=mandate.debtor_name or name,
                debtor_iban=mandate.iban,
                mandate=sepa.Mandate(mandate.mandate_id, mandate.signed_on, mandate.first_collected_on),
                installments=tuple(installments),
                debtor_bic=mandate.bic or None,
            )
        )
        base = sepa.reference_id(reference)  # as end_to_end_id writes it, worked out once per loan
        for item in installments:
            owners[f"{base}-{item.number}"] = (loan_id, item.number, mandate.id)
    return [
        Collection(line, *owners[line.end_to_end_id])
        for line in sepa.installments_to_collect(loans, collection_date, remittance)
    ]


def _accounts(session: Session, investee_ids: set[int]) -> dict[int, BankAccount]:
    """Each investee's first bank account (the one it registered first)."""
    accounts: dict[int, BankAccount] = {}
    if not investee_ids:
        return accounts
    for account in session.scalars(
        select(BankAccount).where(BankAccount.investee_id.in_(sorted(investee_ids))).order_by(BankAccount.id.desc())
    ):
        assert account.investee_id is not None
        accounts[account.investee_id] = account
    return accounts


def disbursements(session: Session, fund_id: int, remittance: str = DISBURSEMENT_TEXT) -> list[Payout]:
    """The fund's approved loans not yet disbursed, each paid in full to its investee's account (2 queries)."""
    pending = _pending(BatchKind.DISBURSEMENTS, PaymentLine.loan_id, PaymentBatch.fund_id == fund_id)
    loans = session.execute(
        select(Loan, Investee.name)
        .join(Investee, Investee.id == Loan.investee_id)
        .where(
            Loan.fund_id == fund_id,
            Loan.status == LoanStatus.APPROVED,
            Loan.disbursed == 0,
            Loan.id.not_in(pending.where(PaymentLine.loan_id.is_not(None))),
        )
        .order_by(Loan.reference)
    ).all()
    accounts = _accounts(session, {loan.investee_id for loan, _name in loans})
    payouts = []
    for loan, name in loans:
        account = accounts.get(loan.investee_id)
        payouts.append(
            Payout(
                end_to_end_base=f"{sepa.reference_id(loan.reference)}-D",
                amount=loan.principal,
                creditor_name=(account.name if account and account.name else name),
                creditor_iban=account.iban if account else "",
                creditor_bic=account.bic if account else "",
                remittance=remittance % {"reference": loan.reference},
                reference=loan.reference,
                loan_id=loan.id,
            )
        )
    return payouts


def outcome_payments(
    session: Session,
    payer_id: int,
    remittance: str = OUTCOME_TEXT,
    assigned_text: str = ASSIGNED_TEXT,
    on: dt.date | None = None,
) -> list[Payout]:
    """The payer's own unpaid parts of approved claims, each paid to the provider's account; a part whose
    payments the payer accepted to assign to a loan (as of ``on``, default today) is two transfers: the
    assigned part to the loan's fund, the rest to the provider (4 queries)."""
    pending = _pending(BatchKind.OUTCOME_PAYMENTS, PaymentLine.split_id, PaymentBatch.payer_id == payer_id)
    rows = session.execute(
        select(ClaimPayerSplit, Claim, OutcomeContract.reference, Investee.name)
        .join(Claim, Claim.id == ClaimPayerSplit.claim_id)
        .join(OutcomeContract, OutcomeContract.id == Claim.contract_id)
        .join(Investee, Investee.id == Claim.investee_id)
        .where(
            ClaimPayerSplit.payer_id == payer_id,
            ClaimPayerSplit.paid_on.is_(None),
            ClaimPayerSplit.amount > 0,
            Claim.status.in_([ClaimStatus.APPROVED, ClaimStatus.PARTLY_APPROVED]),
            ClaimPayerSplit.id.not_in(pending.where(PaymentLine.split_id.is_not(None))),
        )
        .order_by(Claim.id)
    ).all()
    accounts = _accounts(session, {claim.investee_id for _split, claim, _ref, _name in rows})
    assigned = _assigned(session, payer_id, {claim.contract_id for _split, claim, _ref, _name in rows}, on)
    payouts = []
    for split, claim, contract, name in rows:
        account = accounts.get(claim.investee_id)
        texts = {"contract": contract, "period": claim.period, "claim": claim.id}
        payout = Payout(
            end_to_end_base=f"CLAIM-{claim.id}-{split.payer_id}",
            amount=split.amount,
            creditor_name=(account.name if account and account.name else name),
            creditor_iban=account.iban if account else "",
            creditor_bic=account.bic if account else "",
            remittance=remittance % texts,
            reference=f"{contract} {claim.period}",
            split_id=split.id,
            claim_id=claim.id,
        )
        to_fund = assigned.get((claim.contract_id, claim.investee_id))
        payouts.extend(_split(payout, *to_fund, assigned_text, texts) if to_fund else [payout])
    return payouts


@dataclass(frozen=True)
class _ToFund:
    """Where an assigned part goes: the loan, and the fund's own account (None: the fund has none yet)."""

    loan_id: int
    loan_reference: str
    fund_name: str
    account: BankAccount | None


def _assigned(
    session: Session, payer_id: int, contract_ids: set[int], on: dt.date | None
) -> dict[tuple[int, int], tuple[Decimal, _ToFund]]:
    """Per (contract, provider): the share the payer accepted to pay to an active loan, and where it goes."""
    if not contract_ids:
        return {}
    rows = session.execute(
        select(PaymentAssignment.contract_id, PaymentAssignment.investee_id, PaymentAssignment.share_percent)
        .add_columns(Loan.id, Loan.reference, Loan.fund_id, Fund.name)
        .join(AssignmentPayer, AssignmentPayer.assignment_id == PaymentAssignment.id)
        .join(Loan, Loan.id == PaymentAssignment.loan_id)
        .join(Fund, Fund.id == Loan.fund_id)
        .where(
            PaymentAssignment.contract_id.in_(sorted(contract_ids)),
            PaymentAssignment.valid_from <= (on or clock.today()),
            AssignmentPayer.payer_id == payer_id,
            AssignmentPayer.accepted_at.is_not(None),
            # A repaid or written-off loan takes nothing (assignments.book_assigned_parts): all goes to the provider.
            Loan.status == LoanStatus.ACTIVE,
        )
    ).all()
    fund_accounts: dict[int, BankAccount] = {}
    fund_ids = sorted({row.fund_id for row in rows})
    for account in session.scalars(
        select(BankAccount).where(BankAccount.fund_id.in_(fund_ids)).order_by(BankAccount.id.desc())
    ):
        assert account.fund_id is not None
        fund_accounts[account.fund_id] = account  # the first registered wins, as batches.own_account reads it
    return {
        (row.contract_id, row.investee_id): (
            row.share_percent,
            _ToFund(row.id, row.reference, row.name, fund_accounts.get(row.fund_id)),
        )
        for row in rows
    }


def _split(
    payout: Payout, share_percent: Decimal, to_fund: _ToFund, remittance: str, texts: dict[str, Any]
) -> list[Payout]:
    """The provider's rest and the assigned part to the fund, or both waiting when either has no account."""
    assigned = assigned_part(payout.amount, share_percent)
    if assigned <= 0:
        return [payout]
    account = to_fund.account
    fund = replace(
        payout,
        end_to_end_base=f"{payout.end_to_end_base}-L",
        amount=assigned,
        creditor_name=(account.name if account and account.name else to_fund.fund_name),
        creditor_iban=account.iban if account else "",
        creditor_bic=account.bic if account else "",
        remittance=remittance % {**texts, "loan": to_fund.loan_reference},
        loan_id=to_fund.loan_id,
    )
    parts = [replace(payout, amount=payout.amount - assigned), fund]
    parts = [part for part in parts if part.amount > 0]
    held = not all(part.creditor_iban for part in parts)
    return [replace(part, held=held) for part in parts]
