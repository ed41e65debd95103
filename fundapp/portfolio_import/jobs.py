"""The page's portfolio import as a background job: 1,000 loans with their repayments take longer than a request.

The upload stores the workbook in the file store and a ``portfolio_imports`` row (``queue_import``); the job
``run_portfolio_import`` runs the engine all or nothing and writes its outcome on the row, which the page shows.
The API and the CLI import at once, as before.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import force_locale
from sqlalchemy import update
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.auth.models import User
from fundapp.db import session_scope, utcnow
from fundapp.documents.storage import FileMissing, files
from fundapp.funds.models import Fund
from fundapp.i18n import gettext
from fundapp.impact.spreadsheets import CellProblem, mark_errors
from fundapp.jobs.queue import enqueue_after_commit, job
from fundapp.portfolio_import.api import upload_limits
from fundapp.portfolio_import.checks import Difference
from fundapp.portfolio_import.models import PortfolioImport
from fundapp.portfolio_import.reading import Problem
from fundapp.portfolio_import.service import ImportResult, PortfolioInvalid, import_portfolio


def queue_import(
    session: Session,
    user: audit.Who,
    fund: Fund,
    data: bytes,
    file_name: str,
    *,
    dry_run: bool,
    accept_differences: bool,
    reason: str,
    locale: str,
) -> PortfolioImport:
    """Keep the workbook and the options; the job imports it once this transaction commits."""
    row = PortfolioImport(
        fund_id=fund.id,
        requested_by_id=getattr(user, "id", None),
        file_sha256=files().put(data),
        file_name=file_name[:255],
        dry_run=dry_run,
        accept_differences=accept_differences,
        reason=reason.strip(),
        locale=locale,
        state="queued",
    )
    session.add(row)
    session.flush()
    enqueue_after_commit(run_portfolio_import, row.id, session=session)
    return row


def _failed(session: Session, error: str, last_try: bool, import_id: int) -> None:
    """A try that failed for another reason than the workbook (the database, the store): the page says so,
    waiting for the next try, or failed after the last."""
    row = session.get(PortfolioImport, import_id)
    if row is None or row.finished:
        return
    row.state = "failed" if last_try else "queued"
    if last_try:
        row.finished_at = utcnow()
        with force_locale(row.locale):
            problem = gettext("The import could not run: %(error)s", error=error)
        row.result = {"problems": [["", "", problem]]}


@job("run_portfolio_import", failed=_failed)
def run_portfolio_import(session: Session, import_id: int) -> None:
    """Import one uploaded workbook, all or nothing, and keep the outcome (counts, or problems) on its row."""
    if not _mark_running(import_id):
        return
    row = session.get(PortfolioImport, import_id, with_for_update=True)
    if row is None or row.finished:  # another run of it finished while this one waited
        return
    fund = session.get_one(Fund, row.fund_id)
    actor = session.get(User, row.requested_by_id) if row.requested_by_id else None
    with force_locale(row.locale):
        try:
            data = files().get(row.file_sha256)
        except FileMissing:  # trying again would not bring it back
            row.state, row.finished_at = "failed", utcnow()
            row.result = {"problems": [["", "", gettext("The uploaded workbook is gone; upload it again.")]]}
            return
        try:
            # The savepoint takes back whatever the engine wrote before it found a problem; the outcome stays.
            with session.begin_nested():
                result = import_portfolio(
                    session,
                    actor or audit.Actor.system("portfolio import"),
                    fund,
                    data,
                    translate=gettext,
                    dry_run=row.dry_run,
                    accept_differences=row.accept_differences,
                    reason=row.reason,
                    limits=upload_limits(),
                )
        except PortfolioInvalid as invalid:
            row.state, row.result = "failed", _problems(invalid, data, row.locale)
        else:
            row.state, row.result = "done", _counts(result)
    row.finished_at = utcnow()


def _mark_running(import_id: int) -> bool:
    """In a transaction of its own, so the page shows it while the import works; False once it finished.

    A retry after a crash finds it running and runs it again (the crashed run's work was rolled back).
    """
    with session_scope() as own:
        started: Any = own.execute(
            update(PortfolioImport)
            .where(PortfolioImport.id == import_id, PortfolioImport.state.in_(("queued", "running")))
            .values(state="running")
        )
        return bool(started.rowcount)


def _counts(result: ImportResult) -> dict[str, Any]:
    return {
        "investees": result.investees,
        "loans": result.loans,
        "repayments": result.repayments,
        "differences": [_difference(d) for d in result.differences],
    }


def _difference(d: Difference) -> dict[str, Any]:
    return {
        "loan_reference": d.loan_reference,
        "sheet": d.sheet,
        "cell": d.cell,
        "cut_over_date": d.cut_over_date.isoformat(),
        "fund_figure": str(d.fund_figure),
        "replayed": str(d.replayed),
    }


def _problems(invalid: PortfolioInvalid, data: bytes, locale: str) -> dict[str, Any]:
    """The problems by sheet and cell, and the user's workbook with them marked (kept in the file store)."""
    try:
        cells = [CellProblem(p.sheet, p.cell, p.message) for p in invalid.problems]
        marked: str | None = files().put(mark_errors(data, cells, locale))
    except ValueError:  # not a workbook that may safely be opened: nothing to mark
        marked = None
    return {"problems": [[p.sheet, p.cell, p.message] for p in invalid.problems], "marked_sha256": marked}


def outcome(row: PortfolioImport) -> tuple[ImportResult | None, list[Problem]]:
    """The finished import's result (counts and differences) or its problems, as the engine gave them."""
    stored = row.result or {}
    if row.state == "failed":
        return None, [Problem(sheet, cell, message) for sheet, cell, message in stored.get("problems", [])]
    if row.state != "done":
        return None, []
    differences = [
        Difference(
            d["loan_reference"],
            d["sheet"],
            d["cell"],
            date.fromisoformat(d["cut_over_date"]),
            Decimal(d["fund_figure"]),
            Decimal(d["replayed"]),
        )
        for d in stored["differences"]
    ]
    return ImportResult(stored["investees"], stored["loans"], stored["repayments"], differences, row.dry_run), []
