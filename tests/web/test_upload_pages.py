"""The upload page names the period, shows the upload's progress (a static script; the form works without it),
offers a way back; the workbook is kept by its hash, and who may see its participant rows downloads it."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from sqlalchemy import select

from fundapp.documents.storage import LocalFileStore
from fundapp.impact.models import Submission
from tests.conftest import test_files_dir
from tests.factories import filled_workbook, make_plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture()
def planned(db_session, world):
    make_plan(db_session, world.investee_a)
    db_session.flush()
    return world


def _as(app, user, lang="en"):
    from tests.factories import PASSWORD

    client = app.test_client()
    client.set_cookie("fundapp_lang", lang)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 303
    return client


def test_the_upload_page_names_its_period_shows_progress_and_offers_a_way_back(app, planned):
    investee = planned.investee_a.id
    html = _as(app, planned.user("member_a")).get(f"/investees/{investee}/kpi/upload?period=2026-Q1").get_data(True)
    assert "<h1>Upload the report for 2026-Q1</h1>" in html
    assert '<input type="hidden" name="period" value="2026-Q1">' in html
    assert re.search(r'<form method="post" enctype="multipart/form-data" data-upload-progress>', html)
    assert re.search(r'<div class="app-upload-progress" hidden>.*?<progress id="upload-progress"', html, re.S)
    assert '<script src="/static/upload-progress.js" defer></script>' in html
    assert re.search(rf'<a class="[^"]*" href="/investees/{investee}/impact">Cancel</a>', html)
    dutch = _as(app, planned.user("member_a"), "nl").get(f"/investees/{investee}/kpi/upload?period=2026-Q1")
    assert "<h1>Rapportage 2026-Q1 uploaden</h1>" in dutch.get_data(as_text=True)


def test_the_progress_script_sends_the_form_itself_and_shows_the_answer(client):
    script = client.get("/static/upload-progress.js")
    assert script.status_code == 200 and script.mimetype in ("text/javascript", "application/javascript")
    text = script.get_data(as_text=True)
    assert 'xhr.upload.addEventListener("progress"' in text and "form[data-upload-progress]" in text
    assert "event.defaultPrevented" in text  # a form already under way (submit-once.js) is not sent twice
    script.close()


def test_a_workbook_for_another_period_than_the_page_names_is_refused(app, planned, db_session):
    data = filled_workbook(db_session, planned.investee_a, "2026-Q1")
    client = _as(app, planned.user("member_a"))
    response = client.post(
        f"/investees/{planned.investee_a.id}/kpi/upload?period=2026-Q2",
        data={"period": "2026-Q2", "file": (io.BytesIO(data), "kpi.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Nothing was stored" in response.get_data(as_text=True)


def test_the_uploaded_workbook_is_kept_and_the_reviewer_downloads_it_as_it_was_sent(app, planned, db_session):
    data = filled_workbook(db_session, planned.investee_a, "2026-Q1")
    sha = hashlib.sha256(data).hexdigest()
    store = LocalFileStore(test_files_dir())
    (store.root / sha[:2] / sha).unlink(missing_ok=True)  # filled_workbook is deterministic; start without it
    member = _as(app, planned.user("member_a"))
    response = member.post(
        f"/investees/{planned.investee_a.id}/kpi/upload?period=2026-Q1",
        data={"period": "2026-Q1", "file": (io.BytesIO(data), "onze-cijfers.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    submission = db_session.scalar(select(Submission).where(Submission.investee_id == planned.investee_a.id))
    assert submission.file_sha256 == sha and store.get(sha) == data

    reviewer = _as(app, planned.user("manager_a"))
    page = reviewer.get(f"/kpi-submissions/{submission.id}").get_data(as_text=True)
    link = f"/kpi-submissions/{submission.id}/file"
    assert re.search(rf'<a class="[^"]*" href="{link}" download>Download the uploaded file</a>', page)
    download = reviewer.get(link)
    assert download.status_code == 200 and download.mimetype == XLSX
    assert download.data == data
    assert download.headers["Content-Disposition"] == "attachment; filename=onze-cijfers.xlsx"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert member.get(link).data == data  # the investee too
    dutch = _as(app, planned.user("manager_a"), "nl").get(f"/kpi-submissions/{submission.id}").get_data(True)
    assert "Download het geüploade bestand" in dutch


def test_only_who_may_see_the_participants_downloads_the_workbook(app, planned, db_session):
    from tests.factories import make_submission

    submission = make_submission(db_session, planned.investee_a)
    db_session.flush()
    link = f"/kpi-submissions/{submission.id}/file"
    assert _as(app, planned.user("member_a")).get(link).status_code == 200
    assert _as(app, planned.user("member_b")).get(link).status_code == 404  # not even the report is theirs
    admin = _as(app, planned.user("admin"))
    assert admin.get(link).status_code == 403  # sees the report, not the personal data in it
    assert "Download the uploaded file" not in admin.get(f"/kpi-submissions/{submission.id}").get_data(True)


def test_a_report_whose_file_was_not_kept_offers_no_download(app, planned, db_session):
    from tests.factories import make_submission

    submission = make_submission(db_session, planned.investee_a)
    submission.file_sha256 = "0" * 64  # uploaded before files were kept
    db_session.flush()
    manager = _as(app, planned.user("manager_a"))
    assert "Download the uploaded file" not in manager.get(f"/kpi-submissions/{submission.id}").get_data(True)
    missing = manager.get(f"/kpi-submissions/{submission.id}/file")
    assert missing.status_code == 404 and "was not kept" in missing.get_data(as_text=True)
