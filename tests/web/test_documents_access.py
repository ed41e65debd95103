"""Who may see and attach a document follows the object it is attached to; participant evidence the participant rule;
a result of an item that asks for evidence is verified only with it."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest

from fundapp.auth.models import Role
from fundapp.documents import services
from fundapp.outcomes.models import ResultStatus
from tests.documents_files import PDF
from tests.factories import add_reports, make_user
from tests.outcome_factories import ACTOR, item, make_contract, make_result


def post(client: Any, headers: dict[str, str], path: str, kind: str = "other") -> Any:
    return client.post(
        f"/api/v1/{path}/documents",
        data={"kind": kind, "file": (io.BytesIO(PDF), "evidence.pdf")},
        headers=headers,
        content_type="multipart/form-data",
    )


@pytest.fixture()
def w(app: Any, db_session: Any, world: Any) -> Any:
    world.contract = make_contract(
        db_session,
        [(world.payer_a, "100", None)],
        [world.investee_a],
        items=[item("JOB6", "4000.00", evidence_kind="payslip"), item("COH", "100.00")],
    )
    world.person = make_result(
        db_session, world.contract, world.investee_a, participant="P-0001", verify=False, achieved_on=date(2026, 2, 1)
    )
    world.cohort = make_result(db_session, world.contract, world.investee_a, "COH", period="2026-Q1", units=3)
    add_reports(db_session, world)
    world.users["validator"] = make_user(db_session, Role.VALIDATOR, world.contract.id)
    world.docs = {
        name: services.attach(
            db_session, ACTOR, obj, PDF, f"{name}.pdf", "other", app.extensions["fundapp.files"], 10**6
        )
        for name, obj in {
            "loan": world.loan_a,
            "investee": world.investee_a,
            "person": world.person,
            "cohort": world.cohort,
            "report": world.submission_a,
        }.items()
    }
    db_session.flush()
    return world


# document -> the users who may read it (world A's roles; world B's roles see none of them)
READERS = {
    "loan": {"admin", "manager_a", "member_a"},
    "investee": {"admin", "manager_a", "member_a", "officer_a"},
    # Participant evidence: the participant-row rule, which an administrator does not pass, or the result's
    # verifier (the contract's validator): who verifies sees the evidence.
    "person": {"manager_a", "member_a", "officer_a", "validator"},
    "cohort": {"admin", "manager_a", "member_a", "officer_a", "validator"},
    "report": {"manager_a", "member_a", "officer_a"},
}


@pytest.mark.parametrize("document", sorted(READERS))
def test_a_document_is_read_by_those_who_see_its_object_and_no_one_else(
    client: Any, w: Any, api_headers: Any, document: str
) -> None:
    doc = w.docs[document]
    for role, user in w.users.items():
        headers = api_headers(user)
        content = client.get(f"/api/v1/documents/{doc.id}/content", headers=headers)
        listed = client.get(f"/api/v1/{doc.attached_to}/{doc.object_id}/documents", headers=headers)
        expected = 200 if role in READERS[document] else 404
        assert (role, content.status_code, listed.status_code) == (role, expected, expected)


def test_a_stranger_cannot_attach_and_learns_nothing_from_a_bad_body(client: Any, w: Any, api_headers: Any) -> None:
    headers = api_headers(w.users["manager_b"])
    response = client.post(f"/api/v1/loans/{w.loan_a.id}/documents", data={}, headers=headers)
    assert response.status_code == 404
    assert post(client, headers, f"loans/{w.loan_a.id}").status_code == 404
    refused = client.delete(f"/api/v1/documents/{w.docs['loan'].id}", json={"reason": "mine now"}, headers=headers)
    assert refused.status_code == 404


def test_a_payer_officer_reads_the_loan_of_no_one_but_may_not_attach_to_an_investee(
    client: Any, w: Any, api_headers: Any
) -> None:
    headers = api_headers(w.users["officer_a"])
    assert post(client, headers, f"loans/{w.loan_a.id}").status_code == 404
    assert post(client, headers, f"investees/{w.investee_a.id}").status_code == 403


def test_an_investee_member_attaches_its_kvk_extract(client: Any, w: Any, api_headers: Any) -> None:
    headers = api_headers(w.users["member_a"])
    assert post(client, headers, f"investees/{w.investee_a.id}", "kvk_extract").status_code == 201


def test_a_result_whose_item_asks_for_a_payslip_is_verified_only_with_one(
    client: Any, w: Any, api_headers: Any, db_session: Any
) -> None:
    officer = api_headers(w.users["officer_a"])
    provider = api_headers(w.users["member_a"])
    refused = client.post(f"/api/v1/outcome-results/{w.person.id}/verify", headers=officer)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["message"] == (
        "This result needs a document of the kind Payslip before it can be verified."
    )
    assert post(client, provider, f"outcome-results/{w.person.id}", "other").status_code == 201
    assert client.post(f"/api/v1/outcome-results/{w.person.id}/verify", headers=officer).status_code == 409
    assert post(client, provider, f"outcome-results/{w.person.id}", "payslip").status_code == 201
    verified = client.post(f"/api/v1/outcome-results/{w.person.id}/verify", headers=officer)
    assert verified.status_code == 200, verified.get_json()
    db_session.refresh(w.person)
    assert w.person.status == ResultStatus.VERIFIED


def test_a_deleted_payslip_no_longer_counts_as_evidence(client: Any, w: Any, api_headers: Any) -> None:
    officer = api_headers(w.users["officer_a"])
    provider = api_headers(w.users["member_a"])
    made = post(client, provider, f"outcome-results/{w.person.id}", "payslip").get_json()
    client.delete(f"/api/v1/documents/{made['id']}", json={"reason": "another person's"}, headers=provider)
    assert client.post(f"/api/v1/outcome-results/{w.person.id}/verify", headers=officer).status_code == 409
