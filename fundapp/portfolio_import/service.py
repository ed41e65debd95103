"""Import a portfolio workbook into a fund: all or nothing, through the loan engine.

Nothing is written unless the whole workbook is valid and every difference between
the replayed and the fund's outstanding principal is either gone or accepted with a
reason (then booked as an adjustment on the cut-over date).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp import audit, clock
from fundapp.bulk import insert_with_ids
from fundapp.db import utcnow
from fundapp.funds.models import Fund
from fundapp.gc_pause import paused_gc
from fundapp.impact.spreadsheets.model import Limits
from fundapp.investees.models import Investee
from fundapp.loans import engine
from fundapp.loans.models import EventKind, Loan, LoanEvent, LoanStatus
from fundapp.loans.services import TERM_FIELDS
from fundapp.messages import N_
from fundapp.portfolio_import import layout
from fundapp.portfolio_import.checks import Difference, Plan, PlannedLoan, plan_import
from fundapp.portfolio_import.reading import Problem, Reader, read_workbook

INVESTEE_FIELDS = ("name", "kvk_number", "legal_form", "municipality")


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
    limits: Limits = Limits(max_rows=layout.MAX_ROWS),
) -> ImportResult:
    # The rows read, the plan, the replayed loans and the stored events all live until the import ends and hold
    # no garbage cycles: the collector would walk them again and again as they grow, a fifth of the import's
    # time and more the larger the portfolio (fundapp/gc_pause.py).
    with paused_gc():
        reader = Reader(translate, today or clock.today())
        book = read_workbook(data, reader, limits)
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
    """A fixed number of statements whatever the size: the investees, the loans and their events in one insert
    each, the loans' schedules and allocations in one each (SQLite: a few, part by part), their totals in one update,
    the audit in one insert."""
    actor_id = getattr(actor, "id", None)
    investee_rows = [{"fund_id": fund.id} | {key: row.values[key] for key in INVESTEE_FIELDS} for row in plan.investees]
    new_investees = dict(
        zip(
            [row["kvk_number"] for row in investee_rows], insert_with_ids(session, Investee, investee_rows), strict=True
        )
    )
    investee_ids = {number: investee.id for number, investee in plan.existing.items()} | new_investees
    loan_rows = [_loan_row(fund, investee_ids[p.row.values["kvk_number"]], p, actor_id) for p in plan.loans]
    loan_ids = insert_with_ids(session, Loan, loan_rows)
    stored = {
        loan.id: loan
        for loan in session.scalars(select(Loan).where(Loan.fund_id == fund.id, Loan.id >= min(loan_ids, default=0)))
    }
    loans = [stored[loan_id] for loan_id in loan_ids]
    differences = {d.loan_reference: d for d in plan.differences}
    rows = [
        row | {"loan_id": loan.id, "fund_id": fund.id, "created_by_id": actor_id, "created_at": utcnow()}
        for loan, planned in zip(loans, plan.loans, strict=True)
        for row in _event_rows(planned, differences.get(loan.reference), reason)
    ]
    # The events as the engine reads them, without loading back what was just written.
    events: dict[int, list[engine.NewEvent]] = {loan.id: [] for loan in loans}
    for event_id, row in zip(insert_with_ids(session, LoanEvent.__table__, rows), rows, strict=True):
        events[row["loan_id"]].append(engine.NewEvent(event_id, *(row[name] for name in _EVENT_READ)))
    for loan_events in events.values():
        loan_events.sort(key=lambda e: (e.on, e.id))
    engine.rebuild_new(session, [(loan, events[loan.id]) for loan in loans])
    audit.record_many(
        session,
        actor,
        [("investee.imported", "Investee", i, {"kvk_number": [None, number]}) for number, i in new_investees.items()]
        + [
            (
                "loan.imported",
                "Loan",
                loan.id,
                {"reference": [None, loan.reference], "outstanding_principal": [None, loan.outstanding_principal]},
            )
            for loan in loans
        ]
        + [
            (
                "portfolio.imported",
                "Fund",
                fund.id,
                {"investees": [None, len(plan.investees)], "loans": [None, len(plan.loans)]},
            )
        ],
    )


_EVENT_READ = [field.name for field in fields(engine.NewEvent)][1:]  # what NewEvent holds after its id


def _loan_row(fund: Fund, investee_id: int, planned: PlannedLoan, actor_id: int | None) -> dict[str, Any]:
    v, terms = planned.row.values, planned.terms
    return {
        "fund_id": fund.id,
        "investee_id": investee_id,
        "reference": v["reference"],
        "purpose": v["purpose"] or "",
        "subordinated": bool(v["subordinated"]),
        "status": LoanStatus.ACTIVE,
        "approved_at": utcnow(),
        "created_by_id": actor_id,
        "approved_by_id": actor_id,
    } | {key: getattr(terms, key) for key in TERM_FIELDS}


def _event_rows(planned: PlannedLoan, difference: Difference | None, reason: str) -> list[dict[str, Any]]:
    terms = planned.terms
    empty = {"reference": "", "prepayment": None, "reason": "", "terms": None}
    rows = [empty | {"kind": EventKind.DISBURSEMENT, "on": terms.disbursement_date, "amount": terms.principal}]
    rows += [
        empty
        | {
            "kind": EventKind.REPAYMENT,
            "on": payment.date,
            "amount": payment.amount,
            "reference": payment.reference,
            "prepayment": payment.prepayment,
        }
        for payment in planned.payments
    ]
    if difference is not None:
        adjustment = {"on": difference.cut_over_date, "amount": difference.difference, "reason": reason}
        rows.append(empty | {"kind": EventKind.ADJUSTMENT} | adjustment)
    return rows
