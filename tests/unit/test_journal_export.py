"""The journal as JSON, as CSV for Exact Online and Twinfield, as a workbook and as an XAF 3.2 audit file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from lxml import etree
from openpyxl import load_workbook

from fundapp.banking.journal import (
    DEFAULT_CHART,
    Disbursement,
    JournalError,
    ProvisionChange,
    Repayment,
    WriteOff,
    entries_for,
)
from fundapp.banking.journal_export import to_csv, to_json, to_xlsx
from fundapp.banking.xaf import NAMESPACE, Administration, to_xaf

X = {"x": NAMESPACE}
ENTRIES = entries_for(
    [
        Disbursement(dt.date(2025, 1, 10), "L-2025-001", Decimal("25000.00")),
        Repayment(dt.date(2025, 2, 10), "L-2025-001", Decimal("400.00"), Decimal("114.58")),
        ProvisionChange(dt.date(2025, 6, 30), "L-2025-001", Decimal("-50.00")),
        WriteOff(dt.date(2025, 12, 31), "=HYPERLINK(1)", Decimal("24600.00")),
    ]
)
ADMINISTRATION = Administration(
    company_name="Impactfonds Zuid B.V.",
    tax_registration="NL001234567B01",
    fiscal_year="2025",
    start=dt.date(2025, 1, 1),
    end=dt.date(2025, 12, 31),
    company_ident="24123456",
)


def test_the_json_document_has_the_documented_shape():
    document = json.loads(to_json(ENTRIES[:2]))
    assert document == {
        "entries": [
            {
                "date": "2025-01-10",
                "event": "disbursement",
                "reference": "L-2025-001",
                "lines": [
                    {"account": "0320", "debit": "25000.00", "credit": "0.00"},
                    {"account": "1100", "debit": "0.00", "credit": "25000.00"},
                ],
            },
            {
                "date": "2025-02-10",
                "event": "repayment",
                "reference": "L-2025-001",
                "lines": [
                    {"account": "1100", "debit": "514.58", "credit": "0.00"},
                    {"account": "0320", "debit": "0.00", "credit": "400.00"},
                    {"account": "8310", "debit": "0.00", "credit": "114.58"},
                ],
            },
        ],
        "totals": {"debit": "25514.58", "credit": "25514.58"},
    }


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_exact_online_csv_has_its_header_and_one_signed_row_per_line_summing_to_zero_per_entry():
    text = to_csv(ENTRIES, "exact")
    assert (
        text.splitlines()[0]
        == "JournalCode;FinancialYear;FinancialPeriod;EntryNumber;Date;GLAccount;Description;AmountDC"
    )
    rows = read_csv(text)
    assert rows[0] == {
        "JournalCode": "MEMO",
        "FinancialYear": "2025",
        "FinancialPeriod": "1",
        "EntryNumber": "1",
        "Date": "2025-01-10",
        "GLAccount": "0320",
        "Description": "disbursement L-2025-001",
        "AmountDC": "25000.00",
    }
    assert len(rows) == sum(len(entry.lines) for entry in ENTRIES)
    for number in {row["EntryNumber"] for row in rows}:
        assert sum(Decimal(row["AmountDC"]) for row in rows if row["EntryNumber"] == number) == 0


def test_the_twinfield_csv_has_its_header_and_debit_credit_values_balancing_per_entry():
    text = to_csv(ENTRIES, "twinfield", journal_code="MEMFA")
    assert text.splitlines()[0] == "code;number;date;period;dim1;debitcredit;value;description"
    rows = read_csv(text)
    assert rows[2] == {
        "code": "MEMFA",
        "number": "2",
        "date": "20250210",
        "period": "2025/02",
        "dim1": "1100",
        "debitcredit": "debit",
        "value": "514.58",
        "description": "repayment L-2025-001",
    }
    for number in {row["number"] for row in rows}:
        lines = [row for row in rows if row["number"] == number]
        debit = sum(Decimal(row["value"]) for row in lines if row["debitcredit"] == "debit")
        assert debit == sum(Decimal(row["value"]) for row in lines if row["debitcredit"] == "credit")


def test_no_csv_cell_starts_like_a_spreadsheet_formula():
    # The description leads with the event, so a reference such as "=HYPERLINK(1)" never opens a cell.
    for layout in ("exact", "twinfield"):
        rows = read_csv(to_csv(ENTRIES, layout))
        assert not any(value.startswith(("=", "+", "@")) for row in rows for value in row.values())
    assert read_csv(to_csv(ENTRIES, "exact"))[-1]["Description"] == "write off =HYPERLINK(1)"


def test_an_unknown_csv_layout_is_refused():
    with pytest.raises(ValueError, match="unknown CSV layout"):
        to_csv(ENTRIES, "afas")


def test_the_workbook_lists_every_line_with_its_account_and_the_totals():
    sheet = load_workbook(io.BytesIO(to_xlsx(ENTRIES))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Date", "Entry", "Event", "Reference", "Account", "Account name", "RGS code", "Debit", "Credit")
    assert rows[1][1:] == (1, "disbursement", "L-2025-001", "0320", "Leningen u/g", "BFvaLenLen", 25000, 0)
    assert rows[-2][3] == "'=HYPERLINK(1)"
    assert rows[-1][6:] == ("Total", 50164.58, 50164.58)


def test_the_audit_file_holds_the_ledger_the_periods_and_every_journal_line_with_totals():
    document = etree.fromstring(to_xaf(ENTRIES, ADMINISTRATION, created_on=dt.date(2026, 1, 15)))
    ledger = {
        account.findtext("x:accID", namespaces=X): (
            account.findtext("x:accTp", namespaces=X),
            account.findtext("x:leadReference", namespaces=X),
        )
        for account in document.iterfind(".//x:ledgerAccount", X)
    }
    assert ledger["0320"] == ("B", "BFvaLenLen")
    assert ledger["8310"] == ("P", "WOvtRofRov")
    assert len(ledger) == len(DEFAULT_CHART.accounts())
    assert len(document.findall(".//x:period", X)) == 12
    assert document.findtext(".//x:transactions/x:linesCount", namespaces=X) == "9"
    assert document.findtext(".//x:transactions/x:totalDebit", namespaces=X) == "50164.58"
    assert document.findtext(".//x:transactions/x:totalCredit", namespaces=X) == "50164.58"
    transactions = document.findall(".//x:transaction", X)
    assert [t.findtext("x:periodNumber", namespaces=X) for t in transactions] == ["1", "2", "6", "12"]
    repayment_lines = [
        (
            line.findtext("x:accID", namespaces=X),
            line.findtext("x:amnt", namespaces=X),
            line.findtext("x:amntTp", namespaces=X),
        )
        for line in transactions[1].iterfind("x:trLine", X)
    ]
    assert repayment_lines == [("1100", "514.58", "D"), ("0320", "400.00", "C"), ("8310", "114.58", "C")]


def test_every_line_points_to_a_ledger_account_and_every_transaction_to_a_period():
    # The XAF 3.2 schema declares these references as keys; the schema is not kept here, so they are checked.
    document = etree.fromstring(to_xaf(ENTRIES, ADMINISTRATION, created_on=dt.date(2026, 1, 15)))
    accounts = set(document.xpath("//x:ledgerAccount/x:accID/text()", namespaces=X))
    periods = set(document.xpath("//x:period/x:periodNumber/text()", namespaces=X))
    assert set(document.xpath("//x:trLine/x:accID/text()", namespaces=X)) <= accounts
    assert set(document.xpath("//x:transaction/x:periodNumber/text()", namespaces=X)) <= periods


def test_an_entry_outside_the_audit_files_period_is_refused():
    later = entries_for([Disbursement(dt.date(2026, 1, 2), "L-9", Decimal("1.00"))])
    with pytest.raises(JournalError, match="outside the audit file's period"):
        to_xaf(later, ADMINISTRATION, created_on=dt.date(2026, 1, 15))
