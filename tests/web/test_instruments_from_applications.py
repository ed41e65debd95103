"""Every instrument an approved application asks for is made from it, on the page and through the API: once, only
when approved, at most the approved amount, linked both ways and audited; and its maker stays a maker."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundapp import clock
from fundapp.audit import AuditEntry
from fundapp.instruments.grant_models import Grant
from fundapp.instruments.guarantee_models import Guarantee
from fundapp.instruments.models import ConversionTerms, EquityParticipation
from fundapp.loans.models import Loan
from fundapp.pipeline.models import Application, InstrumentKind
from tests.factories import ACTOR
from tests.pipeline_factories import make_application

API = "/api/v1/applications"
TODAY = clock.today().isoformat()
LATER = (clock.today() + timedelta(days=800)).isoformat()
LOAN_API = {
    "principal": "30000.00",
    "annual_interest_rate": "5",
    "disbursement_date": "2026-01-15",
    "number_of_installments": 24,
    "frequency": "monthly",
    "amortization": "annuity",
    "grace_on_principal": 0,
    "day_count": "30/360",
}
# Per kind: what the API is sent, the model made, and what of it must show the body was used.
API_CASES = {
    "loan": (LOAN_API, Loan, {"principal": Decimal("30000.00")}),
    "convertible_loan": (
        {**LOAN_API, "price_per_share": "2.00", "trigger": "qualified_round"},
        Loan,
        {"principal": Decimal("30000.00")},
    ),
    "equity": (
        {"date": TODAY, "shares": 1000, "price_per_share": "2.50"},
        EquityParticipation,
        {"cost": Decimal("2500.00")},
    ),
    "grant": (
        {"kind": "voucher", "amount": "10000.00", "paid_on": TODAY, "period_from": TODAY, "period_to": LATER},
        Grant,
        {"amount": Decimal("10000.00")},
    ),
    "guarantee": (
        {
            "bank_name": "Rabobank",
            "bank_loan_amount": "80000.00",
            "guaranteed_amount": "40000.00",
            "fee_percentage": "1.5",
            "starts_on": TODAY,
            "expires_on": LATER,
        },
        Guarantee,
        {"guaranteed_amount": Decimal("40000.00")},
    ),
}
# Per kind: what a person types on the page (in the Dutch interface) and the API address of what was made.
PAGE_CASES = {
    "loan": {
        "principal": "30.000,00",
        "annual_interest_rate": "5",
        "disbursement_date": "2026-01-15",
        "number_of_installments": "24",
        "frequency": "monthly",
        "amortization": "annuity",
        "grace_on_principal": "0",
        "day_count": "30/360",
        "installment_multiple": "0,01",
    },
    "equity": {"date": TODAY, "shares": "1.000", "price_per_share": "2,5"},
    "grant": {"kind": "grant", "amount": "10.000", "paid_on": TODAY, "period_from": TODAY, "period_to": LATER},
    "guarantee": {
        "bank_name": "Rabobank",
        "bank_loan_amount": "80.000",
        "guaranteed_amount": "40.000",
        "fee_percentage": "1,5",
        "fee_frequency": "quarterly",
        "starts_on": TODAY,
        "expires_on": LATER,
    },
}
PAGE_CASES["convertible_loan"] = {**PAGE_CASES["loan"], "discount_percent": "20", "trigger": "maturity"}
PAGES = {
    "loan": "/loans/",
    "convertible_loan": "/loans/",
    "equity": "/equity/",
    "grant": "/grants/",
    "guarantee": "/guarantees/",
}
API_URLS = {
    "loan": "/api/v1/loans/",
    "convertible_loan": "/api/v1/loans/",
    "equity": "/api/v1/equity-participations/",
    "grant": "/api/v1/grants/",
    "guarantee": "/api/v1/guarantees/",
}


def _approved(db_session, world, kind: str, amount: str = "50000.00") -> Application:
    return make_application(db_session, world.investee_a, "approved", amount=amount, instrument=InstrumentKind(kind))


def _count(db_session, model) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model))


def _audited(db_session, application: Application) -> list[dict]:
    entries = db_session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "Application",
            AuditEntry.entity_id == str(application.id),
            AuditEntry.action == "application.instrument_made",
        )
    ).all()
    return [entry.changes for entry in entries]


@pytest.mark.parametrize("kind", list(API_CASES))
def test_the_api_makes_the_instrument_the_application_asks_for_once_and_answers_where_it_is(
    kind, db_session, world, api_headers, client
):
    body, model, expected = API_CASES[kind]
    application = _approved(db_session, world, kind)
    headers = api_headers(world.user("manager_a"))
    response = client.post(f"{API}/{application.id}/instrument", headers=headers, json=body)
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    made = db_session.get(model, answer["id"])
    assert answer["kind"] == kind and answer["application_id"] == application.id
    assert (
        answer["url"] == f"{API_URLS[kind]}{made.id}" == response.headers["Location"].removeprefix("http://localhost")
    )
    assert client.get(answer["url"], headers=headers).status_code == 200
    assert {key: getattr(made, key) for key in expected} == expected
    assert (made.investee_id, made.fund_id) == (world.investee_a.id, world.fund_a.id)
    db_session.expire_all()
    assert application.made_id == made.id
    assert _audited(db_session, application) == [{"instrument": [None, kind], _link(kind): [None, made.id]}]
    shown = client.get(f"{API}/{application.id}", headers=headers).get_json()
    assert shown[_link(kind)] == made.id
    before = _count(db_session, model)
    again = client.post(f"{API}/{application.id}/instrument", headers=headers, json=body)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_made"
    assert again.get_json()["error"]["message"] == "An instrument was already made from this application."
    assert _count(db_session, model) == before


def _link(kind: str) -> str:
    from fundapp.pipeline.instruments import LINK

    return LINK[InstrumentKind(kind)]


def test_the_api_sets_the_conversion_terms_of_a_convertible_loan_and_answers_them(
    db_session, world, api_headers, client
):
    application = _approved(db_session, world, "convertible_loan")
    body = {**LOAN_API, "discount_percent": "20", "cap": "1.50", "trigger": "qualified_round"}
    response = client.post(
        f"{API}/{application.id}/instrument", headers=api_headers(world.user("manager_a")), json=body
    )
    assert response.status_code == 201, response.get_json()
    terms = db_session.scalar(select(ConversionTerms).where(ConversionTerms.loan_id == response.get_json()["id"]))
    assert (terms.discount_percent, terms.cap, terms.price_per_share) == (Decimal("20"), Decimal("1.5"), None)
    assert response.get_json()["conversion_terms"]["cap"] == "1.5"
    assert response.get_json()["loan"]["status"] == "draft"


def test_a_convertible_loan_without_a_price_or_a_discount_is_refused_and_nothing_is_kept(
    db_session, world, api_headers, client
):
    application = _approved(db_session, world, "convertible_loan")
    before = _count(db_session, Loan)
    body = {**LOAN_API, "trigger": "maturity"}
    response = client.post(
        f"{API}/{application.id}/instrument", headers=api_headers(world.user("manager_a")), json=body
    )
    assert response.status_code == 422
    assert {d["field"] for d in response.get_json()["error"]["details"]} == {"price_per_share", "discount_percent"}
    assert _count(db_session, Loan) == before


@pytest.mark.parametrize(
    ("kind", "body", "field"),
    [
        ("loan", {**LOAN_API, "principal": "50000.01"}, "principal"),
        ("equity", {"date": TODAY, "shares": 20001, "price_per_share": "2.50"}, "amount_paid"),
        ("grant", {**API_CASES["grant"][0], "amount": "60000.00"}, "amount"),
        ("guarantee", {**API_CASES["guarantee"][0], "guaranteed_amount": "50000.01"}, "guaranteed_amount"),
    ],
)
def test_an_instrument_above_the_amount_the_committee_approved_is_refused(
    kind, body, field, db_session, world, api_headers, client
):
    application = _approved(db_session, world, kind)
    response = client.post(
        f"{API}/{application.id}/instrument", headers=api_headers(world.user("manager_a")), json=body
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == [
        {"field": field, "message": "More than the amount the committee approved."}
    ]
    db_session.expire_all()
    assert application.made_id is None


def test_the_body_must_be_the_create_fields_of_the_kind_the_application_asks_for(
    db_session, world, api_headers, client
):
    application = _approved(db_session, world, "equity")
    response = client.post(
        f"{API}/{application.id}/instrument", headers=api_headers(world.user("manager_a")), json=LOAN_API
    )
    assert response.status_code == 422
    fields = {d["field"] for d in response.get_json()["error"]["details"]}
    assert {"date", "shares", "price_per_share", "principal"} <= fields
    with_investee = {**API_CASES["equity"][0], "investee_id": world.investee_b.id}
    refused = client.post(
        f"{API}/{application.id}/instrument", headers=api_headers(world.user("manager_a")), json=with_investee
    )
    assert refused.status_code == 422 and refused.get_json()["error"]["details"][0]["field"] == "investee_id"


@pytest.mark.parametrize("stage", ["intake", "investment_committee", "declined"])
def test_nothing_is_made_from_an_application_that_is_not_approved(stage, db_session, world, api_headers, client):
    application = make_application(db_session, world.investee_a, stage)
    before = _count(db_session, Loan)
    response = client.post(
        f"{API}/{application.id}/instrument", headers=api_headers(world.user("manager_a")), json=LOAN_API
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "not_approved"
    assert _count(db_session, Loan) == before


def test_only_the_managers_of_the_applications_fund_make_its_instrument(db_session, world, api_headers, client):
    application = _approved(db_session, world, "loan")
    url = f"{API}/{application.id}/instrument"
    answers = {
        role: client.post(url, headers=api_headers(world.user(role)), json=LOAN_API).status_code
        for role in ("member_a", "manager_b", "officer_a", "manager_a")
    }
    assert answers == {"member_a": 403, "manager_b": 404, "officer_a": 404, "manager_a": 201}


@pytest.mark.parametrize("kind", list(PAGE_CASES))
def test_the_page_makes_the_instrument_from_a_form_filled_from_the_application_and_links_both_ways(
    kind, db_session, world, login_as
):
    application = _approved(db_session, world, kind, amount="45000.00")
    client = login_as(world.user("manager_a"))
    detail = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f'href="/applications/{application.id}/instrument"' in detail
    form = client.get(f"/applications/{application.id}/instrument")
    page = form.get_data(as_text=True)
    assert form.status_code == 200
    assert "Investee A" in page and "45.000" in page
    assert "A personal guarantee of the director" in page  # the committee's conditions
    if kind != "guarantee":
        assert "A second bakery oven" in page or kind == "grant"
    response = client.post(f"/applications/{application.id}/instrument", data=PAGE_CASES[kind])
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    db_session.expire_all()
    assert application.made_id is not None
    assert response.headers["Location"].endswith(f"{PAGES[kind]}{application.made_id}")
    detail = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f'href="{PAGES[kind]}{application.made_id}"' in detail
    assert f'href="/applications/{application.id}/instrument"' not in detail
    made_page = client.get(f"{PAGES[kind]}{application.made_id}").get_data(as_text=True)
    assert f'<a href="/applications/{application.id}">Aanvraag {application.id}</a>' in made_page
    assert len(_audited(db_session, application)) == 1
    assert client.get(f"/applications/{application.id}/instrument").status_code == 303  # once
    again = client.post(f"/applications/{application.id}/instrument", data=PAGE_CASES[kind])
    assert again.status_code == 409
    assert "Er is al een instrument gemaakt uit deze aanvraag." in again.get_data(as_text=True)


def test_a_grant_made_on_the_page_takes_the_committees_conditions_as_its_own(db_session, world, login_as):
    application = _approved(db_session, world, "grant")
    page = login_as(world.user("manager_a")).get(f"/applications/{application.id}/instrument").get_data(as_text=True)
    assert ">A personal guarantee of the director</textarea>" in page


def _threshold(db_session, world) -> None:
    world.fund_a.disbursement_threshold = Decimal("5000.00")
    db_session.flush()


def test_who_makes_the_loan_from_the_application_on_the_page_may_not_disburse_it_above_the_threshold(
    db_session, world, login_as
):
    from fundapp.loans import services as loan_services

    _threshold(db_session, world)
    maker = world.user("manager_a")
    application = _approved(db_session, world, "loan")
    client = login_as(maker)
    assert client.post(f"/applications/{application.id}/instrument", data=PAGE_CASES["loan"]).status_code == 303
    db_session.expire_all()
    loan = db_session.get(Loan, application.loan_id)
    assert loan.created_by_id == maker.id
    loan_services.approve(db_session, ACTOR, loan)
    db_session.flush()
    response = client.post(f"/loans/{loan.id}/disburse", data={"date": "2026-01-15", "amount": "10000"})
    assert response.status_code == 422
    assert "Vraag een andere beheerder van het fonds om hem te verstrekken." in response.get_data(as_text=True)
    db_session.expire_all()
    assert loan.disbursed == 0


def test_who_makes_the_loan_from_the_application_in_the_api_may_not_disburse_it_and_another_manager_may(
    db_session, world, api_headers, client
):
    from fundapp.auth.models import Role
    from fundapp.loans import services as loan_services
    from tests.factories import make_user

    _threshold(db_session, world)
    maker = world.user("manager_a")
    application = _approved(db_session, world, "convertible_loan")
    body = API_CASES["convertible_loan"][0]
    made = client.post(f"{API}/{application.id}/instrument", headers=api_headers(maker), json=body).get_json()
    loan = db_session.get(Loan, made["id"])
    loan_services.approve(db_session, ACTOR, loan)
    db_session.flush()
    disbursement = {"date": "2026-01-15", "amount": "10000.00"}
    refused = client.post(f"/api/v1/loans/{loan.id}/disbursements", headers=api_headers(maker), json=disbursement)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "second_person_needed"
    checker = make_user(db_session, Role.FUND_MANAGER, world.fund_a.id)
    done = client.post(f"/api/v1/loans/{loan.id}/disbursements", headers=api_headers(checker), json=disbursement)
    assert done.status_code == 201, done.get_json()
