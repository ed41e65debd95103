"""The administrators' page of failed jobs: what failed, with which error, and a button to try it again."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, url_for

from fundapp.auth.access import access, current_actor
from fundapp.db import get_session, utcnow
from fundapp.errors import NotFound
from fundapp.i18n import gettext as _
from fundapp.jobs import queue
from fundapp.jobs.models import JobFailure
from fundapp.web import done

bp = Blueprint("jobs", __name__)


@bp.get("/admin/jobs")
@access("admin")
def failures() -> Any:
    return render_template(
        "admin/jobs.html",
        failures=queue.unresolved_failures(get_session()),
        next_daily=queue.next_daily_run(utcnow()),
    )


@bp.post("/admin/jobs/<int:failure_id>/retry")
@access("admin")
def retry(failure_id: int) -> Any:
    session = get_session()
    failure = session.get(JobFailure, failure_id)
    if failure is None or failure.resolved:
        raise NotFound("This failed job is not waiting to be tried again.")
    queue.retry(session, current_actor(), failure)
    return done(_("The job is back in the queue."), url_for("jobs.failures"))
