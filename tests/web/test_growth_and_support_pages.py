"""Growth levels and the support log on the investee page and under /api/v1: who records, who reads."""

from __future__ import annotations

from datetime import date


def test_a_fund_manager_records_support_and_a_growth_level_through_the_api_and_the_investee_reads_them(
    client, world, api_headers
):
    base = f"/api/v1/investees/{world.investee_a.id}"
    manager = api_headers(world.user("manager_a"))
    level = client.post(f"{base}/growth-levels", json={"level": "expert", "from_date": "2026-01-05"}, headers=manager)
    assert level.status_code == 201 and level.get_json()["level"] == "expert"
    given = {"given_on": "2026-01-06", "kind": "training", "hours": "2.50", "given_by_name": "Partner X"}
    entry = client.post(f"{base}/support", json=given, headers=manager)
    assert entry.status_code == 201
    assert entry.get_json() | {"id": 0} == {
        "id": 0,
        "given_on": "2026-01-06",
        "kind": "training",
        "hours": "2.50",
        "given_by": "Partner X",
        "note": "",
    }
    member = api_headers(world.user("member_a"))
    listed = client.get(f"{base}/support", headers=member).get_json()
    assert (listed["total"], listed["items"][0]["hours"]) == (1, "2.50")
    assert client.get(f"{base}/growth-levels", headers=member).get_json()["items"][0]["level"] == "expert"
    assert client.post(f"{base}/support", json=given, headers=member).status_code == 403
    assert client.get(f"{base}/support", headers=api_headers(world.user("manager_b"))).status_code == 404


def test_support_hours_of_zero_or_a_float_are_refused_with_the_field_named(client, world, api_headers):
    base = f"/api/v1/investees/{world.investee_a.id}/support"
    manager = api_headers(world.user("manager_a"))
    for hours in ("0", 1.5):
        response = client.post(
            base, json={"given_on": "2026-01-06", "kind": "coaching", "hours": hours}, headers=manager
        )
        assert response.status_code == 422
        assert [d["field"] for d in response.get_json()["error"]["details"]] == ["hours"]


def test_the_investee_page_shows_the_log_to_its_member_read_only_and_not_to_a_payer_officer(
    client, db_session, world, login_as
):
    from fundapp.investees import support
    from fundapp.investees.models import SupportKind
    from tests.factories import ACTOR, add_outcomes

    add_outcomes(db_session, world)
    data = {"given_on": date(2026, 1, 6), "kind": SupportKind.COACHING, "hours": 3, "given_by_name": "Coach Ïsa"}
    support.record_support(db_session, ACTOR, world.investee_a, {**data, "note": ""})
    url = f"/investees/{world.investee_a.id}"
    manager_page = login_as(world.user("manager_a")).get(url).get_data(as_text=True)
    assert "Coach Ïsa" in manager_page and f"{url}/support/new" in manager_page
    member_page = login_as(world.user("member_a")).get(url).get_data(as_text=True)
    assert "Coach Ïsa" in member_page and f"{url}/support/new" not in member_page
    officer = login_as(world.user("officer_a")).get(url)
    assert officer.status_code == 200 and "Coach Ïsa" not in officer.get_data(as_text=True)
