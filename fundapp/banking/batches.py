"""Payment batches: a fund's direct-debit collection, its disbursements and a payer's outcome payments.

A batch is made from what waits (``batch_queries``), its SEPA file built and validated against the ISO
schema before anything is stored: a batch whose file would not validate is never made. The file is built
again, to the same bytes, whenever it is downloaded (the batch keeps its message id, creation time and
lines). The first download marks the batch downloaded: the file may be at the bank from then on.

FRST/RCUR: a mandate's first collection is FRST, every later one RCUR. The mandate records the collection
date of the batch that holds its FRST line; cancelling that batch releases it (FRST again next time),
unless another live batch already collects under the mandate.

End-to-end ids are unique over every batch ever made, cancelled ones included: an installment collected
again (after a cancelled batch, or a direct debit the bank returned) gets the same id with "/2", "/3", ...
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from fundapp import audit, clock
from fundapp.banking import batch_queries, sepa, target2
from fundapp.banking.errors import BankingError
from fundapp.banking.models import BankAccount, BatchKind, BatchStatus, Mandate, PaymentBatch, PaymentLine
from fundapp.db import utcnow
from fundapp.errors import Conflict, InvalidTransition, ValidationFailed
from fundapp.funds.models import Fund
from fundapp.loans.models import Loan
from fundapp.loans.services import require_second_person
from fundapp.messages import N_
from fundapp.payers.models import OutcomePayer

Translate = Callable[[str], str]


def _as_written(text: str) -> str:
    return text


class BatchRefused(ValidationFailed):
    """A batch that cannot be made; a banking error keeps its own words for the page to translate."""

    def __init__(self, field: str, message: str, banking: BankingError | None = None) -> None:
        super().__init__(message, [{"field": field, "message": message}])
        self.field_name = field
        self.banking = banking


def _today(field: str, day: dt.date) -> None:
    if day < clock.today():
        raise BatchRefused(field, N_("The date lies in the past: choose today or a later day."))


def own_account(session: Session, fund_id: int | None = None, payer_id: int | None = None) -> BankAccount | None:
    """The account a fund or payer pays and collects with: the first one it registered."""
    column = BankAccount.fund_id if fund_id is not None else BankAccount.payer_id
    return session.scalar(
        select(BankAccount).where(column == (fund_id if fund_id is not None else payer_id)).order_by(BankAccount.id)
    )


def _account(session: Session, fund_id: int | None = None, payer_id: int | None = None) -> BankAccount:
    account = own_account(session, fund_id, payer_id)
    if account is None:
        raise BatchRefused("bank_account", N_("Register a bank account (IBAN) first: the batch is paid from it."))
    return account


def _message_id() -> str:
    # At most 30 characters (the payment information ids append up to five), unique over every batch.
    return f"FUNDAPP-{utcnow():%Y%m%d}-{secrets.token_hex(6).upper()}"


def _free_ids(session: Session, bases: Sequence[str]) -> dict[str, str]:
    """Each base id, or base/2, base/3, ... when a line (of any batch, cancelled ones too) already has it."""
    taken = set(session.scalars(select(PaymentLine.end_to_end_id).where(PaymentLine.end_to_end_id.in_(bases))))
    free = {base: base for base in bases if base not in taken}
    if taken:
        # References hold only letters, digits, ".", "/" and "-": nothing a LIKE pattern would read as a wildcard.
        retried = set(
            session.scalars(
                select(PaymentLine.end_to_end_id).where(
                    or_(*(PaymentLine.end_to_end_id.like(f"{base}/%") for base in sorted(taken)))
                )
            )
        )
        for base in taken:
            attempt = 2
            while f"{base}/{attempt}" in retried:
                attempt += 1
            free[base] = f"{base}/{attempt}"
    return free


def _build(build: Callable[[], sepa.SepaFile]) -> sepa.SepaFile:
    try:
        return build()
    except sepa.SepaError as error:
        raise BatchRefused("file", f"The payment file cannot be made: {error}", error) from error


def _store(
    session: Session,
    actor: audit.Who,
    batch: PaymentBatch,
    lines: list[dict[str, Any]],
    built: sepa.SepaFile,
) -> PaymentBatch:
    batch.transactions = built.number_of_transactions
    batch.total = built.control_sum
    batch.status = BatchStatus.CREATED
    batch.created_by_id = getattr(actor, "id", None)
    session.add(batch)
    session.flush()
    # Thousands of lines go in as one statement; the batch reads them back when they are asked for.
    session.execute(insert(PaymentLine), [{**line, "batch_id": batch.id} for line in lines])
    session.expire(batch, ["lines"])
    audit.record(
        session,
        actor,
        "payment_batch.created",
        batch,
        {
            "kind": [None, batch.kind.value],
            "date": [None, batch.execution_date],
            "transactions": [None, batch.transactions],
            "total": [None, batch.total],
        },
    )
    return batch


# --- direct debits --------------------------------------------------------------------------------------


def _creditor_id(fund: Fund) -> str:
    if not fund.creditor_id:
        raise BatchRefused("creditor_id", N_("Set the fund's SEPA creditor identifier first: a direct debit needs it."))
    return fund.creditor_id


def create_direct_debit_batch(
    session: Session, actor: audit.Who, fund: Fund, collection_date: dt.date, translate: Translate = _as_written
) -> PaymentBatch:
    """Every installment due by the collection date and unpaid, for loans with an active mandate, in one pain.008."""
    _today("collection_date", collection_date)
    creditor_id, account = _creditor_id(fund), _account(session, fund_id=fund.id)
    chosen = batch_queries.collections(session, fund.id, collection_date, translate(batch_queries.COLLECTION_TEXT))
    if not chosen:
        raise BatchRefused(
            "collection_date", N_("Nothing to collect on this date: no installment is due and unpaid under a mandate.")
        )
    ids = _free_ids(session, [item.line.end_to_end_id for item in chosen])
    lines = [replace(item.line, end_to_end_id=ids[item.line.end_to_end_id]) for item in chosen]
    batch = PaymentBatch(
        kind=BatchKind.DIRECT_DEBIT,
        fund_id=fund.id,
        bank_account_id=account.id,
        message_id=_message_id(),
        execution_date=target2.next_business_day(collection_date),
        created_at=utcnow().replace(microsecond=0),
    )
    built = _build(lambda: sepa.build_direct_debit(_direct_debit(fund, account, creditor_id, batch, lines)))
    rows = [
        {
            "end_to_end_id": line.end_to_end_id,
            "amount": line.amount,
            "loan_id": item.loan_id,
            "installment_number": item.installment_number,
            "mandate_id": item.mandate_pk,
            "sequence": line.sequence.value,
            "counterparty_name": line.debtor_name[:140],
            "counterparty_iban": line.debtor_iban,
            "remittance": line.remittance[:140],
        }
        for item, line in zip(chosen, lines, strict=True)
    ]
    first = {row["mandate_id"] for row in rows if row["sequence"] == sepa.SequenceType.FIRST.value}
    for mandate in session.scalars(select(Mandate).where(Mandate.id.in_(first))) if first else ():
        mandate.first_collected_on = collection_date
    return _store(session, actor, batch, rows, built)


def _direct_debit(
    fund: Fund, account: BankAccount, creditor_id: str, batch: PaymentBatch, lines: Sequence[sepa.DirectDebitLine]
) -> sepa.DirectDebitBatch:
    return sepa.DirectDebitBatch(
        message_id=batch.message_id,
        created_at=batch.created_at,
        creditor_name=account.name or fund.name,
        creditor_iban=account.iban,
        creditor_id=creditor_id,
        collection_date=batch.execution_date,
        lines=tuple(lines),
        creditor_bic=account.bic or None,
    )


# --- credit transfers -------------------------------------------------------------------------------------


def create_disbursement_batch(
    session: Session, actor: audit.Who, fund: Fund, execution_date: dt.date, translate: Translate = _as_written
) -> PaymentBatch:
    """The fund's approved loans not yet disbursed whose investee has a bank account, in one pain.001."""
    waiting = batch_queries.disbursements(session, fund.id, translate(batch_queries.DISBURSEMENT_TEXT))
    _second_person(session, actor, fund, waiting)
    batch = PaymentBatch(kind=BatchKind.DISBURSEMENTS, fund_id=fund.id)
    return _transfers(session, actor, batch, account_name=fund.name, waiting=waiting, execution_date=execution_date)


def _second_person(session: Session, actor: audit.Who, fund: Fund, waiting: list[batch_queries.Payout]) -> None:
    """The transfer order is where a disbursement leaves the fund: maker-checker applies here (one query)."""
    if fund.disbursement_threshold is None:
        return
    amounts = {item.loan_id: item.amount for item in waiting if item.creditor_iban and item.loan_id is not None}
    for loan in session.scalars(select(Loan).where(Loan.id.in_(sorted(amounts))).order_by(Loan.reference)):
        require_second_person(loan, actor, amounts[loan.id])


def create_outcome_payment_batch(
    session: Session, actor: audit.Who, payer: OutcomePayer, execution_date: dt.date, translate: Translate = _as_written
) -> PaymentBatch:
    """The payer's own unpaid parts of approved claims whose provider has a bank account, in one pain.001; an
    assigned part goes to the loan's fund in a transfer of its own (batch_queries.outcome_payments)."""
    waiting = batch_queries.outcome_payments(
        session,
        payer.id,
        translate(batch_queries.OUTCOME_TEXT),
        translate(batch_queries.ASSIGNED_TEXT),
        on=execution_date,
    )
    batch = PaymentBatch(kind=BatchKind.OUTCOME_PAYMENTS, payer_id=payer.id)
    return _transfers(session, actor, batch, account_name=payer.name, waiting=waiting, execution_date=execution_date)


def _transfers(
    session: Session,
    actor: audit.Who,
    batch: PaymentBatch,
    *,
    account_name: str,
    waiting: list[batch_queries.Payout],
    execution_date: dt.date,
) -> PaymentBatch:
    _today("execution_date", execution_date)
    account = _account(session, fund_id=batch.fund_id, payer_id=batch.payer_id)
    payable = [item for item in waiting if item.payable]
    if not payable:
        raise BatchRefused("execution_date", N_("Nothing to pay: nothing waits with a bank account to pay it to."))
    ids = _free_ids(session, [item.end_to_end_base for item in payable])
    batch.bank_account_id = account.id
    batch.message_id = _message_id()
    batch.execution_date = target2.next_business_day(execution_date)
    batch.created_at = utcnow().replace(microsecond=0)
    rows = [
        {
            "end_to_end_id": ids[item.end_to_end_base],
            "amount": item.amount,
            "loan_id": item.loan_id,
            "split_id": item.split_id,
            "counterparty_name": item.creditor_name[:140],
            "counterparty_iban": item.creditor_iban,
            "remittance": item.remittance[:140],
        }
        for item in payable
    ]
    built = _build(
        lambda: sepa.build_credit_transfer(
            _credit_transfer(account, account_name, batch, [PaymentLine(**row) for row in rows])
        )
    )
    return _store(session, actor, batch, rows, built)


def _credit_transfer(
    account: BankAccount, owner_name: str, batch: PaymentBatch, rows: Sequence[PaymentLine]
) -> sepa.CreditTransferBatch:
    return sepa.CreditTransferBatch(
        message_id=batch.message_id,
        created_at=batch.created_at,
        debtor_name=account.name or owner_name,
        debtor_iban=account.iban,
        execution_date=batch.execution_date,
        lines=tuple(
            sepa.CreditTransferLine(
                end_to_end_id=row.end_to_end_id,
                amount=row.amount,
                creditor_name=row.counterparty_name,
                creditor_iban=row.counterparty_iban,
                remittance=row.remittance,
            )
            for row in rows
        ),
        debtor_bic=account.bic or None,
    )


# --- the file, cancelling ---------------------------------------------------------------------------------


def payment_file(session: Session, batch: PaymentBatch) -> sepa.SepaFile:
    """The batch's SEPA file, built again from what the batch holds and validated; the first download is noted."""
    if batch.status == BatchStatus.CANCELLED:
        raise InvalidTransition("This batch was cancelled: its file is no longer offered.")
    account = session.get(BankAccount, batch.bank_account_id)
    assert account is not None
    if batch.kind == BatchKind.DIRECT_DEBIT:
        fund = session.get(Fund, batch.fund_id)
        assert fund is not None
        mandates = {m.id: m for m in session.scalars(select(Mandate).where(Mandate.id.in_(_mandate_ids(batch))))}
        lines = [_stored_collection(line, mandates[line.mandate_id]) for line in batch.lines if line.mandate_id]
        built = _build(lambda: sepa.build_direct_debit(_direct_debit(fund, account, _creditor_id(fund), batch, lines)))
    else:
        owner = session.get(Fund, batch.fund_id) if batch.fund_id else session.get(OutcomePayer, batch.payer_id)
        assert owner is not None
        built = _build(lambda: sepa.build_credit_transfer(_credit_transfer(account, owner.name, batch, batch.lines)))
    if batch.status == BatchStatus.CREATED:
        batch.status = BatchStatus.DOWNLOADED
    return built


def _mandate_ids(batch: PaymentBatch) -> list[int]:
    return sorted({line.mandate_id for line in batch.lines if line.mandate_id is not None})


def _stored_collection(line: PaymentLine, mandate: Mandate) -> sepa.DirectDebitLine:
    return sepa.DirectDebitLine(
        end_to_end_id=line.end_to_end_id,
        amount=line.amount,
        mandate_id=mandate.mandate_id,
        mandate_signed_on=mandate.signed_on,
        sequence=sepa.SequenceType(line.sequence),
        debtor_name=line.counterparty_name,
        debtor_iban=line.counterparty_iban,
        remittance=line.remittance,
        debtor_bic=mandate.bic or None,
    )


def settled_count(batch: PaymentBatch) -> int:
    return sum(1 for line in batch.lines if line.settled_transaction_id is not None)


def cancel_batch(session: Session, actor: audit.Who, batch: PaymentBatch) -> PaymentBatch:
    """Cancel a batch none of whose money has been settled: what it held waits again, its FRST lines are released."""
    if batch.status == BatchStatus.CANCELLED:
        raise Conflict("This batch was already cancelled.")
    if settled_count(batch):
        raise InvalidTransition("Money of this batch has already been booked from a statement: it cannot be cancelled.")
    before = batch.status
    batch.status = BatchStatus.CANCELLED
    session.flush()
    first = sorted({line.mandate_id for line in batch.lines if line.sequence == "FRST" and line.mandate_id})
    if first:
        _release_first_collections(session, first)
    audit.record(session, actor, "payment_batch.cancelled", batch, {"status": [before.value, "cancelled"]})
    return batch


def _release_first_collections(session: Session, mandate_ids: list[int]) -> None:
    """A mandate's series starts again with FRST, unless another live batch already collects under it."""
    still = dict(
        session.execute(
            select(PaymentLine.mandate_id, func.min(PaymentBatch.execution_date))
            .join(PaymentBatch, PaymentBatch.id == PaymentLine.batch_id)
            .where(PaymentLine.mandate_id.in_(mandate_ids), PaymentBatch.status != BatchStatus.CANCELLED)
            .group_by(PaymentLine.mandate_id)
        ).all()
    )
    for mandate in session.scalars(select(Mandate).where(Mandate.id.in_(mandate_ids))):
        mandate.first_collected_on = still.get(mandate.id)
