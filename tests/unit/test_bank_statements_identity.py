"""A bank transaction's identity: the same movement read again gets the same key, different movements never share one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from fundapp.banking.statements import Transaction, identity_key, parse_statement

BANK = Path(__file__).resolve().parents[1] / "data" / "bank"
SAMPLES = sorted(path.name for path in BANK.iterdir() if path.suffix in (".sta", ".xml"))


def keys(data: bytes) -> list[str]:
    return [
        identity_key(tx, statement.account_iban) for statement in parse_statement(data) for tx in statement.transactions
    ]


@pytest.mark.parametrize("name", SAMPLES)
def test_identity_keys_are_unique_within_each_sample_and_stable_when_read_again(name):
    data = (BANK / name).read_bytes()
    first = keys(data)
    assert len(first) == len(set(first))
    assert keys(data) == first
    assert all(len(key) == 64 for key in first)


def test_identical_movements_on_one_day_are_told_apart_by_their_position():
    one, two = parse_statement((BANK / "volksbank.sta").read_bytes())[0].transactions[:2]
    assert (one.bank_reference, two.bank_reference) == (None, None)
    assert (one.position, two.position) == (1, 2)
    assert replace(one, position=0, raw="") == replace(two, position=0, raw="")
    assert identity_key(one, "NL68SNSB0901234567") != identity_key(two, "NL68SNSB0901234567")


def test_an_overlapping_statement_gives_the_overlapping_transactions_the_same_keys():
    text = (BANK / "ing.sta").read_text()
    second_day = text[text.index("{1:F01INGBNL2ABXXX0000000000}\n{2:I940INGBNL2AXXXN}\n{4:\n:20:P260303") :]
    both_days = keys(text.encode())
    assert keys(second_day.encode()) == both_days[-1:]


def test_a_statement_without_bank_references_read_again_later_books_nothing_twice():
    text = (BANK / "volksbank.sta").read_text()
    assert keys(text.encode()) == keys(text.replace("\n", "\r\n").encode())


def test_the_same_camt_statement_in_two_versions_gives_the_same_keys():
    assert keys((BANK / "camt053_v02.xml").read_bytes()) == keys((BANK / "camt053_v08.xml").read_bytes())
    assert keys((BANK / "camt053_v08.xml").read_bytes()) == keys((BANK / "camt053_v13.xml").read_bytes())


def test_the_keys_of_batch_details_differ_by_their_detail_number():
    (statement,) = parse_statement((BANK / "camt053_v05.xml").read_bytes())
    batch = [tx for tx in statement.transactions if tx.detail_number]
    assert len({identity_key(tx, statement.account_iban) for tx in batch}) == 3


def transaction(**changes) -> Transaction:
    base = Transaction(
        booking_date=date(2026, 3, 2),
        value_date=date(2026, 3, 2),
        amount=Decimal("250.00"),
        direction="credit",
        counterparty_name="Groene Koffie BV",
        counterparty_iban="NL81RABO0312345678",
        counterparty_bic=None,
        remittance="Aflossing SIF-2026-0007",
        creditor_reference=None,
        end_to_end_id=None,
        mandate_id=None,
        bank_reference=None,
        return_reason=None,
        is_reversal=False,
        raw=":61:...",
    )
    return replace(base, **changes)


def test_without_a_bank_reference_every_identifying_field_changes_the_key():
    account = "NL68SNSB0901234567"
    base = identity_key(transaction(), account)
    for changes in (
        {"booking_date": date(2026, 3, 3)},
        {"amount": Decimal("250.01")},
        {"direction": "debit"},
        {"counterparty_iban": "NL44ASNB0708123456"},
        {"remittance": "Aflossing SIF-2026-0008"},
        {"position": 2},
    ):
        assert identity_key(transaction(**changes), account) != base, changes
    assert identity_key(transaction(), "NL36INGB0007654321") != base


def test_without_a_bank_reference_what_does_not_identify_leaves_the_key_alone():
    account = "NL68SNSB0901234567"
    base = identity_key(transaction(), account)
    assert identity_key(transaction(raw="other", value_date=date(2026, 3, 4)), account) == base
    assert identity_key(transaction(remittance="Aflossing  SIF-2026-0007 "), account) == base
    assert identity_key(transaction(amount=Decimal("250.0")), account) == base


def test_with_a_bank_reference_the_reference_identifies_the_movement():
    account = "NL36INGB0007654321"
    base = identity_key(transaction(bank_reference="26061000000101"), account)
    assert identity_key(transaction(bank_reference="26061000000101", remittance="changed"), account) == base
    assert identity_key(transaction(bank_reference="26061000000102"), account) != base
    assert identity_key(transaction(bank_reference="26061000000101", booking_date=date(2026, 3, 3)), account) != base


def test_a_bank_reference_repeated_within_a_file_still_gives_distinct_keys():
    text = (BANK / "knab.sta").read_text().replace("//C6C02PGDCK1QFV3E", "//C6C02XM00J000023")
    statement = parse_statement(text.encode())[0]
    assert [tx.position for tx in statement.transactions] == [1, 1, 2]
    assert len({identity_key(tx, statement.account_iban) for tx in statement.transactions}) == 3


def test_an_entry_number_alone_names_no_movement_across_overlapping_statements():
    """A bank that numbers each statement's entries (NtryRef 1, 2, ...) and gives no AcctSvcrRef: yesterday's
    costs come back as entry 1 of today's statement, and today's new transfer is entry 2 of it."""
    from tests.bank_factories import Entry, camt

    day = date(2026, 3, 2)
    costs = Entry("14.95", "debit", day, "Kosten", bank_reference="")
    gift = Entry("99.00", "credit", day, "Gift", counterparty="Stichting Vrienden", bank_reference="")
    transfer = Entry("250.00", "credit", day, "Termijn maart", bank_reference="")
    yesterday, today = keys(camt([gift, costs])), keys(camt([costs, transfer]))
    assert today[0] == yesterday[1]  # the same costs: stored once
    assert today[1] not in yesterday  # another movement under a number used before: imported, never dropped
