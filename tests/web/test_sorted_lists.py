"""Tables sort by the columns people scan, on the server, from a whitelist, ties in one order; filters, sort and page
stay in the address and in every link of the list; a report's period is chosen among the periods with data."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.outcome_factories import item, make_claim, make_contract, make_result
from tests.web import test_loan_pages
from tests.web.test_loan_pages import Page

book = test_loan_pages.book  # the loan book fixture, shared


@pytest.fixture()
def browser(client, login_as):
    def login(user):
        client.set_cookie("fundapp_lang", "en")
        return login_as(user)

    return login


def _first_column(client, url: str, table: int = 0) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return [row[0] for row in Page(response.get_data(as_text=True)).body_rows(table)]


def _links(html: str, rel: str) -> dict[str, list[str]]:
    href = unescape(re.search(rf'href="([^"]+)" rel="{rel}"', html).group(1))
    return parse_qs(urlsplit(href).query)


# --- the loan book ------------------------------------------------------------------------------------------------


def test_the_loan_book_sorts_by_investee_next_due_date_days_past_due_and_outstanding(client, world, browser, book):
    browser(world.user("manager_a"))
    late, current, draft = book["late"].reference, book["current"].reference, book["draft"].reference
    url = f"/funds/{world.fund_a.id}/loans?as_of=2024-04-20&sort="
    assert _first_column(client, url + "investee") == [late, draft, current]  # Investee A's two, by id, then C
    assert _first_column(client, url + "-investee") == [current, draft, late]
    assert _first_column(client, url + "next_due") == [current, late, draft]  # 1 May, 15 May, none last
    assert _first_column(client, url + "-days_past_due") == [late, draft, current]  # 36 days; the ties by id
    assert _first_column(client, url + "days_past_due") == [current, draft, late]
    assert _first_column(client, url + "-outstanding") == [late, current, draft]
    assert _first_column(client, url + "drop table") == sorted([late, current, draft])  # not whitelisted: reference


def test_the_loan_book_keeps_its_filters_and_sort_in_every_page_and_header_link(
    client, world, browser, book, db_session
):
    from tests.factories import make_loan

    drafts = [make_loan(db_session, book["investee_c"], status="draft").reference for _ in range(5)]
    db_session.flush()
    browser(world.user("manager_a"))
    url = f"/funds/{world.fund_a.id}/loans?as_of=2024-04-20&status=draft&sort=-investee&page_size=5"
    html = client.get(url).get_data(as_text=True)
    assert [row[0] for row in Page(html).body_rows(0)] == drafts[::-1]  # Investee C's, the newest first
    following = _links(html, "next")
    assert following["status"] == ["draft"] and following["sort"] == ["-investee"]
    assert following["as_of"] == ["2024-04-20"] and following["page"] == ["2"] and following["page_size"] == ["5"]
    assert _first_column(client, url + "&page=2") == [book["draft"].reference]
    assert '<input type="hidden" name="sort" value="-investee">' in html  # the filter form keeps the order
    header = re.search(r'<a href="([^"]+)">Days past due', html).group(1)
    assert parse_qs(urlsplit(unescape(header)).query)["status"] == ["draft"]


def test_the_loan_book_lists_the_loans_more_than_thirty_days_past_due_as_par30_counts_them(
    client, world, browser, book
):
    browser(world.user("manager_a"))
    url = f"/funds/{world.fund_a.id}/loans?as_of=2024-04-20&bucket="
    assert _first_column(client, url + "overdue") == [book["late"].reference]
    assert _first_column(client, url + "par30") == [book["late"].reference]
    assert _first_column(client, url + "par90") == ["No loans found."]


# --- claims -------------------------------------------------------------------------------------------------------


@pytest.fixture()
def two_claims(db_session, world):
    """Investee A's claims: 2026-Q1 submitted (4,000.00) and 2026-Q2 a draft of two results (8,000.00)."""
    contract = make_contract(
        db_session, [(world.payer_a, "100", None)], [world.investee_a], items=[item("JOB6", "4000.00")]
    )
    make_result(db_session, contract, world.investee_a, participant="P-1", achieved_on=date(2026, 2, 1))
    for n in (2, 3):
        make_result(db_session, contract, world.investee_a, participant=f"P-{n}", achieved_on=date(2026, 5, n))
    first = make_claim(db_session, contract, world.investee_a, "2026-Q1")
    second = make_claim(db_session, contract, world.investee_a, "2026-Q2", submit=False)
    assert (first.total_payable, second.total_payable) == (Decimal("4000.00"), Decimal("8000.00"))
    return f"#{first.id}", f"#{second.id}"


def test_claims_sort_by_period_status_payable_and_submission_date(client, world, browser, two_claims):
    browser(world.user("manager_a"))
    q1, q2 = two_claims
    assert _first_column(client, "/claims?sort=period") == [q1, q2]
    assert _first_column(client, "/claims?sort=-period") == [q2, q1]
    assert _first_column(client, "/claims?sort=-payable") == [q2, q1]
    assert _first_column(client, "/claims?sort=status") == [q2, q1]  # draft before submitted
    assert _first_column(client, "/claims?sort=submitted") == [q1, q2]  # a draft has no date: last
    assert _first_column(client, "/claims?sort=-submitted") == [q1, q2]
    assert _first_column(client, "/claims?status=draft&sort=period") == [q2]


def test_a_claims_status_filter_keeps_the_sort_and_the_payer(client, world, browser, two_claims):
    browser(world.user("officer_a"))
    html = client.get(f"/claims?status=submitted&sort=-payable&payer_id={world.payer_a.id}").get_data(as_text=True)
    drafts = re.search(r'href="([^"]+)">draft<', html).group(1)
    assert parse_qs(urlsplit(unescape(drafts)).query) == {
        "status": ["draft"],
        "sort": ["-payable"],
        "payer_id": [str(world.payer_a.id)],
    }
    assert "Claims on the contracts of Gemeente A." in html


def test_the_claims_of_a_payer_are_those_on_the_contracts_it_accepted(client, world, browser, two_claims):
    browser(world.user("admin"))
    assert _first_column(client, f"/claims?payer_id={world.payer_a.id}&sort=period") == list(two_claims)
    assert _first_column(client, f"/claims?payer_id={world.payer_b.id}") == ["No claims here."]


# --- indicators ---------------------------------------------------------------------------------------------------


def test_indicators_sort_by_code_name_theme_and_level_in_the_order_of_the_theory_of_change(client, world, browser):
    browser(world.user("manager_a"))
    by_code = _first_column(client, "/indicators?page_size=200&sort=code")
    assert by_code == sorted(by_code) and len(by_code) > 10
    assert _first_column(client, "/indicators?page_size=200&sort=-code") == by_code[::-1]
    levels = [
        row[3] for row in Page(client.get("/indicators?page_size=200&sort=level").get_data(as_text=True)).body_rows()
    ]
    order = ["output", "outcome", "impact"]
    assert [order.index(level) for level in levels] == sorted(order.index(level) for level in levels)
    names = [
        row[1] for row in Page(client.get("/indicators?page_size=200&sort=name").get_data(as_text=True)).body_rows()
    ]
    assert [n.lower() for n in names] == sorted(n.lower() for n in names) or names == sorted(names)
    page2 = client.get("/indicators?sort=-code&theme=arbeidsparticipatie&page_size=5").get_data(as_text=True)
    assert _links(page2, "next") == {
        "sort": ["-code"],
        "theme": ["arbeidsparticipatie"],
        "page_size": ["5"],
        "page": ["2"],
    }


# --- the report period --------------------------------------------------------------------------------------------


def _period_options(html: str) -> tuple[list[str], list[str]]:
    select = re.search(r'<select[^>]*id="f-period"[^>]*>(.*?)</select>', html, re.S).group(1)
    options = re.findall(r'<option value="([^"]+)"( selected)?>', select)
    return [value for value, _ in options], [value for value, chosen in options if chosen]


def test_a_report_offers_the_periods_that_have_data_newest_first_with_the_asked_one_chosen(
    client, world, browser, db_session
):
    from tests.factories import make_plan, make_submission

    make_plan(db_session, world.investee_a)
    make_submission(db_session, world.investee_a, "2026-Q1", "approved")
    make_submission(db_session, world.investee_a, "2026-Q2", "submitted")  # not approved: no data yet
    db_session.flush()
    browser(world.user("manager_a"))
    options, chosen = _period_options(client.get(f"/reports/investees/{world.investee_a.id}").get_data(as_text=True))
    # The KPI report of 2026-Q1 and the loan's disbursement (January 2024) and repayment (February 2024).
    assert options == ["2026", "2026-H1", "2026-Q1", "2024", "2024-H1", "2024-Q1"]
    assert chosen == ["2026"]  # this year, the default
    _, chosen = _period_options(
        client.get(f"/reports/investees/{world.investee_a.id}?period=2024-Q1").get_data(as_text=True)
    )
    assert chosen == ["2024-Q1"]
    options, _ = _period_options(client.get(f"/reports/funds/{world.fund_a.id}").get_data(as_text=True))
    assert options == ["2026", "2026-H1", "2026-Q1", "2024", "2024-H1", "2024-Q1"]
    browser(world.user("manager_b"))
    options, _ = _period_options(client.get(f"/reports/funds/{world.fund_b.id}").get_data(as_text=True))
    assert options == ["2026", "2024", "2024-H1", "2024-Q1"]  # fund B's loan only, and this year
