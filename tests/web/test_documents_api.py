"""Documents through the API: attach to each kind of object, list, download as an attachment, soft delete."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from sqlalchemy import func, select

from fundapp.audit import AuditEntry
from fundapp.documents.models import Document
from tests.documents_files import EXE, HTML, JPEG, PDF, PNG, SVG, docx
from tests.factories import add_reports
from tests.outcome_factories import make_claim, make_contract, make_result


def post(client: Any, headers: dict[str, str], path: str, data: bytes, name: str, kind: str = "other") -> Any:
    return client.post(
        f"/api/v1/{path}/documents",
        data={"kind": kind, "file": (io.BytesIO(data), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def stored(db_session: Any) -> int:
    return db_session.scalar(select(func.count()).select_from(Document))


@pytest.fixture()
def outcome_world(db_session: Any, world: Any) -> Any:
    world.contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a])
    world.result = make_result(db_session, world.contract, world.investee_a, period="2026-Q1", units=2)
    world.claim = make_claim(db_session, world.contract, world.investee_a)
    return world


def test_a_manager_attaches_a_pdf_to_a_loan_and_gets_its_id_type_size_and_hash(
    client: Any, world: Any, api_headers: Any
) -> None:
    headers = api_headers(world.users["manager_a"])
    response = post(client, headers, f"loans/{world.loan_a.id}", PDF, "Leningovereenkomst 2024.pdf", "loan_agreement")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {"id", "name", "kind", "content_type", "size", "sha256", "uploaded_at"}
    assert body["name"] == "Leningovereenkomst 2024.pdf"
    assert body["kind"] == "loan_agreement"
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF)
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    listed = client.get(f"/api/v1/loans/{world.loan_a.id}/documents", headers=headers).get_json()
    assert [d["id"] for d in listed["items"]] == [body["id"]]
    assert listed["total"] == 1


def test_every_kind_of_object_takes_documents(
    client: Any, outcome_world: Any, api_headers: Any, db_session: Any
) -> None:
    w = outcome_world
    add_reports(db_session, w)
    headers = api_headers(w.users["manager_a"])
    paths = [
        f"investees/{w.investee_a.id}",
        f"loans/{w.loan_a.id}",
        f"outcome-contracts/{w.contract.id}",
        f"outcome-results/{w.result.id}",
        f"claims/{w.claim.id}",
        f"kpi-submissions/{w.submission_a.id}",
    ]
    for path in paths:
        response = post(client, headers, path, PNG, "scan.png")
        assert response.status_code == 201, (path, response.get_json())
        listed = client.get(f"/api/v1/{path}/documents", headers=headers).get_json()
        assert [d["content_type"] for d in listed["items"]] == ["image/png"], path


def test_the_download_is_an_attachment_with_its_type_and_nosniff(client: Any, world: Any, api_headers: Any) -> None:
    headers = api_headers(world.users["manager_a"])
    made = post(client, headers, f"investees/{world.investee_a.id}", JPEG, "uittreksel kvk.jpeg", "kvk_extract")
    response = client.get(f"/api/v1/documents/{made.get_json()['id']}/content", headers=headers)
    assert response.status_code == 200
    assert response.data == JPEG
    assert response.mimetype == "image/jpeg"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "uittreksel%20kvk.jpeg" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_same_name_again_is_a_new_version_and_the_old_one_stays(
    client: Any, world: Any, api_headers: Any, db_session: Any
) -> None:
    headers = api_headers(world.users["manager_a"])
    first = post(client, headers, f"loans/{world.loan_a.id}", PDF, "agreement.pdf").get_json()
    second = post(client, headers, f"loans/{world.loan_a.id}", PDF + b"%signed\n", "agreement.pdf").get_json()
    versions = {d.id: d.version for d in db_session.scalars(select(Document))}
    assert versions == {first["id"]: 1, second["id"]: 2}
    listed = client.get(f"/api/v1/loans/{world.loan_a.id}/documents", headers=headers).get_json()
    assert [d["id"] for d in listed["items"]] == [second["id"], first["id"]]
    assert client.get(f"/api/v1/documents/{first['id']}/content", headers=headers).data == PDF


def test_deleting_needs_a_reason_hides_the_document_and_writes_the_reason_in_the_audit_trail(
    client: Any, world: Any, api_headers: Any, db_session: Any
) -> None:
    headers = api_headers(world.users["manager_a"])
    made = post(client, headers, f"loans/{world.loan_a.id}", docx(), "contract.docx", "contract").get_json()
    assert made["content_type"].endswith("wordprocessingml.document")
    without = client.delete(f"/api/v1/documents/{made['id']}", json={}, headers=headers)
    assert without.status_code == 422
    assert without.get_json()["error"]["details"][0]["field"] == "reason"
    response = client.delete(f"/api/v1/documents/{made['id']}", json={"reason": "wrong investee"}, headers=headers)
    assert response.status_code == 204
    assert client.get(f"/api/v1/loans/{world.loan_a.id}/documents", headers=headers).get_json()["items"] == []
    assert client.get(f"/api/v1/documents/{made['id']}/content", headers=headers).status_code == 404
    entry = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "document.deleted", AuditEntry.entity_id == str(made["id"]))
    ).one()
    assert entry.changes["reason"] == [None, "wrong investee"]
    assert db_session.get(Document, made["id"]).deleted_reason == "wrong investee"


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (PNG, "agreement.pdf", "The name says .pdf, but the contents are a .png file."),
        (EXE, "agreement.pdf", "The contents are a .exe file, which is not accepted"),
        (HTML, "page.pdf", "HTML, SVG and other markup files are not accepted."),
        (SVG, "logo.svg", "HTML, SVG and other markup files are not accepted."),
        (b"", "empty.pdf", "The file is empty."),
        (b"just some words", "notes.pdf", "The contents are not a file type we accept"),
    ],
)
def test_a_file_that_is_not_what_it_says_is_refused_by_name_and_nothing_is_stored(
    client: Any, world: Any, api_headers: Any, db_session: Any, data: bytes, name: str, says: str
) -> None:
    headers = api_headers(world.users["manager_a"])
    response = post(client, headers, f"loans/{world.loan_a.id}", data, name)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["details"][0]["field"] == "file"
    assert error["details"][0]["message"].startswith(says)
    assert stored(db_session) == 0


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(
    app: Any, client: Any, world: Any, api_headers: Any, db_session: Any
) -> None:
    headers = api_headers(world.users["manager_a"])
    limit = app.config["MAX_DOCUMENT_BYTES"]
    app.config["MAX_DOCUMENT_BYTES"] = 1024 * 1024
    try:
        response = post(client, headers, f"loans/{world.loan_a.id}", PDF + b"0" * (1024 * 1024), "big.pdf")
    finally:
        app.config["MAX_DOCUMENT_BYTES"] = limit
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["message"] == "The file is larger than the limit of 1 MB."
    assert stored(db_session) == 0


def test_an_unknown_kind_is_refused_naming_the_field(client: Any, world: Any, api_headers: Any) -> None:
    headers = api_headers(world.users["manager_a"])
    response = post(client, headers, f"loans/{world.loan_a.id}", PDF, "a.pdf", kind="diploma")
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "kind"


def test_a_name_with_a_path_and_control_characters_is_kept_sanitised(client: Any, world: Any, api_headers: Any) -> None:
    headers = api_headers(world.users["manager_a"])
    response = post(client, headers, f"loans/{world.loan_a.id}", PDF, "../../etc/<passwd>\x07;rm -rf.pdf")
    assert response.status_code == 201
    assert response.get_json()["name"] == "passwd_rm -rf.pdf"


@pytest.mark.parametrize("target", ["outcome-results", "claims", "outcome-contracts"])
def test_on_an_object_several_parties_share_only_who_attached_a_document_takes_it_away(
    client: Any, outcome_world: Any, api_headers: Any, login_as: Any, db_session: Any, target: str
) -> None:
    from tests.factories import make_user

    ids = {"outcome-results": outcome_world.result.id, "claims": outcome_world.claim.id}
    object_id = ids.get(target, outcome_world.contract.id)
    provider = api_headers(outcome_world.users["manager_a"])
    made = post(client, provider, f"{target}/{object_id}", PDF, "loonstrook.pdf", "payslip").get_json()
    officer = outcome_world.users["officer_a"]
    refused = client.delete(
        f"/api/v1/documents/{made['id']}", json={"reason": "not needed"}, headers=api_headers(officer)
    )
    assert refused.status_code == 403
    assert db_session.get(Document, made["id"]).deleted_at is None
    page = login_as(officer).get(f"/{target}/{object_id}/documents").get_data(as_text=True)
    assert "loonstrook.pdf" in page and f"/documents/{made['id']}/delete" not in page
    assert login_as(officer).post(f"/documents/{made['id']}/delete", data={"reason": "not needed"}).status_code == 403
    assert db_session.get(Document, made["id"]).deleted_at is None
    # The officer's own document on the same object is theirs to take away; the provider's stays.
    own = post(client, api_headers(officer), f"{target}/{object_id}", PNG, "besluit.png").get_json()
    page = login_as(officer).get(f"/{target}/{object_id}/documents").get_data(as_text=True)
    assert f"/documents/{own['id']}/delete" in page
    assert (
        client.delete(
            f"/api/v1/documents/{own['id']}", json={"reason": "duplicate"}, headers=api_headers(officer)
        ).status_code
        == 204
    )
    assert (
        client.delete(f"/api/v1/documents/{made['id']}", json={"reason": "superseded"}, headers=provider).status_code
        == 204
    )
    admin = make_user(db_session, "admin")
    again = post(client, provider, f"{target}/{object_id}", PDF, "loonstrook-2.pdf", "payslip").get_json()
    assert (
        client.delete(
            f"/api/v1/documents/{again['id']}", json={"reason": "privacy"}, headers=api_headers(admin)
        ).status_code
        == 204
    )


def test_on_a_loan_any_of_its_fund_managers_still_takes_a_document_away(
    client: Any, world: Any, api_headers: Any, db_session: Any
) -> None:
    from fundapp.auth.models import Role
    from tests.factories import make_user

    made = post(client, api_headers(world.users["manager_a"]), f"loans/{world.loan_a.id}", PDF, "a.pdf").get_json()
    colleague = make_user(db_session, Role.FUND_MANAGER, world.fund_a.id)
    answer = client.delete(f"/api/v1/documents/{made['id']}", json={"reason": "old"}, headers=api_headers(colleague))
    assert answer.status_code == 204
