"""How fast is a direct-debit batch built?

    python benchmarks/bench_sepa.py [--lines 2000] [--repeat 5]

Picks the installments to collect from N/2 loans with two unpaid installments
each (a third of the mandates never collected from, so both FRST and RCUR
blocks are written), then prints the best of R runs of:
  - installments_to_collect: choosing the lines;
  - build_direct_debit: checking every input, building pain.008.001.02 with
    sepaxml and validating it against the ISO XSD (what a user waits for);
  - the ISO XSD validation alone (lxml), on the same file;
  - lxml serialising the same tree bare: the floor for writing this XML.
The build must stay under 1 s for 2,000 lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lxml import etree

from fundapp.banking.sepa import (
    DIRECT_DEBIT_SCHEMA,
    CollectableLoan,
    DirectDebitBatch,
    DueInstallment,
    Mandate,
    build_direct_debit,
    installments_to_collect,
    xml_schema,
)

COLLECTION = dt.date(2025, 3, 5)
LIMIT_SECONDS = 1.0


def loans(count: int) -> list[CollectableLoan]:
    return [
        CollectableLoan(
            reference=f"L-2025-{number:05d}",
            debtor_name=f"Onderneming {number} B.V. (Café Zoë & Zn)",
            debtor_iban="NL91ABNA0417164300",
            mandate=Mandate(
                f"MANDATE-{number:05d}",
                dt.date(2024, 6, 1),
                None if number % 3 == 0 else dt.date(2024, 7, 1),
            ),
            installments=(
                DueInstallment(7, dt.date(2025, 2, 1), Decimal("412.37")),
                DueInstallment(8, dt.date(2025, 3, 1), Decimal("412.37")),
            ),
        )
        for number in range(count)
    ]


def best_of(repeat: int, work: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    book = loans(max(1, args.lines // 2))
    lines = installments_to_collect(book, COLLECTION)
    batch = DirectDebitBatch(
        message_id="DD-20250305",
        created_at=dt.datetime(2025, 3, 1, 9, 0),
        creditor_name="Impactfonds Zuid",
        creditor_iban="NL91ABNA0417164300",
        creditor_id="NL50ZZZ241234560000",
        collection_date=COLLECTION,
        lines=lines,
    )
    sepa_file = build_direct_debit(batch)
    document = etree.fromstring(sepa_file.xml)
    schema = xml_schema(DIRECT_DEBIT_SCHEMA)

    choose = best_of(args.repeat, lambda: installments_to_collect(book, COLLECTION))
    build = best_of(args.repeat, lambda: build_direct_debit(batch))
    validate = best_of(args.repeat, lambda: schema.assertValid(document))
    serialise = best_of(args.repeat, lambda: etree.tostring(document, xml_declaration=True, encoding="UTF-8"))

    print(f"direct debit batch: {sepa_file.number_of_transactions} lines, total EUR {sepa_file.control_sum}")
    print(f"  file size:                               {len(sepa_file.xml) / 1e3:8.1f} kB")
    print(f"  installments_to_collect:                 {choose:8.3f} s")
    print(f"  build_direct_debit (checks, XSD incl.):  {build:8.3f} s")
    print(f"  ISO XSD validation alone (lxml):         {validate:8.3f} s")
    print(f"  lxml serialising the same tree bare:     {serialise:8.3f} s")
    if args.lines >= 2000 and build >= LIMIT_SECONDS:
        print(f"FAIL: building {args.lines} lines took {build:.3f} s, over {LIMIT_SECONDS} s")
        sys.exit(1)


if __name__ == "__main__":
    main()
