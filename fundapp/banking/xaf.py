"""The journal as an XML Auditfile Financieel 3.2 (XAF), the audit file of the Dutch tax authority.

One file covers one fiscal period (usually a year) of one administration:

- header: fiscal year, start and end, currency EUR, creation date, the software;
- company: name, tax registration, the general ledger (the chart's accounts, B for balance sheet
  and P for profit and loss, the RGS reference code in ``leadReference``), one period per month;
- transactions: one memorial journal ("MEM", type M) with one transaction per journal entry and
  one transaction line per journal line, amounts with D or C, and the counts and totals.

The file follows the structure the tax authority publishes for XAF 3.2 (elements, order,
cardinalities); the schema itself is not kept in this repository, so the tests check that structure
and its references directly: the ledger holds the chart and every account a line uses, and the
periods are the months of the file's period, which every entry must fall in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from lxml import etree

from fundapp.banking.journal import DEFAULT_CHART, Chart, JournalEntry, JournalError, totals
from fundapp.money import money_str

NAMESPACE = "http://www.auditfiles.nl/XAF/3.2"
JOURNAL_ID = "MEM"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@dataclass(frozen=True)
class Administration:
    """Whose books these are, and the period the audit file covers."""

    company_name: str
    tax_registration: str  # the VAT or RSIN number; the schema requires one
    fiscal_year: str
    start: dt.date
    end: dt.date
    company_ident: str | None = None  # e.g. the KvK number
    tax_registration_country: str = "NL"


@cache
def _months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    periods = []
    first = start
    while first <= end:
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        periods.append((first, min(following - dt.timedelta(days=1), end)))
        first = following
    return periods


def _add(parent: etree._Element, tag: str, text: object | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
    if text is not None:
        element.text = str(text)
    return element


def _amount(value: Decimal) -> str:
    return money_str(value) or "0.00"


def to_xaf(
    entries: Sequence[JournalEntry],
    administration: Administration,
    *,
    chart: Chart = DEFAULT_CHART,
    created_on: dt.date,
    software: tuple[str, str] = ("fundapp", "0.1.0"),
) -> bytes:
    """The XAF 3.2 audit file of the entries, which must all fall in the administration's period."""
    outside = [entry for entry in entries if not administration.start <= entry.date <= administration.end]
    if outside:
        raise JournalError(
            f"entry {outside[0].reference} of {outside[0].date} lies outside the audit file's period "
            f"{administration.start} - {administration.end}"
        )
    periods = _months(administration.start, administration.end)
    root = etree.Element(f"{{{NAMESPACE}}}auditfile", nsmap={None: NAMESPACE})
    header = _add(root, "header")
    for tag, value in (
        ("fiscalYear", administration.fiscal_year),
        ("startDate", administration.start.isoformat()),
        ("endDate", administration.end.isoformat()),
        ("curCode", "EUR"),
        ("dateCreated", created_on.isoformat()),
        ("softwareDesc", software[0]),
        ("softwareVersion", software[1]),
    ):
        _add(header, tag, value)
    company = _add(root, "company")
    if administration.company_ident:
        _add(company, "companyIdent", administration.company_ident)
    _add(company, "companyName", administration.company_name)
    _add(company, "taxRegistrationCountry", administration.tax_registration_country)
    _add(company, "taxRegIdent", administration.tax_registration)
    ledger = _add(company, "generalLedger")
    accounts = {account.code: account for account in chart.accounts()}
    accounts.update({line.account.code: line.account for entry in entries for line in entry.lines})
    for account in accounts.values():
        element = _add(ledger, "ledgerAccount")
        _add(element, "accID", account.code)
        _add(element, "accDesc", account.name)
        _add(element, "accTp", "B" if account.balance_sheet else "P")
        if account.rgs_code:
            _add(element, "leadReference", account.rgs_code)
    period_list = _add(company, "periods")
    for number, (first, last) in enumerate(periods, start=1):
        period = _add(period_list, "period")
        _add(period, "periodNumber", number)
        _add(period, "periodDesc", first.strftime("%Y-%m"))
        _add(period, "startDatePeriod", first.isoformat())
        _add(period, "endDatePeriod", last.isoformat())
    debit, credit = totals(entries)
    transactions = _add(company, "transactions")
    _add(transactions, "linesCount", sum(len(entry.lines) for entry in entries))
    _add(transactions, "totalDebit", _amount(debit))
    _add(transactions, "totalCredit", _amount(credit))
    journal = _add(transactions, "journal")
    _add(journal, "jrnID", JOURNAL_ID)
    _add(journal, "desc", "Memoriaal leningen (fundapp)")
    _add(journal, "jrnTp", "M")
    for number, entry in enumerate(entries, start=1):
        description = f"{entry.event.value.replace('_', ' ')} {entry.reference}"
        transaction = _add(journal, "transaction")
        _add(transaction, "nr", number)
        _add(transaction, "desc", description)
        _add(transaction, "periodNumber", next(i for i, (a, b) in enumerate(periods, 1) if a <= entry.date <= b))
        _add(transaction, "trDt", entry.date.isoformat())
        _add(transaction, "amnt", _amount(entry.total_debit))
        _add(transaction, "amntTp", "D")
        for line_number, line in enumerate(entry.lines, start=1):
            element = _add(transaction, "trLine")
            _add(element, "nr", line_number)
            _add(element, "accID", line.account.code)
            _add(element, "docRef", entry.reference)
            _add(element, "effDate", entry.date.isoformat())
            _add(element, "desc", description)
            _add(element, "amnt", _amount(line.debit or line.credit))
            _add(element, "amntTp", "D" if line.debit else "C")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
