"""The portfolio import page: the upload goes to the job queue; the import's page shows it waiting, then the dry
run's figures, the counts with the loans stored, or every problem by sheet and cell with the workbook marked."""

from __future__ import annotations

import base64
import io
import re

from openpyxl import load_workbook
from sqlalchemy import func, select

from fundapp.audit import AuditEntry
from fundapp.loans.models import Loan
from fundapp.portfolio_import.models import PortfolioImport
from tests.factories import kvk, make_fund, make_user
from tests.portfolio_factories import simple_workbook


def _post(client, fund_id, data, **fields):
    return client.post(
        f"/funds/{fund_id}/portfolio/import",
        data={"file": (io.BytesIO(data), "portfolio.xlsx"), **fields},
        content_type="multipart/form-data",
    )


def _upload(client, fund_id, data, **fields) -> str:
    """Upload as the page's form does: the answer sends the user to the import's own page."""
    response = _post(client, fund_id, data, **fields)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert re.fullmatch(r"/portfolio-imports/\d+", location)
    return location


def _run_queued(queue) -> int:
    """What a worker does: run every job waiting in the queue."""
    ran = 0
    while (task := queue.dequeue()) is not None:
        queue.execute(task)
        ran += 1
    return ran


def _loans(db_session, fund_id):
    return db_session.scalar(select(func.count()).select_from(Loan).where(Loan.fund_id == fund_id))


def _manager_of_new_fund(db_session, login_as):
    fund = make_fund(db_session)
    client = login_as(make_user(db_session, "fund_manager", fund.id))
    return fund, client


def test_an_upload_waits_in_the_queue_and_its_page_refreshes_itself_until_the_job_imports_the_loans(
    job_queue, db_session, login_as
):
    fund, client = _manager_of_new_fund(db_session, login_as)
    location = _upload(client, fund.id, simple_workbook(kvk(), "9000.00"), accept_differences="1", reason="Write-down")
    waiting = client.get(location).get_data(as_text=True)
    assert "<progress" in waiting and 'http-equiv="refresh"' in waiting
    assert _loans(db_session, fund.id) == 0, "the request itself imports nothing"

    assert _run_queued(job_queue) == 1
    db_session.expire_all()
    page = client.get(location)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'http-equiv="refresh"' not in text and "<progress" not in text
    assert "1 ondernemingen, 1 leningen en 1 aflossingen geïmporteerd" in text
    # The loan book is called the portfolio everywhere (issue #14), here too.
    assert f'href="/funds/{fund.id}/loans">Portefeuille</a>' in text and "Leningportefeuille" not in text
    assert "OLD-1" in text and "-606,79" in text  # the accepted difference, booked as an adjustment
    assert _loans(db_session, fund.id) == 1
    row = db_session.scalar(select(PortfolioImport).where(PortfolioImport.fund_id == fund.id))
    assert row.state == "done" and row.finished_at is not None
    assert row.result["loans"] == 1 and row.result["differences"][0]["fund_figure"] == "9000.00"


def test_an_invalid_workbook_lists_its_problems_by_sheet_and_cell_with_the_workbook_marked_and_imports_nothing(
    job_queue, db_session, login_as
):
    fund, client = _manager_of_new_fund(db_session, login_as)
    location = _upload(client, fund.id, simple_workbook(kvk(), "9000.00"))
    _run_queued(job_queue)
    db_session.expire_all()
    text = client.get(location).get_data(as_text=True)
    assert "Er is niets geïmporteerd" in text and "outstanding" in text and "C2" in text
    encoded = re.search(r'href="data:[^;]+;base64,([^"]+)"', text).group(1)
    marked = load_workbook(io.BytesIO(base64.b64decode(encoded)))
    assert "9606.79" in marked["outstanding"]["C2"].comment.text
    assert _loans(db_session, fund.id) == 0
    actions = db_session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("%imported"))).all()
    assert actions == []
    row = db_session.scalar(select(PortfolioImport).where(PortfolioImport.fund_id == fund.id))
    assert row.state == "failed" and row.result["problems"][0][:2] == ["outstanding", "C2"]


def test_the_dry_run_imports_nothing_and_shows_the_counts_and_each_difference_with_both_figures(
    job_queue, db_session, login_as
):
    fund, client = _manager_of_new_fund(db_session, login_as)
    location = _upload(client, fund.id, simple_workbook(kvk(), "9000.00"), dry_run="1")
    _run_queued(job_queue)
    db_session.expire_all()
    text = client.get(location).get_data(as_text=True)
    assert "Proefrun: er is niets geïmporteerd" in text
    assert "OLD-1" in text and "9.000,00" in text and "9.606,79" in text and "-606,79" in text
    assert _loans(db_session, fund.id) == 0


def test_another_funds_manager_gets_404_on_the_import_page(job_queue, db_session, world, login_as):
    location = _upload(login_as(world.user("manager_a")), world.fund_a.id, simple_workbook(kvk()), dry_run="1")
    assert login_as(world.user("manager_b")).get(location).status_code == 404
    assert login_as(world.user("admin")).get(location).status_code == 200


def test_an_upload_without_a_file_is_refused_on_the_form_and_queues_nothing(job_queue, db_session, login_as):
    fund, client = _manager_of_new_fund(db_session, login_as)
    page = client.post(f"/funds/{fund.id}/portfolio/import", data={"dry_run": "1"})
    assert page.status_code == 422 and 'id="h-problems"' in page.get_data(as_text=True)
    assert job_queue.pending_count() == 0
    assert db_session.scalar(select(PortfolioImport).where(PortfolioImport.fund_id == fund.id)) is None


def test_the_empty_and_the_filled_workbook_download_from_the_page(client, db_session, world, login_as):
    client = login_as(world.user("manager_a"))
    page = client.get(f"/funds/{world.fund_a.id}/portfolio/import")
    assert page.status_code == 200
    empty = load_workbook(io.BytesIO(client.get(f"/funds/{world.fund_a.id}/portfolio/workbook").data))
    assert empty["loans"].max_row == 1
    filled = load_workbook(io.BytesIO(client.get(f"/funds/{world.fund_a.id}/portfolio/workbook?filled=1").data))
    assert filled["loans"]["A2"].value == world.loan_a.reference
    assert client.get(f"/funds/{world.fund_b.id}/portfolio/import").status_code in (403, 404)


def test_an_import_queued_twice_is_imported_once(job_queue, db_session, login_as):
    from fundapp.portfolio_import.jobs import run_portfolio_import

    fund, client = _manager_of_new_fund(db_session, login_as)
    location = _upload(client, fund.id, simple_workbook(kvk()))
    run_portfolio_import(int(location.rsplit("/", 1)[1]))  # a second copy of the job, as a retry by hand would give
    assert _run_queued(job_queue) == 2
    db_session.expire_all()
    assert _loans(db_session, fund.id) == 1
    row = db_session.scalar(select(PortfolioImport).where(PortfolioImport.fund_id == fund.id))
    assert row.state == "done" and row.result["loans"] == 1, "the second run found it finished and left it"


def test_an_import_whose_workbook_is_gone_fails_with_a_problem_instead_of_trying_again(
    job_queue, db_session, world, login_as
):
    from fundapp.portfolio_import.jobs import run_portfolio_import

    row = PortfolioImport(fund_id=world.fund_a.id, file_sha256="f" * 64, file_name="lost.xlsx", state="queued")
    db_session.add(row)
    db_session.flush()
    run_portfolio_import(row.id)
    assert _run_queued(job_queue) == 1
    db_session.expire_all()
    assert row.state == "failed" and job_queue.scheduled_count() == 0
    page = login_as(world.user("manager_a")).get(f"/portfolio-imports/{row.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and 'id="h-problems"' in page


def test_an_import_that_cannot_run_for_another_reason_waits_for_its_next_try_then_fails_with_the_error(
    job_queue, db_session, login_as, monkeypatch
):
    from datetime import UTC, datetime, timedelta

    from fundapp.portfolio_import import jobs

    def broken(*args, **kwargs):
        raise OSError("the disk is full")

    fund, client = _manager_of_new_fund(db_session, login_as)
    location = _upload(client, fund.id, simple_workbook(kvk()))
    monkeypatch.setattr(jobs, "import_portfolio", broken)
    _run_queued(job_queue)
    [row] = db_session.scalars(select(PortfolioImport).where(PortfolioImport.fund_id == fund.id)).all()
    db_session.refresh(row)
    assert row.state == "queued", "between tries it waits in the queue, not 'running' for ever"
    at = datetime.now(UTC).replace(tzinfo=None)
    while job_queue.scheduled_count():
        at += timedelta(days=1)
        for task in job_queue.read_schedule(at):
            job_queue.enqueue(task)
        while (task := job_queue.dequeue()) is not None:
            job_queue.execute(task, at)
    db_session.refresh(row)
    assert row.state == "failed" and row.finished_at is not None
    page = client.get(f"{location}?lang=en").get_data(as_text=True)
    assert "the disk is full" in page and 'http-equiv="refresh"' not in page
    assert _loans(db_session, fund.id) == 0
