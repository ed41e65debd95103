"""ISO 20022 camt.053 (BankToCustomerStatement), versions 001.02 to 001.13.

Read with lxml, entities unresolved, no network, no DTD, no huge trees; a file that
declares a DOCTYPE is refused before it is parsed (UTF-16 is decoded for that scan;
any other encoding that hides one is refused after parsing, by the document info). Each booked entry (``Sts`` BOOK) is one transaction, or
one per ``TxDtls`` when a batch entry carries several. What changed between the
versions and is read both ways: a party's name directly under ``Dbtr``/``Cdtr``
(.02-.07) or under ``Pty`` (.08+); ``BIC`` (.02-.04) or ``BICFI`` (.05+); ``Sts`` as
text (.02-.07) or ``Sts/Cd`` or ``Sts/Prtry`` (.08+); a detail's amount in ``Amt`` (.03+) or
``AmtDtls``. Versions .09 to .13 renamed the types (ReportEntry10 to ReportEntry15,
PartyIdentification135 to 272, ...) but not one element this module reads: each path is
the same as in .08.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from lxml import etree
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from fundapp.messages import N_

from .model import Balance, Direction, Statement, StatementError, Transaction, decimals, minor_units

NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:(?P<message>[a-z]{4}\.[0-9]{3})\.001\.(?P<version>[0-9]{2})")
VERSIONS = ("02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13")
_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_AMOUNT = re.compile(r"[0-9]{1,18}(?:\.[0-9]{1,5})?")
# xs:date: a date, optionally with a time zone (Z, or an offset of at most 14 hours), which does not change the day.
_DATE = re.compile(r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?")
_NAMES = {
    "camt.052": N_("an account report (camt.052)"),
    "camt.054": N_("a debit/credit notification (camt.054)"),
}


@cache
def _bank_zone() -> ZoneInfo:
    """A Dutch fund's bank day is the day in Amsterdam (tzdata: Debian's tzdata package, as the rest of the app)."""
    return ZoneInfo("Europe/Amsterdam")


def _day(text: str) -> date:
    """The day of an ISO date or date-time: a date as written, with or without its time zone; a date-time with an
    offset or Z on the clock in Amsterdam (23:30Z in winter is the next day there); one without, as written."""
    found = _DATE.fullmatch(text)
    if found:
        return date.fromisoformat(found.group("date"))
    if text[10:11] in ("Z", "+", "-"):  # a date with a zone xs:date does not allow (datetime takes "+15" for a time)
        raise ValueError(text)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(_bank_zone()).date()


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False
    )


@cache
def _qualified(namespace: str, path: str) -> tuple[str, ...]:
    return tuple(f"{{{namespace}}}{step}" for step in path.split("/"))


class _Paths:
    """Every element under one element (an entry, a detail) by its path of local names, found in one walk:
    ``every`` in document order for ``findall``, and ``find`` the first of them. An entry's walk stops at its
    details (``NtryDtls/TxDtls``), each walked on its own."""

    __slots__ = ("every", "strip")

    def __init__(self, element: Any, namespace: str) -> None:
        self.every: dict[str, list[Any]] = {}
        self.strip = len(namespace) + 2 if namespace else 0
        self._walk(element, "")

    def _walk(self, element: Any, prefix: str) -> None:
        every, strip = self.every, self.strip
        for child in element:
            tag = child.tag
            if tag.__class__ is not str:  # a comment or processing instruction
                continue
            path = prefix + tag[strip:]
            found = every.get(path)
            if found is None:
                every[path] = [child]
            else:
                found.append(child)
            if len(child) and path != _DETAILS:
                self._walk(child, path + "/")

    def first(self, path: str) -> Any:
        found = self.every.get(path)
        return found[0] if found else None


_DETAILS = "NtryDtls/TxDtls"


class _Reader:
    def __init__(self, root: Any, namespace: str) -> None:
        self.tree = root.getroottree()
        self.namespace = namespace
        self.paths: dict[Any, _Paths] = {}

    def entry(self, entry: Any) -> list[Any]:
        """An entry's details (``NtryDtls/TxDtls``); the entry and each detail are read by path from now on, and
        the entry before forgotten: a transaction's twenty-odd lookups are then one walk of its elements and a
        dict each."""
        paths = _Paths(entry, self.namespace)
        details = paths.every.get(_DETAILS, [])
        self.paths = {entry: paths}
        self.paths.update((detail, _Paths(detail, self.namespace)) for detail in details)
        return list(details)

    # Elsewhere step by step through iterchildren: lxml's find() with a path runs ElementPath in Python,
    # which cost four fifths of the time of reading a large statement.
    def find(self, element: Any, path: str) -> Any:
        paths = self.paths.get(element)
        if paths is not None:
            return paths.first(path)
        for step in _qualified(self.namespace, path):
            element = next(element.iterchildren(step), None)
            if element is None:
                return None
        return element

    def findall(self, element: Any, path: str) -> list[Any]:
        paths = self.paths.get(element)
        if paths is not None:
            return list(paths.every.get(path, ()))
        *parents, last = _qualified(self.namespace, path)
        found = [element]
        for step in parents:
            found = [child for parent in found for child in parent.iterchildren(step)]
        return [child for parent in found for child in parent.iterchildren(last)]

    def text(self, element: Any, *paths: str) -> str | None:
        for path in paths:
            found = self.find(element, path)
            if found is not None and found.text and found.text.strip():
                return " ".join(found.text.split())
        return None

    def where(self, element: Any) -> str:
        return "/Document/" + re.sub(r"\{[^}]*\}", "", self.tree.getelementpath(element))

    def fail(self, element: Any, template: str, **params: Any) -> StatementError:
        where = self.where(element)
        message = template % {"element": where, **params}
        detail = {"element": where, "line": element.sourceline, "message": message}
        return StatementError(template, details=[detail], element=where, **params)

    def required(self, element: Any, path: str) -> Any:
        found = self.find(element, path)
        if found is None or not (found.text or len(found)):
            raise self.fail(element, N_("%(element)s has no %(child)s."), child=path)
        return found

    def amount(self, element: Any) -> Decimal:
        """The amount of an element with its ``Ccy`` (every caller has checked it is the account's currency)."""
        text = (element.text or "").strip()
        if not _AMOUNT.fullmatch(text):
            raise self.fail(element, N_("%(element)s: %(amount)s is not an amount."), amount=text[:40])
        currency = element.get("Ccy") or ""
        if decimals(text) > minor_units(currency):
            raise self.fail(
                element,
                N_("%(element)s: the amount %(amount)s has more decimals than %(currency)s has (%(minor)s)."),
                amount=text,
                currency=currency,
                minor=minor_units(currency),
            )
        return Decimal(text)

    def direction(self, element: Any, path: str = "CdtDbtInd") -> Direction:
        indicator = (self.required(element, path).text or "").strip()
        if indicator not in ("CRDT", "DBIT"):
            raise self.fail(
                element, N_("%(element)s: CdtDbtInd must be CRDT or DBIT, not %(found)s."), found=indicator[:10]
            )
        return "credit" if indicator == "CRDT" else "debit"

    def date(self, element: Any, path: str, required: bool = True) -> date | None:
        found = self.find(element, path)
        if found is None:
            if required:
                raise self.fail(element, N_("%(element)s has no %(child)s."), child=path)
            return None
        text = self.text(found, "Dt") or self.text(found, "DtTm") or ""
        try:
            return _day(text)
        except ValueError:
            raise self.fail(found, N_("%(element)s: %(date)s is not a date."), date=text[:40]) from None


def _refuse_doctype(data: bytes) -> None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", errors="replace").encode("utf-8")
    found = _DOCTYPE.search(data)
    if found:
        line = data.count(b"\n", 0, found.start()) + 1
        raise StatementError(
            N_("Line %(line)s declares a DOCTYPE or an ENTITY; XML with a document type is refused."),
            details=[{"line": line, "message": "DOCTYPE/ENTITY"}],
            line=line,
        )


def _root(data: bytes) -> tuple[Any, str, str]:
    _refuse_doctype(data)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        line = error.lineno or 1
        reason = str(error.msg or error)
        raise StatementError(
            N_("The XML is malformed or incomplete at line %(line)s: %(reason)s"),
            details=[{"line": line, "message": reason}],
            line=line,
            reason=reason,
        ) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise StatementError(
            N_("The XML declares a DOCTYPE; XML with a document type is refused."),
            details=[{"element": "/", "message": "DOCTYPE"}],
        )
    namespace = etree.QName(root).namespace or ""
    match = NAMESPACE.fullmatch(namespace)
    if not match or match.group("message") != "camt.053":
        found = _NAMES.get(match.group("message"), "") if match else ""
        raise StatementError(
            N_("This XML is not a bank statement (camt.053): it is %(found)s."),
            details=[{"element": f"/{etree.QName(root).localname}", "message": namespace or "no namespace"}],
            found=found or (namespace or etree.QName(root).localname)[:80],
        )
    if match.group("version") not in VERSIONS:
        raise StatementError(
            N_("camt.053 version 001.%(version)s is not supported; versions 001.02 to 001.13 are."),
            details=[{"element": "/Document", "message": namespace}],
            version=match.group("version"),
        )
    return root, namespace, match.group("version")


def _balances(read: _Reader, statement: Any, currency: str) -> tuple[Balance | None, Balance | None]:
    """The opening (``OPBD``, else ``PRCD``) and closing (``CLBD``) balance. A page of a statement split over
    several (``GrpHdr/MsgPgntn``) opens or closes with an interim booked balance (``ITBD``) instead, as MT940's
    :60M: and :62M:: the first ITBD is then the opening, the last one left the closing."""
    found: dict[str, Balance] = {}
    interim: list[Balance] = []
    for element in read.findall(statement, "Bal"):
        code = read.text(element, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry") or ""
        amount_element = read.required(element, "Amt")
        if amount_element.get("Ccy") != currency:
            raise read.fail(
                amount_element,
                N_("%(element)s is in %(found)s, the account in %(expected)s."),
                found=amount_element.get("Ccy"),
                expected=currency,
            )
        amount = read.amount(amount_element)
        signed = amount if read.direction(element) == "credit" else -amount
        balance_date = read.date(element, "Dt")
        assert balance_date is not None
        found.setdefault(code, Balance(signed, balance_date))
        if code == "ITBD":
            interim.append(Balance(signed, balance_date))
    opening = found.get("OPBD") or found.get("PRCD") or (interim.pop(0) if interim else None)
    closing = found.get("CLBD") or (interim.pop() if interim else None)
    return opening, closing


def _party(read: _Reader, details: Any, role: str) -> tuple[str | None, str | None, str | None]:
    name = read.text(details, f"RltdPties/{role}/Nm", f"RltdPties/{role}/Pty/Nm")
    account = read.text(details, f"RltdPties/{role}Acct/Id/IBAN", f"RltdPties/{role}Acct/Id/Othr/Id")
    bic = read.text(details, f"RltdAgts/{role}Agt/FinInstnId/BIC", f"RltdAgts/{role}Agt/FinInstnId/BICFI")
    return name, account, bic


def _counterparty(
    read: _Reader, details: Any, direction: Direction, returned: bool, own: str
) -> tuple[str | None, ...]:
    """The party that is not us: the debtor of a credit, the creditor of a debit; a
    return or reversal keeps the roles of the payment it undoes."""
    debtor, creditor = _party(read, details, "Dbtr"), _party(read, details, "Cdtr")
    if (creditor[1] or "").replace(" ", "") == own:
        return debtor
    if (debtor[1] or "").replace(" ", "") == own:
        return creditor
    wants_debtor = (direction == "credit") != returned
    return debtor if wants_debtor else creditor


def _detail_amount(read: _Reader, details: Any, currency: str) -> Decimal | None:
    for path in ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"):
        element = read.find(details, path)
        if element is not None and element.get("Ccy") == currency:
            return read.amount(element)
    return None


def _transaction(
    read: _Reader, entry: Any, details: Any | None, context: dict[str, Any], number: int | None
) -> Transaction:
    own: str = context["account"]
    direction: Direction = context["direction"]
    amount: Decimal = context["amount"]
    if details is not None and number is not None:
        amount = _detail_amount(read, details, context["currency"]) or amount
        if read.find(details, "CdtDbtInd") is not None:
            direction = read.direction(details)
    source = details if details is not None else entry
    reason = read.text(source, "RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry")
    returned = bool(reason) or context["reversal"]
    name, iban, bic = (
        _counterparty(read, source, direction, returned, own) if details is not None else (None, None, None)
    )
    unstructured = [
        " ".join(item.text.split()) for item in read.findall(source, "RmtInf/Ustrd") if item.text and item.text.strip()
    ]
    remittance = " ".join(unstructured) or read.text(source, "AddtlTxInf") or read.text(entry, "AddtlNtryInf")
    batch_reference = read.text(source, "Refs/AcctSvcrRef") if number is not None else None
    entry_reference = read.text(entry, "AcctSvcrRef", "NtryRef") or read.text(source, "Refs/AcctSvcrRef")
    # Many banks number a statement's entries 1, 2, ... in NtryRef: the same number names another movement in
    # the next (overlapping) statement, so only the servicer's own reference identifies one.
    servicer_reference = batch_reference or read.text(entry, "AcctSvcrRef") or read.text(source, "Refs/AcctSvcrRef")
    return Transaction(
        booking_date=context["booking_date"],
        value_date=context["value_date"],
        amount=amount,
        direction=direction,
        counterparty_name=name,
        counterparty_iban=iban,
        counterparty_bic=bic,
        remittance=remittance,
        creditor_reference=read.text(source, "RmtInf/Strd/CdtrRefInf/Ref"),
        end_to_end_id=read.text(source, "Refs/EndToEndId"),
        mandate_id=read.text(source, "Refs/MndtId"),
        bank_reference=batch_reference or entry_reference,
        identity_reference=servicer_reference or "",
        return_reason=reason,
        is_reversal=context["reversal"],
        raw=etree.tostring(details if number is not None else entry, encoding="unicode", with_tail=False),
        detail_number=number,
    )


def _batch_size(read: _Reader, entry: Any) -> int:
    """How many transactions the entry's batches say they hold (``NtryDtls/Btch/NbOfTxs``), 0 if none says."""
    counts = ((element.text or "").strip() for element in read.findall(entry, "NtryDtls/Btch/NbOfTxs"))
    return sum(int(count) for count in counts if re.fullmatch(r"[0-9]{1,15}", count))


def _entry(read: _Reader, entry: Any, currency: str, own: str, warn: Callable[..., None]) -> list[Transaction]:
    all_details = read.entry(entry)
    amount_element = read.required(entry, "Amt")
    if amount_element.get("Ccy") != currency:
        raise read.fail(
            amount_element,
            N_("%(element)s is in %(found)s, the account in %(expected)s."),
            found=amount_element.get("Ccy"),
            expected=currency,
        )
    context: dict[str, Any] = {
        "account": own,
        "currency": currency,
        "amount": read.amount(amount_element),
        "direction": read.direction(entry),
        "reversal": (read.text(entry, "RvslInd") or "").lower() in ("true", "1"),
        "booking_date": read.date(entry, "BookgDt"),
        "value_date": read.date(entry, "ValDt", required=False),
    }
    if len(all_details) == 1 and _batch_size(read, entry) > 1:
        warn(
            N_(
                "The batch entry at %(element)s holds %(count)s transactions and details only one; "
                "it is one transaction."
            ),
            element=read.where(entry),
            count=_batch_size(read, entry),
        )
        # The one detail is a part of the batch: its party, references and text are not the whole entry's.
        return [_transaction(read, entry, None, context, None)]
    if len(all_details) <= 1:
        return [_transaction(read, entry, all_details[0] if all_details else None, context, None)]
    if any(_detail_amount(read, details, currency) is None for details in all_details):
        warn(
            N_("A batch entry at %(element)s gives no amount per detail; it is one transaction."),
            element=read.where(entry),
        )
        # The batch as one movement: no detail's party, references or text is the whole entry's.
        return [_transaction(read, entry, None, context, None)]
    split = [_transaction(read, entry, details, context, number) for number, details in enumerate(all_details, start=1)]
    total = sum((tx.signed_amount for tx in split), Decimal(0))
    entry_amount: Decimal = context["amount"]
    expected = entry_amount if context["direction"] == "credit" else -entry_amount
    if total != expected:
        warn(
            N_(
                "The details of the batch entry at %(element)s add up to %(total)s, the entry says %(expected)s; "
                "it is one transaction."
            ),
            element=read.where(entry),
            total=str(total),
            expected=str(expected),
        )
        # What the bank booked is the entry: details that say otherwise (gross amounts before charges, details
        # left out) would put on the account what is not on it. The entry stays the batch, as above.
        return [_transaction(read, entry, None, context, None)]
    return split


def _booked(read: _Reader, entry: Any) -> bool:
    """ISO's code BOOK (``Sts`` .02-.07, ``Sts/Cd`` .08+), or a bank's own status (``Sts/Prtry``, .08+) that says the
    same: BOOK or BOOKED, in any case. Anything else is pending or for information."""
    code = read.text(entry, "Sts/Cd", "Sts")
    if code is not None:
        return code == "BOOK"
    return (read.text(entry, "Sts/Prtry") or "").upper() in ("BOOK", "BOOKED")


def _statement(read: _Reader, statement: Any, warn_list: list[str], warning: Callable[..., str]) -> Statement:
    account_element = read.required(statement, "Acct")
    written = read.text(account_element, "Id/IBAN", "Id/Othr/Id") or ""
    try:
        account = str(IBAN(written.replace(" ", "")).compact)
    except SchwiftyException:
        raise read.fail(
            account_element,
            N_("%(element)s: the statement's account %(account)s is not a valid IBAN."),
            account=written[:40],
        ) from None
    first_amount = read.find(statement, "Bal/Amt")
    currency = (
        read.text(account_element, "Ccy") or (first_amount.get("Ccy") if first_amount is not None else None) or ""
    )
    opening, closing = _balances(read, statement, currency)
    transactions: list[Transaction] = []
    unbooked = 0
    for entry in read.findall(statement, "Ntry"):
        if not _booked(read, entry):
            unbooked += 1
            continue
        transactions.extend(
            _entry(
                read, entry, currency, account, lambda template, **params: warn_list.append(warning(template, **params))
            )
        )
    if unbooked:
        warn_list.append(
            warning(N_("%(count)s entries not yet booked (pending or for information) were left out."), count=unbooked)
        )
    return Statement(
        format="camt.053",
        account_iban=account,
        account_as_written=written,
        currency=currency,
        statement_id=read.text(statement, "Id"),
        sequence=read.text(statement, "ElctrncSeqNb", "LglSeqNb"),
        opening_balance=opening,
        closing_balance=closing,
        transactions=tuple(transactions),
        warnings=tuple(warn_list),
    )


def parse_camt(data: bytes, warning: Callable[..., str]) -> list[Statement]:
    root, namespace, _version = _root(data)
    read = _Reader(root, namespace)
    message = read.find(root, "BkToCstmrStmt")
    if message is None:
        raise read.fail(root, N_("%(element)s has no %(child)s."), child="BkToCstmrStmt")
    statements = read.findall(message, "Stmt")
    if not statements:
        raise read.fail(message, N_("%(element)s has no %(child)s."), child="Stmt")
    return [_statement(read, statement, [], warning) for statement in statements]
