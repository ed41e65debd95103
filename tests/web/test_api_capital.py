"""/api/v1 investors, calls, distributions, NAV and capital accounts: the public contracts, and what is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundapp.audit import AuditEntry
from fundapp.capital.models import CapitalCall, Distribution, Investor


@pytest.fixture()
def as_manager_a(world, api_headers):
    return api_headers(world.user("manager_a"))


def _counts(db_session) -> tuple[int, ...]:
    models = (Investor, CapitalCall, Distribution, AuditEntry)
    return tuple(db_session.scalar(select(func.count()).select_from(m)) for m in models)


def _investor(client, world, headers, commitment="100000.00") -> int:
    response = client.post(
        f"/api/v1/funds/{world.fund_a.id}/investors",
        json={"name": "Stichting Noord", "commitment": commitment},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["name"], body["commitment"], body["kind"], body["fixed_share_percent"]) == (
        "Stichting Noord",
        commitment,
        "other",
        None,
    )
    return body["id"]


def test_an_investor_is_called_and_paid_out_through_the_api_and_each_step_is_audited(
    client, db_session, world, as_manager_a
):
    investor_id = _investor(client, world, as_manager_a)
    call = client.post(
        f"/api/v1/investors/{investor_id}/calls",
        json={"date": "2024-01-10", "amount": "40000.00"},
        headers=as_manager_a,
    )
    assert call.status_code == 201
    assert (call.get_json()["date"], call.get_json()["amount"]) == ("2024-01-10", "40000.00")
    paid = client.post(
        f"/api/v1/investors/{investor_id}/distributions",
        json={"date": "2024-03-01", "amount": "1000.00", "kind": "income"},
        headers=as_manager_a,
    )
    assert paid.status_code == 201
    assert paid.get_json()["kind"] == "income"
    actions = db_session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(3)).all()
    assert actions == ["distribution.recorded", "capital_call.recorded", "investor.added"]


def test_a_call_above_the_remaining_commitment_is_refused_and_changes_nothing(client, db_session, world, as_manager_a):
    investor_id = _investor(client, world, as_manager_a, commitment="50000.00")
    url = f"/api/v1/investors/{investor_id}/calls"
    assert client.post(url, json={"date": "2024-01-10", "amount": "30000.00"}, headers=as_manager_a).status_code == 201
    before = _counts(db_session)
    response = client.post(url, json={"date": "2024-02-10", "amount": "20000.01"}, headers=as_manager_a)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["message"] == "The call is larger than the investor's remaining commitment."
    assert error["details"][0]["field"] == "amount"
    assert error["details"][0]["remaining"] == "20000.00"
    assert _counts(db_session) == before
    assert client.post(url, json={"date": "2024-02-10", "amount": "20000.00"}, headers=as_manager_a).status_code == 201


def test_a_distribution_larger_than_the_cash_on_its_date_is_refused_and_changes_nothing(
    client, db_session, world, as_manager_a
):
    # Fund A's investor A paid in 20,000.00 on 2024-01-01; it lent 10,000.00 on 2024-01-15 and was repaid 443.21
    # on 2024-02-15.
    investor_id = _investor(client, world, as_manager_a)
    client.post(
        f"/api/v1/investors/{investor_id}/calls",
        json={"date": "2024-01-01", "amount": "12000.00"},
        headers=as_manager_a,
    )
    url = f"/api/v1/investors/{investor_id}/distributions"
    before = _counts(db_session)
    too_much = {"date": "2024-02-15", "amount": "22443.22", "kind": "return_of_capital"}
    response = client.post(url, json=too_much, headers=as_manager_a)
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["cash"] == "22443.21"
    assert _counts(db_session) == before
    # Before the repayment the cash was 22,000.00 only.
    early = client.post(url, json={**too_much, "date": "2024-02-14", "amount": "22000.01"}, headers=as_manager_a)
    assert early.status_code == 422
    assert client.post(url, json={**too_much, "amount": "22443.21"}, headers=as_manager_a).status_code == 201


def test_a_back_dated_distribution_cannot_pay_out_cash_a_later_distribution_already_paid_out(
    client, db_session, world, as_manager_a
):
    # Cash 22,000.00 from 2024-01-01 (fund A's 20,000.00 and this call, less the 10,000.00 lent on 2024-01-15),
    # 22,443.21 from the repayment on 2024-02-15. Paying all of it out on 2024-02-15 leaves nothing for an
    # earlier day, though the balance on that earlier day alone still shows 22,000.00.
    investor_id = _investor(client, world, as_manager_a)
    client.post(
        f"/api/v1/investors/{investor_id}/calls",
        json={"date": "2024-01-01", "amount": "12000.00"},
        headers=as_manager_a,
    )
    url = f"/api/v1/investors/{investor_id}/distributions"
    everything = {"date": "2024-02-15", "amount": "22443.21", "kind": "return_of_capital"}
    assert client.post(url, json=everything, headers=as_manager_a).status_code == 201
    before = _counts(db_session)
    response = client.post(url, json={**everything, "date": "2024-02-14", "amount": "0.01"}, headers=as_manager_a)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["message"].startswith("The distribution is larger than the fund's cash on that date")
    assert (error["details"][0]["field"], error["details"][0]["cash"]) == ("amount", "0.00")
    assert _counts(db_session) == before
    nav = client.get(f"/api/v1/funds/{world.fund_a.id}/nav?as_of=2024-02-29", headers=as_manager_a).get_json()
    assert nav["cash"] == "0.00"


def test_the_nav_answers_exactly_the_public_contract(client, world, as_manager_a):
    investor_id = _investor(client, world, as_manager_a)
    client.post(
        f"/api/v1/investors/{investor_id}/calls",
        json={"date": "2024-01-01", "amount": "12000.00"},
        headers=as_manager_a,
    )
    response = client.get(f"/api/v1/funds/{world.fund_a.id}/nav?as_of=2024-02-29", headers=as_manager_a)
    assert response.status_code == 200
    # The loan is current at its outstanding 9,606.79 (10,000.00 less 393.21 of principal): 1 % provision 96.07.
    assert response.get_json() == {
        "as_of": "2024-02-29",
        "cash": "22443.21",
        "loans_outstanding": "9606.79",
        "provision": "96.07",
        "equity_value": "0.00",
        "receivables": "0.00",
        "nav": "31953.93",
    }


def test_the_capital_account_answers_the_public_contract_with_nulls_before_anything_is_paid_in(
    client, world, as_manager_a
):
    investor_id = _investor(client, world, as_manager_a)
    url = f"/api/v1/investors/{investor_id}/capital-account?as_of=2024-02-29"
    assert client.get(url, headers=as_manager_a).get_json() == {
        "committed": "100000.00",
        "paid_in": "0.00",
        "distributed": "0.00",
        "nav_share": "0.00",
        "dpi": None,
        "rvpi": None,
        "tvpi": None,
        "irr": None,
    }
    client.post(
        f"/api/v1/investors/{investor_id}/calls",
        json={"date": "2024-01-01", "amount": "12000.00"},
        headers=as_manager_a,
    )
    body = client.get(url, headers=as_manager_a).get_json()
    # It paid in 12,000.00 of the fund's 32,000.00: 37.5 % of the NAV of 31,953.93.
    assert (body["paid_in"], body["nav_share"], body["dpi"], body["rvpi"], body["tvpi"]) == (
        "12000.00",
        "11982.72",
        "0.0000",
        "0.9986",
        "0.9986",
    )
    assert len(body["irr"].split(".")[1]) == 6 and Decimal(body["irr"]) < 0


@pytest.mark.parametrize("role", ["manager_b", "officer_a", "member_a"])
def test_only_the_funds_managers_reach_its_investors_nav_and_capital_accounts(
    client, db_session, world, api_headers, as_manager_a, role
):
    investor_id = _investor(client, world, as_manager_a)
    headers = api_headers(world.user(role))
    before = _counts(db_session)
    for path in (
        f"/api/v1/funds/{world.fund_a.id}/nav?as_of=2024-02-29",
        f"/api/v1/investors/{investor_id}/capital-account?as_of=2024-02-29",
        f"/api/v1/funds/{world.fund_a.id}/investors",
    ):
        assert client.get(path, headers=headers).status_code in (403, 404), (role, path)
    call = {"date": "2024-01-01", "amount": "1.00"}
    assert client.post(f"/api/v1/investors/{investor_id}/calls", json=call, headers=headers).status_code in (403, 404)
    assert _counts(db_session) == before
