"""Every bad bank file is refused whole, with a message that names the line or the element."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from pathlib import Path

import pytest

from fundapp.banking.statements import MAX_STATEMENT_BYTES, StatementError, parse_statement

BANK = Path(__file__).resolve().parents[1] / "data" / "bank"
BAD = BANK / "bad"

# file -> (a part of the message, the place the details name)
REFUSALS = {
    "truncated.xml": ("The XML is malformed or incomplete at line 12", {"line": 12}),
    "xxe.xml": ("Line 2 declares a DOCTYPE or an ENTITY", {"line": 2}),
    "billion_laughs.xml": ("Line 2 declares a DOCTYPE or an ENTITY", {"line": 2}),
    "camt052.xml": ("not a bank statement (camt.053): it is an account report (camt.052)", {"element": "/Document"}),
    "camt054.xml": ("it is a debit/credit notification (camt.054)", {"element": "/Document"}),
    "camt053_v14.xml": (
        "camt.053 version 001.14 is not supported; versions 001.02 to 001.13 are.",
        {"element": "/Document"},
    ),
    "camt_amount_with_comma.xml": (
        "/Document/BkToCstmrStmt/Stmt/Ntry[4]/Amt: 2500,00 is not an amount",
        {"element": "/Document/BkToCstmrStmt/Stmt/Ntry[4]/Amt", "line": 14},
    ),
    "camt_amount_with_three_decimals.xml": (
        "/Document/BkToCstmrStmt/Stmt/Ntry[4]/Amt: the amount 2500.005 has more decimals than EUR has (2).",
        {"element": "/Document/BkToCstmrStmt/Stmt/Ntry[4]/Amt", "line": 14},
    ),
    "mt940_amount_with_three_decimals.sta": (
        "Line 8: the amount 12,995 has more decimals than EUR has (2).",
        {"line": 8},
    ),
    "mt940_broken_61.sta": ("Line 17: the statement line :61: cannot be read", {"line": 17}),
    "mt940_bad_date.sta": ("Line 27: 261302 is not a date (YYMMDD)", {"line": 27}),
    "mt940_own_account_not_iban.sta": ("Line 5: the statement's account NL00INGB0007654321EUR is not a valid IBAN", {"line": 5}),
    "empty.sta": ("The file is empty.", None),
    "not_a_statement.csv": ("neither camt.053 XML nor MT940", None),
}  # fmt: skip


def refusal(data: bytes) -> StatementError:
    with pytest.raises(StatementError) as caught:
        parse_statement(data)
    return caught.value


def test_every_file_of_the_bad_corpus_has_its_expected_refusal():
    assert sorted(path.name for path in BAD.iterdir()) == sorted(REFUSALS)


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_each_bad_bank_file_is_refused_with_a_message_naming_where(name):
    fragment, place = REFUSALS[name]
    error = refusal((BAD / name).read_bytes())
    assert fragment in error.message
    if place is not None:
        assert error.details and all(error.details[0][key] == value for key, value in place.items())
        assert error.details[0]["message"]


def test_an_external_entity_is_never_read():
    error = refusal((BAD / "xxe.xml").read_bytes())
    assert "root:" not in error.message and "root:" not in str(error.details)


def test_a_doctype_in_utf16_that_the_byte_scan_cannot_see_is_refused_after_parsing_without_expanding_it():
    text = (
        (BAD / "billion_laughs.xml")
        .read_text()
        .replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    )
    started = time.perf_counter()
    error = refusal(text.encode("utf-16"))
    assert "DOCTYPE or an ENTITY" in error.message
    assert time.perf_counter() - started < 2


def test_a_doctype_in_utf16_without_a_byte_order_mark_is_refused_after_parsing():
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE Document [<!ELEMENT Document ANY>]>\n<Document/>'
    error = refusal(text.encode("utf-16-le"))
    assert error.message == "The XML declares a DOCTYPE; XML with a document type is refused."


def test_a_file_over_50_mb_is_refused_before_it_is_read():
    data = b":20:X\n" + b"x" * MAX_STATEMENT_BYTES
    error = refusal(data)
    assert error.message == "The file is 50.0 MB; bank statements of more than 50 MB are refused."


def test_a_truncated_mt940_statement_is_refused_naming_its_first_line():
    text = (BANK / "ing.sta").read_text()
    cut = text[: text.index(":62F:C260302")]
    error = refusal(cut.split("{1:F01INGBNL2ABXXX0000000000}\n{2:I940INGBNL2AXXXN}\n{4:\n:20:P260303")[0].encode())
    assert error.message == "The statement starting at line 4 has no :62F:."
    assert error.details[0]["line"] == 4


def test_a_61_before_the_opening_balance_is_refused():
    text = (BANK / "bunq.sta").read_text()
    moved = text.replace(":60F:C260301EUR500,00\n", "").replace(":62F:", ":60F:C260301EUR500,00\n:62F:")
    error = refusal(moved.encode())
    assert error.message == "Line 4: a statement line :61: must stand between the opening and the closing balance."


def test_a_tag_outside_a_statement_is_refused():
    error = refusal(
        b":25:NL16BUNQ2034567890\n:20:X\n:25:NL16BUNQ2034567890\n:60F:C260301EUR0,00\n:62F:C260301EUR0,00\n"
    )
    assert error.message == "Line 1: the tag :25: stands outside a statement (before its :20:)."


def test_binary_data_in_an_mt940_file_is_refused_naming_its_line():
    data = (BANK / "bunq.sta").read_bytes().replace(b"Factuur 2026-118", b"Factuur\x00\x01\x02")
    assert refusal(data).details == [
        {"line": 10, "message": "Line 10 holds binary data; this is not an MT940 statement."}
    ]


def test_a_camt_entry_without_a_booking_date_is_refused_naming_the_entry():
    text = (BANK / "camt053_v02.xml").read_text().replace("<BookgDt><Dt>2026-03-02</Dt></BookgDt>", "", 1)
    error = refusal(text.encode())
    assert error.message == "/Document/BkToCstmrStmt/Stmt/Ntry[1] has no BookgDt."
    assert error.details[0]["element"] == "/Document/BkToCstmrStmt/Stmt/Ntry[1]"


def test_a_camt_entry_in_another_currency_than_the_account_is_refused():
    text = (BANK / "camt053_v03.xml").read_text().replace('<Amt Ccy="EUR">10.50</Amt>', '<Amt Ccy="USD">10.50</Amt>')
    error = refusal(text.encode())
    assert error.message == "/Document/BkToCstmrStmt/Stmt/Ntry[6]/Amt is in USD, the account in EUR."


def test_a_camt_statement_for_an_account_that_is_not_a_valid_iban_is_refused():
    text = (
        (BANK / "camt053_v03.xml")
        .read_text()
        .replace("<IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>", "<IBAN>NL91ABNA0417164301</IBAN></Id><Ccy>")
    )
    error = refusal(text.encode())
    assert "the statement's account NL91ABNA0417164301 is not a valid IBAN" in error.message
    assert error.details[0]["element"] == "/Document/BkToCstmrStmt/Stmt/Acct"


def test_a_refusal_carries_its_template_and_values_for_translation():
    error = refusal((BAD / "mt940_broken_61.sta").read_bytes())
    assert error.template.startswith("Line %(line)s: the statement line :61: cannot be read")
    assert error.params == {"line": 17}
    assert error.template % error.params == error.message


def test_other_xml_is_not_a_bank_statement():
    error = refusal(b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"/>')
    assert error.message == (
        "This XML is not a bank statement (camt.053): it is urn:iso:std:iso:20022:tech:xsd:pain.008.001.02."
    )


def test_a_refusal_and_a_warning_read_in_dutch_through_the_catalog():
    from babel.support import Translations

    dutch = Translations.load(str(Path(__file__).resolve().parents[2] / "fundapp" / "translations"), ["nl"])
    error = refusal((BAD / "mt940_broken_61.sta").read_bytes())
    assert (dutch.gettext(error.template) % error.params).startswith("Regel 17: de mutatieregel :61: is onleesbaar")
    text = (BANK / "bunq.sta").read_text().replace(":62F:C260302EUR1737,01", ":62F:C260302EUR1737,02")
    (warning,) = parse_statement(text.encode())[0].warnings
    assert (dutch.gettext(warning.template) % warning.params).startswith("De saldi van afschrift BUNQ-260302")


CAMT_AMOUNTS = {
    # where the amount stands -> (the element as the sample writes it, the path the refusal names)
    "balance": ('<Amt Ccy="EUR">10000.00</Amt>', "/Document/BkToCstmrStmt/Stmt/Bal[1]/Amt"),
    "entry": ('<Amt Ccy="EUR">10.50</Amt>', "/Document/BkToCstmrStmt/Stmt/Ntry[6]/Amt"),
    "batch detail": ('<Amt Ccy="EUR">180.00</Amt><CdtDbtInd>', "/Document/BkToCstmrStmt/Stmt/Ntry[2]/NtryDtls/TxDtls[3]/Amt"),
}  # fmt: skip


@pytest.mark.parametrize("where", sorted(CAMT_AMOUNTS))
@pytest.mark.parametrize("written", ["0.001", "0.00001"])
def test_a_camt_amount_with_more_decimals_than_its_currency_has_is_refused_not_rounded(where, written):
    element, path = CAMT_AMOUNTS[where]
    amount = element.split(">")[1].split("<")[0]
    wrong = str(Decimal(amount) + Decimal(written))
    text = (BANK / "camt053_v05.xml").read_text()
    assert text.count(element) == 1
    error = refusal(text.replace(element, element.replace(f">{amount}<", f">{wrong}<")).encode())
    assert error.message == f"{path}: the amount {wrong} has more decimals than EUR has (2)."
    assert error.details[0]["element"] == path
    assert error.params["amount"] == wrong and error.template % error.params == error.message


def camt_in(currency: str, amount: str) -> bytes:
    """The v05 sample in ``currency`` holding only its bank costs, written as ``amount``, between whole balances."""
    text = (BANK / "camt053_v05.xml").read_text()
    text = re.sub(r"<Ntry><NtryRef>000[1-5]</NtryRef>.*?</Ntry>", "", text)
    text = text.replace(">10000.00<", ">10000<").replace(">9244.50<", ">9990<").replace(">10.50<", f">{amount}<")
    return text.replace('Ccy="EUR"', f'Ccy="{currency}"').replace("<Ccy>EUR</Ccy>", f"<Ccy>{currency}</Ccy>").encode()


@pytest.mark.parametrize(
    ("currency", "amount", "minor"),
    [("EUR", "10.501", 2), ("JPY", "10.5", 0), ("KWD", "10.5001", 3), ("CLF", "10.50001", 4), ("XYZ", "10.505", 2)],
)
def test_the_decimals_allowed_are_the_iso_4217_minor_units_of_the_currency(currency, amount, minor):
    error = refusal(camt_in(currency, amount))
    assert error.message.endswith(f"the amount {amount} has more decimals than {currency} has ({minor}).")


@pytest.mark.parametrize(
    ("currency", "amount"),
    [("EUR", "10.5"), ("EUR", "10.5000"), ("JPY", "10"), ("JPY", "10.00"), ("KWD", "10.500"), ("KWD", "10.5000")],
)
def test_an_amount_with_as_many_decimals_as_its_currency_has_or_fewer_is_read(currency, amount):
    # Trailing zeros round nothing away: 10.5000 is read as 10.5.
    (statement,) = parse_statement(camt_in(currency, amount))
    assert statement.currency == currency
    assert [tx.amount for tx in statement.transactions] == [Decimal(amount)]


@pytest.mark.parametrize(
    ("old", "new", "line", "amount"),
    [
        (":60F:C260301EUR500,00", ":60F:C260301EUR500,001", 4, "500,001"),
        ("0302C1250,00NTRF", "0302C1250,0001NTRF", 5, "1250,0001"),
        (":62F:C260302EUR1737,01", ":62F:C260302EUR1737,011", 11, "1737,011"),
    ],
)
def test_an_mt940_amount_with_more_decimals_than_its_currency_has_is_refused_not_rounded(old, new, line, amount):
    text = (BANK / "bunq.sta").read_text()
    assert text.count(old) == 1
    error = refusal(text.replace(old, new).encode())
    assert error.message == f"Line {line}: the amount {amount} has more decimals than EUR has (2)."
    assert error.details == [{"line": line, "message": error.message}]


def test_an_mt940_amount_in_a_currency_without_decimals_takes_none():
    text = (BANK / "bunq.sta").read_text().replace("EUR", "JPY").replace("1737,01", "1737")
    text = text.replace("D12,99N", "D13N").replace("500,00", "500,").replace("1250,00", "1250")
    (statement,) = parse_statement(text.encode())
    assert [tx.amount for tx in statement.transactions] == [Decimal("1250"), Decimal("13")]
    error = refusal(text.replace("D13N", "D12,5N").encode())
    assert error.message == "Line 8: the amount 12,5 has more decimals than JPY has (0)."
