"""MT940 as seven Dutch banks export it: every sample reads to the transactions checked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from fundapp.banking.statements import StatementError, parse_statement

BANK = Path(__file__).resolve().parents[1] / "data" / "bank"
D = Decimal


def read(name: str):
    return parse_statement((BANK / name).read_bytes())


def summary(tx):
    """The fields a person checks on the bank's own screen, in a row."""
    return (
        tx.booking_date,
        tx.direction,
        tx.amount,
        tx.counterparty_name,
        tx.counterparty_iban,
        tx.remittance,
        tx.end_to_end_id,
        tx.bank_reference,
        tx.return_reason,
    )


MARCH_2 = date(2026, 3, 2)

EXPECTED = {
    "ing.sta": (
        "NL36INGB0007654321",
        [
            (MARCH_2, "credit", D("1250.00"), "GROENE KOFFIE BV", "NL81RABO0312345678",
             "Aflossing lening SIF-2026-0007 termijn 3", "SIF-2026-0007-03", "26061000000101", None),
            (MARCH_2, "credit", D("842.50"), None, None, "TOTAAL 3 POSTEN", None, "26061000000102", None),
            (MARCH_2, "debit", D("412.50"), "BUURTWERK COOP U.A.", "NL77ABNA0520123456",
             "Termijn 5 lening SIF-2026-0011", "SIF-2026-0011-05", "26061000000103", "MS02"),
            (MARCH_2, "debit", D("2500.00"), "ZORGBOERDERIJ DE HOEVE", "NL12TRIO0198765432",
             "Uitbetaling lening SIF-2026-0014 tranche 1", "SIF-UIT-0042", "26061000000104", None),
            (MARCH_2, "credit", D("75.00"), "GEMEENTE VOORBEELDSTAD", "NL86INGB0002445588", None, "NOTPROVIDED",
             "26061000000105", None),
            (date(2026, 3, 3), "credit", D("300.00"), "STICHTING BUURTKRACHT", "NL68KNAB0123456789",
             "Rente SIF-2026-0003", "SIF-2026-0003-R1", "26062000000101", None),
        ],
    ),
    "rabobank.sta": (
        "NL57RABO0111222333",
        [
            (MARCH_2, "credit", D("600.00"), "Groene Koffie B.V.", "NL81RABO0312345678", "Aflossing SIF-2026-0007",
             "SIF-2026-0007-04", None, None),
            (MARCH_2, "debit", D("412.50"), "Buurtwerk Coop U.A.", "NL77ABNA0520123456",
             "Termijn 5 lening SIF-2026-0011", "SIF-2026-0011-05", None, "MD06"),
            (MARCH_2, "debit", D("150.00"), "Belastingdienst", "NL86INGB0002445588", None, "7001234", None, None),
            (MARCH_2, "debit", D("10.50"), None, None, "Kosten Periode 01-02-2026 t/m 28-02-2026", None, None, None),
        ],
    ),
    "abnamro.sta": (
        "NL91ABNA0417164300",
        [
            (MARCH_2, "credit", D("1250.00"), "GROENE KOFFIE BV", "NL81RABO0312345678",
             "AFLOSSING SIF-2026-0007 TERMIJN 3", "SIF-2026-0007-03", None, None),
            (MARCH_2, "debit", D("412.50"), "BUURTWERK COOP U.A.", "NL77ABNA0520123456",
             "Termijn 5 lening SIF-2026-0011", "SIF-2026-0011-05", None, "AM04"),
            (MARCH_2, "debit", D("35.40"), None, None,
             "BEA NR:XX1234 02.03.26/12.15 KANTOORBOEKHANDEL ROTTERDAM,PAS123", None, None, None),
            (MARCH_2, "credit", D("500.00"), "STICHTING BUURTKRACHT", "NL68KNAB0123456789", "RENTE SIF-2026-0003",
             "NOTPROVIDED", None, None),
        ],
    ),
    "volksbank.sta": (
        "NL68SNSB0901234567",
        [
            (MARCH_2, "credit", D("250.00"), "groene koffie bv", "NL81RABO0312345678",
             "Aflossing SIF-2026-0007 termijn 3", None, None, None),
            (MARCH_2, "credit", D("250.00"), "groene koffie bv", "NL81RABO0312345678",
             "Aflossing SIF-2026-0007 termijn 3", None, None, None),
            (MARCH_2, "debit", D("1.65"), None, None, "Kosten gebruik zakelijke betaalrekening inclusief 1 betaalpas",
             None, None, None),
            (MARCH_2, "credit", D("100.00"), "buurtkeuken de pan", "NL44ASNB0708123456",
             "2026-03-02T09:12:44-0000000000000123-NL44ASNB0708123456-Buurtkeuken De Pan-Rente maart SIF-2026-0021",
             None, None, None),
        ],
    ),
    "triodos.sta": (
        "NL12TRIO0198765432",
        [
            (MARCH_2, "credit", D("1250.00"), "GROENE KOFFIE BV", "NL81RABO0312345678", "Aflossing SIF-2026-0007",
             "SIF-2026-0007-03", None, None),
            (MARCH_2, "debit", D("2500.00"), "STICHTING SIF ROTTERDAM", "NL36INGB0007654321",
             "Overboeking naar fondsrekening", "NOTPROVIDED", None, None),
            (date(2026, 3, 3), "debit", D("15.70"), None, None, "KOSTEN BETALINGSVERKEER FEBRUARI 2026", None, None,
             None),
        ],
    ),
    "knab.sta": (
        "NL20KNAB0255443322",
        [
            (MARCH_2, "credit", D("1250.00"), "GROENE KOFFIE BV", "NL81RABO0312345678",
             "Aflossing SIF-2026-0007 termijn 3", "SIF-2026-0007-03", "C6C02XM00J000023", None),
            (MARCH_2, "debit", D("412.50"), "STICHTING SIF ROTTERDAM", "NL36INGB0007654321",
             "Termijn 5 lening SIF-2026-0011", "SIF-2026-0011-05", "C6C02PGCVO7Q06US", None),
            (MARCH_2, "debit", D("25.00"), "KNAB ZAKELIJK", "NL68KNAB0123456789", "BANKKOSTEN FEBRUARI 2026", None,
             "C6C02PGDCK1QFV3E", None),
        ],
    ),
    "bunq.sta": (
        "NL16BUNQ2034567890",
        [
            (MARCH_2, "credit", D("1250.00"), "Groene Koffie BV", "NL81RABO0312345678",
             "Aflossing SIF-2026-0007 termijn 3", None, None, None),
            (MARCH_2, "debit", D("12.99"), "Drukkerij Van Dam", "NL44ASNB0708123456", "Factuur 2026-118", None, None,
             None),
        ],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_dutch_banks_mt940_reads_to_the_transactions_checked_by_hand(name):
    account, expected = EXPECTED[name]
    statements = read(name)
    assert {statement.account_iban for statement in statements} == {account}
    assert all(statement.format == "mt940" and statement.currency == "EUR" for statement in statements)
    assert [summary(tx) for statement in statements for tx in statement.transactions] == expected


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_mt940_statements_balances_reconcile_without_a_warning(name):
    for statement in read(name):
        movements = sum((tx.signed_amount for tx in statement.transactions), Decimal(0))
        assert statement.opening_balance.amount + movements == statement.closing_balance.amount
        assert statement.warnings == ()


def test_a_file_with_a_statement_per_day_gives_each_its_balances():
    first, second = read("ing.sta")
    assert (first.statement_id, first.sequence) == ("P260302000000001", "00061")
    assert (first.opening_balance.amount, first.opening_balance.date) == (D("15000.00"), date(2026, 3, 1))
    assert (first.closing_balance.amount, first.closing_balance.date) == (D("14255.00"), MARCH_2)
    assert second.opening_balance.amount == first.closing_balance.amount
    assert len(read("volksbank.sta")) == 2 and read("volksbank.sta")[1].transactions == ()


def test_the_statement_summary_after_the_closing_balance_is_no_part_of_a_transaction():
    last = read("ing.sta")[0].transactions[-1]
    assert "/SUM/" not in last.raw
    assert last.raw.startswith(":61:2603020302C75,00") and ":86:/EREF/NOTPROVIDED" in last.raw


def test_ing_fields_mandate_bic_and_structured_creditor_reference_are_read():
    transactions = read("ing.sta")[0].transactions
    assert transactions[2].mandate_id == "SIF-2026-0011"
    assert transactions[0].counterparty_bic == "RABONL2U"
    assert transactions[4].creditor_reference == "1234567890123456"
    assert transactions[0].value_date == MARCH_2


def test_rabobank_reads_the_counterparty_account_from_the_second_line_of_61_and_the_creditor_reference():
    transactions = read("rabobank.sta")[0].transactions
    assert transactions[0].counterparty_iban == "NL81RABO0312345678"
    assert transactions[2].creditor_reference == "1234567899874563"
    assert transactions[1].mandate_id == "SIF-2026-0011"


def test_a_domestic_account_number_in_25_becomes_the_accounts_iban():
    (abn,) = read("abnamro.sta")
    assert (abn.account_as_written, abn.account_iban) == ("417164300", "NL91ABNA0417164300")
    old_triodos = read("triodos.sta")[1]
    assert (old_triodos.account_as_written, old_triodos.account_iban) == (
        "TRIODOSBANK/0198765432",
        "NL12TRIO0198765432",
    )


def test_an_entry_date_in_january_after_a_december_value_date_is_booked_in_the_next_year():
    text = (BANK / "bunq.sta").read_text().replace(":61:2603020302C1250,00", ":61:2612310102C1250,00")
    text = text.replace(":62F:C260302EUR1737,01", ":62F:C270102EUR1737,01")
    tx = parse_statement(text.encode())[0].transactions[0]
    assert (tx.value_date, tx.booking_date) == (date(2026, 12, 31), date(2027, 1, 2))


def test_reversal_marks_rc_and_rd_set_the_direction_and_the_reversal_flag():
    text = (BANK / "bunq.sta").read_text()
    text = text.replace("0302C1250,00NTRF", "0302RD1250,00NTRF").replace("0302D12,99NMSC", "0302RC12,99NMSC")
    first, second = parse_statement(text.encode())[0].transactions
    assert (first.direction, first.is_reversal) == ("credit", True)
    assert (second.direction, second.is_reversal) == ("debit", True)


def test_an_unstructured_ing_return_reads_its_reason_code_from_the_start_of_the_text():
    text = (
        (BANK / "bunq.sta")
        .read_text()
        .replace(
            ":61:2603020302D12,99NMSCNONREF\n:86:NL44ASNB0708123456 Drukkerij Van Dam",
            ":61:2603020302D12,99NRTINONREF\n:86:AC04 NL44ASNB0708123456 INGBNL2A Drukkerij Van Dam",
        )
    )
    assert parse_statement(text.encode())[0].transactions[1].return_reason == "AC04"


def test_a_counterpartys_account_is_kept_as_the_bank_wrote_it_unchecked():
    text = (BANK / "bunq.sta").read_text().replace("NL81RABO0312345678 Groene", "NL00RABO0312345678 Groene")
    assert parse_statement(text.encode())[0].transactions[0].counterparty_iban == "NL00RABO0312345678"


def test_amounts_are_decimals_read_from_the_decimal_comma():
    for name in EXPECTED:
        for statement in read(name):
            assert all(type(tx.amount) is Decimal and tx.amount >= 0 for tx in statement.transactions)
    amounts = [tx.amount for tx in read("knab.sta")[0].transactions]
    assert amounts == [D("1250.00"), D("412.50"), D("25.00")]


def test_a_windows_1252_name_and_a_byte_order_mark_are_read():
    text = (BANK / "bunq.sta").read_text().replace("Drukkerij Van Dam", "Café Ümit")
    data = b"\xef\xbb\xbf" + text.encode("cp1252")
    assert parse_statement(data)[0].transactions[1].counterparty_name == "Café Ümit"


def test_the_format_is_recognised_from_the_content_and_a_crlf_file_reads_the_same():
    data = (BANK / "rabobank.sta").read_bytes()
    crlf = data.replace(b"\n", b"\r\n")
    assert [summary(tx) for tx in parse_statement(crlf)[0].transactions] == EXPECTED["rabobank.sta"][1]


def test_a_domestic_account_number_takes_its_bank_from_the_swift_envelope():
    text = (BANK / "knab.sta").read_text().replace(":25:NL20KNAB0255443322", ":25:255443322")
    (statement,) = parse_statement(text.encode())
    assert (statement.account_as_written, statement.account_iban) == ("255443322", "NL20KNAB0255443322")


def test_a_domestic_account_number_without_a_known_bank_is_refused():
    text = (BANK / "bunq.sta").read_text().replace(":25:NL16BUNQ2034567890", ":25:2034567890")
    with pytest.raises(StatementError) as refused:
        parse_statement(text.encode())
    assert refused.value.message == "Line 2: the statement's account 2034567890 is not a valid IBAN."


def with_account(field: str) -> bytes:
    """bunq.sta (the account NL16BUNQ2034567890, in EUR) with its :25: written as ``field``."""
    text = (BANK / "bunq.sta").read_text()
    assert text.count(":25:NL16BUNQ2034567890\n") == 1
    return text.replace(":25:NL16BUNQ2034567890\n", f":25:{field}\n").encode()


@pytest.mark.parametrize(
    "field",
    [
        "BUNQNL2A/NL16BUNQ2034567890",
        "BUNQNL2AXXX/NL16BUNQ2034567890",
        "NL16BUNQ2034567890/EUR",
        "BUNQNL2A/NL16BUNQ2034567890/EUR",
        "BUNQNL2A/NL16BUNQ2034567890EUR",
        "BUNQNL2A / NL16BUNQ2034567890",
        "NL16BUNQ2034567890EUR",
        "NL16BUNQ2034567890 EUR",
    ],
)
def test_an_account_written_as_bic_slash_iban_or_iban_slash_currency_is_that_iban(field):
    (statement,) = parse_statement(with_account(field))
    assert (statement.account_iban, statement.account_as_written) == ("NL16BUNQ2034567890", field)
    assert len(statement.transactions) == 2


def test_an_ing_account_as_bic_slash_iban_is_read_from_the_ing_sample():
    text = (BANK / "ing.sta").read_text().replace(":25:NL36INGB0007654321EUR", ":25:INGBNL2A/NL36INGB0007654321")
    statements = parse_statement(text.encode())
    assert {s.account_iban for s in statements} == {"NL36INGB0007654321"}


@pytest.mark.parametrize(
    ("field", "message"),
    [
        # two accounts: which one is the statement's?
        ("NL16BUNQ2034567890/NL91ABNA0417164300", "names more than one IBAN"),
        ("NL16BUNQ2034567890/NL16BUNQ2034567890", "names more than one IBAN"),
        # a BIC of another bank than the IBAN's
        ("INGBNL2A/NL16BUNQ2034567890", "names the bank INGBNL2A, not the bank of NL16BUNQ2034567890"),
        ("BUNQDE2A/NL16BUNQ2034567890", "names the bank BUNQDE2A, not the bank of NL16BUNQ2034567890"),
        # a part that is neither the BIC before the IBAN nor the currency after it
        ("FOO/NL16BUNQ2034567890", "cannot be read as BIC/IBAN or IBAN/currency"),
        ("NL16BUNQ2034567890/BUNQNL2A", "cannot be read as BIC/IBAN or IBAN/currency"),
        ("NL16BUNQ2034567890/EURO", "cannot be read as BIC/IBAN or IBAN/currency"),
        ("NL16BUNQ2034567890EUR/EUR", "cannot be read as BIC/IBAN or IBAN/currency"),
        ("BUNQNL2A/BUNQNL2A/NL16BUNQ2034567890", "cannot be read as BIC/IBAN or IBAN/currency"),
        ("NL16BUNQ2034567890/EUR/EUR", "cannot be read as BIC/IBAN or IBAN/currency"),
        ("/NL16BUNQ2034567890", "cannot be read as BIC/IBAN or IBAN/currency"),
        ("NL16BUNQ2034567890/", "cannot be read as BIC/IBAN or IBAN/currency"),
        # a currency other than the balances'
        ("NL16BUNQ2034567890/USD", "is in USD, its balances in EUR"),
        ("BUNQNL2A/NL16BUNQ2034567890/USD", "is in USD, its balances in EUR"),
        ("NL16BUNQ2034567890USD", "is in USD, its balances in EUR"),
        # an IBAN that is not one
        ("BUNQNL2A/NL17BUNQ2034567890", "is not a valid IBAN"),
    ],
)
def test_an_account_field_that_is_ambiguous_or_contradicts_itself_is_refused(field, message):
    with pytest.raises(StatementError) as refused:
        parse_statement(with_account(field))
    assert refused.value.message == f"Line 2: the statement's account {field} {message}."
    assert refused.value.details[0]["line"] == 2


def test_triodos_writes_its_name_where_the_bic_stands():
    (statement,) = parse_statement(with_account("TRIODOSBANK/0198765432"))
    assert statement.account_iban == "NL12TRIO0198765432"
    text = (BANK / "triodos.sta").read_text().replace(":25:NL12TRIO0198765432", ":25:TRIODOSBANK/NL12TRIO0198765432")
    assert parse_statement(text.encode())[0].account_iban == "NL12TRIO0198765432"


TWO_PAGES = """{1:F01INGBNL2AAXXX0000000000}{2:I940INGBNL2AXXXXN}{4:
:20:P260302000000001
:25:NL36INGB0007654321EUR
:28C:00061/001
:60F:D260301EUR100,00
:61:260302CR1250,00NTRFEREF//26061000000101
SUPPLEMENTARY 1
:86:/EREF/SIF-2026-0007-03//CNTP/NL81RABO0312345678/RABONL2U/CAF\xc9 DE
 HOEK/ROTTERDAM//REMI/USTD//Aflossing SIF-2026-0007/
:62M:C260302EUR1150,00
-}
{1:F01INGBNL2AAXXX0000000000}{2:I940INGBNL2AXXXXN}{4:
:20:P260302000000001
:25:NL36INGB0007654321EUR
:28C:00061/002
:60M:C260302EUR1150,00
:61:2603020302RC50,00NTRFNONREF//26061000000102
:86:/RTRN/AC04//EREF/SIF-UIT-0042//CNTP/NL12TRIO0198765432/TRIONL2U/Z
ORGBOERDERIJ DE HOEVE///REMI/USTD//Terugboeking/
:62F:C260302EUR1100,00
:64:C260302EUR1100,00
:65:C260303EUR1100,00
-}{5:{CHK:123456789ABC}}
"""


def test_a_statement_in_two_swift_messages_with_crlf_and_latin_1_reads_each_page_with_its_interim_balances():
    data = TWO_PAGES.replace("\n", "\r\n").encode("latin-1")
    first, second = parse_statement(data)
    assert (first.sequence, second.sequence) == ("00061/001", "00061/002")
    assert (first.opening_balance.amount, first.closing_balance.amount) == (D("-100.00"), D("1150.00"))
    assert (second.opening_balance.amount, second.closing_balance.amount) == (D("1150.00"), D("1100.00"))
    assert first.warnings == second.warnings == ()
    (credit,), (reversed_credit,) = first.transactions, second.transactions
    # CR: a credit with the funds code R (of EUR), no entry date; the supplementary line is no account.
    assert summary(credit) == (
        MARCH_2, "credit", D("1250.00"), "CAFÉ DE HOEK", "NL81RABO0312345678", "Aflossing SIF-2026-0007",
        "SIF-2026-0007-03", "26061000000101", None,
    )  # fmt: skip
    # RC: a credit reversed, money going out.
    assert (reversed_credit.direction, reversed_credit.is_reversal, reversed_credit.return_reason) == (
        "debit",
        True,
        "AC04",
    )
