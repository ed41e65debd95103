"""The pipeline on the pages and in the API: who files and sees an application, what the enterprise sees of the
fund's deliberation, the committee's decision, a loan made from an approved application, and maker-checker."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from fundapp import clock
from fundapp.audit import AuditEntry
from fundapp.loans.models import Loan, LoanEvent
from fundapp.pipeline import services
from fundapp.pipeline.models import Application, ApplicationStatus
from tests.factories import ACTOR, make_loan
from tests.pipeline_factories import decide, make_application

API = "/api/v1/applications"


def _counts(db_session) -> tuple[int, int, int]:
    db_session.expire_all()
    return tuple(
        db_session.scalar(select(func.count()).select_from(model)) for model in (Application, LoanEvent, AuditEntry)
    )


def test_an_enterprise_member_files_an_application_for_its_own_enterprise_on_the_page(db_session, world, login_as):
    client = login_as(world.user("member_a"))
    form = {
        "investee_id": str(world.investee_a.id),
        "instrument": "loan",
        "amount": "25.000,00",
        "purpose": "Een bakfiets",
        "impact_case": "Twee leerwerkplekken",
    }
    response = client.post("/applications/new", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    application = db_session.scalars(select(Application).order_by(Application.id.desc())).first()
    assert (application.investee_id, application.fund_id) == (world.investee_a.id, world.fund_a.id)
    assert (application.amount, application.status) == (Decimal("25000.00"), ApplicationStatus.INTAKE)
    refused = client.post("/applications/new", data={**form, "investee_id": str(world.investee_b.id)})
    assert refused.status_code == 404


def test_only_the_funds_managers_and_the_enterprises_members_see_an_application(world, api_headers, client):
    url = f"{API}/{world.application_a.id}"
    seen = {
        role: client.get(url, headers=api_headers(world.user(role))).status_code
        for role in ("manager_a", "member_a", "manager_b", "member_b", "officer_a")
    }
    assert seen == {"manager_a": 200, "member_a": 200, "manager_b": 404, "member_b": 404, "officer_a": 404}
    listed = client.get(API, headers=api_headers(world.user("member_b"))).get_json()
    assert [item["investee_id"] for item in listed["items"]] == [world.investee_b.id]


def test_the_enterprise_sees_its_application_without_internal_notes_or_who_voted_how(
    db_session, world, api_headers, client, login_as
):
    application = make_application(db_session, world.investee_a, "investment_committee")
    services.add_note(db_session, ACTOR, application, "Cash flow is thin", internal=True)
    services.add_note(db_session, ACTOR, application, "Please send the 2025 accounts", internal=False)
    decide(db_session, application)
    member = api_headers(world.user("member_a"))
    body = client.get(f"{API}/{application.id}", headers=member).get_json()
    assert body["decision"]["outcome"] == "approved"
    assert body["decision"]["conditions"] == "A personal guarantee of the director"
    assert body["decision"]["votes"] is None
    notes = client.get(f"{API}/{application.id}/notes", headers=member).get_json()
    assert [n["text"] for n in notes["items"]] == ["Please send the 2025 accounts"]
    manager = api_headers(world.user("manager_a"))
    assert len(client.get(f"{API}/{application.id}", headers=manager).get_json()["decision"]["votes"]) == 3
    assert notes["total"] == 1
    page = login_as(world.user("member_a")).get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Please send the 2025 accounts" in page
    assert "Cash flow is thin" not in page and "C. Jansen" not in page


def test_a_member_note_is_never_internal_and_a_member_may_not_move_the_application(world, api_headers, client):
    member = api_headers(world.user("member_a"))
    url = f"{API}/{world.application_a.id}"
    note = client.post(f"{url}/notes", headers=member, json={"text": "Our plan is attached", "internal": True})
    assert note.status_code == 201 and note.get_json()["internal"] is False
    moved = client.post(f"{url}/transitions", headers=member, json={"action": "start_due_diligence"})
    assert moved.status_code == 403


def test_the_api_moves_an_application_to_the_committee_and_records_its_decision(world, api_headers, client):
    manager = api_headers(world.user("manager_a"))
    url = f"{API}/{world.application_a.id}"
    for action, stage in (("start_due_diligence", "due_diligence"), ("refer_to_committee", "investment_committee")):
        response = client.post(f"{url}/transitions", headers=manager, json={"action": action})
        assert response.status_code == 200 and response.get_json()["status"] == stage
    votes = [{"member": "Anna", "vote": "for"}, {"member": "Bram", "vote": "abstain"}]
    decision = {"decided_on": clock.today().isoformat(), "outcome": "approved", "conditions": "", "votes": votes}
    response = client.post(f"{url}/decision", headers=manager, json=decision)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "approved"
    again = client.post(f"{url}/transitions", headers=manager, json={"action": "decline"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_transition"


def test_a_decision_against_the_votes_is_refused_naming_the_outcome_and_nothing_changes(
    db_session, world, api_headers, client
):
    application = make_application(db_session, world.investee_a, "investment_committee")
    votes = [{"member": "Anna", "vote": "for"}, {"member": "Bram", "vote": "against"}]
    manager = api_headers(world.user("manager_a"))
    before = _counts(db_session)
    body = {"decided_on": clock.today().isoformat(), "outcome": "approved", "votes": votes}
    response = client.post(f"{API}/{application.id}/decision", headers=manager, json=body)
    assert response.status_code == 422
    assert [d["field"] for d in response.get_json()["error"]["details"]] == ["outcome"]
    assert _counts(db_session) == before


def test_the_decision_page_records_members_votes_and_conditions(db_session, world, login_as):
    application = make_application(db_session, world.investee_a, "investment_committee")
    client = login_as(world.user("manager_a"))
    form = {
        "decided_on": clock.today().isoformat(),
        "member0": "Anna",
        "vote0": "for",
        "member1": "Bram",
        "vote1": "for",
        "member2": "Cas",
        "vote2": "against",
        "outcome": "approved",
        "conditions": "Quarterly figures",
    }
    assert client.post(f"/applications/{application.id}/decision", data=form).status_code == 303
    db_session.expire_all()
    assert application.status == ApplicationStatus.APPROVED
    assert [v.member for v in application.decision.votes] == ["Anna", "Bram", "Cas"]
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Quarterly figures" in page and "Cas" in page


def test_create_loan_from_an_approved_application_prefills_the_loan_form_and_links_the_loan(
    db_session, world, login_as
):
    application = make_application(db_session, world.investee_a, "approved", amount="12500.00")
    client = login_as(world.user("manager_a"))
    form_page = client.get(f"/applications/{application.id}/instrument").get_data(as_text=True)
    assert 'value="12.500"' in form_page and "A second bakery oven" in form_page
    form = {
        "principal": "12.500,00",
        "annual_interest_rate": "5",
        "disbursement_date": "2026-03-01",
        "number_of_installments": "24",
        "frequency": "monthly",
        "amortization": "annuity",
        "grace_on_principal": "0",
        "day_count": "30/360",
        "installment_multiple": "0,01",
        "purpose": "A second bakery oven",
    }
    response = client.post(f"/applications/{application.id}/instrument", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    db_session.expire_all()
    loan = db_session.get(Loan, application.loan_id)
    assert (loan.investee_id, loan.principal, loan.created_by_id) == (
        world.investee_a.id,
        Decimal("12500.00"),
        world.user("manager_a").id,
    )
    assert client.get(f"/applications/{application.id}/instrument").status_code == 303  # once


def _approved_loan_of(db_session, world, maker):
    from fundapp.loans import services as loan_services

    loan = make_loan(db_session, world.investee_a, status="draft", disbursement_date=date(2026, 1, 15))
    loan.created_by_id = maker.id
    loan_services.approve(db_session, ACTOR, loan)
    world.fund_a.disbursement_threshold = Decimal("5000.00")
    db_session.flush()
    return loan


def test_the_maker_disbursing_above_the_threshold_is_refused_on_the_page_with_a_clear_message(
    db_session, world, login_as
):
    maker = world.user("manager_a")
    loan = _approved_loan_of(db_session, world, maker)
    before = _counts(db_session)
    client = login_as(maker)
    response = client.post(f"/loans/{loan.id}/disburse", data={"date": "2026-01-15", "amount": "10000"})
    assert response.status_code == 422
    assert "Vraag een andere beheerder van het fonds om hem te verstrekken." in response.get_data(as_text=True)
    assert _counts(db_session) == before


def test_the_maker_disbursing_above_the_threshold_is_refused_in_the_api_and_another_manager_may(
    db_session, world, api_headers, client
):
    from fundapp.auth.models import Role
    from tests.factories import make_user

    maker = world.user("manager_a")
    loan = _approved_loan_of(db_session, world, maker)
    headers = api_headers(maker)
    before = _counts(db_session)
    body = {"date": "2026-01-15", "amount": "10000.00"}
    refused = client.post(f"/api/v1/loans/{loan.id}/disbursements", headers=headers, json=body)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "second_person_needed"
    assert "second person" in refused.get_json()["error"]["message"]
    assert _counts(db_session) == before
    checker = make_user(db_session, Role.FUND_MANAGER, world.fund_a.id)
    done = client.post(f"/api/v1/loans/{loan.id}/disbursements", headers=api_headers(checker), json=body)
    assert done.status_code == 201, done.get_json()


def test_the_fund_settings_set_the_disbursement_threshold(db_session, world, api_headers, client, login_as):
    manager = world.user("manager_a")
    url = f"/api/v1/funds/{world.fund_a.id}"
    response = client.patch(url, headers=api_headers(manager), json={"disbursement_threshold": "25000.00"})
    assert response.status_code == 200 and response.get_json()["disbursement_threshold"] == "25000.00"
    page = login_as(manager).get(f"/funds/{world.fund_a.id}/edit").get_data(as_text=True)
    assert 'value="25.000"' in page


def test_the_maker_cannot_raise_or_remove_the_threshold_that_holds_them_back_an_administrator_may(
    db_session, world, api_headers, client, login_as
):
    maker = world.user("manager_a")
    loan = _approved_loan_of(db_session, world, maker)
    url = f"/api/v1/funds/{world.fund_a.id}"
    headers = api_headers(maker)
    before = _counts(db_session)
    for loosened in (None, "10000.00"):
        refused = client.patch(url, headers=headers, json={"disbursement_threshold": loosened, "region": "Elders"})
        assert refused.status_code == 403, refused.get_json()
        assert refused.get_json()["error"]["details"][0]["field"] == "disbursement_threshold"
    assert _counts(db_session) == before
    db_session.expire_all()
    assert world.fund_a.disbursement_threshold == Decimal("5000.00") and world.fund_a.region != "Elders"
    body = {"date": "2026-01-15", "amount": "10000.00"}
    assert client.post(f"/api/v1/loans/{loan.id}/disbursements", headers=headers, json=body).status_code == 409
    page = login_as(maker).post(f"/funds/{world.fund_a.id}/edit", data={"name": world.fund_a.name, "region": "Elders"})
    assert page.status_code == 403
    assert "Alleen een applicatiebeheerder mag de drempel voor verstrekking verhogen" in page.get_data(as_text=True)
    db_session.expire_all()
    assert world.fund_a.disbursement_threshold == Decimal("5000.00")
    lowered = client.patch(url, headers=headers, json={"disbursement_threshold": "4000.00"})
    assert lowered.status_code == 200 and lowered.get_json()["disbursement_threshold"] == "4000.00"
    removed = client.patch(url, headers=api_headers(world.user("admin")), json={"disbursement_threshold": None})
    assert removed.status_code == 200 and removed.get_json()["disbursement_threshold"] is None


def test_notes_written_on_the_page_are_internal_only_when_a_manager_ticks_it(db_session, world, login_as):
    url = f"/applications/{world.application_a.id}/notes"
    member = login_as(world.user("member_a"))
    assert member.post(url, data={"text": "Ons jaarplan – ü", "internal": "on"}).status_code == 303
    manager = login_as(world.user("manager_a"))
    assert manager.post(url, data={"text": "Kasstroom is krap", "internal": "on"}).status_code == 303
    assert manager.post(url, data={"text": "Stuur de jaarcijfers"}).status_code == 303
    refused = manager.post(url, data={"text": " ", "internal": "on"})  # refused beside the field, nothing stored
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="f-text-error"' in page and 'aria-invalid="true"' in page and 'name="internal" checked' in page
    db_session.expire_all()
    notes = [(n.text, n.internal, n.author_id) for n in world.application_a.notes]
    assert notes == [
        ("Ons jaarplan – ü", False, world.user("member_a").id),
        ("Kasstroom is krap", True, world.user("manager_a").id),
        ("Stuur de jaarcijfers", False, world.user("manager_a").id),
    ]


def test_the_pipeline_page_and_list_issue_the_same_number_of_queries_for_few_and_many_applications(
    app, client, world, db_session, login_as, api_headers
):
    from tests.factories import make_investee
    from tests.web.test_query_counts import counting

    headers = api_headers(world.user("manager_a"))
    login_as(world.user("manager_a"))

    def grow(n):
        for i in range(n):
            investee = make_investee(db_session, world.fund_a, name=f"Aanvrager {len(world.users)}-{i:03d}")
            make_application(db_session, investee, ("approved", "intake", "declined")[i % 3])
        db_session.flush()

    def queries():
        with counting(app.extensions["fundapp.db"].engine) as statements:
            assert client.get("/applications?page_size=100").status_code == 200
            assert client.get(f"{API}?page_size=100", headers=headers).status_code == 200
        return len(statements)

    grow(2)
    queries()  # the first use of the session and the token is noted once
    few = queries()
    world.users["grown"] = world.user("admin")  # another prefix for the names of the next investees
    grow(9)
    assert queries() == few
