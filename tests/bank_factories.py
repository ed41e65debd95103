"""Bank test data: camt.053 statements written as a Dutch bank writes them, accounts and payment lines."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from tests.factories import ACTOR

FUND_IBAN = "NL91ABNA0417164300"
OTHER_IBAN = "NL20INGB0001234567"
INVESTEE_IBAN = "NL39RABO0300065264"
# The walk's accounts: fund, investee and payer of world A and of world B.
WALK_IBANS_A = (FUND_IBAN, INVESTEE_IBAN, "NL69INGB0123456789")
WALK_IBANS_B = (OTHER_IBAN, "NL44RABO0123456789", "NL18RABO0123459876")
NEW_IBAN = "NL02ABNA0123456789"


@dataclass(frozen=True)
class Entry:
    amount: str
    direction: str = "credit"
    booked: date = date(2026, 3, 2)
    remittance: str = ""
    end_to_end_id: str = ""
    counterparty: str = "Groene Koffie B.V."
    counterparty_iban: str = INVESTEE_IBAN
    bank_reference: str | None = None
    reversal: bool = False
    return_reason: str = ""
    mandate_id: str = ""


def bank_reference(entry: Entry) -> str:
    """The bank's own reference of an entry, the same in every statement that reports it."""
    digest = hashlib.sha256(repr(entry).encode()).hexdigest()[:8].upper()
    return f"ENT-{entry.booked:%y%m%d}-{digest}"


def _entry(number: int, entry: Entry, account: str) -> str:
    sign = "CRDT" if entry.direction == "credit" else "DBIT"
    ref = entry.bank_reference if entry.bank_reference is not None else bank_reference(entry)
    debtor, creditor = (escape(entry.counterparty), escape(entry.counterparty_iban)), ("Fonds", account)
    if entry.direction == "debit" and not (entry.reversal or entry.return_reason):
        debtor, creditor = creditor, debtor
    refs = f"<EndToEndId>{entry.end_to_end_id}</EndToEndId>" if entry.end_to_end_id else ""
    refs += f"<MndtId>{entry.mandate_id}</MndtId>" if entry.mandate_id else ""
    returned = f"<RtrInf><Rsn><Cd>{entry.return_reason}</Cd></Rsn></RtrInf>" if entry.return_reason else ""
    remittance = f"<RmtInf><Ustrd>{escape(entry.remittance)}</Ustrd></RmtInf>" if entry.remittance else ""
    return (
        f'<Ntry><NtryRef>{number}</NtryRef><Amt Ccy="EUR">{entry.amount}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
        + ("<RvslInd>true</RvslInd>" if entry.reversal else "")
        + f"<Sts>BOOK</Sts><BookgDt><Dt>{entry.booked.isoformat()}</Dt></BookgDt>"
        f"<ValDt><Dt>{entry.booked.isoformat()}</Dt></ValDt>"
        + (f"<AcctSvcrRef>{ref}</AcctSvcrRef>" if ref else "")
        + f"<NtryDtls><TxDtls><Refs>{refs}</Refs>"
        f"<RltdPties><Dbtr><Nm>{debtor[0]}</Nm></Dbtr><DbtrAcct><Id><IBAN>{debtor[1]}</IBAN></Id></DbtrAcct>"
        f"<Cdtr><Nm>{creditor[0]}</Nm></Cdtr><CdtrAcct><Id><IBAN>{creditor[1]}</IBAN></Id></CdtrAcct></RltdPties>"
        f"{remittance}{returned}</TxDtls></NtryDtls></Ntry>\n"
    )


def camt(entries: list[Entry], account: str = FUND_IBAN, opening: str = "1000.00", closing: str | None = None) -> bytes:
    """A camt.053.001.02 statement of ``account`` holding the entries (balances reconcile unless told)."""
    if closing is None:
        movement = sum(Decimal(e.amount) * (1 if e.direction == "credit" else -1) for e in entries)
        closing = str(Decimal(opening) + movement)
    first = min((e.booked for e in entries), default=date(2026, 3, 2))
    last = max((e.booked for e in entries), default=date(2026, 3, 2))

    def balance(code: str, amount: str, day: date) -> str:
        sign = "DBIT" if amount.startswith("-") else "CRDT"
        return (
            f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{amount.lstrip("-")}</Amt>'
            f"<CdtDbtInd>{sign}</CdtDbtInd><Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
        )

    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>TEST</MsgId><CreDtTm>2026-03-03T06:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>STMT-{last:%Y%m%d}</Id><Acct><Id><IBAN>{account}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        + balance("OPBD", opening, first)
        + balance("CLBD", closing, last)
        + "\n"
        + "".join(_entry(number, entry, account) for number, entry in enumerate(entries, start=1))
        + "</Stmt></BkToCstmrStmt></Document>\n"
    ).encode()


def fund_account(session: Any, fund: Any, iban: str = FUND_IBAN) -> Any:
    from fundapp.banking import services_accounts

    return services_accounts.add_account(session, ACTOR, fund, {"iban": iban, "name": fund.name, "bic": ""})


def investee_account(session: Any, investee: Any, iban: str = INVESTEE_IBAN) -> Any:
    from fundapp.banking import services_accounts

    return services_accounts.add_account(session, ACTOR, investee, {"iban": iban, "name": investee.name, "bic": ""})


def direct_debit_line(session: Any, fund: Any, account: Any, loan: Any, end_to_end_id: str, amount: str) -> Any:
    """A collection fundapp sent to the bank: a payment line of a direct-debit batch of the fund."""
    from fundapp.banking.models import BatchKind

    return payment_line(session, fund, account, BatchKind.DIRECT_DEBIT, end_to_end_id, amount, loan_id=loan.id)


def payment_line(session: Any, fund: Any, account: Any, kind: Any, end_to_end_id: str, amount: str, **line: Any) -> Any:
    from fundapp.banking.models import BatchStatus, PaymentBatch, PaymentLine

    batch = PaymentBatch(
        kind=kind,
        fund_id=fund.id,
        bank_account_id=account.id,
        message_id=f"MSG-{end_to_end_id}"[:35],
        execution_date=date(2026, 3, 2),
        status=BatchStatus.DOWNLOADED,
        transactions=1,
        total=Decimal(amount),
    )
    batch.lines.append(PaymentLine(end_to_end_id=end_to_end_id, amount=Decimal(amount), **line))
    session.add(batch)
    session.flush()
    return batch.lines[0]


def import_file(session: Any, fund: Any, data: bytes, name: str = "statement.xml") -> Any:
    from fundapp.banking import statements_import

    return statements_import.import_statement(session, ACTOR, fund, data, name)
