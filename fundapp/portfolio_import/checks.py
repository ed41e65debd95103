"""The checks that need the fund's data or the loan engine, and the import plan they give.

Each loan is replayed from its terms, its disbursement and its repayments up to the
cut-over date by the same engine that services it afterwards; the outstanding
principal it gives is compared with the fund's own figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp.investees.models import Investee
from fundapp.loans import servicing
from fundapp.loans.models import Loan
from fundapp.loans.schedule import DayCount, LoanTerms, TermsErrors
from fundapp.messages import N_
from fundapp.portfolio_import import layout
from fundapp.portfolio_import.reading import INVALID, Reader, Row, Workbook


@dataclass(frozen=True)
class Difference:
    loan_reference: str
    sheet: str
    cell: str
    cut_over_date: date
    fund_figure: Decimal
    replayed: Decimal

    @property
    def difference(self) -> Decimal:
        return self.fund_figure - self.replayed


@dataclass(frozen=True)
class PlannedLoan:
    row: Row
    terms: LoanTerms
    payments: tuple[servicing.Payment, ...]
    # The outstanding principal after every repayment (the replayed position is not kept: a portfolio of 10,000
    # loans would hold every installment's state until the import ends, some 600 MB).
    outstanding: Decimal


@dataclass
class Plan:
    investees: list[Row] = field(default_factory=list)  # to create
    existing: dict[str, Investee] = field(default_factory=dict)  # this fund's, by KvK number
    loans: list[PlannedLoan] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    @property
    def repayments(self) -> int:
        return sum(len(loan.payments) for loan in self.loans)


def plan_import(session: Session, fund_id: int, book: Workbook, reader: Reader) -> Plan:
    """What the workbook would import into the fund; problems go to the reader."""
    plan = Plan()
    _check_investees(session, fund_id, book.rows.get(layout.INVESTEES, []), plan, reader)
    _check_loan_references(session, fund_id, book.rows.get(layout.LOANS, []), reader)
    payments = _payments_by_loan(book.rows.get(layout.REPAYMENTS, []))
    for row in book.rows.get(layout.LOANS, []):
        if not _complete(row, layout.LOANS):
            continue
        planned = _replayable(row, payments.get(row.values["reference"], []), reader)
        if planned is not None:
            plan.loans.append(planned)
    _compare(plan, book.rows.get(layout.OUTSTANDING, []), reader)
    return plan


def _complete(row: Row, sheet: str) -> bool:
    """Every cell read, and every required one filled (the others are reported already)."""
    if any(value is INVALID for value in row.values.values()):
        return False
    return all(row.values[column.key] is not None for column in layout.COLUMNS[sheet] if column.required)


def _check_investees(session: Session, fund_id: int, rows: list[Row], plan: Plan, reader: Reader) -> None:
    numbers = [row.values["kvk_number"] for row in rows if isinstance(row.values["kvk_number"], str)]
    known = {i.kvk_number: i for i in session.scalars(select(Investee).where(Investee.kvk_number.in_(numbers)))}
    for row in rows:
        found = known.get(row.values["kvk_number"])
        if found is None:
            plan.investees.append(row)
        elif found.fund_id == fund_id:
            plan.existing[found.kvk_number] = found
        else:
            reader.problem(
                layout.INVESTEES,
                layout.cell_ref(layout.INVESTEES, "kvk_number", row.row),
                N_("This KvK number belongs to an investee of another fund."),
            )


def _check_loan_references(session: Session, fund_id: int, rows: list[Row], reader: Reader) -> None:
    taken = {r.upper() for r in session.scalars(select(Loan.reference).where(Loan.fund_id == fund_id))}
    for row in rows:
        reference = row.values["reference"]
        if isinstance(reference, str) and reference.upper() in taken:
            reader.problem(
                layout.LOANS,
                layout.cell_ref(layout.LOANS, "reference", row.row),
                N_("This fund already has a loan with this reference."),
            )


def _payments_by_loan(rows: list[Row]) -> dict[str, list[tuple[Row, servicing.Payment]]]:
    by_loan: dict[str, list[tuple[Row, servicing.Payment]]] = {}
    for row in rows:
        v = row.values
        if not _complete(row, layout.REPAYMENTS):
            continue
        mode = v["prepayment"] or servicing.Prepayment.LOWER_INSTALLMENTS
        payment = servicing.Payment(v["date"], v["amount"], v["bank_reference"] or "", mode)
        by_loan.setdefault(v["loan_reference"], []).append((row, payment))
    return by_loan


def terms_from(values: dict[str, Any]) -> LoanTerms:
    return LoanTerms(
        principal=values["principal"],
        annual_rate=values["annual_rate"],
        disbursement_date=values["disbursement_date"],
        number_of_installments=values["number_of_installments"],
        frequency=values["frequency"],
        amortization=values["amortization"],
        grace_periods=values["grace_periods"] or 0,
        day_count=values["day_count"] or DayCount.THIRTY_360,
        installment_multiple=values["installment_multiple"] or Decimal("0.01"),
        first_due_date=values["first_due_date"],
    )


def _replayable(row: Row, payments: list[tuple[Row, servicing.Payment]], reader: Reader) -> PlannedLoan | None:
    """The loan if its terms give a schedule and its repayments replay on it; else its problems."""
    terms = terms_from(row.values)
    repayments = tuple(payment for _, payment in payments)
    try:
        position = servicing.replay(
            terms, [servicing.Disbursement(terms.disbursement_date, terms.principal), *repayments]
        )
    except (TermsErrors, servicing.ServicingError) as error:
        # The schedule is built before any repayment is applied: terms that give none are what is wrong.
        if not _report_terms(row, terms, reader):
            if isinstance(error, TermsErrors):
                raise
            reader.problem(
                layout.LOANS,
                layout.cell_ref(layout.LOANS, "reference", row.row),
                N_("The repayments of this loan do not replay: %(reason)s"),
                reason=str(error),
            )
        return None
    return PlannedLoan(row, terms, repayments, outstanding(position))


def _report_terms(row: Row, terms: LoanTerms, reader: Reader) -> bool:
    """Whether the terms give no schedule (each reason then named by its cell)."""
    try:
        servicing.replay(terms, [servicing.Disbursement(terms.disbursement_date, terms.principal)])
    except TermsErrors as errors:
        keys = {column.key for column in layout.COLUMNS[layout.LOANS]}
        for error in errors.errors:
            key = error.field if error.field in keys else "reference"
            reader.problem(
                layout.LOANS,
                layout.cell_ref(layout.LOANS, key, row.row),
                N_("These terms give no schedule: %(reason)s"),
                reason=error.message,
            )
        return True
    return False


def replay(loan: PlannedLoan, until: date | None = None) -> servicing.LoanPosition:
    events: list[servicing.Event] = [servicing.Disbursement(loan.terms.disbursement_date, loan.terms.principal)]
    return servicing.replay(loan.terms, events + list(loan.payments), until=until)


def outstanding(position: servicing.LoanPosition) -> Decimal:
    return position.disbursed + position.principal_adjusted - position.principal_repaid - position.principal_written_off


def _compare(plan: Plan, rows: list[Row], reader: Reader) -> None:
    loans = {loan.row.values["reference"]: loan for loan in plan.loans}
    given = {row.values["loan_reference"] for row in rows}
    for reference, planned in loans.items():
        if reference not in given:
            reader.problem(
                layout.LOANS,
                layout.cell_ref(layout.LOANS, "reference", planned.row.row),
                N_("Give this loan's outstanding principal on the cut-over date on the outstanding sheet."),
            )
    for row in rows:
        v = row.values
        loan = loans.get(v["loan_reference"])
        if loan is None or not _complete(row, layout.OUTSTANDING):
            continue
        if v["cut_over_date"] < loan.terms.disbursement_date:
            reader.problem(
                layout.OUTSTANDING,
                layout.cell_ref(layout.OUTSTANDING, "cut_over_date", row.row),
                N_("The cut-over date comes before the loan was disbursed."),
            )
            continue
        cut_over = v["cut_over_date"]
        # Replayed to the cut-over date; the same as replayed to the end when nothing comes after it.
        later = any(payment.date > cut_over for payment in loan.payments)
        replayed = outstanding(replay(loan, until=cut_over)) if later else loan.outstanding
        if replayed != v["outstanding_principal"]:
            plan.differences.append(
                Difference(
                    v["loan_reference"],
                    layout.OUTSTANDING,
                    layout.cell_ref(layout.OUTSTANDING, "outstanding_principal", row.row),
                    v["cut_over_date"],
                    v["outstanding_principal"],
                    replayed,
                )
            )
