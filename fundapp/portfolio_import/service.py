"""Import a portfolio workbook into a fund: all or nothing, through the loan engine.

Nothing is written unless the whole workbook is valid and every difference between
the replayed and the fund's outstanding principal is either gone or accepted with a
reason (then booked as an adjustment on the cut-over date).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.db import utcnow
from fundapp.funds.models import Fund
from fundapp.impact.spreadsheets.model import Limits
from fundapp.investees.models import Investee
from fundapp.loans import engine
from fundapp.loans.models import EventKind, Loan, LoanEvent, LoanStatus
from fundapp.loans.services import TERM_FIELDS
from fundapp.messages import N_
from fundapp.portfolio_import.checks import Difference, Plan, PlannedLoan, plan_import
from fundapp.portfolio_import.reading import Problem, Reader, read_workbook


class PortfolioInvalid(Exception):
    """Every problem of the workbook, by sheet and cell; nothing was imported."""

    def __init__(self, problems: list[Problem], differences: list[Difference] | None = None):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems
        self.differences = differences or []


@dataclass(frozen=True)
class ImportResult:
    investees: int
    loans: int
    repayments: int
    differences: list[Difference]
    dry_run: bool


def import_portfolio(
    session: Session,
    actor: audit.Who,
    fund: Fund,
    data: bytes,
    *,
    translate: Callable[[str], str] = str,
    dry_run: bool = False,
    accept_differences: bool = False,
    reason: str = "",
    today: date | None = None,
    limits: Limits = Limits(),
) -> ImportResult:
    reader = Reader(translate, today or date.today())
    book = read_workbook(data, translate, reader.today, limits)
    reader.problems = list(book.problems)
    plan = plan_import(session, fund.id, book, reader)
    unaccepted = [] if accept_differences else difference_problems(plan.differences, translate)
    if reader.problems:
        raise PortfolioInvalid(reader.problems + unaccepted, plan.differences)
    result = ImportResult(len(plan.investees), len(plan.loans), plan.repayments, plan.differences, dry_run)
    if dry_run:
        return result
    if unaccepted:
        raise PortfolioInvalid(unaccepted, plan.differences)
    if plan.differences and not reason.strip():
        message = translate(N_("Give the reason for accepting the differences."))
        raise PortfolioInvalid([Problem("", "", message)], plan.differences)
    _write(session, actor, fund, plan, reason.strip())
    return result


def difference_problems(differences: list[Difference], translate: Callable[[str], str]) -> list[Problem]:
    template = translate(
        N_("The fund's outstanding principal is %(fund)s; replayed from the terms and repayments it is %(replayed)s"
           " (difference %(difference)s).")
    )  # fmt: skip
    return [
        Problem(d.sheet, d.cell, template % {"fund": d.fund_figure, "replayed": d.replayed, "difference": d.difference})
        for d in differences
    ]


def _write(session: Session, actor: audit.Who, fund: Fund, plan: Plan, reason: str) -> None:
    investees = dict(plan.existing)
    for row in plan.investees:
        investee = Investee(fund_id=fund.id, **{key: row.values[key] for key in ("name", "kvk_number", "legal_form")})
        investee.municipality = row.values["municipality"]
        session.add(investee)
        investees[investee.kvk_number] = investee
    session.flush()
    for investee in investees.values():
        if investee.kvk_number not in plan.existing:
            audit.record(session, actor, "investee.imported", investee, {"kvk_number": [None, investee.kvk_number]})
    differences = {d.loan_reference: d for d in plan.differences}
    for planned in plan.loans:
        _write_loan(session, actor, fund, investees[planned.row.values["kvk_number"]], planned, differences, reason)
    audit.record(
        session,
        actor,
        "portfolio.imported",
        fund,
        {"investees": [None, len(plan.investees)], "loans": [None, len(plan.loans)]},
    )


def _write_loan(
    session: Session,
    actor: audit.Who,
    fund: Fund,
    investee: Investee,
    planned: PlannedLoan,
    differences: dict[str, Difference],
    reason: str,
) -> Loan:
    v, terms = planned.row.values, planned.terms
    actor_id = getattr(actor, "id", None)
    loan = Loan(
        fund_id=fund.id,
        investee_id=investee.id,
        reference=v["reference"],
        purpose=v["purpose"] or "",
        subordinated=bool(v["subordinated"]),
        status=LoanStatus.ACTIVE,
        approved_at=utcnow(),
        approved_by_id=actor_id,
        **{key: getattr(terms, key) for key in TERM_FIELDS},
    )
    event: dict[str, Any] = {"fund_id": fund.id, "created_by_id": actor_id}
    events = [LoanEvent(kind=EventKind.DISBURSEMENT, on=terms.disbursement_date, amount=terms.principal, **event)]
    events += [
        LoanEvent(
            kind=EventKind.REPAYMENT,
            on=payment.date,
            amount=payment.amount,
            reference=payment.reference,
            prepayment=payment.prepayment,
            **event,
        )
        for payment in planned.payments
    ]
    difference = differences.get(loan.reference)
    if difference is not None:
        events.append(
            LoanEvent(
                kind=EventKind.ADJUSTMENT,
                on=difference.cut_over_date,
                amount=difference.difference,
                reason=reason,
                **event,
            )
        )
    loan.events = events
    session.add(loan)
    session.flush()
    engine.rebuild(session, loan)
    audit.record(
        session,
        actor,
        "loan.imported",
        loan,
        {"reference": [None, loan.reference], "outstanding_principal": [None, loan.outstanding_principal]},
    )
    return loan

