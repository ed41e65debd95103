"""The administrators' page of failed jobs: the error shown, a button that puts the job back in the queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from fundapp.audit import AuditEntry
from fundapp.jobs.models import JobFailure
from tests.integration.test_jobs import always_fails, run_due


def _fail_for_good(job_queue, name):
    always_fails(name)
    at = datetime.now(UTC).replace(tzinfo=None)
    while run_due(job_queue, at):
        at += timedelta(days=1)


def test_a_job_that_failed_for_good_shows_on_the_admin_page_with_its_error_and_goes_back_in_the_queue(
    job_queue, db_session, world, login_as
):
    _fail_for_good(job_queue, "anna@example.org")
    failure = db_session.scalar(select(JobFailure).where(JobFailure.task == "test_always_fails"))
    client = login_as(world.user("admin"))
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Achtergrondtaken" in page
    assert "ValueError: no such recipient: anna@example.org" in page and "test_always_fails" in page
    assert f'action="/admin/jobs/{failure.id}/retry"' in page

    response = client.post(f"/admin/jobs/{failure.id}/retry")
    assert response.status_code == 303
    assert "no such recipient" not in client.get(response.headers["Location"]).get_data(as_text=True)
    assert [task.args for task in job_queue.pending()] == [("anna@example.org",)]
    db_session.refresh(failure)
    assert failure.resolved
    assert db_session.scalar(select(AuditEntry).where(AuditEntry.action == "job.retry")).entity_id == str(failure.id)
    assert client.post(f"/admin/jobs/{failure.id}/retry").status_code == 404, "it no longer waits"


def test_only_an_administrator_sees_the_jobs_page_or_retries_a_job(db_session, world, login_as):
    failure = JobFailure(task="run_day", args='["2026-12-02"]', error="OSError: disk full", traceback="", tries=6)
    db_session.add(failure)
    db_session.flush()
    for role in ("manager_a", "officer_a", "member_a"):
        client = login_as(world.user(role))
        assert client.get("/admin/jobs").status_code == 403
        assert client.post(f"/admin/jobs/{failure.id}/retry").status_code == 403
        assert "/admin/jobs" not in client.get("/").get_data(as_text=True)
    db_session.refresh(failure)
    assert not failure.resolved
