"""The fund report's files built off the request: asked for on the report page, built by a job, kept by hash.

A large fund's PDF takes longer to render than a request may wait. The job only reads in its own transaction;
its progress (running, the report read, each part of the file written, done or failed) is written in short
transactions of their own, so the file's page shows it while the job runs, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp import audit, clock
from fundapp.db import session_scope, utcnow
from fundapp.documents.storage import files
from fundapp.funds.models import Fund
from fundapp.investees.models import Investee
from fundapp.jobs.queue import enqueue_after_commit, job
from fundapp.reports import documents, fund_report
from fundapp.reports.models import KINDS, ReportFile
from fundapp.reports.periods import report_period

RECENT = 10
READ, BUILT, STEP = 50, 95, 5  # progress (%): the report read; the file built, before it is stored
CONTENT_TYPES = {"pdf": documents.PDF, "xlsx": documents.XLSX}


class RequestSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))
    period = ma.fields.String(load_default="", validate=ma.validate.Length(max=20))


def in_request(session: Session, fund: Fund) -> bool:
    """Whether the fund's report files may be built while the request waits.

    The fund report of 1,000 investees is built within the in-request budget (PDF under 3 s); a fund with more
    investees than REPORT_FILES_IN_REQUEST_INVESTEES gets its files from the job only.
    """
    investees = session.scalar(select(func.count()).select_from(Investee).where(Investee.fund_id == fund.id))
    return (investees or 0) <= current_app.config["REPORT_FILES_IN_REQUEST_INVESTEES"]


def request_file(session: Session, actor: Any, fund: Fund, data: dict[str, Any], locale: str) -> ReportFile:
    """Ask for the fund report as a file; the job that builds it is queued when the request commits."""
    period = report_period(data["period"] or None)
    row = ReportFile(fund_id=fund.id, kind=data["kind"], period=str(period), locale=locale, requested_by_id=actor.id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "report_file.request", row, {"kind": row.kind, "period": row.period})
    enqueue_after_commit(build_report_file, row.id, session=session)
    return row


def recent_files(session: Session, fund: Fund, user: Any) -> list[ReportFile]:
    """The files this user asked for of this fund, newest first."""
    query = select(ReportFile).where(ReportFile.fund_id == fund.id, ReportFile.requested_by_id == user.id)
    return list(session.scalars(query.order_by(ReportFile.id.desc()).limit(RECENT)))


def _note(report_file_id: int, **values: Any) -> None:
    """Write the file's state in a transaction of its own: the page sees it at once."""
    with session_scope() as session:
        row = session.get(ReportFile, report_file_id)
        if row is not None:
            for name, value in values.items():
                setattr(row, name, value)


def _building(report_file_id: int) -> Callable[[float], None]:
    """The file's progress while it is written: from READ (the report read) to BUILT, in steps of at least STEP."""
    shown = READ

    def moved(share: float) -> None:
        nonlocal shown
        value = READ + int((BUILT - READ) * min(max(share, 0.0), 1.0))
        if value >= shown + STEP:  # a short transaction per visible step, not one per sheet
            shown = value
            _note(report_file_id, progress=value)

    return moved


def _failed(session: Session, error: str, last_try: bool, report_file_id: int) -> None:
    row = session.get(ReportFile, report_file_id)
    if row is None:
        return
    # Between tries the file waits in the queue again, with the error that made the try fail.
    row.state, row.progress, row.error = ("failed" if last_try else "queued"), 0, error
    row.finished_at = utcnow() if last_try else None


@job("build_report_file", failed=_failed)
def build_report_file(session: Session, report_file_id: int) -> None:
    """Build one report file with the same builders as the direct download, and keep it in the file store."""
    row = session.get(ReportFile, report_file_id)
    if row is None or row.state == "done":
        return
    _note(report_file_id, state="running", progress=10)
    fund = session.get(Fund, row.fund_id)
    assert fund is not None, "a fund's report files go with the fund"
    # The templates build links (url_for) as in a request; the file is in the language of who asked for it.
    with current_app.test_request_context(), force_locale(row.locale):
        report = fund_report.build(session, fund, report_period(row.period), row.locale, clock.today())
        _note(report_file_id, progress=READ)
        data, name = documents.fund_file(report, row.kind, progress=_building(report_file_id))
    sha256 = files().put(data)
    _note(
        report_file_id,
        state="done",
        progress=100,
        error="",
        sha256=sha256,
        size=len(data),
        name=name,
        finished_at=utcnow(),
    )
