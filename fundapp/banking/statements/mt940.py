"""MT940 as the Dutch banks export it: ABN AMRO, ING, Rabobank, de Volksbank (SNS, ASN,
RegioBank), Triodos, Knab and bunq.

The file is cut into statements (one per ``:20:``) and tags here, line by line, so
that a refusal names its line; the SWIFT envelope (``{1:..}{2:..}{4:``, ``-}``) and
the banks' own header lines (ABN AMRO's ``ABNANL2A``/``940``, Rabobank's ``:940:``)
outside a statement are skipped. A ``:61:`` line is read with the mt-940 library's
grammar (with its ASN variant for de Volksbank, whose customer reference is the
counterparty's IBAN); the :86: that follows it with ``mt940_details``. Why not
``mt940.parse`` itself: it keeps no line numbers, it hands a statement-level :86:
(ING's ``/SUM/``) to the last transaction, it logs statement data on a failed
match, and it has no reader for the Dutch :86: fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import mt940.tags
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from fundapp.messages import N_

from . import mt940_details as details
from .model import Balance, Direction, Statement, StatementError, Transaction, decimals, minor_units

_TAG = re.compile(r":(?P<tag>[0-9]{2}[A-Z]?|NS):(?P<value>.*)")
_TERMINATOR = re.compile(r"-\}?(\{5:.*)?|-XXX")
_BALANCE = re.compile(r"(?P<mark>[CD])(?P<date>[0-9]{6})(?P<currency>[A-Z]{3})(?P<amount>[0-9]+(?:,[0-9]*)?)")
_AMOUNT = re.compile(r"[0-9]+(?:,[0-9]*)?")
_STATEMENT_LINE = mt940.tags.Statement().re
_STATEMENT_LINE_LONG_REFERENCE = mt940.tags.StatementASNB().re  # de Volksbank: an IBAN as customer reference
_DOMESTIC = re.compile(r"(?:(?P<bic>[A-Z]{4}NL[0-9A-Z]{2}[A-Z0-9]{0,3})/|TRIODOSBANK/)?P?(?P<number>[0-9]{1,10})")
_BANK_IN_HEADER = re.compile(r"(ABNANL2A|INGBNL2A|RABONL2U|TRIONL2U|KNABNL2H|SNSBNL2A|ASNBNL21|RBRBNL21|BUNQNL2A)")
_ACCOUNT_CURRENCY = re.compile(r"(?P<account>.+?)\s*(?P<currency>[A-Z]{3})?")
_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_CURRENCY = re.compile(r"[A-Z]{3}")
_BANK_NAMES = {"TRIODOSBANK": "TRIONL2U"}  # a bank's name where a BIC stands (Triodos's :25:)


@dataclass
class _Field:
    tag: str
    line: int
    lines: list[str] = field(default_factory=list)


@dataclass
class _Block:
    line: int
    fields: list[_Field] = field(default_factory=list)


def _fail(at: int, template: str, **params: object) -> StatementError:
    message = template % params if params else template
    return StatementError(template, details=[{"line": at, "message": message}], **params)


def _split(text: str) -> tuple[list[_Block], str]:
    """The statements (from ``:20:`` to ``-`` or the next ``:20:``) and the text outside them."""
    blocks: list[_Block] = []
    outside: list[str] = []
    block: _Block | None = None
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        if "\x00" in line:
            raise _fail(number, N_("Line %(line)s holds binary data; this is not an MT940 statement."), line=number)
        tag = _TAG.match(line)
        stripped = line.strip()
        if tag:
            if tag.group("tag") == "20":
                block = _Block(number)
                blocks.append(block)
            elif block is None:
                raise _fail(
                    number,
                    N_("Line %(line)s: the tag :%(tag)s: stands outside a statement (before its :20:)."),
                    line=number,
                    tag=tag.group("tag"),
                )
            block.fields.append(_Field(tag.group("tag"), number, [tag.group("value")]))
        elif _TERMINATOR.fullmatch(stripped) or stripped.startswith("{1:"):
            block = None
            outside.append(line)
        elif block is not None and block.fields:
            block.fields[-1].lines.append(line)
        else:
            outside.append(line)
    return blocks, "\n".join(outside)


def _amount(text: str, line: int, currency: str) -> Decimal:
    if not _AMOUNT.fullmatch(text):
        raise _fail(line, N_("Line %(line)s: %(amount)s is not an amount."), line=line, amount=text)
    if decimals(text) > minor_units(currency):
        raise _fail(
            line,
            N_("Line %(line)s: the amount %(amount)s has more decimals than %(currency)s has (%(minor)s)."),
            line=line,
            amount=text,
            currency=currency,
            minor=minor_units(currency),
        )
    return Decimal(text.replace(",", "."))


def _date(yymmdd: str, line: int) -> date:
    try:
        return date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6]))
    except ValueError:
        raise _fail(line, N_("Line %(line)s: %(date)s is not a date (YYMMDD)."), line=line, date=yymmdd) from None


def _balance(item: _Field) -> tuple[Balance, str]:
    value = item.lines[0].strip()
    match = _BALANCE.fullmatch(value)
    if not match:
        raise _fail(
            item.line,
            N_("Line %(line)s: the balance :%(tag)s: cannot be read (%(value)s)."),
            line=item.line,
            tag=item.tag,
            value=value[:40],
        )
    amount = _amount(match.group("amount"), item.line, match.group("currency"))
    signed = -amount if match.group("mark") == "D" else amount
    return Balance(signed, _date(match.group("date"), item.line)), match.group("currency")


def _iban_and_currency(text: str) -> tuple[IBAN, str | None] | None:
    """An IBAN, optionally followed by a currency (``NL..INGB..EUR``, ``NL..RABO.. EUR``), or None."""
    match = _ACCOUNT_CURRENCY.fullmatch(text)
    candidates = [(text, None), (match.group("account"), match.group("currency"))] if match else [(text, None)]
    for candidate, currency in candidates:
        try:
            return IBAN(candidate.replace(" ", "")), currency
        except SchwiftyException:
            continue
    return None


def _same_bank(bic: BIC, iban: IBAN) -> bool:
    """Whether ``bic`` is the bank of ``iban``: its bank and country (the first six letters) as schwifty's registry
    has the IBAN's bank, or where the registry does not know it, its country."""
    known = iban.bic
    if known is not None:
        return bic.compact[:6] == known.compact[:6]
    return bic.country_code == iban.country_code


def _slashed(item: _Field, written: str) -> tuple[IBAN, str | None] | None:
    """The IBAN (and currency) of a :25: with slashes: ``BIC/IBAN``, ``IBAN/currency`` or ``BIC/IBAN/currency``;
    None when no part is an IBAN (a domestic number, ``TRIODOSBANK/0198765432``). Refused: two IBANs, a part
    that is neither the BIC before the IBAN nor the currency after it, a BIC of another bank than the IBAN's, a
    currency both glued to the IBAN and after the slash."""
    parts = [part.strip() for part in written.split("/")]
    found = [(index, _iban_and_currency(part)) for index, part in enumerate(parts)]
    ibans = [(index, read) for index, read in found if read is not None]
    if not ibans:
        return None
    if len(ibans) > 1:
        raise _fail(
            item.line,
            N_("Line %(line)s: the statement's account %(account)s names more than one IBAN."),
            line=item.line,
            account=written[:40],
        )
    ((index, (iban, currency)),) = ibans
    before, after = parts[:index], parts[index + 1 :]
    unreadable = _fail(
        item.line,
        N_("Line %(line)s: the statement's account %(account)s cannot be read as BIC/IBAN or IBAN/currency."),
        line=item.line,
        account=written[:40],
    )
    if len(before) > 1 or len(after) > 1:
        raise unreadable
    if after:
        if currency is not None or not _CURRENCY.fullmatch(after[0]):
            raise unreadable
        currency = after[0]
    if before:
        name = before[0].replace(" ", "").upper()
        name = _BANK_NAMES.get(name, name)
        try:
            bic = BIC(name) if _BIC.fullmatch(name) else None
        except SchwiftyException:
            bic = None
        if bic is None:
            raise unreadable
        if not _same_bank(bic, iban):
            raise _fail(
                item.line,
                N_(
                    "Line %(line)s: the statement's account %(account)s names the bank %(bic)s, not the bank of %(iban)s."
                ),
                line=item.line,
                account=written[:40],
                bic=before[0],
                iban=str(iban.compact),
            )
    return iban, currency


def _account(item: _Field, bank_bic: str | None) -> tuple[str, str, str | None]:
    """The statement's own IBAN from :25: (``NL..INGB..EUR``, ``NL..RABO.. EUR``, ``INGBNL2A/NL..INGB..``,
    ``NL..INGB../EUR``, or a domestic number that ABN AMRO, Triodos and Knab still write), checked; the field as
    written; the currency it names, if any."""
    written = " ".join(item.lines).strip()
    read = _slashed(item, written) if "/" in written else _iban_and_currency(written)
    if read is not None:
        iban, currency = read
        return str(iban.compact), written, currency
    domestic = _DOMESTIC.fullmatch(written.replace(" ", ""))
    bic = (domestic.group("bic") if domestic else None) or (
        "TRIONL2U" if written.startswith("TRIODOSBANK/") else bank_bic
    )
    if domestic and bic:
        try:
            return (
                str(IBAN.generate("NL", bank_code=bic[:4], account_code=domestic.group("number").zfill(10)).compact),
                written,
                None,
            )
        except SchwiftyException:
            pass
    raise _fail(
        item.line,
        N_("Line %(line)s: the statement's account %(account)s is not a valid IBAN."),
        line=item.line,
        account=written[:40],
    )


def _booking_date(value_date: date, month: str | None, day: str | None, line: int) -> date:
    """The entry date (MMDD) of :61: takes its year from the value date, across a year's end."""
    if not (month and day and month.isdigit() and day.isdigit()):
        return value_date
    candidates = []
    for year in (value_date.year - 1, value_date.year, value_date.year + 1):
        try:
            candidates.append(date(year, int(month), int(day)))
        except ValueError:
            continue
    if not candidates:
        raise _fail(line, N_("Line %(line)s: %(date)s is not a date (MMDD)."), line=line, date=month + day)
    return min(candidates, key=lambda candidate: abs((candidate - value_date).days))


def _transaction(line61: _Field, line86: _Field | None, currency: str) -> Transaction:
    value = line61.lines[0].rstrip()
    extra = " ".join(part.strip() for part in line61.lines[1:] if part.strip())
    text = f"{value}\n{extra}" if extra else value
    match = _STATEMENT_LINE.fullmatch(text) or _STATEMENT_LINE_LONG_REFERENCE.fullmatch(text)
    mark = (match.group("status") or "").upper() if match else ""
    if not match or mark not in ("C", "D", "RC", "RD"):
        raise _fail(
            line61.line,
            N_(
                "Line %(line)s: the statement line :61: cannot be read; it must hold a value date (YYMMDD), "
                "an optional entry date (MMDD), C or D, an amount with a decimal comma and a transaction type."
            ),
            line=line61.line,
        )
    value_date = _date(match.group("year") + match.group("month") + match.group("day"), line61.line)
    booking_date = _booking_date(value_date, match.group("entry_month"), match.group("entry_day"), line61.line)
    amount = _amount(match.group("amount"), line61.line, currency)
    # RC reverses a credit (money goes out), RD a debit (money comes back).
    direction: Direction = "credit" if mark in ("C", "RD") else "debit"
    found = details.parse_details(line86.lines) if line86 else details.Details()
    reference = (match.group("customer_reference") or "").strip()
    supplementary = (match.group("extra_details") or "").strip()
    iban = found.counterparty_iban
    name = found.counterparty_name
    if not iban and details.looks_like_iban(reference):  # de Volksbank
        iban, name = reference, name or details.clean(supplementary)
    if not iban and details.looks_like_account(supplementary):  # Rabobank
        iban = supplementary
    return_reason = found.return_reason
    if not return_reason and (match.group("id") or "").upper() == "NRTI":
        return_reason = details.leading_reason_code(found.remittance)
    raw = ":61:" + "\n".join(line61.lines)
    if line86:
        raw += "\n:86:" + "\n".join(line86.lines)
    return Transaction(
        booking_date=booking_date,
        value_date=value_date,
        amount=amount,
        direction=direction,
        counterparty_name=name,
        counterparty_iban=iban,
        counterparty_bic=found.counterparty_bic,
        remittance=found.remittance,
        creditor_reference=found.creditor_reference,
        end_to_end_id=found.end_to_end_id,
        mandate_id=found.mandate_id,
        bank_reference=(match.group("bank_reference") or "").strip() or None,
        return_reason=return_reason,
        is_reversal=mark.startswith("R"),
        raw=raw.rstrip(),
    )


def _first_of(block: _Block, *tags: str) -> _Field | None:
    return next((item for item in block.fields if item.tag in tags), None)


def _statement(block: _Block, bank_bic: str | None) -> Statement:
    account_field = _first_of(block, "25")
    opening_field = _first_of(block, "60F", "60M", "60")
    closing_field = _first_of(block, "62F", "62M", "62")
    for item, tag in ((account_field, ":25:"), (opening_field, ":60F:"), (closing_field, ":62F:")):
        if item is None:
            raise _fail(
                block.line,
                N_("The statement starting at line %(line)s has no %(tag)s."),
                line=block.line,
                tag=tag,
            )
    assert account_field and opening_field and closing_field
    account_iban, written, account_currency = _account(account_field, bank_bic)
    opening, currency = _balance(opening_field)
    if account_currency is not None and account_currency != currency:
        raise _fail(
            account_field.line,
            N_("Line %(line)s: the statement's account %(account)s is in %(found)s, its balances in %(expected)s."),
            line=account_field.line,
            account=written[:40],
            found=account_currency,
            expected=currency,
        )
    closing, closing_currency = _balance(closing_field)
    if closing_currency != currency:
        raise _fail(
            closing_field.line,
            N_("Line %(line)s: the closing balance is in %(found)s, the opening balance in %(expected)s."),
            line=closing_field.line,
            found=closing_currency,
            expected=currency,
        )
    transactions: list[Transaction] = []
    for index, item in enumerate(block.fields):
        if item.tag != "61":
            continue
        if item.line < opening_field.line or item.line > closing_field.line:
            raise _fail(
                item.line,
                N_("Line %(line)s: a statement line :61: must stand between the opening and the closing balance."),
                line=item.line,
            )
        following = block.fields[index + 1] if index + 1 < len(block.fields) else None
        transactions.append(_transaction(item, following if following and following.tag == "86" else None, currency))
    number = _first_of(block, "28C", "28")
    reference = _first_of(block, "20")
    return Statement(
        format="mt940",
        account_iban=account_iban,
        account_as_written=written,
        currency=currency,
        statement_id=(reference.lines[0].strip() or None) if reference else None,
        sequence=(number.lines[0].strip() or None) if number else None,
        opening_balance=opening,
        closing_balance=closing,
        transactions=tuple(transactions),
    )


def looks_like_mt940(text: str) -> bool:
    tags = set(re.findall(r"^:([0-9]{2}[A-Z]?):", text, re.MULTILINE))
    return "20" in tags and "25" in tags and bool({"60F", "60M", "60"} & tags)


def parse_mt940(text: str) -> list[Statement]:
    blocks, outside = _split(text)
    if not blocks:
        raise StatementError(N_("The file holds no MT940 statement (no :20: line)."))
    header = _BANK_IN_HEADER.search(outside)
    bank_bic = header.group(1) if header else None
    return [_statement(block, bank_bic) for block in blocks]
