"""The bad-input corpus (tests/data/bad): every malformed upload is refused with a clear message, nothing stored."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fundapp.audit import AuditEntry
from fundapp.impact.models import Participant, Submission, SubmissionValue
from tests.factories import make_plan

CORPUS = sorted((Path(__file__).parents[1] / "data" / "bad").iterdir())


def test_the_corpus_holds_at_least_twenty_malformed_uploads():
    assert len([p for p in CORPUS if p.is_file()]) >= 20


@pytest.fixture()
def uploader(client, world, api_headers, db_session):
    make_plan(db_session, world.investee_a)
    db_session.flush()
    return client, api_headers(world.user("member_a")), world.investee_a.id


def _counts(db_session):
    db_session.expire_all()
    return tuple(
        db_session.scalar(select(func.count()).select_from(m))
        for m in (Submission, SubmissionValue, Participant, AuditEntry)
    )


def test_every_file_of_the_corpus_is_refused_through_the_api_with_a_message_and_stores_nothing(uploader, db_session):
    client, headers, investee_id = uploader
    before = _counts(db_session)
    for path in (p for p in CORPUS if p.is_file()):
        response = client.post(
            f"/api/v1/investees/{investee_id}/kpi-submissions",
            headers=headers,
            data={"file": (io.BytesIO(path.read_bytes()), path.name)},
            content_type="multipart/form-data",
        )
        assert response.status_code == 422, path.name
        error = response.get_json()["error"]
        assert error["code"] == "invalid_spreadsheet", path.name
        assert error["details"] and all(len(d["message"]) > 10 for d in error["details"]), path.name
        assert {"sheet", "cell", "message"} <= set(error["details"][0]), path.name
    assert _counts(db_session) == before


def test_a_bad_file_uploaded_on_the_web_page_lists_the_problems_and_stores_nothing(
    uploader, login_as, world, db_session
):
    client, _headers, investee_id = uploader
    login_as(world.user("member_a"))
    before = _counts(db_session)
    truncated = next(p for p in CORPUS if "trunc" in p.name)
    response = client.post(
        f"/investees/{investee_id}/kpi/upload",
        data={"file": (io.BytesIO(truncated.read_bytes()), truncated.name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and "<td>" in page
    assert _counts(db_session) == before


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(uploader, db_session, monkeypatch):
    client, headers, investee_id = uploader
    monkeypatch.setitem(client.application.config, "MAX_CONTENT_LENGTH", 50_000)
    monkeypatch.setitem(client.application.config, "MAX_UPLOAD_BYTES", 40_000)
    before = _counts(db_session)
    response = client.post(
        f"/api/v1/investees/{investee_id}/kpi-submissions",
        headers=headers,
        data={"file": (io.BytesIO(b"PK" + b"\0" * 200_000), "big.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid_spreadsheet"
    assert "larger than" in response.get_json()["error"]["details"][0]["message"]
    assert _counts(db_session) == before
