"""The consolidated view of a manager's funds and the revolving view of a fund, on the pages and through the API."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fundapp.auth.models import Role
from fundapp.auth.services import add_membership
from tests.factories import ACTOR, make_fund, make_investee, make_loan, make_plan, make_submission, make_user
from tests.web.test_query_counts import counting

AS_OF = "2026-06-30"


@pytest.fixture()
def two_funds(db_session, world):
    """A manager of funds A and B; investee A reported 5 people in work in 2026-Q1, investee B 7."""
    manager = make_user(db_session, Role.FUND_MANAGER, world.fund_a.id)
    add_membership(db_session, ACTOR, manager, Role.FUND_MANAGER, world.fund_b.id)
    for investee, people in ((world.investee_a, 5), (world.investee_b, 7)):
        make_plan(db_session, investee)
        make_submission(db_session, investee, status="approved", values={"LP-EMPLOYED-HEADCOUNT": people})
    db_session.flush()
    return manager


def test_the_consolidated_api_gives_each_managed_funds_figures_and_their_total(client, world, two_funds, api_headers):
    body = client.get(f"/api/v1/consolidated?as_of={AS_OF}", headers=api_headers(two_funds)).get_json()

    funds = {row["name"]: row for row in body["funds"]}
    assert sorted(funds) == ["Fund A", "Fund B"]
    a, b, total = funds["Fund A"], funds["Fund B"], body["total"]
    # Loan A: 10,000 at 6 %, one annuity installment of 443.21 paid (50.00 interest); loan B: nothing repaid.
    assert (a["fund_id"], a["investees"], a["loans"], a["outstanding"]) == (world.fund_a.id, 1, 1, "9606.79")
    # Each fund's investor paid in 20,000.00 (the test world's calls): A's cash 20,000.00 − 10,000.00 + 443.21.
    assert (a["cash"], a["loans_receivable"], a["equity"], a["receivables"]) == ("10443.21", "9606.79", "0.00", "0.00")
    assert (b["cash"], b["loans_receivable"], b["outstanding"]) == ("10000.00", "10000.00", "10000.00")
    # Both loans are more than 90 days past due on the date.
    assert (a["par30"], a["par90"], total["par90"]) == ("1.000000", "1.000000", "1.000000")
    assert (total["fund_id"], total["investees"], total["loans"]) == (None, 2, 2)
    assert (total["outstanding"], total["cash"], total["loans_receivable"]) == ("19606.79", "20443.21", "19606.79")
    # NAV = cash + loans − provision (over 90 days: 50 %, half-up per loan): A 10,443.21 + 9,606.79 − 4,803.40;
    # B 10,000.00 + 10,000.00 − 5,000.00.
    assert (a["nav"], b["nav"], total["nav"]) == ("15246.60", "15000.00", "30246.60")
    assert body["period"] == "2026"
    [headcount] = [line for line in body["impact"] if line["code"] == "LP-EMPLOYED-HEADCOUNT"]
    assert headcount["per_fund"] == [
        {"fund_id": world.fund_a.id, "value": "5"},
        {"fund_id": world.fund_b.id, "value": "7"},
    ]
    assert (headcount["rule"], headcount["total"]) == ("latest", "12")


def test_the_consolidated_par_is_the_arrears_over_the_whole_outstanding_not_an_average_of_ratios(
    client, db_session, world, two_funds, api_headers
):
    from datetime import date

    current = make_loan(
        db_session,
        make_investee(db_session, world.fund_b),
        principal=Decimal("30000.00"),
        disbursement_date=date(2026, 6, 1),
    )
    db_session.flush()

    body = client.get(f"/api/v1/consolidated?as_of={AS_OF}", headers=api_headers(two_funds)).get_json()

    assert current.outstanding_principal == Decimal("30000.00")
    # 19,606.79 in arrears over 49,606.79 outstanding; fund B alone: 10,000 over 40,000.
    assert body["total"]["par90"] == "0.395244"
    assert [row["par90"] for row in body["funds"]] == ["1.000000", "0.250000"]


def test_a_manager_of_one_fund_sees_only_that_fund_and_no_menu_entry(client, world, login_as, api_headers):
    manager = world.user("manager_a")
    body = client.get("/api/v1/consolidated", headers=api_headers(manager)).get_json()
    assert [row["fund_id"] for row in body["funds"]] == [world.fund_a.id]

    page = login_as(manager).get("/consolidated/").get_data(as_text=True)
    assert "Fund A" in page and "Fund B" not in page
    assert 'href="/consolidated/"' not in page


@pytest.mark.parametrize("role", ["admin", "member_a", "officer_a"])
def test_who_manages_no_fund_may_not_open_the_consolidated_view(client, world, login_as, api_headers, role):
    user = world.user(role)
    assert client.get("/api/v1/consolidated", headers=api_headers(user)).status_code == 403
    assert login_as(user).get("/consolidated/").status_code == 403


def test_the_consolidated_page_links_every_figure_to_the_fund_it_comes_from(client, world, two_funds, login_as):
    page = login_as(two_funds).get(f"/consolidated/?as_of={AS_OF}").get_data(as_text=True)

    assert 'href="/consolidated/"' in page  # the menu entry of a manager of several funds
    for fund in (world.fund_a, world.fund_b):
        assert f'href="/funds/{fund.id}/loans?as_of={AS_OF}"' in page
        assert f'href="/funds/{fund.id}/journal?from=2026-01-01&amp;to={AS_OF}"' in page
        assert f'href="/reports/funds/{fund.id}?period=2026"' in page
    assert "€\xa019.606,79" in page  # the total outstanding, in Dutch


def test_the_consolidated_view_takes_the_same_number_of_queries_for_each_further_fund(
    app, client, db_session, world, login_as
):
    manager = make_user(db_session, Role.FUND_MANAGER, world.fund_a.id)
    login_as(manager)
    counts = []
    for _ in range(3):
        with counting(app.extensions["fundapp.db"].engine) as statements:
            assert client.get("/consolidated/").status_code == 200
        counts.append(len(statements))
        fund = make_fund(db_session)
        for _ in range(3):
            make_loan(db_session, make_investee(db_session, fund))
        add_membership(db_session, ACTOR, manager, Role.FUND_MANAGER, fund.id)
        db_session.flush()
    assert counts[2] - counts[1] == counts[1] - counts[0], counts


def test_the_revolving_api_and_page_show_the_funds_years(client, world, login_as, api_headers):
    manager = world.user("manager_a")
    body = client.get(
        f"/api/v1/funds/{world.fund_a.id}/revolving?as_of=2025-12-31", headers=api_headers(manager)
    ).get_json()

    assert [(y["year"], y["lent_and_invested"], y["returned"], y["revolving_ratio"]) for y in body["years"]] == [
        # the test world's investor paid in 20,000.00 on 2024-01-01: lent to date ÷ paid in to date
        (2024, "10000.00", "443.21", "0.5000"),
        (2025, "0.00", "0.00", "0.5000"),
    ]
    page = login_as(manager).get(f"/funds/{world.fund_a.id}/revolving?as_of=2025-12-31").get_data(as_text=True)
    assert "€\xa010.000,00" in page and "€\xa0443,21" in page
    assert f'href="/funds/{world.fund_a.id}/revolving"' in login_as(manager).get(f"/funds/{world.fund_a.id}").get_data(
        as_text=True
    )


def test_the_fund_report_shows_the_revolving_table_on_its_page_and_in_its_workbook(
    client, world, login_as, api_headers
):
    import io

    from openpyxl import load_workbook

    manager = world.user("manager_a")
    response = client.get(
        f"/api/v1/funds/{world.fund_a.id}/report?period=2025&format=xlsx&lang=en", headers=api_headers(manager)
    )
    sheet = load_workbook(io.BytesIO(response.data))["Revolving view"]
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] in (2024, 2025, "Total")]
    assert rows == [
        (2024, 20000, 10000, 443.21, 0, 0.5),
        (2025, 0, 0, 0, 0, 0.5),
        ("Total", 20000, 10000, 443.21, 0, None),
    ]
    page = login_as(manager).get(f"/reports/funds/{world.fund_a.id}?period=2025").get_data(as_text=True)
    assert 'id="revolving"' in page and "443.21" in page  # English: the API call above asked for it
