"""Importing a statement through the service: a file the parser refuses stores nothing at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from fundapp.banking.statements_import import StatementRefused
from fundapp.db import Base
from tests.bank_factories import Entry, camt, fund_account, import_file

BANK = Path(__file__).resolve().parents[1] / "data" / "bank"


def footprint(session):
    """How many rows each table holds: equal before and after means nothing was stored."""
    session.flush()
    return {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def refused(session, fund, data, name):
    before = footprint(session)
    with pytest.raises(StatementRefused) as caught:
        import_file(session, fund, data, name)
    assert footprint(session) == before
    return caught.value


def test_a_camt_amount_with_more_decimals_than_euros_have_stores_nothing_of_the_file(db_session, world):
    fund_account(db_session, world.fund_a)
    entries = [Entry("1000.00", remittance="Aflossing"), Entry("12.345", remittance="Rente")]
    error = refused(db_session, world.fund_a, camt(entries, closing="1012.35"), "statement.xml")
    assert error.message == (
        "/Document/BkToCstmrStmt/Stmt/Ntry[2]/Amt: the amount 12.345 has more decimals than EUR has (2)."
    )
    assert error.details[0]["element"] == "/Document/BkToCstmrStmt/Stmt/Ntry[2]/Amt"
    # The same file with the amount as the bank has it in cents is imported whole.
    entries[1] = Entry("12.35", remittance="Rente")
    assert import_file(db_session, world.fund_a, camt(entries)).new_transactions == 2


def test_an_mt940_amount_with_more_decimals_than_euros_have_stores_nothing_of_the_file(db_session, world):
    fund_account(db_session, world.fund_a, "NL16BUNQ2034567890")
    data = (BANK / "bad" / "mt940_amount_with_three_decimals.sta").read_bytes()
    error = refused(db_session, world.fund_a, data, "bunq.sta")
    assert error.message == "Line 8: the amount 12,995 has more decimals than EUR has (2)."
    assert error.details == [{"line": 8, "message": error.message}]
    assert import_file(db_session, world.fund_a, (BANK / "bunq.sta").read_bytes(), "bunq.sta").new_transactions == 2


def test_an_mt940_account_written_as_bic_slash_iban_is_imported_on_that_account_and_only_there(db_session, world):
    text = (BANK / "bunq.sta").read_text().replace(":25:NL16BUNQ2034567890", ":25:BUNQNL2A/NL16BUNQ2034567890")
    error = refused(db_session, world.fund_a, text.encode(), "bunq.sta")
    assert (
        error.message == "The statement is of account NL16BUNQ2034567890, which is not one of the accounts of Fund A."
    )
    assert error.details == [{"line": 2, "message": "account BUNQNL2A/NL16BUNQ2034567890"}]
    account = fund_account(db_session, world.fund_a, "NL16BUNQ2034567890")
    statement = import_file(db_session, world.fund_a, text.encode(), "bunq.sta")
    assert (statement.bank_account_id, statement.new_transactions) == (account.id, 2)
