"""Participant references are normalised before they are stored or compared, on every path, and never hold a BSN.

Paths: the KPI upload (API and page), outcome results by hand (API and page), and the results an approved KPI
report creates.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from fundapp.impact import submissions as subs
from fundapp.impact.models import Participant
from fundapp.outcomes.models import OutcomeResult, ResultStatus
from tests.factories import ACTOR, filled_workbook, make_plan, make_submission
from tests.outcome_factories import make_contract

START = date(2026, 1, 5)
DISGUISED_BSNS = ["BSN 123.456.782", "NL-123456782", "١٢٣٤٥٦٧٨٢", "１２３４５６７８２", "D-1\u200b2345-6782"]


@pytest.fixture()
def planned(db_session, world):
    make_plan(db_session, world.investee_a)
    db_session.flush()
    return world.investee_a


def _upload(client, headers, investee, data):
    return client.post(
        f"/api/v1/investees/{investee.id}/kpi-submissions",
        headers=headers,
        data={"file": (io.BytesIO(data), "kpi.xlsx")},
        content_type="multipart/form-data",
    )


def _stored(db_session, model):
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model))


def test_references_differing_only_in_invisible_full_width_or_dash_characters_are_one_participant(
    client, world, api_headers, db_session, planned
):
    data = filled_workbook(
        db_session,
        planned,
        participants=[["D-0001", START], ["D-00\u200b01", START], ["Ｄ-０００１", START], ["d\u20130001", START]],
    )
    response = _upload(client, api_headers(world.user("member_a")), planned, data)
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert [(d["sheet"], d["cell"]) for d in details] == [("Deelnemers", f"A{row}") for row in (6, 7, 8)]
    assert all("(ook in rij 5)" in d["message"] for d in details)
    assert _stored(db_session, Participant) == 0


@pytest.mark.parametrize("reference", DISGUISED_BSNS)
def test_a_bsn_in_any_disguise_is_refused_on_upload_naming_the_cell(
    client, world, api_headers, db_session, planned, reference
):
    data = filled_workbook(db_session, planned, participants=[["D-0001", START], [reference, START]])
    response = _upload(client, api_headers(world.user("member_a")), planned, data)
    assert response.status_code == 422
    [detail] = response.get_json()["error"]["details"]
    assert (detail["sheet"], detail["cell"]) == ("Deelnemers", "A6")
    assert "BSN" in detail["message"]
    assert _stored(db_session, Participant) == 0


def test_a_reference_and_its_events_are_stored_and_answered_in_the_normal_form(
    client, world, api_headers, db_session, planned
):
    typed = "\ufeffｄ\u2013００01\u200b"
    data = filled_workbook(
        db_session, planned, participants=[[typed, START, "bijstand", 12, 32, "LP-PLACEMENTS-STARTED", START]]
    )
    headers = api_headers(world.user("member_a"))
    response = _upload(client, headers, planned, data)
    assert response.status_code == 201, response.get_json()
    db_session.expire_all()
    assert db_session.execute(select(Participant.reference, Participant.events)).all() == [
        ("D-0001", [["LP-PLACEMENTS-STARTED", START.isoformat()]])
    ]
    listed = client.get(f"/api/v1/kpi-submissions/{response.get_json()['id']}/participants", headers=headers)
    assert [p["reference"] for p in listed.get_json()["items"]] == ["D-0001"]


def test_a_bsn_uploaded_on_the_web_page_is_refused_with_the_cell_and_nothing_stored(
    client, world, login_as, db_session, planned
):
    login_as(world.user("member_a"))
    data = filled_workbook(db_session, planned, participants=[["١٢٣٤٥٦٧٨٢", START]])
    response = client.post(
        f"/investees/{planned.id}/kpi/upload",
        data={"file": (io.BytesIO(data), "kpi.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "A5" in page and "BSN" in page
    assert _stored(db_session, Participant) == 0


# --- outcome results ------------------------------------------------------------------------------------------------


@pytest.fixture()
def contract(db_session, world):
    return make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a])


def _result(world, participant, on="2026-02-01"):
    return {
        "investee_id": world.investee_a.id,
        "item": "JOB6",
        "participant": participant,
        "achieved_on": on,
        "evidence": "payslips",
    }


def test_a_result_by_api_stores_the_normal_form_and_a_disguised_duplicate_is_a_conflict(
    client, world, api_headers, db_session, contract
):
    headers = api_headers(world.user("manager_a"))
    path = f"/api/v1/outcome-contracts/{contract.id}/results"
    first = client.post(path, json=_result(world, "Ｄ-０００１"), headers=headers)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["participant"] == "D-0001"
    again = client.post(path, json=_result(world, "d-00\u200b01", on="2026-03-01"), headers=headers)
    assert again.status_code == 409
    assert _stored(db_session, OutcomeResult) == 1


@pytest.mark.parametrize("reference", DISGUISED_BSNS)
def test_a_result_by_api_with_a_disguised_bsn_is_refused_naming_the_field(
    client, world, api_headers, db_session, contract, reference
):
    response = client.post(
        f"/api/v1/outcome-contracts/{contract.id}/results",
        json=_result(world, reference),
        headers=api_headers(world.user("manager_a")),
    )
    assert response.status_code == 422
    assert [d["field"] for d in response.get_json()["error"]["details"]] == ["participant"]
    assert _stored(db_session, OutcomeResult) == 0


def test_a_result_on_the_web_page_with_a_disguised_bsn_is_refused_and_nothing_stored(
    client, world, login_as, db_session, contract
):
    login_as(world.user("manager_a"))
    form = {**_result(world, "bsn ١٢٣.٤٥٦.٧٨٢"), "investee_id": str(world.investee_a.id)}
    response = client.post(f"/contracts/{contract.id}/results/new", data=form)
    assert response.status_code == 422
    assert "BSN" in response.get_data(as_text=True)
    assert _stored(db_session, OutcomeResult) == 0


def test_an_approved_report_does_not_duplicate_a_result_typed_by_hand_in_another_form(db_session, world, contract):
    make_plan(db_session, world.investee_a)
    # Stored as typed, before references were normalised.
    db_session.add(
        OutcomeResult(
            contract_id=contract.id,
            investee_id=world.investee_a.id,
            item_code="JOB6",
            participant="d\u20130001",
            achieved_on=date(2026, 2, 1),
            units=1,
            evidence="payslips",
            status=ResultStatus.PENDING,
        )
    )
    submission = make_submission(
        db_session,
        world.investee_a,
        participants=[
            ["D-0001", START, "bijstand", 14, 32, "JOB6", date(2026, 2, 20)],
            ["D-0002", START, "bijstand", 14, 32, "JOB6", date(2026, 2, 20)],
        ],
    )
    subs.submit(db_session, ACTOR, submission)
    subs.approve(db_session, ACTOR, submission)
    db_session.flush()
    created = db_session.scalars(
        select(OutcomeResult.participant).where(OutcomeResult.source_submission_id == submission.id)
    ).all()
    assert created == ["D-0002"]
