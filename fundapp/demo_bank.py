"""The demo's money through the bank: accounts, mandates, one imported camt.053 statement of the Rotterdam
fund (a proposal, a booked credit, an unknown credit, bank costs set aside) and two payment batches; built
after the demo's loans, through the banking services, from the demo's own loans and dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp import audit, clock, demo_instruments
from fundapp.banking import batches, booking, services_accounts, statements_import
from fundapp.banking.models import BankTransaction
from fundapp.funds import services as fund_services
from fundapp.loans import services as loan_services
from fundapp.loans.models import Loan
from fundapp.loans.schedule import Amortization, DayCount, Frequency

ACTOR = audit.Actor.system("demo")
FUND_IBAN = "NL91ABNA0417164300"
CREDITOR_ID = "NL06ZZZ987654320000"  # the fund's (invented) KvK number 98765432 and serial 0000
# Rotterdam investees (by their index in the demo) and their accounts.
INVESTEE_IBANS = {
    0: "NL81RABO0312345678",
    1: "NL73INGB0004567891",
    2: "NL12TRIO0198765432",
    3: "NL09ABNA0456123789",
}
PAYER_IBAN = "NL38BNGH0285012345"
STRANGER_IBAN = "NL44ASNB0708123456"
BANK_IBAN = "NL58ABNA0000000001"


@dataclass(frozen=True)
class Entry:
    amount: Decimal
    booked: date
    counterparty: str
    counterparty_iban: str
    remittance: str
    credit: bool = True


def demo_bank(session: Session, funds: list[Any], investees: list[Any], payers: list[Any], **_world: Any) -> str:
    today = clock.today()
    fund = funds[0]
    fund_services.update_fund(session, ACTOR, demo_instruments.ADMIN, fund, {"creditor_id": CREDITOR_ID})
    services_accounts.add_account(session, ACTOR, fund, {"iban": FUND_IBAN, "name": fund.name, "bic": "ABNANL2A"})
    for index, iban in INVESTEE_IBANS.items():
        services_accounts.add_account(session, ACTOR, investees[index], {"iban": iban, "name": investees[index].name})
    services_accounts.add_account(session, ACTOR, payers[0], {"iban": PAYER_IBAN, "name": payers[0].name})
    fietsfabriek, kringloop, havenkeuken = (_loan(session, investees[i]) for i in (0, 1, 3))
    for number, loan in enumerate((fietsfabriek, kringloop), start=1):
        services_accounts.add_mandate(
            session,
            ACTOR,
            loan,
            {
                "mandate_id": f"SIFR-MDT-{number:04d}",
                "signed_on": loan.disbursement_date,
                "iban": INVESTEE_IBANS[investees.index(loan.investee)],
            },
        )
    late_amount, late_due = _oldest_unpaid(kringloop)  # paid late, by transfer: booked from the statement
    entries = [
        Entry(
            _oldest_unpaid(havenkeuken)[0],
            today - timedelta(days=3),
            havenkeuken.investee.name,
            INVESTEE_IBANS[3],
            f"Aflossing lening {havenkeuken.reference}",
        ),
        Entry(
            late_amount,
            max(late_due, today - timedelta(days=2)),
            kringloop.investee.name,
            INVESTEE_IBANS[1],
            f"Termijn {kringloop.reference} (te laat, excuses)",
        ),
        Entry(Decimal("350.00"), today - timedelta(days=2), "J. de Vries", STRANGER_IBAN, "Gift voor het fonds"),
        Entry(
            Decimal("18.45"),
            today - timedelta(days=1),
            "ABN AMRO Bank N.V.",
            BANK_IBAN,
            "Kosten zakelijk betalingsverkeer",
            credit=False,
        ),
    ]
    statement = statements_import.import_statement(
        session, ACTOR, fund, camt_statement(FUND_IBAN, Decimal("182450.00"), entries), "camt053-demo.xml"
    )
    rows = {
        tx.remittance: tx
        for tx in session.scalars(select(BankTransaction).where(BankTransaction.statement_id == statement.id))
    }
    booking.book(session, ACTOR, rows[entries[1].remittance])
    booking.set_aside(session, ACTOR, rows[entries[3].remittance], "Bank costs: booked by the accountant.")
    collection = min(i.due_date for loan in (fietsfabriek, kringloop) for i in loan.installments if i.due_date > today)
    batches.create_direct_debit_batch(session, ACTOR, fund, collection)
    _approved_loan(session, investees[2], today + timedelta(days=7))
    batches.create_disbursement_batch(session, ACTOR, fund, today + timedelta(days=7))
    return " Bank accounts, 2 mandates, 1 bank statement and 2 payment batches."


def _loan(session: Session, investee: Any) -> Loan:
    return session.scalars(select(Loan).where(Loan.investee_id == investee.id)).one()


def _oldest_unpaid(loan: Loan) -> tuple[Decimal, date]:
    """What is still unpaid of the loan's oldest open installment, and when it fell due."""
    oldest = min((i for i in loan.installments if i.settled_on is None), key=lambda i: i.number)
    return oldest.total_due - oldest.total_paid, oldest.due_date


def _approved_loan(session: Session, investee: Any, disburse_on: date) -> Loan:
    """A second loan, approved and waiting to be paid out by credit transfer."""
    loan = loan_services.create_loan(
        session,
        ACTOR,
        investee,
        {
            "principal": Decimal("35000.00"),
            "annual_rate": Decimal("4"),
            "disbursement_date": disburse_on,
            "first_due_date": None,
            "number_of_installments": 36,
            "frequency": Frequency.MONTHLY,
            "amortization": Amortization.ANNUITY,
            "grace_periods": 0,
            "day_count": DayCount.THIRTY_360,
            "installment_multiple": Decimal("0.01"),
            "purpose": "Electric vans for the cleaning crews",
            "subordinated": False,
        },
    )
    return loan_services.approve(session, ACTOR, loan)


def camt_statement(iban: str, opening: Decimal, entries: list[Entry]) -> bytes:
    """A camt.053.001.02 day statement of the account, as a Dutch bank writes one (balances reconcile)."""
    closing = opening + sum((e.amount if e.credit else -e.amount for e in entries), Decimal(0))
    first, last = min(e.booked for e in entries), max(e.booked for e in entries)
    body = "".join(_entry(number, entry, iban) for number, entry in enumerate(entries, start=1))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>DEMO-{last:%Y%m%d}</MsgId><CreDtTm>{last.isoformat()}T06:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>DEMO-STMT-{last:%Y%m%d}</Id><Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        f"{_balance('OPBD', opening, first)}{_balance('CLBD', closing, last)}{body}"
        "</Stmt></BkToCstmrStmt></Document>\n"
    ).encode()


def _balance(code: str, amount: Decimal, day: date) -> str:
    sign = "DBIT" if amount < 0 else "CRDT"
    return (
        f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{abs(amount)}</Amt>'
        f"<CdtDbtInd>{sign}</CdtDbtInd><Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
    )


def _entry(number: int, entry: Entry, iban: str) -> str:
    them = f"<Nm>{escape(entry.counterparty)}</Nm>", f"<Id><IBAN>{entry.counterparty_iban}</IBAN></Id>"
    us = "<Nm>Social Impact Fund Rotterdam</Nm>", f"<Id><IBAN>{iban}</IBAN></Id>"
    (debtor, debtor_account), (creditor, creditor_account) = (them, us) if entry.credit else (us, them)
    return (
        f'<Ntry><NtryRef>{number}</NtryRef><Amt Ccy="EUR">{entry.amount}</Amt>'
        f"<CdtDbtInd>{'CRDT' if entry.credit else 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>"
        f"<BookgDt><Dt>{entry.booked.isoformat()}</Dt></BookgDt><ValDt><Dt>{entry.booked.isoformat()}</Dt></ValDt>"
        f"<AcctSvcrRef>DEMO-{entry.booked:%y%m%d}-{number:04d}</AcctSvcrRef>"
        "<NtryDtls><TxDtls><RltdPties>"
        f"<Dbtr>{debtor}</Dbtr><DbtrAcct>{debtor_account}</DbtrAcct>"
        f"<Cdtr>{creditor}</Cdtr><CdtrAcct>{creditor_account}</CdtrAcct></RltdPties>"
        f"<RmtInf><Ustrd>{escape(entry.remittance)}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n"
    )
