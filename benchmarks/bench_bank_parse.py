"""How fast are bank statements read?

    python benchmarks/bench_bank_parse.py [--transactions N] [--repeat R]

Generates a camt.053.001.08 statement and an MT940 statement (ING's dialect) of N
transactions each (default 10,000), then prints the best of R runs of:
  - parse_statement on the camt.053 file, beside lxml's bare parse of the same bytes
    (the same safe parser settings): what reading the fields costs above parsing XML;
  - parse_statement on the MT940 file, beside the mt-940 library's own parse of it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mt940
from lxml import etree

from fundapp.banking.statements import parse_statement

ACCOUNT = "NL91ABNA0417164300"


def camt(count: int) -> bytes:
    entries = []
    total = Decimal(0)
    for number in range(1, count + 1):
        amount = Decimal(number % 997 + 1) + Decimal("0.25")
        total += amount
        entries.append(
            f'<Ntry><NtryRef>{number}</NtryRef><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
            "<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt>"
            f"<AcctSvcrRef>BENCH-{number:08d}</AcctSvcrRef><NtryDtls><TxDtls><Refs>"
            f"<EndToEndId>SIF-2026-{number:04d}-01</EndToEndId><MndtId>SIF-{number:06d}</MndtId></Refs>"
            f'<Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><RltdPties><Dbtr><Pty><Nm>Investee {number} BV'
            "</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>NL81RABO0312345678</IBAN></Id></DbtrAcct></RltdPties>"
            "<RltdAgts><DbtrAgt><FinInstnId><BICFI>RABONL2U</BICFI></FinInstnId></DbtrAgt></RltdAgts>"
            f"<RmtInf><Ustrd>Aflossing lening SIF-2026-{number:04d} termijn 3</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n"
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


def mt940_file(count: int) -> bytes:
    lines = [":20:P260302000000001", ":25:NL36INGB0007654321EUR", ":28C:00061", ":60F:C260301EUR0,00"]
    total = Decimal(0)
    for number in range(1, count + 1):
        amount = Decimal(number % 997 + 1) + Decimal("0.25")
        total += amount
        lines += [
            f":61:2603020302C{str(amount).replace('.', ',')}NTRFEREF//{number:014d}",
            "/TRCD/00100/",
            f":86:/EREF/SIF-2026-{number:04d}-01//CNTP/NL81RABO0312345678/RABONL2U/INVEST",
            f"EE {number} BV///REMI/USTD//Aflossing lening SIF-2026-{number:04d} termijn 3/",
        ]
    lines += [f":62F:C260302EUR{str(total).replace('.', ',')}", "-"]
    return "\n".join(lines).encode()


def best(function: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--transactions", type=int, default=10_000)
    arguments.add_argument("--repeat", type=int, default=3)
    options = arguments.parse_args()
    xml, text = camt(options.transactions), mt940_file(options.transactions)
    assert not parse_statement(xml)[0].warnings and not parse_statement(text)[0].warnings

    def bare_lxml() -> object:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        return etree.fromstring(xml, parser)

    print(f"bank statement parse, {options.transactions:,} transactions (best of {options.repeat})")
    ours, bare = best(lambda: parse_statement(xml), options.repeat), best(bare_lxml, options.repeat)
    print(f"  camt.053 ({len(xml) / 1e6:.1f} MB): parse_statement {ours:.3f} s; lxml bare parse {bare:.3f} s")
    ours, library = best(lambda: parse_statement(text), options.repeat), best(lambda: mt940.parse(text), options.repeat)
    print(f"  MT940    ({len(text) / 1e6:.1f} MB): parse_statement {ours:.3f} s; mt-940 library parse {library:.3f} s")


if __name__ == "__main__":
    main()
