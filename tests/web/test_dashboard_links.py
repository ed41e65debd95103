"""The dashboard leads to the next action: each count is a link to exactly the items it counts (or to the one item),
an investee sees its next KPI report and where to upload it, a validator the results awaiting them; no card that
means nothing to the role."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest

from fundapp import clock
from fundapp.impact import submissions as subs
from fundapp.impact.periods import Frequency, Period
from fundapp.outcomes import claims, results
from tests.factories import ACTOR, PASSWORD, make_investee, make_plan, make_user
from tests.outcome_factories import THRESHOLD
from tests.web.test_loan_pages import Page, long_day


@pytest.fixture()
def home(app, full_world):
    """home(user): the dashboard's HTML in English, and a client logged in as the user to follow its links."""

    def open_as(user):
        client = app.test_client()
        client.set_cookie("fundapp_lang", "en")
        assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 303
        response = client.get("/")
        assert response.status_code == 200
        return response.get_data(as_text=True), client

    return open_as


def _link(html: str, words: str) -> str:
    """The address of the link whose text starts with these words."""
    found = re.search(rf'<a [^>]*href="([^"]+)"[^>]*>(?:<span class="figure">[^<]*</span>)?\s*{re.escape(words)}', html)
    assert found, words
    return unescape(found.group(1))


def _first_cells(client, url: str) -> list[str]:
    return [row[0] for row in Page(client.get(url).get_data(as_text=True)).body_rows(0)]


def test_a_fund_managers_report_awaiting_review_leads_to_that_report_and_overdue_ones_to_the_filtered_list(
    home, full_world, db_session
):
    subs.submit(db_session, ACTOR, full_world.submission_a)
    db_session.flush()
    html, client = home(full_world.user("manager_a"))
    fund = full_world.fund_a.id
    assert _link(html, "Awaiting your review: <strong>1</strong>") == f"/kpi-submissions/{full_world.submission_a.id}"
    overdue = _link(html, "Overdue: <strong>")
    assert overdue == f"/funds/{fund}/reporting?state=overdue"
    listed = Page(client.get(overdue).get_data(as_text=True)).body_rows(0)
    assert listed and {row[3] for row in listed} == {"overdue"}


def test_a_fund_managers_loans_in_arrears_lead_to_the_loan_book_sorted_by_days_past_due(home, full_world):
    html, client = home(full_world.user("manager_a"))
    fund = full_world.fund_a.id
    largest = _link(html, "Outstanding principal")
    assert largest == f"/funds/{fund}/loans?status=active&sort=-outstanding"
    assert '<span class="figure">1</span>Loans with installments overdue' in html
    arrears = _link(html, "Loans with installments overdue")
    assert arrears == f"/funds/{fund}/loans?status=active&bucket=overdue&sort=-days_past_due"
    assert _first_cells(client, arrears) == [full_world.loan_a.reference]
    assert _link(html, "PAR30") == f"/funds/{fund}/loans?status=active&bucket=par30&sort=-days_past_due"


def test_a_payer_officers_claims_awaiting_approval_lead_to_the_claim_or_to_the_payers_submitted_claims(
    home, full_world, db_session
):
    html, _ = home(full_world.user("officer_a"))
    assert re.search(rf'Claims awaiting approval: <a href="/claims/{full_world.claim_a.id}">1</a>', html)
    second = results.record_result(
        db_session,
        ACTOR,
        full_world.contract_a,
        {
            "investee_id": full_world.investee_a.id,
            "item": "JOB-START",
            "participant": "P-0002",
            "achieved_on": date(2026, 5, 1),
            "months_on_benefit": 14,
            "evidence": "payroll",
        },
    )
    results.verify(db_session, ACTOR, second)
    claim = claims.compute_claim(db_session, ACTOR, full_world.contract_a, full_world.investee_a.id, "2026-Q2")
    claims.submit(db_session, ACTOR, claim, THRESHOLD)
    db_session.flush()
    html, client = home(full_world.user("officer_a"))
    url = unescape(re.search(r'Claims awaiting approval: <a href="([^"]+)">2</a>', html).group(1))
    assert url == f"/claims?status=submitted&payer_id={full_world.payer_a.id}"
    assert sorted(_first_cells(client, url)) == sorted([f"#{full_world.claim_a.id}", f"#{claim.id}"])


def test_an_investee_sees_its_next_kpi_report_with_its_due_date_and_where_to_upload_it(home, full_world, db_session):
    current = Period.containing(clock.today(), Frequency.QUARTERLY)
    newcomer = make_investee(db_session, full_world.fund_a, name="Investee N")
    make_plan(db_session, newcomer, first_period=str(current))
    member = make_user(db_session, "investee_member", newcomer.id)
    db_session.flush()
    html, client = home(member)
    due_on = current.end + timedelta(days=30)
    assert f"The report for {current} is due on {long_day(due_on)}." in html
    upload = _link(html, f"Upload the report for {current}")
    assert upload == f"/investees/{newcomer.id}/kpi/upload?period={current}"
    assert f"Upload the report for {current}" in client.get(upload).get_data(as_text=True)
    assert _link(html, f"Download the template for {current}") == (
        f"/investees/{newcomer.id}/kpi/template?period={current}"
    )


def test_an_investees_reports_due_lead_to_their_upload_or_their_draft_and_installments_to_the_loan(
    home, full_world, db_session
):
    from tests.factories import make_loan

    running = make_loan(db_session, full_world.investee_a, disbursement_date=clock.today() - timedelta(days=10))
    db_session.flush()
    html, _ = home(full_world.user("member_a"))
    investee, draft = full_world.investee_a.id, full_world.submission_a.id
    assert _link(html, "Impact report 2026-Q1") == f"/kpi-submissions/{draft}"  # the draft, late
    assert _link(html, "Impact report 2026-Q2") == f"/investees/{investee}/kpi/upload?period=2026-Q2"
    assert _link(html, "Open the report for 2026-Q1") == f"/kpi-submissions/{draft}"  # what to finish first
    assert _link(html, f"Next installment of loan {running.reference}") == f"/loans/{running.id}"


def test_a_validator_sees_the_results_of_their_contract_awaiting_verification(home, full_world):
    html, client = home(full_world.user("validator_a"))
    contract = full_world.contract_a
    assert contract.reference in html and "RF-B" not in html
    pending = _link(html, "Awaiting your verification: <strong>1</strong>")
    assert pending == f"/results?status=pending&contract_id={contract.id}"
    assert _first_cells(client, pending) == [contract.reference]
    assert _link(html, "Verified: <strong>1</strong>") == f"/results?status=verified&contract_id={contract.id}"
    assert "JOB-6M" in Page(html).text and "P-0001" in Page(html).text  # the oldest result awaiting them


def test_no_card_that_means_nothing_to_the_role(home, full_world):
    def cards(role: str) -> list[str]:
        html, _ = home(full_world.user(role))
        return re.findall(r'<div class="card"><a href="([^"]+)"', html)

    assert cards("validator_a") == []  # no funds, investees or payers of their own
    assert cards("member_a") == ["/reports/"]  # its own enterprise is its dashboard
    assert cards("officer_a") == ["/investees/", "/payers/", "/reports/"]
    assert cards("manager_a") == ["/funds/", "/investees/", "/reports/"]


def test_an_administrators_counts_lead_to_their_lists_and_each_funds_to_its_own(home, full_world):
    html, client = home(full_world.user("admin"))
    assert _link(html, "Claims awaiting approval: <strong>1</strong>") == "/claims?status=submitted"
    fund = full_world.fund_a.id
    active = unescape(re.search(rf'<a href="(/funds/{fund}/loans\?status=active)">1</a>', html).group(1))
    assert _first_cells(client, active) == [full_world.loan_a.reference]
    assert f'<a href="/funds/{fund}/reporting?state=awaiting_review">0</a>' in html
