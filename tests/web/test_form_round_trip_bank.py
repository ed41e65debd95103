"""Every field of the bank's forms survives the round trip: accounts, mandates, statements, booking, setting aside."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from fundapp.banking.models import BankAccount, BankStatement, BankTransaction, Mandate, TransactionStatus
from fundapp.loans.models import LoanEvent
from tests.bank_factories import Entry, camt, fund_account, import_file
from tests.web.round_trip import FormCase, assert_round_trip

ACCOUNT = {"iban": "nl02 abna 0123 4567 89", "name": "Stichting Dóen – rekening ü", "bic": "abnanl2a"}
ACCOUNT_STORED = {"iban": "NL02ABNA0123456789", "name": "Stichting Dóen – rekening ü", "bic": "ABNANL2A"}
MANDATE = {
    "mandate_id": "SIF-2026/007(a)",
    "signed_on": "2025-11-03",
    "iban": "nl39 rabo 0300 0652 64",
    "debtor_name": "Koffiebranderij Ñandú – ü",
    "bic": "rabonl2u",
}
MANDATE_STORED = {
    "mandate_id": "SIF-2026/007(a)",
    "signed_on": date(2025, 11, 3),
    "iban": "NL39RABO0300065264",
    "debtor_name": "Koffiebranderij Ñandú – ü",
    "bic": "RABONL2U",
}
REASON = "Dubbel overgemaakt – teruggestort ü"


def _account(session, owner_column) -> dict:
    account = session.scalar(select(BankAccount).where(owner_column, BankAccount.iban == ACCOUNT_STORED["iban"]))
    return {key: getattr(account, key) for key in ACCOUNT_STORED}


def _mandate(session, ctx) -> dict:
    mandate = session.scalar(select(Mandate).where(Mandate.loan_id == ctx.world.loan_a.id))
    return {key: getattr(mandate, key) for key in MANDATE_STORED}


def _with_account(session, world):
    fund_account(session, world.fund_a)
    return SimpleNamespace(file=camt([Entry("99.50", remittance="Gift ü")]))


def _with_payer_account(session, world):
    from tests.batch_factories import payer_account

    account = payer_account(session, world.payer_a)
    return SimpleNamespace(file=camt([Entry("80.00", direction="debit", remittance="Kosten ü")], account=account.iban))


def _with_payers_debit(session, world):
    context = _with_payer_account(session, world)
    statement = import_file(session, world.payer_a, context.file)
    return SimpleNamespace(
        tx=session.scalar(select(BankTransaction).where(BankTransaction.statement_id == statement.id))
    )


def _with_unmatched_credit(session, world):
    fund_account(session, world.fund_a)
    statement = import_file(session, world.fund_a, camt([Entry("120.00", remittance="Betaling zonder kenmerk")]))
    tx = session.scalar(select(BankTransaction).where(BankTransaction.statement_id == statement.id))
    return SimpleNamespace(tx=tx)


def _booked(session, ctx) -> dict:
    tx = session.get(BankTransaction, ctx.tx.id)
    event = session.get(LoanEvent, tx.booked_event_id)
    return {"status": tx.status, "loan_id": event.loan_id, "amount": event.amount, "on": event.on}


CASES = [
    FormCase(
        "fund's bank account",
        "manager_a",
        lambda ctx: f"/funds/{ctx.world.fund_a.id}/bank-accounts/new",
        lambda ctx: ACCOUNT,
        lambda s, ctx: _account(s, BankAccount.fund_id == ctx.world.fund_a.id),
        lambda ctx: ACCOUNT_STORED,
    ),
    FormCase(
        "investee's bank account",
        "manager_a",
        lambda ctx: f"/investees/{ctx.world.investee_a.id}/bank-accounts/new",
        lambda ctx: ACCOUNT,
        lambda s, ctx: _account(s, BankAccount.investee_id == ctx.world.investee_a.id),
        lambda ctx: ACCOUNT_STORED,
    ),
    FormCase(
        "payer's bank account",
        "officer_a",
        lambda ctx: f"/payers/{ctx.world.payer_a.id}/bank-accounts/new",
        lambda ctx: ACCOUNT,
        lambda s, ctx: _account(s, BankAccount.payer_id == ctx.world.payer_a.id),
        lambda ctx: ACCOUNT_STORED,
    ),
    FormCase(
        "direct-debit mandate",
        "manager_a",
        lambda ctx: f"/loans/{ctx.world.loan_a.id}/mandates/new",
        lambda ctx: MANDATE,
        _mandate,
        lambda ctx: MANDATE_STORED,
    ),
    FormCase(
        "bank statement import",
        "manager_a",
        lambda ctx: f"/funds/{ctx.world.fund_a.id}/bank-statements/upload",
        lambda ctx: {"file": (BytesIO(ctx.file), "afschrift maart – één.xml")},
        lambda s, ctx: {
            "file_name": (row := s.scalar(select(BankStatement).order_by(BankStatement.id.desc()))).file_name,
            "format": row.format,
            "new": row.new_transactions,
        },
        lambda ctx: {"file_name": "afschrift maart – één.xml", "format": "camt.053", "new": 1},
        setup=_with_account,
    ),
    FormCase(
        "payer's bank statement import",
        "officer_a",
        lambda ctx: f"/payers/{ctx.world.payer_a.id}/bank-statements/upload",
        lambda ctx: {"file": (BytesIO(ctx.file), "afschrift gemeente – één.xml")},
        lambda s, ctx: {
            "file_name": (row := s.scalar(select(BankStatement).order_by(BankStatement.id.desc()))).file_name,
            "account": row.account.payer_id,
            "new": row.new_transactions,
        },
        lambda ctx: {"file_name": "afschrift gemeente – één.xml", "account": ctx.world.payer_a.id, "new": 1},
        setup=_with_payer_account,
    ),
    FormCase(
        "set the payer's bank transaction aside",
        "officer_a",
        lambda ctx: f"/bank-transactions/{ctx.tx.id}/set-aside",
        lambda ctx: {"reason": REASON},
        lambda s, ctx: {
            "status": (tx := s.get(BankTransaction, ctx.tx.id)).status,
            "reason": tx.set_aside_reason,
        },
        lambda ctx: {"status": TransactionStatus.SET_ASIDE, "reason": REASON},
        setup=_with_payers_debit,
    ),
    FormCase(
        "book a bank transaction on a loan",
        "manager_a",
        lambda ctx: f"/bank-transactions/{ctx.tx.id}/book",
        lambda ctx: {"loan_id": str(ctx.world.loan_a.id)},
        _booked,
        lambda ctx: {
            "status": TransactionStatus.BOOKED,
            "loan_id": ctx.world.loan_a.id,
            "amount": ctx.tx.amount,
            "on": ctx.tx.booking_date,
        },
        setup=_with_unmatched_credit,
    ),
    FormCase(
        "set a bank transaction aside",
        "manager_a",
        lambda ctx: f"/bank-transactions/{ctx.tx.id}/set-aside",
        lambda ctx: {"reason": REASON},
        lambda s, ctx: {
            "status": (tx := s.get(BankTransaction, ctx.tx.id)).status,
            "reason": tx.set_aside_reason,
        },
        lambda ctx: {"status": TransactionStatus.SET_ASIDE, "reason": REASON},
        setup=_with_unmatched_credit,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_field_of_the_form_is_stored_as_typed(db_session, world, login_as, case):
    assert_round_trip(case, db_session, world, login_as)
