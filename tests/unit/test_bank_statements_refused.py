"""Every bad bank file is refused whole, with a message that names the line or the element."""

from __future__ import annotations

import time
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
