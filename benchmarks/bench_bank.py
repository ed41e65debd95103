"""How fast is a bank statement imported and matched?

    python benchmarks/bench_bank.py [--transactions N] [--loans L] [--scale S]

A fund of L loans (default 2,000; one per investee, twelve installments of 1,000.00 of
which the first has fallen due), a direct-debit batch collecting one installment of each,
and a camt.053 statement of N transactions (default 10,000) on the fund's account: a
fifth the collections of each loan found by their end-to-end id, a little more than half
transfers naming a loan's reference, a tenth from an investee's own account for the amount due, the rest nothing
fundapp knows. Prints the import (read, check, store, match; one transaction, SQLite
file) beside the bare parse of the same file, and what the transactions became, against the
budget of 2 s; then the same at S times both sizes (default 10; 0 skips it) against S times
the budget, then the first size again, and the growth: the large import against the mean of the
two small ones on either side of it, so a machine that slows or speeds up meanwhile moves both
(linear: ~S; NON-LINEAR above S + 2). The small size's budget is judged on the faster of its two. A detail
carries no amount of its own (the entry's is read), so 100,000 transactions stay within the
statement limit of 50 MB.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lxml import etree
from schwifty import IBAN
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from benchmarks._common import counted_queries, fresh_database, note, session_scope_of, sqlite_url
from fundapp.audit import Actor
from fundapp.banking.models import BankAccount, BatchKind, BatchStatus, PaymentBatch, PaymentLine
from fundapp.banking.statements import parse_statement
from fundapp.banking.statements_import import import_statement, summary
from fundapp.db import Database
from fundapp.funds.models import Fund
from fundapp.investees.models import Investee, LegalForm
from fundapp.loans.models import Loan, LoanInstallment, LoanStatus
from fundapp.loans.schedule import Amortization, DayCount, Frequency

ACCOUNT = "NL91ABNA0417164300"
BOOKED = date(2026, 3, 2)


def investee_iban(number: int) -> str:
    return str(IBAN.generate("NL", bank_code="RABO", account_code=f"{number:010d}"))


def reference(number: int) -> str:
    return f"SIF-2026-{number:04d}"


def build_fund(session: Session, loans: int) -> Fund:
    """The fund, its account, its investees and loans with their installments, and the collection batch."""
    fund = Fund(name="Bench Fund", region="Rotterdam")
    session.add(fund)
    session.flush()
    session.execute(insert(BankAccount), [{"fund_id": fund.id, "iban": ACCOUNT, "name": "Bench"}])
    investees = [
        {
            "fund_id": fund.id,
            "name": f"Investee {n} BV",
            "kvk_number": f"{80000000 + n}",
            "legal_form": LegalForm.BV,
            "municipality": "Rotterdam",
        }
        for n in range(1, loans + 1)
    ]
    session.execute(insert(Investee), investees)
    ids = dict(session.execute(select(Investee.kvk_number, Investee.id).where(Investee.fund_id == fund.id)).all())
    session.execute(
        insert(BankAccount),
        [{"investee_id": ids[f"{80000000 + n}"], "iban": investee_iban(n)} for n in range(1, loans + 1)],
    )
    session.execute(
        insert(Loan),
        [
            {
                "fund_id": fund.id,
                "investee_id": ids[f"{80000000 + n}"],
                "reference": reference(n),
                "status": LoanStatus.ACTIVE,
                "principal": Decimal("12000.00"),
                "annual_rate": Decimal("0"),
                "disbursement_date": date(2026, 1, 15),
                "number_of_installments": 12,
                "frequency": Frequency.MONTHLY,
                "amortization": Amortization.LINEAR,
                "grace_periods": 0,
                "day_count": DayCount.THIRTY_360,
                "installment_multiple": Decimal("0.01"),
                "disbursed": Decimal("12000.00"),
                "outstanding_principal": Decimal("12000.00"),
            }
            for n in range(1, loans + 1)
        ],
    )
    loan_ids = dict(session.execute(select(Loan.reference, Loan.id).where(Loan.fund_id == fund.id)).all())
    session.execute(
        insert(LoanInstallment),
        [
            {
                "loan_id": loan_id,
                "fund_id": fund.id,
                "number": month,
                "due_date": date(2026, 1, 15) + timedelta(days=31 * month),
                "principal_due": Decimal("1000.00"),
                "interest_due": Decimal("0.00"),
                "balance": Decimal(12000 - 1000 * month),
            }
            for loan_id in loan_ids.values()
            for month in range(1, 13)
        ],
    )
    account_id = session.scalar(select(BankAccount.id).where(BankAccount.fund_id == fund.id))
    batch = PaymentBatch(
        kind=BatchKind.DIRECT_DEBIT,
        fund_id=fund.id,
        bank_account_id=account_id,
        message_id="BENCH-DD-1",
        execution_date=BOOKED,
        status=BatchStatus.DOWNLOADED,
    )
    session.add(batch)
    session.flush()
    session.execute(
        insert(PaymentLine),
        [
            {"batch_id": batch.id, "end_to_end_id": f"{ref}-01", "amount": Decimal("1000.00"), "loan_id": loan_id}
            for ref, loan_id in loan_ids.items()
        ],
    )
    return fund


def statement(count: int, loans: int) -> bytes:
    entries = []
    total = Decimal(0)
    for number in range(1, count + 1):
        loan = number % loans + 1
        kind = number % 20
        amount, e2e, iban, text = Decimal("1000.00"), "NOTPROVIDED", investee_iban(loan), "Betaling"
        # Each loan's one collection comes back once (a second credit for it is left for a person);
        # collections beyond the number of loans are transfers naming a reference instead.
        slot = number // 20 * 5 + kind
        if kind < 5 and slot < loans:
            loan = slot + 1
            e2e, text, iban = f"{reference(loan)}-01", "Termijn 1", investee_iban(loan)
        elif kind < 15:
            amount, text = Decimal(number % 997 + 1) + Decimal("0.25"), f"Aflossing lening {reference(loan)} termijn 1"
        elif kind >= 17:
            iban, text = "NL86INGB0002445588", f"Factuur {number}"
        total += amount
        entries.append(
            f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
            f"<BookgDt><Dt>{BOOKED}</Dt></BookgDt><ValDt><Dt>{BOOKED}</Dt></ValDt>"
            f"<AcctSvcrRef>BENCH-{number:08d}</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId>"
            f"</Refs><RltdPties><Dbtr><Pty><Nm>Investee {loan}"
            f" BV</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct></RltdPties>"
            f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n"
        )
    balances = (
        '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        "<Dt><Dt>2026-03-01</Dt></Dt></Bal>"
        f'<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{total}</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        "<Dt><Dt>2026-03-02</Dt></Dt></Bal>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">'
        "<BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-03-03T06:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>BENCH-1</Id><Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>EUR</Ccy></Acct>{balances}\n"
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>\n"
    ).encode()


BUDGET_SECONDS = 2


def run(transactions: int, loans: int, budget: float) -> tuple[float, str]:
    url = fresh_database(sqlite_url("bank"))
    assert url is not None
    database = Database(url)
    with session_scope_of(database) as session:
        fund_id = build_fund(session, loans).id
    data = statement(transactions, loans)
    print(f"bank statement import, {transactions:,} transactions against {loans:,} loans (SQLite)")
    started = time.perf_counter()
    parse_statement(data)
    parsed = time.perf_counter() - started
    started = time.perf_counter()
    etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    bare = time.perf_counter() - started
    with counted_queries(database.engine) as queries, session_scope_of(database) as session:
        started, cpu = time.perf_counter(), time.process_time()
        imported = import_statement(session, Actor.system("bench"), session.get(Fund, fund_id), data, "bench.xml")
        figures = summary(session, imported)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    verdict = "" if seconds < budget else "  OVER BUDGET"
    print(
        f"  import and match (read, check, store, match, commit): {seconds:.2f} s (CPU {cpu:.2f} s;"
        f" budget {budget:g} s), {len(queries)} queries{verdict}"
    )
    print(
        f"  parse_statement alone: {parsed:.2f} s; lxml bare parse of the same {len(data) / 1e6:.1f} MB: {bare:.2f} s"
    )
    print(f"  new {figures['new']:,}, matched {figures['matched']:,}, unmatched {figures['unmatched']:,}")
    again = time.perf_counter()
    with session_scope_of(database) as session:
        import_statement(session, Actor.system("bench"), session.get(Fund, fund_id), data, "bench.xml")
    print(f"  the same file again (every transaction a duplicate): {time.perf_counter() - again:.2f} s")
    database.engine.dispose()
    return seconds, f"parse alone {parsed:.2f} s, lxml bare parse {bare:.2f} s"


def what(transactions: int, loans: int) -> str:
    return f"bank statement of {transactions:,} transactions against {loans:,} loans: import and match"


def main() -> None:
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--transactions", type=int, default=10_000)
    arguments.add_argument("--loans", type=int, default=2_000)
    arguments.add_argument("--scale", type=int, default=10)
    options = arguments.parse_args()
    size, scale = (options.transactions, options.loans), options.scale
    once, reference = run(*size, BUDGET_SECONDS)
    if scale <= 1:
        note("6", what(*size), once, BUDGET_SECONDS, reference)
        return
    scaled, scaled_reference = run(size[0] * scale, size[1] * scale, BUDGET_SECONDS * scale)
    again, again_reference = run(*size, BUDGET_SECONDS)
    best, best_reference = min((once, reference), (again, again_reference))
    note("6", what(*size), best, BUDGET_SECONDS, f"the faster of two runs; {best_reference}")
    note("6", what(size[0] * scale, size[1] * scale), scaled, BUDGET_SECONDS * scale, scaled_reference)
    ratio = scaled / ((once + again) / 2)
    verdict = "  NON-LINEAR" if ratio > scale + 2 else ""
    reference = f"linear: ~{scale}x; the 1x import before and after it {once:.2f} s and {again:.2f} s"
    note("6", f"bank statement import: growth at {scale}x the size", ratio, scale + 2, reference, "x")
    print(
        f"  {scale}x the transactions and loans took {ratio:.1f}x the mean of the 1x imports (linear: ~{scale}){verdict}"
    )


if __name__ == "__main__":
    main()
