"""Documents on the pages: each object's page leads to its documents; attach, download and delete there; the
verifier sees a result's evidence beside it."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from sqlalchemy import func, select

from fundapp.documents import services
from fundapp.documents.models import Document
from tests.documents_files import EXE, PDF
from tests.factories import ACTOR
from tests.outcome_factories import item, make_claim, make_contract, make_result


def in_english(client: Any) -> Any:
    client.set_cookie("fundapp_lang", "en")
    return client


def attach_page(client: Any, path: str, data: bytes, name: str, kind: str = "other") -> Any:
    return client.post(
        f"/{path}/documents", data={"kind": kind, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_a_manager_attaches_downloads_and_deletes_a_loan_agreement_on_the_loan_s_documents_page(
    client: Any, world: Any, login_as: Any, db_session: Any
) -> None:
    in_english(login_as(world.users["manager_a"]))
    page = client.get(f"/loans/{world.loan_a.id}").get_data(as_text=True)
    assert f'href="/loans/{world.loan_a.id}/documents"' in page
    response = attach_page(client, f"loans/{world.loan_a.id}", PDF, "overeenkomst.pdf", "loan_agreement")
    assert response.status_code == 303
    listing = client.get(f"/loans/{world.loan_a.id}/documents").get_data(as_text=True)
    document = db_session.scalars(select(Document)).one()
    assert "overeenkomst.pdf" in listing
    assert f"/documents/{document.id}/download" in listing
    download = client.get(f"/documents/{document.id}/download")
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    deleted = client.post(f"/documents/{document.id}/delete", data={"reason": "signed version follows"})
    assert deleted.status_code == 303
    db_session.refresh(document)
    assert document.deleted_reason == "signed version follows"
    assert f"/documents/{document.id}/download" not in client.get(f"/loans/{world.loan_a.id}/documents").get_data(
        as_text=True
    )


def test_a_renamed_executable_is_refused_on_the_page_with_the_reason_and_nothing_is_stored(
    client: Any, world: Any, login_as: Any, db_session: Any
) -> None:
    in_english(login_as(world.users["manager_a"]))
    response = attach_page(client, f"investees/{world.investee_a.id}", EXE, "kvk.pdf")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Nothing was attached" in text
    assert "The contents are a .exe file, which is not accepted" in text
    assert db_session.scalar(select(func.count()).select_from(Document)) == 0


def test_every_object_s_page_leads_to_its_documents(client: Any, world: Any, login_as: Any, db_session: Any) -> None:
    from tests.factories import add_reports

    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a])
    make_result(db_session, contract, world.investee_a, period="2026-Q1", units=2)
    claim = make_claim(db_session, contract, world.investee_a)
    add_reports(db_session, world)
    in_english(login_as(world.users["manager_a"]))
    for page, documents in [
        (f"/investees/{world.investee_a.id}", f"/investees/{world.investee_a.id}/documents"),
        (f"/contracts/{contract.id}", f"/outcome-contracts/{contract.id}/documents"),
        (f"/claims/{claim.id}", f"/claims/{claim.id}/documents"),
        (f"/kpi-submissions/{world.submission_a.id}", f"/kpi-submissions/{world.submission_a.id}/documents"),
    ]:
        response = client.get(page)
        assert response.status_code == 200, page
        assert f'href="{documents}"' in response.get_data(as_text=True), page
        assert client.get(documents).status_code == 200, documents


def test_the_verifier_sees_the_evidence_beside_the_result_and_what_is_still_missing(
    app: Any, client: Any, world: Any, login_as: Any, db_session: Any
) -> None:
    contract = make_contract(
        db_session,
        [(world.payer_a, "100", None)],
        [world.investee_a],
        items=[item("JOB6", "4000.00", evidence_kind="payslip")],
    )
    first = make_result(
        db_session, contract, world.investee_a, participant="P-0001", achieved_on=date(2026, 2, 1), verify=False
    )
    second = make_result(
        db_session, contract, world.investee_a, participant="P-0002", achieved_on=date(2026, 2, 2), verify=False
    )
    store = app.extensions["fundapp.files"]
    services.attach(db_session, ACTOR, first, PDF, "loonstrook-feb.pdf", "payslip", store, 10**6)
    db_session.flush()
    in_english(login_as(world.users["officer_a"]))
    text = client.get(f"/results?contract_id={contract.id}").get_data(as_text=True)
    assert "loonstrook-feb.pdf" in text
    assert f"/outcome-results/{second.id}/documents" in text
    assert text.count("needs: Payslip") == 1
