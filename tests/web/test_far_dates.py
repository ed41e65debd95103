"""Dates at the ends of the calendar (0001-01-01, 9999-12-31) are refused with a 422 that says which dates work,
in every date the app takes; dates inside the range get a correct answer. Never a 500 from date arithmetic."""

from __future__ import annotations

import pytest

FAR_DATES = ["0001-01-01", "0001-01-02", "1799-12-31", "2200-01-01", "9999-12-30", "9999-12-31"]
RANGE_MESSAGE = "Use a date between the years 1800 and 2199."


@pytest.fixture(autouse=True)
def _answer_errors_as_a_server_would(app, monkeypatch):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


def _as_of_urls(world) -> list[str]:
    return [
        f"/api/v1/loans/{world.loan_a.id}",
        f"/api/v1/loans/{world.loan_a.id}/schedule.xlsx",
        f"/api/v1/funds/{world.fund_a.id}/portfolio",
    ]


@pytest.mark.parametrize("day", FAR_DATES)
def test_a_far_off_as_of_is_a_422_saying_which_dates_work(client, world, api_headers, day):
    headers = api_headers(world.user("admin"))
    for url in _as_of_urls(world):
        response = client.get(url, query_string={"as_of": day}, headers=headers)
        assert response.status_code == 422, (url, response.status_code)
        assert response.get_json()["error"]["details"] == [{"field": "as_of", "message": RANGE_MESSAGE}], url


@pytest.mark.parametrize("day", FAR_DATES)
def test_a_far_off_as_of_on_the_loan_pages_is_a_422_page_saying_which_dates_work(world, login_as, day):
    client = login_as(world.user("admin"))
    client.set_cookie("fundapp_lang", "en")
    for url in (f"/loans/{world.loan_a.id}", f"/funds/{world.fund_a.id}/loans"):
        response = client.get(url, query_string={"as_of": day})
        assert response.status_code == 422, (url, response.status_code)
        assert RANGE_MESSAGE in response.get_data(as_text=True)


def test_the_first_and_last_day_of_the_range_get_a_correct_answer(client, world, api_headers):
    headers = api_headers(world.user("admin"))
    early = client.get(f"/api/v1/funds/{world.fund_a.id}/portfolio?as_of=1800-01-01", headers=headers)
    assert early.status_code == 200
    assert (early.get_json()["loans"], early.get_json()["disbursed"], early.get_json()["xirr"]) == (0, "0.00", None)
    late = client.get(f"/api/v1/loans/{world.loan_a.id}?as_of=2199-12-31", headers=headers)
    assert late.status_code == 200
    assert late.get_json()["arrears_bucket"] == "90+"
    export = client.get(f"/api/v1/loans/{world.loan_a.id}/schedule.xlsx?as_of=2199-12-31", headers=headers)
    assert export.status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_far_off_dates_in_a_body_are_refused_with_422(client, world, api_headers, day):
    headers = api_headers(world.user("admin"))
    loan = f"/api/v1/loans/{world.loan_a.id}"
    attempts = {
        "date": client.post(f"{loan}/repayments", json={"date": day, "amount": "10.00"}, headers=headers),
        "founded_on": client.patch(f"/api/v1/funds/{world.fund_a.id}", json={"founded_on": day}, headers=headers),
        "disbursement_date": client.post(
            "/api/v1/loans/schedule-preview",
            json={
                "principal": "1000.00",
                "annual_interest_rate": "5",
                "disbursement_date": day,
                "number_of_installments": 12,
                "frequency": "monthly",
                "amortization": "annuity",
            },
            headers=headers,
        ),
    }
    for field, response in attempts.items():
        assert response.status_code == 422, (field, response.get_data(as_text=True)[:300])
        assert {"field": field, "message": RANGE_MESSAGE} in response.get_json()["error"]["details"]
