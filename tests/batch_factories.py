"""Bank rows for the batch and journal tests, made directly through the models (the bank-account and mandate
services are the statement side's): a fund that collects, investees and payers with accounts, mandates."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fundapp import clock
from fundapp.banking.models import (
    BankAccount,
    BankStatement,
    BankTransaction,
    Mandate,
    MandateStatus,
    TransactionStatus,
)

CREDITOR_ID = "NL50ZZZ241234560000"
FUND_IBAN = "NL91ABNA0417164300"
IBANS = itertools.cycle(["NL02ABNA0123456789", "NL39RABO0300065264", "NL69INGB0123456789", "NL44RABO0123456789"])
_seq = itertools.count(1)


def collecting_fund(session: Session, fund: Any, iban: str = FUND_IBAN) -> BankAccount:
    """The fund gets its creditor identifier and a bank account."""
    fund.creditor_id = CREDITOR_ID
    account = BankAccount(fund_id=fund.id, iban=iban, name=fund.name[:70])
    session.add(account)
    session.flush()
    return account


def investee_account(session: Session, investee: Any, iban: str | None = None) -> BankAccount:
    account = BankAccount(investee_id=investee.id, iban=iban or next(IBANS), name=investee.name)
    session.add(account)
    session.flush()
    return account


def payer_account(session: Session, payer: Any, iban: str = "NL86INGB0002445588") -> BankAccount:
    account = BankAccount(payer_id=payer.id, iban=iban, name=payer.name)
    session.add(account)
    session.flush()
    return account


def mandate(session: Session, loan: Any, signed_on: date = date(2024, 1, 2), **overrides: Any) -> Mandate:
    row = Mandate(
        loan_id=loan.id,
        fund_id=loan.fund_id,
        mandate_id=overrides.pop("mandate_id", f"MND-{next(_seq):05d}"),
        signed_on=signed_on,
        iban=overrides.pop("iban", next(IBANS)),
        debtor_name=overrides.pop("debtor_name", ""),
        status=overrides.pop("status", MandateStatus.ACTIVE),
        **overrides,
    )
    session.add(row)
    session.flush()
    return row


def statement_transaction(
    session: Session, account: BankAccount, amount: Decimal, direction: str, booking_date: date, **fields: Any
) -> BankTransaction:
    """One transaction of an imported statement, as the statement side stores it."""
    n = next(_seq)
    statement = BankStatement(bank_account_id=account.id, format="camt.053", file_sha256=f"{n:064d}")
    session.add(statement)
    session.flush()
    row = BankTransaction(
        bank_account_id=account.id,
        statement_id=statement.id,
        identity_key=f"test-{n}",
        booking_date=booking_date,
        amount=amount,
        direction=direction,
        status=TransactionStatus.UNMATCHED,
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def add_batches(session: Session, world: Any) -> dict[str, Any]:
    """Fund A collects loan A by direct debit and pays out an approved loan; payer A has an (empty) batch."""
    from fundapp.banking import batches
    from fundapp.banking.models import BatchKind, BatchStatus, PaymentBatch
    from tests.factories import ACTOR, make_loan

    collecting_fund(session, world.fund_a)
    mandate(session, world.loan_a)
    investee_account(session, world.investee_a)
    make_loan(session, world.investee_a, status="approved")
    made = {
        "direct_debit": batches.create_direct_debit_batch(session, ACTOR, world.fund_a, clock.today()),
        "transfer": batches.create_disbursement_batch(session, ACTOR, world.fund_a, clock.today()),
    }
    made["payer"] = PaymentBatch(
        kind=BatchKind.OUTCOME_PAYMENTS,
        payer_id=world.payer_a.id,
        bank_account_id=payer_account(session, world.payer_a).id,
        message_id="TEST-PAYER-A",
        execution_date=clock.today(),
        status=BatchStatus.CREATED,
    )
    session.add(made["payer"])
    session.flush()
    return made
