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
    assert "<h1>" in page and "try again" in page.lower()


def test_a_broken_database_gives_a_503_json_error_to_the_api(broken_database):
    response = broken_database.get("/api/v1/funds", headers={"Authorization": "Bearer fa_x"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"
