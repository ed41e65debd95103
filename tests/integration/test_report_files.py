"""The fund report's files built by a background job: asked for on the report page, built by the job queue
(a SQLite file and a Redis server), shown with their progress, downloaded by who may read the fund's report.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from fundapp.jobs.models import JobFailure
from fundapp.reports import background, documents
from fundapp.reports.models import ReportFile
from tests.factories import make_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ask(client, fund, kind, period="2024"):
    return client.post(f"/reports/funds/{fund.id}/files", data={"kind": kind, "period": period})


def _rows(db_session):
    db_session.expire_all()
    return list(db_session.scalars(select(ReportFile).order_by(ReportFile.id)))


def _run_all(queue, at=None):
    ran = 0
    while queue.pending_count():
        queue.execute(queue.dequeue(), at)
        ran += 1
    return ran


def test_a_manager_asks_for_the_pdf_the_job_builds_it_and_the_page_offers_the_same_file_as_the_direct_download(
    job_queue, db_session, world, login_as
):
    client = login_as(world.user("manager_a"))
    response = _ask(client, world.fund_a, "pdf")
    [row] = _rows(db_session)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/report-files/{row.id}")
    assert (row.state, row.progress, row.period, row.requested_by_id) == (
        "queued",
        0,
        "2024",
        world.user("manager_a").id,
    )
    waiting = client.get(f"/report-files/{row.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in waiting and '<progress id="file-progress" max="100" value="0">' in waiting

    assert _run_all(job_queue) == 1
    [row] = _rows(db_session)
    assert (row.state, row.progress, row.error) == ("done", 100, "")
    assert row.finished_at is not None and row.name.endswith("-2024.pdf") and row.size > 1000

    page = client.get(f"/report-files/{row.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and 'value="100"' in page
    assert f'href="/report-files/{row.id}/download"' in page
    download = client.get(f"/report-files/{row.id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.data.startswith(b"%PDF") and len(download.data) == row.size
    direct = client.get(f"/reports/funds/{world.fund_a.id}?period=2024&format=pdf")
    assert direct.data.startswith(b"%PDF")

    report = client.get(f"/reports/funds/{world.fund_a.id}?period=2024").get_data(as_text=True)
    assert f'href="/report-files/{row.id}"' in report, "the fund report page lists the user's recent files"


def test_the_workbook_built_in_the_background_holds_the_funds_figures_as_the_direct_download_does(
    job_queue, db_session, world, login_as
):
    client = login_as(world.user("manager_a"))
    assert _ask(client, world.fund_a, "xlsx").status_code == 303
    _run_all(job_queue)
    [row] = _rows(db_session)
    download = client.get(f"/report-files/{row.id}/download")
    assert download.mimetype == XLSX and download.headers["X-Content-Type-Options"] == "nosniff"
    background = openpyxl.load_workbook(io.BytesIO(download.data))
    direct = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/reports/funds/{world.fund_a.id}?period=2024&format=xlsx").data)
    )
    assert background.sheetnames == direct.sheetnames
    for name in direct.sheetnames:
        assert list(background[name].values) == list(direct[name].values), name
    assert any("Fund A" in str(value) for row_values in background.active.values for value in row_values if value)


def test_the_job_shows_its_progress_while_it_builds_the_file(job_queue, db_session, world, login_as, monkeypatch):
    seen = []
    build = documents.fund_file

    def watched(report, fmt, progress=None):
        seen.append(_rows(db_session)[0].progress)
        page = client.get(f"/report-files/{row.id}").get_data(as_text=True)
        seen.append('value="50"' in page and 'http-equiv="refresh"' in page)
        return build(report, fmt, progress)

    monkeypatch.setattr(documents, "fund_file", watched)
    client = login_as(world.user("manager_a"))
    _ask(client, world.fund_a, "xlsx")
    [row] = _rows(db_session)
    _run_all(job_queue)
    assert seen == [50, True], "running, half way: the report is read, the file is being written"
    assert _rows(db_session)[0].state == "done"


@pytest.mark.parametrize(("kind", "steps"), [("xlsx", 8), ("pdf", 2)])
def test_the_progress_figure_on_the_files_page_moves_while_the_file_itself_is_written(
    kind, steps, job_queue, db_session, world, login_as, monkeypatch
):
    shown = []
    note = background._note

    def noted(report_file_id, **values):
        note(report_file_id, **values)
        page = client.get(f"/report-files/{report_file_id}").get_data(as_text=True)
        shown.append(int(re.search(r'<progress id="file-progress" max="100" value="(\d+)"', page).group(1)))

    monkeypatch.setattr(background, "_note", noted)
    client = login_as(world.user("manager_a"))
    _ask(client, world.fund_a, kind)
    _run_all(job_queue)
    assert shown == sorted(shown) and shown[-1] == 100, shown
    writing = [value for value in shown if background.READ < value < 100]
    assert len(writing) >= steps, f"the figure moves while the {kind} is written: {shown}"


def test_a_fund_with_more_investees_than_the_in_request_limit_gets_its_files_from_the_background_job_only(
    app, job_queue, db_session, world, login_as, monkeypatch
):
    client = login_as(world.user("manager_a"))
    fund = world.fund_a
    page = client.get(f"/reports/funds/{fund.id}?period=2024&lang=en").get_data(as_text=True)
    assert "format=pdf" in page and 'id="files-background-only"' not in page, "a small fund: the direct downloads"

    monkeypatch.setitem(app.config, "REPORT_FILES_IN_REQUEST_INVESTEES", 0)
    page = client.get(f"/reports/funds/{fund.id}?period=2024&lang=en").get_data(as_text=True)
    assert "format=pdf" not in page and "format=xlsx" not in page
    assert 'id="files-background-only"' in page and 'name="kind" value="pdf"' in page
    for kind in ("pdf", "xlsx"):
        response = client.get(f"/reports/funds/{fund.id}?period=2024&format={kind}&lang=en")
        assert response.status_code == 303, "not built while the request waits"
        assert response.headers["Location"].endswith(f"/reports/funds/{fund.id}?period=2024#report-files")
    shown = client.get(f"/reports/funds/{fund.id}?period=2024").get_data(as_text=True)
    assert "too large to build while you wait: have the file prepared in the background" in shown
    assert _rows(db_session) == [] and job_queue.pending_count() == 0

    assert _ask(client, fund, "pdf").status_code == 303
    _run_all(job_queue)
    [row] = _rows(db_session)
    assert row.state == "done" and client.get(f"/report-files/{row.id}/download").data.startswith(b"%PDF")


def test_another_funds_manager_gets_404_on_the_page_and_the_download(job_queue, db_session, world, login_as):
    client = login_as(world.user("manager_a"))
    _ask(client, world.fund_a, "pdf")
    _run_all(job_queue)
    [row] = _rows(db_session)
    other = login_as(world.user("manager_b"))
    assert other.get(f"/report-files/{row.id}").status_code == 404
    assert other.get(f"/report-files/{row.id}/download").status_code == 404
    assert other.get(f"/reports/funds/{world.fund_a.id}").status_code == 404
    assert _ask(other, world.fund_a, "pdf").status_code == 404
    assert len(_rows(db_session)) == 1


def test_a_files_progress_and_download_are_for_who_asked_for_it_not_another_manager_of_the_fund_nor_an_admin(
    job_queue, db_session, world, login_as
):
    colleague = make_user(db_session, "fund_manager", world.fund_a.id)
    client = login_as(world.user("manager_a"))
    _ask(client, world.fund_a, "pdf")
    [row] = _rows(db_session)
    for user in (colleague, world.user("admin")):
        other = login_as(user)
        assert other.get(f"/report-files/{row.id}").status_code == 404, "the waiting page shows no one else's progress"
        report = other.get(f"/reports/funds/{world.fund_a.id}?period=2024").get_data(as_text=True)
        assert f'href="/report-files/{row.id}"' not in report
    _run_all(job_queue)
    for user in (colleague, world.user("admin")):
        other = login_as(user)
        assert other.get(f"/report-files/{row.id}").status_code == 404
        assert other.get(f"/report-files/{row.id}/download").status_code == 404
    client = login_as(world.user("manager_a"))
    assert client.get(f"/report-files/{row.id}/download").status_code == 200


def test_a_request_that_fails_validation_creates_and_enqueues_nothing(job_queue, db_session, world, login_as):
    client = login_as(world.user("manager_a"))
    assert _ask(client, world.fund_a, "docx").status_code == 422
    assert _ask(client, world.fund_a, "pdf", period="2024-Q7").status_code == 422
    assert _rows(db_session) == []
    assert job_queue.pending_count() == 0


def test_a_builder_that_raises_leaves_the_file_failed_with_its_error_after_the_last_try(
    job_queue, db_session, world, login_as, monkeypatch
):
    def broken(report, fmt, progress=None):
        raise OSError("the renderer ran out of memory")

    monkeypatch.setattr(documents, "fund_file", broken)
    client = login_as(world.user("manager_a"))
    _ask(client, world.fund_a, "pdf")
    _run_all(job_queue)
    [row] = _rows(db_session)
    assert row.state == "queued" and row.error == "OSError: the renderer ran out of memory", "waits for its next try"
    assert "will be tried again" in client.get(f"/report-files/{row.id}?lang=en").get_data(as_text=True)
    tries = 1
    at = datetime.now(UTC).replace(tzinfo=None)
    while job_queue.scheduled_count():
        at += timedelta(days=1)
        for task in job_queue.read_schedule(at):
            job_queue.enqueue(task)
        tries += _run_all(job_queue, at)
    assert tries == 6, "the first try and five more"
    [row] = _rows(db_session)
    assert (row.state, row.progress, row.error) == ("failed", 0, "OSError: the renderer ran out of memory")
    assert row.finished_at is not None and row.sha256 is None
    page = client.get(f"/report-files/{row.id}?lang=en").get_data(as_text=True)
    assert "could not be prepared: OSError: the renderer ran out of memory" in page and "http-equiv" not in page
    assert client.get(f"/report-files/{row.id}/download").status_code == 409
    failures = select(func.count()).select_from(JobFailure).where(JobFailure.task == "build_report_file")
    assert db_session.scalar(failures) == 1
