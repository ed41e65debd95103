"""The figures a claim's pages show are the figures the payers pay: rejected lines are left out of every payable
total, a rejected result carries the officer's reason, each "budget left" says whose budget it is, and each payer
records its own payment of its own part."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundapp import clock
from fundapp.outcomes.models import Claim, ClaimLine, ClaimStatus, OutcomeResult, ResultStatus
from tests.outcome_factories import item, make_claim, make_contract, make_result
from tests.web.test_loan_pages import Page, day, eur, long_day

TODAY = clock.today()


@pytest.fixture()
def contract(db_session, world):
    """Gemeente A pays 70 %, Provincie B 30 % of a € 100,000 contract; five results of € 3,600 make € 18,000."""
    contract = make_contract(
        db_session,
        [(world.payer_a, "70", None), (world.payer_b, "30", None)],
        [world.investee_a],
        items=[item("JOB6", "3600.00")],
        contract_cap="100000.00",
    )
    for n in range(5):
        make_result(db_session, contract, world.investee_a, participant=f"P-{n + 1}", achieved_on=date(2026, 2, 1 + n))
    return contract


@pytest.fixture()
def claim(db_session, world, contract):
    return make_claim(db_session, contract, world.investee_a)


@pytest.fixture()
def browser(client, login_as):
    def login(user):
        client.set_cookie("fundapp_lang", "en")
        login_as(user)
        return client

    return login


def _page(client, url: str) -> Page:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return Page(response.get_data(as_text=True))


def _last_line(db_session, claim) -> ClaimLine:
    return db_session.scalar(select(ClaimLine).where(ClaimLine.claim_id == claim.id, ClaimLine.position == 4))


def _reject_last_line(client, db_session, claim) -> None:
    line = _last_line(db_session, claim)
    response = client.post(f"/claims/{claim.id}/lines/{line.id}/reject", data={"reason": "no payslip for March"})
    assert response.status_code == 303


def _line_row(page: Page, number: str) -> list[str]:
    return next(row for row in page.tables[0] if row and row[0] == number)


# --- 1. payable totals leave rejected lines out --------------------------------------------------------------------


def test_after_a_line_is_rejected_the_claim_page_shows_payable_totals_without_it_and_the_line_pays_nothing(
    browser, world, db_session, claim
):
    client = browser(world.user("officer_a"))
    _reject_last_line(client, db_session, claim)
    page = _page(client, f"/claims/{claim.id}")
    assert f"{eur('14400.00')} payable" in page.text
    assert f"{eur('18000.00')} payable" not in page.text
    assert f"{eur('3600.00')} rejected (lines: 1)" in page.text
    totals = page.tables[0][-1]
    assert (totals[-5], totals[-2]) == (eur("18000.00"), eur("14400.00"))  # gross of every line, payable without
    rejected = _line_row(page, "5")
    assert rejected[-2].startswith(eur("0.00")) and "no payslip for March" in rejected[-1]

    assert client.post(f"/claims/{claim.id}/approve").status_code == 303
    page = _page(client, f"/claims/{claim.id}")
    assert f"{eur('14400.00')} payable" in page.text and f"{eur('14400.00')} approved" in page.text
    assert page.tables[0][-1][-2] == eur("14400.00")


def test_the_claims_list_the_api_and_the_officers_home_page_ask_only_for_the_lines_not_rejected(
    browser, world, db_session, claim, api_headers
):
    client = browser(world.user("officer_a"))
    _reject_last_line(client, db_session, claim)
    listed = _page(client, "/claims?status=submitted")
    assert next(row for row in listed.tables[0] if row and row[0] == f"#{claim.id}")[6] == eur("14400.00")
    home = _page(client, "/")
    assert next(row for row in home.tables[0] if row and row[0] == f"#{claim.id}")[4] == eur("14400.00")
    answer = client.get(f"/api/v1/claims/{claim.id}", headers=api_headers(world.user("officer_a"))).get_json()
    assert answer["total_payable"] == "14400.00"


def test_rejecting_the_whole_claim_leaves_nothing_payable(browser, world, db_session, claim):
    client = browser(world.user("officer_a"))
    assert client.post(f"/claims/{claim.id}/reject", data={"reason": "wrong period"}).status_code == 303
    stored = db_session.get(Claim, claim.id)
    db_session.refresh(stored)
    assert stored.total_payable == Decimal("0.00")
    page = _page(client, f"/claims/{claim.id}")
    assert f"{eur('0.00')} payable" in page.text and f"{eur('18000.00')} rejected (lines: 5)" in page.text


# --- 2. a rejected result shows the officer's reason to the provider -----------------------------------------------


def test_a_result_rejected_in_a_claim_shows_the_provider_the_officers_reason(browser, world, db_session, claim):
    officer = browser(world.user("officer_a"))
    _reject_last_line(officer, db_session, claim)
    assert officer.post(f"/claims/{claim.id}/approve").status_code == 303
    result = db_session.get(OutcomeResult, _last_line(db_session, claim).result_id)
    db_session.refresh(result)
    assert (result.status, result.rejection_reason) == (ResultStatus.REJECTED, "no payslip for March")
    provider = browser(world.user("member_a"))
    page = _page(provider, "/results?status=rejected")
    assert "no payslip for March" in page.text
    assert "rejected in the claim by the payer" not in page.text


# --- 3. whose budget is left ---------------------------------------------------------------------------------------


def test_an_officer_sees_the_budget_left_of_their_own_payers_share_on_the_claims_list_and_the_home_page(
    browser, world, db_session, contract, claim
):
    officer = browser(world.user("officer_a"))
    assert officer.post(f"/claims/{claim.id}/approve").status_code == 303  # € 18,000: Gemeente A's part € 12,600
    for n in range(2):
        make_result(db_session, contract, world.investee_a, participant=f"Q-{n}", achieved_on=date(2026, 4, 1 + n))
    waiting = make_claim(db_session, contract, world.investee_a, "2026-Q2")
    mine = eur("57400.00")  # 70 % of the € 100,000 cap, less Gemeente A's € 12,600 approved
    listed = _page(officer, "/claims?status=submitted")
    assert "Budget left (your share)" in listed.tables[0][0]
    assert next(row for row in listed.tables[0] if row and row[0] == f"#{waiting.id}")[7] == mine
    home = _page(officer, "/")
    assert "Budget left (share of Gemeente A)" in home.tables[0][0]
    assert next(row for row in home.tables[0] if row and row[0] == f"#{waiting.id}")[5] == mine

    manager = browser(world.user("manager_a"))
    listed = _page(manager, "/claims?status=submitted")
    assert "Budget left (whole contract)" in listed.tables[0][0]
    assert next(row for row in listed.tables[0] if row and row[0] == f"#{waiting.id}")[7] == eur("82000.00")


# --- 4. each payer records its own payment -------------------------------------------------------------------------


def test_the_payment_page_shows_the_amount_and_each_payers_part_and_records_only_the_officers_own(
    browser, world, db_session, claim
):
    officer_a = browser(world.user("officer_a"))
    assert officer_a.post(f"/claims/{claim.id}/approve").status_code == 303
    form = _page(officer_a, f"/claims/{claim.id}/payment")
    assert eur("18000.00") in form.text
    parts = {row[0]: row[1:] for row in form.tables[0][1:]}
    assert parts["Gemeente A"][0] == eur("12600.00") and "your part" in parts["Gemeente A"][1]
    assert parts["Provincie B"] == [eur("5400.00"), "awaiting payment by this payer"]

    response = officer_a.post(
        f"/claims/{claim.id}/payment", data={"paid_on": TODAY.isoformat(), "reference": "GEM-A-2026-17"}
    )
    assert response.status_code == 303
    stored = db_session.get(Claim, claim.id)
    db_session.refresh(stored)
    assert stored.status == ClaimStatus.APPROVED
    assert [(s.payer_id, s.paid_on, s.payment_reference) for s in stored.splits] == [
        (world.payer_a.id, TODAY, "GEM-A-2026-17"),
        (world.payer_b.id, None, ""),
    ]
    page = _page(officer_a, f"/claims/{claim.id}")
    splits = page.tables[-2]  # the split over the payers, before the budget
    assert splits[1] == ["Gemeente A", eur("12600.00"), day(TODAY), "GEM-A-2026-17"]
    assert splits[2] == ["Provincie B", eur("5400.00"), "awaiting payment", "–"]
    assert "Partly paid" in page.text and f"Your part was paid on {long_day(TODAY)}." in page.text
    assert f"/claims/{claim.id}/payment" not in page.links
    listed = _page(officer_a, "/claims?status=approved")
    assert "paid by Gemeente A" in next(row for row in listed.tables[0] if row and row[0] == f"#{claim.id}")[4]

    officer_b = browser(world.user("officer_b"))
    response = officer_b.post(f"/claims/{claim.id}/payment", data={"paid_on": TODAY.isoformat(), "reference": "PB-88"})
    assert response.status_code == 303
    db_session.refresh(stored)
    assert (stored.status, stored.paid_on, stored.payment_reference) == (
        ClaimStatus.PAID,
        TODAY,
        "GEM-A-2026-17; PB-88",
    )
    assert [(s.payer_id, s.payment_reference) for s in stored.splits] == [
        (world.payer_a.id, "GEM-A-2026-17"),
        (world.payer_b.id, "PB-88"),
    ]
