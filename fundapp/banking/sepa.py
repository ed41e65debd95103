"""SEPA payment files: direct debits (pain.008.001.02, SEPA Core) and credit transfers (pain.001.001.03).

The messages are built by sepaxml and checked here against the ISO 20022 XSD
that sepaxml ships, with lxml, before they are handed out: a file that does
not validate is never offered. sepaxml groups the transactions into one
payment information block (PmtInf) per sequence type and date, as the
standard requires, and writes the per-block and per-file totals (NbOfTxs,
CtrlSum). This module checks every input first (IBANs, BICs, creditor id,
amounts, the SEPA character set and lengths, see ``sepa_text``) and makes the
file reproducible: the message id, the creation time and the payment
information ids (message id + "-" + sequence type, or "-TRF") are taken from
the batch instead of being drawn at random.

Collections (``installments_to_collect``): one transaction per installment
due and unpaid on the collection date, for loans with a mandate signed by
then. A mandate never collected from is presented as FRST for its earliest
installment and RCUR for the others in the same file; since the 2016 SEPA
Core rulebook a first collection may be presented as RCUR too, so banks
accept the mix, and the series is marked as started once the file is sent.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

import sepaxml
from lxml import etree

from fundapp.banking.accounts import AccountError, bic_for_iban, check_bic, check_creditor_id, check_iban
from fundapp.banking.sepa_text import (
    NAME_LENGTH,
    REMITTANCE_LENGTH,
    SepaError,
    amount_in_cents,
    free_text,
    identifier,
    transliterate,
)
from fundapp.messages import N_

DIRECT_DEBIT_SCHEMA = "pain.008.001.02"
CREDIT_TRANSFER_SCHEMA = "pain.001.001.03"
MESSAGE_ID_LENGTH = 30  # the payment information ids append up to five characters to it
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_REFERENCE_CHARACTERS = re.compile(r"[^A-Za-z0-9./-]")


class SequenceType(enum.StrEnum):
    FIRST = "FRST"
    RECURRING = "RCUR"


@dataclass(frozen=True)
class DirectDebitLine:
    end_to_end_id: str
    amount: Decimal
    mandate_id: str
    mandate_signed_on: dt.date
    sequence: SequenceType
    debtor_name: str
    debtor_iban: str
    remittance: str
    debtor_bic: str | None = None


@dataclass(frozen=True)
class DirectDebitBatch:
    message_id: str
    created_at: dt.datetime
    creditor_name: str
    creditor_iban: str
    creditor_id: str
    collection_date: dt.date
    lines: tuple[DirectDebitLine, ...]
    creditor_bic: str | None = None  # taken from the IBAN's bank when not given


@dataclass(frozen=True)
class CreditTransferLine:
    end_to_end_id: str
    amount: Decimal
    creditor_name: str
    creditor_iban: str
    remittance: str
    creditor_bic: str | None = None


@dataclass(frozen=True)
class CreditTransferBatch:
    message_id: str
    created_at: dt.datetime
    debtor_name: str
    debtor_iban: str
    execution_date: dt.date
    lines: tuple[CreditTransferLine, ...]
    debtor_bic: str | None = None  # taken from the IBAN's bank when known


@dataclass(frozen=True)
class SepaFile:
    """A validated payment file and the totals a person checks before sending it."""

    xml: bytes
    schema: str
    message_id: str
    number_of_transactions: int
    control_sum: Decimal


@cache
def xml_schema(name: str) -> etree.XMLSchema:
    """The ISO 20022 XSD shipped with sepaxml (``pain.008.001.02``, ``pain.001.001.03``)."""
    path = resources.files(sepaxml).joinpath("schemas", f"{name}.xsd")
    with path.open("rb") as handle:
        return etree.XMLSchema(etree.parse(handle, _PARSER))


def validate(xml: bytes, schema: str) -> etree._Element:
    """The parsed document, or SepaError naming the first violation of the schema."""
    document = etree.fromstring(xml, _PARSER)
    _check_schema(document, schema)
    return document


def _check_schema(document: etree._Element, schema: str) -> None:
    checker = xml_schema(schema)
    if not checker.validate(document):
        raise SepaError(
            N_("The payment file does not follow the %(schema)s schema: %(error)s"),
            schema=schema,
            error=checker.error_log.last_error,
        )


def build_direct_debit(batch: DirectDebitBatch) -> SepaFile:
    """The pain.008.001.02 file of a batch, validated against the XSD."""
    message_id = identifier(batch.message_id, N_("message id"), MESSAGE_ID_LENGTH)
    creditor_iban = _iban(batch.creditor_iban, N_("creditor IBAN"))
    creditor_bic = _bic(batch.creditor_bic, creditor_iban)
    if creditor_bic is None:
        raise SepaError(
            N_("The BIC of the creditor's bank is needed: it cannot be found from IBAN %(iban)s."), iban=creditor_iban
        )
    _check_dates(batch.created_at, batch.collection_date, N_("collection date"))
    debit = sepaxml.SepaDD(
        {
            "name": free_text(batch.creditor_name, N_("creditor name"), NAME_LENGTH),
            "IBAN": creditor_iban,
            "BIC": creditor_bic,
            "batch": True,
            "creditor_id": _creditor_id(batch.creditor_id),
            "currency": "EUR",
        },
        schema=DIRECT_DEBIT_SCHEMA,
        clean=False,
    )
    _unique(line.end_to_end_id for line in batch.lines)
    for line in batch.lines:
        debit.add_payment(_direct_debit_payment(line, batch.collection_date))
    return _finish(debit, DIRECT_DEBIT_SCHEMA, message_id, batch.created_at, len(batch.lines))


def build_credit_transfer(batch: CreditTransferBatch) -> SepaFile:
    """The pain.001.001.03 file of a batch (disbursements, outcome payments), validated against the XSD."""
    message_id = identifier(batch.message_id, N_("message id"), MESSAGE_ID_LENGTH)
    debtor_iban = _iban(batch.debtor_iban, N_("debtor IBAN"))
    _check_dates(batch.created_at, batch.execution_date, N_("execution date"))
    config = {
        "name": free_text(batch.debtor_name, N_("debtor name"), NAME_LENGTH),
        "IBAN": debtor_iban,
        "batch": True,
        "currency": "EUR",
    }
    debtor_bic = _bic(batch.debtor_bic, debtor_iban)
    if debtor_bic is not None:
        config["BIC"] = debtor_bic
    transfer = sepaxml.SepaTransfer(config, schema=CREDIT_TRANSFER_SCHEMA, clean=False)
    _unique(line.end_to_end_id for line in batch.lines)
    for line in batch.lines:
        creditor_iban = _iban(line.creditor_iban, N_("creditor IBAN"))
        payment: dict[str, object] = {
            "name": free_text(line.creditor_name, N_("creditor name"), NAME_LENGTH),
            "IBAN": creditor_iban,
            "amount": amount_in_cents(line.amount, N_("amount")),
            "execution_date": batch.execution_date,
            "description": free_text(line.remittance, N_("remittance information"), REMITTANCE_LENGTH),
            "endtoend_id": identifier(line.end_to_end_id, N_("end-to-end id")),
        }
        if line.creditor_bic:
            payment["BIC"] = check_bic(line.creditor_bic)
        transfer.add_payment(payment)
    return _finish(transfer, CREDIT_TRANSFER_SCHEMA, message_id, batch.created_at, len(batch.lines))


def _direct_debit_payment(line: DirectDebitLine, collection_date: dt.date) -> dict[str, object]:
    if line.mandate_signed_on > collection_date:
        raise SepaError(
            N_("Mandate %(mandate)s is signed on %(signed)s, after the collection date %(date)s."),
            mandate=line.mandate_id,
            signed=line.mandate_signed_on.isoformat(),
            date=collection_date.isoformat(),
        )
    payment: dict[str, object] = {
        "name": free_text(line.debtor_name, N_("debtor name"), NAME_LENGTH),
        "IBAN": _iban(line.debtor_iban, N_("debtor IBAN")),
        "amount": amount_in_cents(line.amount, N_("amount")),
        "type": SequenceType(line.sequence).value,
        "collection_date": collection_date,
        "mandate_id": identifier(line.mandate_id, N_("mandate id")),
        "mandate_date": line.mandate_signed_on,
        "description": free_text(line.remittance, N_("remittance information"), REMITTANCE_LENGTH),
        "endtoend_id": identifier(line.end_to_end_id, N_("end-to-end id")),
    }
    if line.debtor_bic:
        payment["BIC"] = check_bic(line.debtor_bic)
    return payment


def _finish(
    initiation: sepaxml.SepaDD | sepaxml.SepaTransfer, schema: str, message_id: str, created_at: dt.datetime, count: int
) -> SepaFile:
    if count == 0:
        raise SepaError(N_("A payment file needs at least one transaction."))
    document = etree.fromstring(initiation.export(validate=False), _PARSER)
    namespace = {"p": f"urn:iso:std:iso:20022:tech:xsd:{schema}"}
    document.find(".//p:GrpHdr/p:MsgId", namespace).text = message_id
    document.find(".//p:GrpHdr/p:CreDtTm", namespace).text = created_at.replace(microsecond=0).isoformat()
    for block in document.iterfind(".//p:PmtInf", namespace):
        sequence = block.find("p:PmtTpInf/p:SeqTp", namespace)
        block.find("p:PmtInfId", namespace).text = f"{message_id}-{sequence.text if sequence is not None else 'TRF'}"
    _check_schema(document, schema)
    header = document.find(".//p:GrpHdr", namespace)
    return SepaFile(
        xml=etree.tostring(document, xml_declaration=True, encoding="UTF-8"),
        schema=schema,
        message_id=message_id,
        number_of_transactions=int(header.findtext("p:NbOfTxs", namespaces=namespace)),
        control_sum=Decimal(header.findtext("p:CtrlSum", namespaces=namespace)),
    )


def _iban(text: str, field: str) -> str:
    try:
        return check_iban(text, sepa_only=True)
    except AccountError as error:
        raise SepaError(N_("%(field)s: %(problem)s"), field=field, problem=error) from None


def _bic(text: str | None, iban: str) -> str | None:
    return check_bic(text) if text else bic_for_iban(iban)


def _creditor_id(text: str) -> str:
    try:
        return check_creditor_id(text)
    except AccountError as error:
        raise SepaError(N_("%(field)s: %(problem)s"), field=N_("creditor identifier"), problem=error) from None


def _check_dates(created_at: dt.datetime, requested: dt.date, field: str) -> None:
    if requested < created_at.date():
        raise SepaError(
            N_("The %(field)s %(date)s is before the file's creation date."), field=field, date=requested.isoformat()
        )


def _unique(end_to_end_ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for value in end_to_end_ids:
        if value in seen:
            raise SepaError(N_("The end-to-end id %(value)s appears twice in the file."), value=value)
        seen.add(value)


# -- collections ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mandate:
    mandate_id: str
    signed_on: dt.date
    first_collected_on: dt.date | None = None  # None: nothing collected under it yet, the next is FRST


@dataclass(frozen=True)
class DueInstallment:
    number: int
    due_on: dt.date
    amount_due: Decimal  # what is still unpaid of it


@dataclass(frozen=True)
class CollectableLoan:
    reference: str
    debtor_name: str
    debtor_iban: str
    mandate: Mandate | None
    installments: tuple[DueInstallment, ...]
    debtor_bic: str | None = None


def end_to_end_id(reference: str, number: int) -> str:
    """The end-to-end id of an installment's collection: the loan reference, "-", the installment number.

    The reference is reduced to letters, digits, ".", "/" and "-" so the id
    survives every bank unchanged; an id longer than 35 characters is refused.
    """
    return identifier(f"{reference_id(reference)}-{number}", N_("end-to-end id"))


def reference_id(reference: str) -> str:
    """A loan reference as it can stand in an identifier: letters, digits, ".", "/" and "-" (spaces become "-")."""
    return _REFERENCE_CHARACTERS.sub("", transliterate(reference).replace(" ", "-")).strip("/")


def installments_to_collect(
    loans: tuple[CollectableLoan, ...] | list[CollectableLoan],
    collection_date: dt.date,
    remittance: str = N_("Loan %(reference)s installment %(number)s"),
) -> tuple[DirectDebitLine, ...]:
    """One direct-debit line per installment due on or before the collection date and not yet paid.

    ``remittance`` is the description the debtor reads (a template with
    ``%(reference)s`` and ``%(number)s``; pass it translated).
    """
    lines: list[DirectDebitLine] = []
    for loan in sorted(loans, key=lambda item: item.reference):
        mandate = loan.mandate
        if mandate is None or mandate.signed_on > collection_date:
            continue
        due = sorted(
            (item for item in loan.installments if item.due_on <= collection_date and item.amount_due > 0),
            key=lambda item: (item.due_on, item.number),
        )
        for position, installment in enumerate(due):
            first = mandate.first_collected_on is None and position == 0
            lines.append(
                DirectDebitLine(
                    end_to_end_id=end_to_end_id(loan.reference, installment.number),
                    amount=installment.amount_due,
                    mandate_id=mandate.mandate_id,
                    mandate_signed_on=mandate.signed_on,
                    sequence=SequenceType.FIRST if first else SequenceType.RECURRING,
                    debtor_name=loan.debtor_name,
                    debtor_iban=loan.debtor_iban,
                    remittance=remittance % {"reference": loan.reference, "number": installment.number},
                    debtor_bic=loan.debtor_bic,
                )
            )
    return tuple(lines)
