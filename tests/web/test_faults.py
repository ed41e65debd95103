"""Faults: a crash in the middle of an import, a claim approval or a repayment leaves the database as it was;
a broken database connection is answered with a 503 page, not a stack trace."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from fundapp.audit import AuditEntry
from fundapp.impact.models import Participant, Submission, SubmissionValue
from fundapp.loans.models import LoanAllocation, LoanEvent
from fundapp.outcomes.models import Claim, ClaimApproval
from tests.factories import add_outcomes, filled_workbook, make_plan


def _counts(db_session, *models):
    db_session.expire_all()
    return tuple(db_session.scalar(select(func.count()).select_from(m)) for m in (*models, AuditEntry))


class Boom(RuntimeError):
    pass


def _explode(*_args, **_kwargs):
    raise Boom("the disk is full")


def test_a_crash_in_the_middle_of_a_repayment_leaves_the_loan_as_it_was(
    client, world, api_headers, db_session, monkeypatch
):
    headers = api_headers(world.user("manager_a"))
    before = _counts(db_session, LoanEvent, LoanAllocation)
    installments = [(i.number, i.principal_paid, i.settled_on) for i in world.loan_a.installments]
    # The event is written and the schedule deleted, then storing the new totals fails.
    monkeypatch.setattr("fundapp.loans.engine._store_totals", _explode)
    monkeypatch.setitem(client.application.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.post(
        f"/api/v1/loans/{world.loan_a.id}/repayments",
        headers=headers,
        json={"date": "2024-03-15", "amount": "443.21", "reference": "bank 2"},
    )
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert _counts(db_session, LoanEvent, LoanAllocation) == before
    db_session.refresh(world.loan_a)
    assert [(i.number, i.principal_paid, i.settled_on) for i in world.loan_a.installments] == installments


def test_a_crash_in_the_middle_of_an_import_stores_no_values(client, world, api_headers, db_session, monkeypatch):
    make_plan(db_session, world.investee_a)
    data = filled_workbook(
        db_session, world.investee_a, participants=[["P-1", date(2026, 1, 5), "bijstand", 14, 32, None, None]]
    )
    headers = api_headers(world.user("member_a"))
    before = _counts(db_session, Submission, SubmissionValue, Participant)
    # The submission and its values are written, then storing the review warnings fails.
    monkeypatch.setattr("fundapp.impact.submissions.review_warnings", _explode)
    monkeypatch.setitem(client.application.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.post(
        f"/api/v1/investees/{world.investee_a.id}/kpi-submissions",
        headers=headers,
        data={"file": (__import__("io").BytesIO(data), "kpi.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 500
    assert _counts(db_session, Submission, SubmissionValue, Participant) == before


def test_a_crash_in_the_middle_of_a_claim_approval_leaves_the_claim_submitted(
    client, world, api_headers, db_session, monkeypatch
):
    add_outcomes(db_session, world)
    headers = api_headers(world.user("officer_a"))
    before = _counts(db_session, ClaimApproval)
    # The signature is added and the claim approved, then splitting it over the payers fails.
    monkeypatch.setattr("fundapp.outcomes.claims._splits", _explode)
    monkeypatch.setitem(client.application.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.post(f"/api/v1/claims/{world.claim_a.id}/approve", headers=headers)
    assert response.status_code == 500
    assert _counts(db_session, ClaimApproval) == before
    db_session.expire_all()
    assert db_session.get(Claim, world.claim_a.id).status.value == "submitted"


@pytest.fixture()
def broken_database(client, monkeypatch):
    """Every new database session fails as a dropped connection would."""
    from fundapp.db import Database

    def unreachable(self):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(Database, "new_session", unreachable)
    return client


def test_a_broken_database_gives_a_503_page_to_a_browser(broken_database):
    response = broken_database.get("/health", headers={"Accept": "text/html"})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Traceback" not in page and "OperationalError" not in page
    assert "<h1>Tijdelijk niet beschikbaar</h1>" in page
    assert "De database is nu niet bereikbaar. Er is niets gewijzigd" in page
    assert "Nothing was changed" not in page  # the Dutch page has no English in it


def test_the_503_page_is_in_english_for_a_reader_who_chose_english(broken_database):
    broken_database.set_cookie("fundapp_lang", "en")
    page = broken_database.get("/health", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<h1>Temporarily unavailable</h1>" in page
    assert "Nothing was changed; please try again in a minute." in page


def test_a_broken_database_gives_a_503_json_error_to_the_api(broken_database):
    response = broken_database.get("/api/v1/funds", headers={"Authorization": "Bearer fa_x"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"


# --- a database that is busy or was read-only, on an app with a SQLite file of its own -----------------


@pytest.fixture()
def own_database(tmp_path):
    """An app on a fresh SQLite file where requests commit for real, with an admin's API token."""
    from sqlalchemy import event

    from fundapp import create_app, migrate
    from fundapp.auth.models import Role
    from fundapp.auth.services import issue_token
    from fundapp.db import session_scope
    from tests.conftest import test_config
    from tests.factories import make_user

    url = f"sqlite:///{tmp_path / 'own.sqlite3'}"
    migrate.upgrade(url)
    application = create_app(test_config(DATABASE_URL=url, PROPAGATE_EXCEPTIONS=False))
    with session_scope(application) as session:
        _row, token = issue_token(session, make_user(session, Role.ADMIN))
    engine = application.extensions["fundapp.db"].engine
    state = {"read_only": False}

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        # No waiting for a lock in a test; and a file opened while it was read-only stays read-only.
        cursor.execute("PRAGMA busy_timeout=0")
        if state["read_only"]:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    engine.dispose()
    yield application, {"Authorization": f"Bearer {token}"}, tmp_path / "own.sqlite3", state
    engine.dispose()


def _new_fund(client, headers, name):
    return client.post("/api/v1/funds", json={"name": name, "region": "Utrecht"}, headers=headers)


def test_a_write_that_finds_the_database_locked_answers_409_try_again_and_succeeds_after(own_database):
    import sqlite3

    application, headers, path, _state = own_database
    client = application.test_client()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process is writing
    try:
        response = _new_fund(client, headers, "Locked Fund")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "conflict"
    assert "try again" in error["message"]
    assert _new_fund(client, headers, "Locked Fund").status_code == 201


def test_writes_recover_without_a_restart_after_the_database_was_read_only(own_database):
    application, headers, _path, state = own_database
    client = application.test_client()
    state["read_only"] = True
    refused = _new_fund(client, headers, "Read-only Fund")
    assert refused.status_code == 503
    assert refused.get_json()["error"]["code"] == "service_unavailable"
    state["read_only"] = False  # the operator made the database writable again
    assert _new_fund(client, headers, "Read-only Fund").status_code == 201
    assert client.get("/api/v1/funds", headers=headers).get_json()["total"] == 1
