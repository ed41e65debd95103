"""camt.053 versions 001.02 to 001.13: the same movements, written as each version writes them, read alike."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from fundapp.banking.statements import StatementError, parse_statement

BANK = Path(__file__).resolve().parents[1] / "data" / "bank"
VERSIONS = ["02", "03", "04", "05", "06", "07", "08", "10", "13"]
D = Decimal
DAY = date(2026, 3, 2)

# (direction, amount, counterparty, IBAN, BIC, remittance, end-to-end id, mandate, bank reference, detail, return)
EXPECTED = [
    ("credit", D("1250.00"), "Groene Koffie B.V.", "NL81RABO0312345678", "RABONL2U",
     "Aflossing lening SIF-2026-0007 termijn 3", "SIF-2026-0007-03", None, "ENT-260302-0001", None, None),
    ("credit", D("412.50"), "Buurtwerk Coop U.A.", "NL77ABNA0520123456", "ABNANL2A",
     "Termijn 5 lening SIF-2026-0011", "SIF-2026-0011-05", "SIF-2026-0011", "ENT-260302-0002", 1, None),
    ("credit", D("250.00"), "Groene Koffie B.V.", "NL81RABO0312345678", "RABONL2U",
     "Termijn 4 lening SIF-2026-0007", "SIF-2026-0007-04", "SIF-2026-0007", "ENT-260302-0002", 2, None),
    ("credit", D("180.00"), "Zorgboerderij De Hoeve", "NL12TRIO0198765432", "TRIONL2U",
     "Termijn 1 lening SIF-2026-0014", "SIF-2026-0014-01", "SIF-2026-0014", "ENT-260302-0002", 3, None),
    ("debit", D("412.50"), "Buurtwerk Coop U.A.", "NL77ABNA0520123456", "ABNANL2A",
     "Termijn 5 lening SIF-2026-0011", "SIF-2026-0011-05", "SIF-2026-0011", "ENT-260302-0003", None, "MD06"),
    ("debit", D("2500.00"), "Zorgboerderij De Hoeve", "NL12TRIO0198765432", "TRIONL2U",
     "Uitbetaling lening SIF-2026-0014 tranche 1", "SIF-UIT-0042", None, "ENT-260302-0004", None, None),
    ("credit", D("75.00"), "Gemeente Voorbeeldstad", "NL86INGB0002445588", "INGBNL2A", None, "NOTPROVIDED", None,
     "ENT-260302-0005", None, None),
    ("debit", D("10.50"), None, None, None, "Kosten betalingsverkeer februari 2026", None, None, "ENT-260302-0006",
     None, None),
]  # fmt: skip


def read(version: str):
    return parse_statement((BANK / f"camt053_v{version}.xml").read_bytes())


def summary(tx):
    return (
        tx.direction,
        tx.amount,
        tx.counterparty_name,
        tx.counterparty_iban,
        tx.counterparty_bic,
        tx.remittance,
        tx.end_to_end_id,
        tx.mandate_id,
        tx.bank_reference,
        tx.detail_number,
        tx.return_reason,
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_every_camt053_version_reads_to_the_transactions_checked_by_hand(version):
    (statement,) = read(version)
    assert (statement.format, statement.account_iban, statement.currency) == ("camt.053", "NL91ABNA0417164300", "EUR")
    assert (statement.statement_id, statement.sequence) == (f"STMT-20260302-{version}", "61")
    assert [summary(tx) for tx in statement.transactions] == EXPECTED
    assert all(tx.booking_date == DAY and tx.value_date == DAY for tx in statement.transactions)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_camt053_versions_balances_reconcile(version):
    (statement,) = read(version)
    assert (statement.opening_balance.amount, statement.opening_balance.date) == (D("10000.00"), date(2026, 3, 1))
    assert (statement.closing_balance.amount, statement.closing_balance.date) == (D("9244.50"), DAY)
    movements = sum((tx.signed_amount for tx in statement.transactions), Decimal(0))
    assert statement.opening_balance.amount + movements == statement.closing_balance.amount
    assert not [warning for warning in statement.warnings if "reconcile" in warning]


def test_a_batch_entry_counts_each_of_its_transaction_details():
    (statement,) = read("05")
    batch = [tx for tx in statement.transactions if tx.bank_reference == "ENT-260302-0002"]
    assert [tx.detail_number for tx in batch] == [1, 2, 3]
    assert sum(tx.amount for tx in batch) == D("842.50")
    assert len(statement.transactions) == 8  # six booked entries, one of them a batch of three


def test_a_batch_detail_keeps_its_own_xml_and_a_single_entry_keeps_the_whole_entry():
    (statement,) = read("05")
    assert statement.transactions[1].raw.startswith("<TxDtls") and "SIF-2026-0011-05" in statement.transactions[1].raw
    assert statement.transactions[0].raw.startswith("<Ntry") and "ENT-260302-0001" in statement.transactions[0].raw


@pytest.mark.parametrize("version", ["02", "05", "08"])
def test_comments_and_processing_instructions_inside_entries_change_nothing(version):
    # An entry and each detail are read by path in one walk of their elements (camt._Paths): what is not an
    # element is passed over, and each detail reads its own parties, not its neighbour's.
    text = (BANK / f"camt053_v{version}.xml").read_text()
    noisy = re.sub(r"(<(?:Ntry|TxDtls|RltdPties|Refs|RmtInf)>)", r"\1<!-- bank's note --><?bank x?>", text)
    assert noisy.count("<!-- bank's note -->") > 10
    (plain,) = parse_statement(text.encode())
    (statement,) = parse_statement(noisy.encode())
    assert [summary(tx) for tx in statement.transactions] == [summary(tx) for tx in plain.transactions] == EXPECTED


def test_a_batch_whose_details_carry_no_amounts_is_one_transaction_with_a_warning():
    text = (BANK / "camt053_v02.xml").read_text()
    text = re.sub(r"<AmtDtls>.*?</AmtDtls>", "", text)
    (statement,) = parse_statement(text.encode())
    batch = [tx for tx in statement.transactions if tx.bank_reference == "ENT-260302-0002"]
    assert [(tx.amount, tx.detail_number) for tx in batch] == [(D("842.50"), None)]
    assert any("no amount per detail" in warning for warning in statement.warnings)


def test_batch_details_that_do_not_add_up_to_the_entry_are_one_transaction_with_a_warning():
    # The bank booked 842.50; details of 843.50 (a detail's gross amount, say, before charges) would put on the
    # account what is not on it, and the statement would no longer reconcile. The entry stays the batch.
    text = (BANK / "camt053_v05.xml").read_text().replace('<TtlAmt Ccy="EUR">842.50</TtlAmt>', "")
    text = text.replace('Amt Ccy="EUR">180.00<', 'Amt Ccy="EUR">181.00<')
    (statement,) = parse_statement(text.encode())
    (batch,) = [tx for tx in statement.transactions if tx.bank_reference == "ENT-260302-0002"]
    assert (batch.amount, batch.direction, batch.detail_number) == (D("842.50"), "credit", None)
    assert (batch.counterparty_name, batch.end_to_end_id, batch.mandate_id, batch.remittance) == (None,) * 4
    assert batch.raw.startswith("<Ntry")
    assert statement.warnings == (
        "The details of the batch entry at /Document/BkToCstmrStmt/Stmt/Ntry[2] add up to 843.50, the entry says "
        "842.50; it is one transaction.",
    )


def test_batch_details_that_add_up_to_a_debit_entry_with_a_returned_detail_are_each_a_transaction():
    # A detail may go the other way than its entry (a collection returned within the batch): signed, they add up.
    text = (BANK / "camt053_v05.xml").read_text().replace('<TtlAmt Ccy="EUR">842.50</TtlAmt>', "")
    text = text.replace(
        '<Amt Ccy="EUR">842.50</Amt><CdtDbtInd>CRDT</CdtDbtInd>',
        '<Amt Ccy="EUR">482.50</Amt><CdtDbtInd>CRDT</CdtDbtInd>',
    )
    text = text.replace(
        '<Amt Ccy="EUR">180.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>',
        '<Amt Ccy="EUR">180.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>',
    )
    text = text.replace(">9244.50<", ">8884.50<")
    (statement,) = parse_statement(text.encode())
    batch = [tx for tx in statement.transactions if tx.bank_reference == "ENT-260302-0002"]
    assert [(tx.detail_number, tx.direction, tx.amount) for tx in batch] == [
        (1, "credit", D("412.50")),
        (2, "credit", D("250.00")),
        (3, "debit", D("180.00")),
    ]
    assert statement.warnings == ()


def test_a_returned_direct_debit_carries_the_reversal_indicator_and_the_banks_reason():
    for version in VERSIONS:
        returned = read(version)[0].transactions[4]
        assert (returned.is_reversal, returned.return_reason, returned.direction) == (True, "MD06", "debit")
        assert returned.counterparty_name == "Buurtwerk Coop U.A."  # the debtor, not our own account


@pytest.mark.parametrize("version", ["08", "10", "13"])
def test_a_pending_entry_is_not_a_booked_transaction_and_is_reported(version):
    (statement,) = read(version)
    assert len(statement.transactions) == 8
    assert "1 entries not yet booked (pending or for information) were left out." in statement.warnings


@pytest.mark.parametrize("version", ["10", "13"])
def test_a_later_version_reads_to_the_same_transactions_as_its_001_08_original(version):
    # The .10 and .13 samples are the .08 one in their namespace (make_camt.py): every field of every transaction,
    # the balances and the warnings are the same; only the XML kept in ``raw`` names its own namespace.
    (original,) = read("08")
    (later,) = read(version)
    assert [replace(tx, raw="") for tx in later.transactions] == [replace(tx, raw="") for tx in original.transactions]
    assert (later.opening_balance, later.closing_balance, later.warnings) == (
        original.opening_balance,
        original.closing_balance,
        original.warnings,
    )
    assert all(f"camt.053.001.{version}" in tx.raw for tx in later.transactions)


@pytest.mark.parametrize("version", ["09", "10", "11", "12", "13"])
def test_versions_001_09_to_001_13_are_read(version):
    text = (BANK / "camt053_v08.xml").read_text().replace("camt.053.001.08", f"camt.053.001.{version}")
    (statement,) = parse_statement(text.encode())
    assert [summary(tx) for tx in statement.transactions] == EXPECTED


@pytest.mark.parametrize("version", ["01", "14", "99"])
def test_a_version_before_001_02_or_after_001_13_is_refused(version):
    text = (BANK / "camt053_v08.xml").read_text().replace("camt.053.001.08", f"camt.053.001.{version}")
    with pytest.raises(StatementError) as refused:
        parse_statement(text.encode())
    assert refused.value.message == f"camt.053 version 001.{version} is not supported; versions 001.02 to 001.13 are."


def test_balances_that_do_not_reconcile_are_a_warning_with_the_figures():
    text = (BANK / "camt053_v04.xml").read_text().replace(">9244.50<", ">9245.50<")
    (statement,) = parse_statement(text.encode())
    (warning,) = statement.warnings
    assert "do not reconcile" in warning
    assert (
        "opening 10000.00 + credits 2167.50 - debits 2923.00 = 9244.50, but the closing balance is 9245.50" in warning
    )
    assert warning.template.startswith("The balances of statement %(statement)s")
    assert warning.params["closing"] == "9245.50"


def test_a_statement_without_balances_is_read_and_says_it_could_not_be_reconciled():
    text = re.sub(r"<Bal>.*?</Bal>", "", (BANK / "camt053_v03.xml").read_text())
    (statement,) = parse_statement(text.encode())
    assert statement.opening_balance is None and len(statement.transactions) == 8
    assert any("could not be reconciled" in warning for warning in statement.warnings)


def test_a_debit_balance_is_negative():
    text = (BANK / "camt053_v06.xml").read_text()
    text = text.replace(
        '<Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">10000.00</Amt><CdtDbtInd>CRDT',
        '<Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">10000.00</Amt><CdtDbtInd>DBIT',
    )
    (statement,) = parse_statement(text.encode())
    assert statement.opening_balance.amount == D("-10000.00")


def test_a_file_with_two_accounts_gives_two_statements():
    text = (BANK / "camt053_v05.xml").read_text()
    statement = re.search(r"<Stmt>.*</Stmt>", text, re.DOTALL).group(0)
    other = statement.replace("<IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>", "<IBAN>NL36INGB0007654321</IBAN></Id><Ccy>")
    both = parse_statement(text.replace(statement, statement + other).encode())
    assert [s.account_iban for s in both] == ["NL91ABNA0417164300", "NL36INGB0007654321"]


def test_camt_amounts_are_decimals_from_the_text():
    (statement,) = read("07")
    assert all(type(tx.amount) is Decimal for tx in statement.transactions)
    assert type(statement.closing_balance.amount) is Decimal


def test_a_batch_whose_details_carry_no_amounts_takes_no_party_or_reference_of_one_detail():
    # The entry of 842.50 holds three collections (412.50, 250.00, 180.00). Read as one transaction, it is the
    # batch: the first collection's debtor, end-to-end id, mandate and text are not the batch's.
    text = (BANK / "camt053_v02.xml").read_text()
    text = re.sub(r"<AmtDtls>.*?</AmtDtls>", "", text)
    (statement,) = parse_statement(text.encode())
    (batch,) = [tx for tx in statement.transactions if tx.bank_reference == "ENT-260302-0002"]
    assert batch.amount == D("842.50")
    assert (batch.counterparty_name, batch.counterparty_iban, batch.counterparty_bic) == (None, None, None)
    assert (batch.end_to_end_id, batch.mandate_id, batch.remittance, batch.creditor_reference) == (
        None,
        None,
        None,
        None,
    )
    assert batch.raw.startswith("<Ntry")


@pytest.mark.parametrize("zone", ["Z", "+01:00", "+00:00", "-05:00", "+14:00", "-14:00", "+05:30"])
def test_a_date_with_a_time_zone_is_that_date(zone):
    # xs:date allows a time zone after the date; it does not move the day.
    text = (BANK / "camt053_v08.xml").read_text()
    assert text.count("<Dt>2026-03-02</Dt>") > 10
    text = text.replace("<Dt>2026-03-02</Dt>", f"<Dt>2026-03-02{zone}</Dt>")
    text = text.replace("<Dt>2026-03-01</Dt>", f"<Dt>2026-03-01{zone}</Dt>")
    (statement,) = parse_statement(text.encode())
    assert [summary(tx) for tx in statement.transactions] == EXPECTED
    assert all(tx.booking_date == DAY and tx.value_date == DAY for tx in statement.transactions)
    assert (statement.opening_balance.date, statement.closing_balance.date) == (date(2026, 3, 1), DAY)


@pytest.mark.parametrize("written", ["2026-03-02Y", "2026-03-02+15:00", "2026-03-02+01", "2026-02-30Z", "2026-03-02 Z"])
def test_a_date_with_something_else_after_it_is_refused(written):
    text = (
        (BANK / "camt053_v02.xml")
        .read_text()
        .replace("<BookgDt><Dt>2026-03-02</Dt>", f"<BookgDt><Dt>{written}</Dt>", 1)
    )
    with pytest.raises(StatementError) as refused:
        parse_statement(text.encode())
    assert refused.value.message == f"/Document/BkToCstmrStmt/Stmt/Ntry[1]/BookgDt: {written} is not a date."


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2026-03-02T08:15:00+01:00", date(2026, 3, 2)),  # as Dutch banks write it: unchanged
        ("2026-03-01T23:30:00Z", date(2026, 3, 2)),  # 00:30 in Amsterdam (CET, UTC+1), not the UTC day
        ("2026-03-01T22:59:59+00:00", date(2026, 3, 1)),  # 23:59:59 in Amsterdam
        ("2026-03-01T18:30:00-05:00", date(2026, 3, 2)),  # 00:30 in Amsterdam
        ("2026-03-02T06:00:00+09:00", date(2026, 3, 1)),  # 22:00 the day before in Amsterdam
        ("2026-07-01T22:30:00Z", date(2026, 7, 2)),  # 00:30 in summer time (CEST, UTC+2)
        ("2026-07-01T21:30:00Z", date(2026, 7, 1)),  # 23:30 in summer time
        ("2026-03-28T23:30:00Z", date(2026, 3, 29)),  # the night summer time starts: 00:30 CET
        ("2026-10-24T22:30:00Z", date(2026, 10, 25)),  # the night it ends: 00:30 CEST
        ("2026-03-01T23:30:00", date(2026, 3, 1)),  # no offset: the day as written
        ("2026-03-01T23:30:00.123456Z", date(2026, 3, 2)),
    ],
)
def test_a_date_time_with_an_offset_is_the_day_in_amsterdam_one_without_the_day_as_written(written, day):
    text = (BANK / "camt053_v06.xml").read_text()
    booked = "<BookgDt><DtTm>2026-03-02T08:15:00+01:00</DtTm></BookgDt>"
    assert text.count(booked) == 6
    text = text.replace(booked, f"<BookgDt><DtTm>{written}</DtTm></BookgDt>")
    text = text.replace("<Dt><Dt>2026-03-02</Dt></Dt>", f"<Dt><DtTm>{written}</DtTm></Dt>")
    (statement,) = parse_statement(text.encode())
    assert {tx.booking_date for tx in statement.transactions} == {day}
    assert statement.closing_balance.date == day
    assert {tx.value_date for tx in statement.transactions} == {DAY}


@pytest.mark.parametrize("status", ["BOOK", "BOOKED", "Booked"])
def test_an_entry_whose_status_is_proprietary_book_or_booked_is_a_booked_transaction(status):
    # From 001.08 Sts is a choice of Cd or Prtry: a bank may write its own status, and BOOK(ED) is booked.
    text = (BANK / "camt053_v08.xml").read_text()
    assert text.count("<Sts><Cd>BOOK</Cd></Sts>") == 6
    text = text.replace("<Sts><Cd>BOOK</Cd></Sts>", f"<Sts><Prtry>{status}</Prtry></Sts>")
    (statement,) = parse_statement(text.encode())
    assert [summary(tx) for tx in statement.transactions] == EXPECTED
    assert statement.warnings == ("1 entries not yet booked (pending or for information) were left out.",)


def test_an_entry_whose_proprietary_status_is_not_booked_is_left_out_and_reported():
    text = (
        (BANK / "camt053_v08.xml").read_text().replace("<Sts><Cd>BOOK</Cd></Sts>", "<Sts><Prtry>PDNG</Prtry></Sts>", 1)
    )
    (statement,) = parse_statement(text.encode())
    assert [summary(tx) for tx in statement.transactions] == EXPECTED[1:]
    assert "2 entries not yet booked (pending or for information) were left out." in statement.warnings


def test_a_batch_entry_of_several_transactions_with_the_details_of_only_one_takes_nothing_of_that_one():
    # The entry of 842.50 is a batch of three collections (Btch/NbOfTxs) and details only the first (412.50): the
    # whole 842.50 is not Buurtwerk's payment of its installment, so it takes none of that detail's party,
    # references or text.
    text = (BANK / "camt053_v08.xml").read_text()
    text, removed = re.subn(r"(<TxDtls><Refs><EndToEndId>SIF-2026-00(07-04|14-01)</EndToEndId>.*?</TxDtls>)", "", text)
    assert removed == 2 and "<NbOfTxs>3</NbOfTxs>" in text
    (statement,) = parse_statement(text.encode())
    (batch,) = [tx for tx in statement.transactions if tx.bank_reference == "ENT-260302-0002"]
    assert (batch.amount, batch.direction, batch.detail_number) == (D("842.50"), "credit", None)
    assert (batch.counterparty_name, batch.counterparty_iban, batch.end_to_end_id, batch.mandate_id) == (None,) * 4
    assert batch.remittance is None and batch.raw.startswith("<Ntry")
    assert (
        "The batch entry at /Document/BkToCstmrStmt/Stmt/Ntry[2] holds 3 transactions and details only one; "
        "it is one transaction." in statement.warnings
    )


def test_an_entry_with_one_detail_in_a_batch_of_one_is_that_detail():
    text = (BANK / "camt053_v08.xml").read_text()
    text = re.sub(r"(<TxDtls><Refs><EndToEndId>SIF-2026-00(07-04|14-01)</EndToEndId>.*?</TxDtls>)", "", text)
    text = text.replace("<NbOfTxs>3</NbOfTxs>", "<NbOfTxs>1</NbOfTxs>").replace(">842.50<", ">412.50<")
    text = text.replace(">9244.50<", ">8814.50<")
    (statement,) = parse_statement(text.encode())
    (entry,) = [tx for tx in statement.transactions if tx.bank_reference == "ENT-260302-0002"]
    assert (entry.amount, entry.counterparty_name, entry.end_to_end_id, entry.detail_number) == (
        D("412.50"),
        "Buurtwerk Coop U.A.",
        "SIF-2026-0011-05",
        None,
    )
    assert statement.warnings == ("1 entries not yet booked (pending or for information) were left out.",)


@pytest.mark.parametrize(("first", "last"), [("ITBD", "ITBD"), ("OPBD", "ITBD"), ("PRCD", "ITBD"), ("ITBD", "CLBD")])
def test_a_page_of_a_statement_split_over_several_has_its_interim_balances_as_opening_and_closing(first, last):
    # A statement split into pages (GrpHdr/MsgPgntn) opens a page after the first, and closes one before the last,
    # with an interim booked balance (ITBD), as MT940 does with :60M: and :62M:.
    text = (BANK / "camt053_v08.xml").read_text()
    text = text.replace("<Cd>OPBD</Cd>", f"<Cd>{first}</Cd>").replace("<Cd>CLBD</Cd>", f"<Cd>{last}</Cd>")
    (statement,) = parse_statement(text.encode())
    assert (statement.opening_balance.amount, statement.opening_balance.date) == (D("10000.00"), date(2026, 3, 1))
    assert (statement.closing_balance.amount, statement.closing_balance.date) == (D("9244.50"), DAY)
    assert statement.warnings == ("1 entries not yet booked (pending or for information) were left out.",)


def test_an_interim_balance_beside_the_opening_and_closing_balances_is_neither():
    text = (BANK / "camt053_v08.xml").read_text()
    interim = '<Bal><Tp><CdOrPrtry><Cd>ITBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
    interim += "<Dt><Dt>2026-03-02</Dt></Dt></Bal>"
    text = text.replace("<Bal>", interim + "<Bal>", 1).replace("<TxsSummry>", interim + "<TxsSummry>")
    (statement,) = parse_statement(text.encode())
    assert (statement.opening_balance.amount, statement.closing_balance.amount) == (D("10000.00"), D("9244.50"))


def test_a_credit_reversing_a_debit_is_a_credit_that_reconciles_and_names_the_payee():
    # RvslInd: the entry's own CdtDbtInd is the way the money went now (ISO 20022: CRDT with RvslInd true reverses a
    # debit). Our payout of 2500.00 came back: +2500.00, the payee still the creditor of the payment undone.
    text = (BANK / "camt053_v08.xml").read_text()
    payout = '<Amt Ccy="EUR">2500.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>'
    assert text.count(payout) == 2
    text = text.replace(payout, '<Amt Ccy="EUR">2500.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd>', 1)
    text = text.replace(">9244.50<", ">14244.50<")
    (statement,) = parse_statement(text.encode())
    returned = statement.transactions[5]
    assert (returned.direction, returned.amount, returned.is_reversal) == ("credit", D("2500.00"), True)
    assert (returned.counterparty_name, returned.counterparty_iban) == ("Zorgboerderij De Hoeve", "NL12TRIO0198765432")
    assert statement.warnings == ("1 entries not yet booked (pending or for information) were left out.",)


def test_a_namespace_prefix_a_byte_order_mark_and_whitespace_around_every_value_change_nothing():
    text = (BANK / "camt053_v08.xml").read_text()
    text = re.sub(r"<(/?)(?=[A-Za-z])", r"<\1camt:", text).replace(
        "<camt:Document xmlns=", "<camt:Document xmlns:camt="
    )
    text = re.sub(r">([^<\s][^<]*)</", r">\n      \1\n    </", text)  # every value on a line of its own
    text = text.replace("><", ">\n  <")
    assert '<camt:Amt Ccy="EUR">\n      1250.00\n    </camt:Amt>' in text
    (statement,) = parse_statement(b"\xef\xbb\xbf" + text.encode())
    assert statement.account_iban == "NL91ABNA0417164300"
    assert [summary(tx) for tx in statement.transactions] == EXPECTED
    assert statement.closing_balance.amount == D("9244.50")
    assert statement.warnings == ("1 entries not yet booked (pending or for information) were left out.",)


def test_unstructured_remittance_in_several_elements_is_joined_and_the_structured_reference_kept_beside_it():
    text = (BANK / "camt053_v08.xml").read_text()
    text = text.replace(
        "<RmtInf><Ustrd>Aflossing lening SIF-2026-0007 termijn 3</Ustrd></RmtInf>",
        "<RmtInf><Ustrd>Aflossing lening</Ustrd><Ustrd>SIF-2026-0007 termijn 3</Ustrd><Strd><CdtrRefInf><Tp><CdOrPrtry>"
        "<Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>",
    )
    (statement,) = parse_statement(text.encode())
    first = statement.transactions[0]
    assert (first.remittance, first.creditor_reference) == (
        "Aflossing lening SIF-2026-0007 termijn 3",
        "RF18539007547034",
    )
    assert statement.transactions[6].creditor_reference == "1234567890123456"  # a Dutch betalingskenmerk
    assert statement.transactions[6].end_to_end_id == "NOTPROVIDED"  # as written; matching counts it as none


def test_an_entry_of_one_payment_is_the_booked_amount_not_the_instructed_amount_before_charges():
    # 1260.00 instructed, 10.00 charges taken, 1250.00 booked: the entry's amount; the payment's party stays.
    text = (BANK / "camt053_v08.xml").read_text()
    text = text.replace(
        '<Amt Ccy="EUR">1250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><AmtDtls><TxAmt><Amt Ccy="EUR">1250.00</Amt></TxAmt>',
        '<CdtDbtInd>CRDT</CdtDbtInd><AmtDtls><InstdAmt><Amt Ccy="EUR">1260.00</Amt></InstdAmt>',
    )
    text = text.replace(
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls>",
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><Chrgs><Rcrd>"
        '<Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><ChrgInclInd>true</ChrgInclInd></Rcrd></Chrgs><NtryDtls>',
        1,
    )
    assert "1260.00" in text and "<Chrgs>" in text
    (statement,) = parse_statement(text.encode())
    assert summary(statement.transactions[0]) == EXPECTED[0]
    assert statement.warnings == ("1 entries not yet booked (pending or for information) were left out.",)


def test_a_statement_without_entries_beside_one_with_them_gives_both():
    text = (BANK / "camt053_v08.xml").read_text()
    statement = re.search(r"<Stmt>.*</Stmt>", text, re.DOTALL).group(0)
    quiet = re.sub(r"<Ntry>.*</Ntry>\n", "", statement, flags=re.DOTALL).replace(">9244.50<", ">10000.00<")
    quiet = quiet.replace("<TtlNtries><NbOfNtries>6</NbOfNtries></TtlNtries>", "").replace("STMT-20260302-08", "S-2")
    first, second = parse_statement(text.replace(statement, statement + quiet).encode())
    assert (len(first.transactions), second.transactions, second.statement_id) == (8, (), "S-2")
    assert second.warnings == ()


def test_balances_typed_only_by_a_proprietary_code_and_an_overdrawn_closing_balance_are_read():
    text = (BANK / "camt053_v08.xml").read_text()
    text = text.replace("<Cd>OPBD</Cd>", "<Prtry>OPBD</Prtry>").replace("<Cd>CLBD</Cd>", "<Prtry>CLBD</Prtry>")
    text = text.replace(">10000.00<", ">500.00<")
    closing = '<Amt Ccy="EUR">9244.50</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
    overdrawn = text.replace(closing, '<Amt Ccy="EUR">255.50</Amt><CdtDbtInd>DBIT</CdtDbtInd>')
    (statement,) = parse_statement(overdrawn.encode())
    assert (statement.opening_balance.amount, statement.closing_balance.amount) == (D("500.00"), D("-255.50"))
    assert statement.warnings == ("1 entries not yet booked (pending or for information) were left out.",)
    signed = text.replace(closing, '<Amt Ccy="EUR">-255.50</Amt><CdtDbtInd>DBIT</CdtDbtInd>')
    with pytest.raises(StatementError):  # an ISO 20022 amount has no sign: CdtDbtInd gives it
        parse_statement(signed.encode())
