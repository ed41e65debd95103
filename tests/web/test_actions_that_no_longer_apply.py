"""The page of an action that no longer applies says so and offers no button: opening it goes back to the object
with a warning saying why, and the object's page shows no link to it (an officer who signed sees when they signed,
not a second "Approve")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fundapp import clock
from fundapp.auth.policy import Scope
from fundapp.impact import submissions as subs
from fundapp.loans import services as loan_services
from fundapp.outcomes import claims, contracts, payments
from tests.factories import ACTOR, add_reports, make_loan
from tests.outcome_factories import THRESHOLD, item, make_claim, make_contract, make_result
from tests.web.test_loan_pages import Page, long_day

TODAY = clock.today()


@pytest.fixture()
def browser(client, login_as):
    def login(user):
        client.set_cookie("fundapp_lang", "en")
        login_as(user)
        return client

    return login


def gone(client, action: str, target: str, *why: str) -> Page:
    """GET of ``action`` goes back to ``target``, which says why and links no more to the action."""
    response = client.get(action)
    assert response.status_code == 303, (action, response.status_code)
    assert response.headers["Location"].split("?")[0].endswith(target), response.headers["Location"]
    shown = client.get(response.headers["Location"])
    assert shown.status_code == 200
    page = Page(shown.get_data(as_text=True))
    for words in why:
        assert words in page.text, (words, page.text[-1500:])
    assert action not in page.links
    return page


@pytest.fixture()
def contract(db_session, world):
    return make_contract(
        db_session, [(world.payer_a, "60", None), (world.payer_b, "40", None)], [world.investee_a], [item("X", "4000")]
    )


@pytest.fixture()
def claim(db_session, world, contract):
    for n in range(2):
        make_result(db_session, contract, world.investee_a, "X", participant=f"P-{n}", achieved_on=date(2026, 2, 1 + n))
    return make_claim(db_session, contract, world.investee_a)


def _decide(db_session, world, claim, *officers: str) -> None:
    for role in officers:
        officer = world.user(role)
        claims.approve(db_session, officer, Scope.of_user(officer), claim, THRESHOLD)
    db_session.flush()


def _pay(db_session, world, claim, *officers: str) -> None:
    for role in officers:
        officer = world.user(role)
        payments.record_payment(db_session, officer, Scope.of_user(officer), claim, TODAY, f"REF-{role}")
    db_session.flush()


# --- claims ---------------------------------------------------------------------------------------------------------


def test_an_officer_who_signed_sees_when_and_is_sent_back_from_a_second_approval(
    browser, world, db_session, claim, app, monkeypatch
):
    monkeypatch.setitem(app.config, "CLAIM_DUAL_APPROVAL_ABOVE", Decimal("1000.00"))
    client = browser(world.user("officer_a"))
    assert client.post(f"/claims/{claim.id}/approve").status_code == 303
    signed = long_day(TODAY)
    page = gone(client, f"/claims/{claim.id}/approve", f"/claims/{claim.id}", f"You signed this claim on {signed}")
    assert f"You signed on {signed}" in page.text and "a second officer must co-sign." in page.text
    line = claim.lines[0]
    gone(client, f"/claims/{claim.id}/lines/{line.id}/reject", f"/claims/{claim.id}", "already signed this claim")


def test_a_decided_claim_offers_no_approval_rejection_or_line_rejection(browser, world, db_session, claim):
    _decide(db_session, world, claim, "officer_a")
    client = browser(world.user("officer_b"))
    target = f"/claims/{claim.id}"
    decided = "This claim has already been decided: it is approved."
    gone(client, f"/claims/{claim.id}/approve", target, decided)
    gone(client, f"/claims/{claim.id}/reject", target, decided)
    gone(client, f"/claims/{claim.id}/lines/{claim.lines[0].id}/reject", target, decided)


def test_a_rejected_line_cannot_be_rejected_again(browser, world, db_session, claim):
    officer = world.user("officer_a")
    claims.reject_line(db_session, officer, Scope.of_user(officer), claim, claim.lines[1], "no payslip")
    db_session.flush()
    client = browser(officer)
    gone(
        client,
        f"/claims/{claim.id}/lines/{claim.lines[1].id}/reject",
        f"/claims/{claim.id}",
        "This line has already been rejected: no payslip",
    )


def test_a_paid_claims_payment_discard_and_submit_pages_send_back_with_a_message(browser, world, db_session, claim):
    _decide(db_session, world, claim, "officer_a")
    _pay(db_session, world, claim, "officer_a", "officer_b")
    target = f"/claims/{claim.id}"
    officer = browser(world.user("officer_a"))
    gone(officer, f"/claims/{claim.id}/payment", target, f"This claim was paid in full on {long_day(TODAY)}.")
    provider = browser(world.user("manager_a"))
    gone(provider, f"/claims/{claim.id}/discard", target, "This claim has already been submitted: it is paid.")
    gone(provider, f"/claims/{claim.id}/submit", target, "This claim has already been submitted: it is paid.")


def test_an_officer_whose_part_is_paid_is_told_so_and_the_other_payer_can_still_pay(browser, world, db_session, claim):
    _decide(db_session, world, claim, "officer_a")
    _pay(db_session, world, claim, "officer_a")
    target = f"/claims/{claim.id}"
    officer_a = browser(world.user("officer_a"))
    gone(
        officer_a,
        f"/claims/{claim.id}/payment",
        target,
        f"Your part of this claim was recorded as paid on {long_day(TODAY)} (reference REF-officer_a).",
    )
    officer_b = browser(world.user("officer_b"))
    assert officer_b.get(f"/claims/{claim.id}/payment").status_code == 200
    assert f"/claims/{claim.id}/payment" in Page(officer_b.get(target).get_data(as_text=True)).links


def test_a_submitted_claim_has_no_payment_page_yet(browser, world, claim):
    client = browser(world.user("officer_a"))
    gone(
        client,
        f"/claims/{claim.id}/payment",
        f"/claims/{claim.id}",
        "Only an approved claim can be paid; this claim is submitted.",
    )


# --- contracts and results -------------------------------------------------------------------------------------------


def test_an_officer_who_agreed_to_close_sees_when_and_is_sent_back_from_closing_again(
    browser, world, db_session, contract
):
    officer = world.user("officer_a")
    contracts.agree_to_close(db_session, officer, [p for p in contract.payers if p.payer_id == world.payer_a.id])
    db_session.flush()
    client = browser(officer)
    page = gone(
        client,
        f"/contracts/{contract.id}/close",
        f"/contracts/{contract.id}",
        "You agreed to close this contract on",
    )
    assert "You agreed to close on" in page.text


def test_a_contract_waiting_for_a_party_cannot_be_started_from_its_page(browser, world, db_session):
    draft = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a], activate=False)
    contracts.accept_share(db_session, ACTOR, draft.payers[0])  # the provider has not accepted yet
    db_session.flush()
    client = browser(world.user("officer_a"))
    gone(client, f"/contracts/{draft.id}/activate", f"/contracts/{draft.id}", "still waiting for: Investee A")


def test_a_running_contract_has_nothing_to_accept_or_start(browser, world, contract):
    client = browser(world.user("officer_a"))
    target = f"/contracts/{contract.id}"
    gone(
        client, f"/contracts/{contract.id}/accept", target, "There is nothing left for you to accept in this contract."
    )
    gone(client, f"/contracts/{contract.id}/activate", target, "This contract has already started.")


def test_a_verified_result_has_no_rejection_page(browser, world, db_session, contract):
    result = make_result(db_session, contract, world.investee_a, "X", participant="P-9", achieved_on=date(2026, 3, 1))
    client = browser(world.user("officer_a"))
    gone(client, f"/results/{result.id}/reject", "/results", "This result has already been verified.")


# --- KPI reports ------------------------------------------------------------------------------------------------------


def test_a_submitted_kpi_report_cannot_be_submitted_again_and_an_approved_one_not_reviewed_again(
    browser, world, db_session
):
    add_reports(db_session, world)
    report = world.submission_a
    subs.submit(db_session, ACTOR, report)
    db_session.flush()
    target = f"/kpi-submissions/{report.id}"
    member = browser(world.user("member_a"))
    gone(
        member,
        f"/kpi-submissions/{report.id}/submit",
        target,
        "This report is submitted. Only a draft report can be submitted.",
    )
    subs.approve(db_session, ACTOR, report)
    db_session.flush()
    manager = browser(world.user("manager_a"))
    approved = f"This report was already approved on {long_day(TODAY)}"
    gone(manager, f"/kpi-submissions/{report.id}/approve", target, approved)
    gone(manager, f"/kpi-submissions/{report.id}/return", target, approved)


# --- loans ------------------------------------------------------------------------------------------------------------


def test_an_active_loans_draft_steps_send_back_with_the_reason(browser, world):
    loan = world.loan_a
    client = browser(world.user("manager_a"))
    target = f"/loans/{loan.id}"
    gone(client, f"/loans/{loan.id}/approve", target, "This loan is active. Only a draft loan can be approved.")
    gone(client, f"/loans/{loan.id}/edit", target, "This loan is active. Only a draft loan can be changed.")
    gone(client, f"/loans/{loan.id}/disburse", target, "The whole principal of this loan has been disbursed.")
    gone(client, f"/loans/{loan.id}/recover", target, "Recoveries can only be booked on a written-off loan.")


def test_a_draft_loan_takes_no_repayment_write_off_or_restructuring(browser, world, db_session):
    loan = make_loan(db_session, world.investee_a, status="draft")
    client = browser(world.user("manager_a"))
    target = f"/loans/{loan.id}"
    gone(client, f"/loans/{loan.id}/repay", target, "Repayments can only be booked on an active loan.")
    gone(client, f"/loans/{loan.id}/write-off", target, "Only an active loan can be written off.")
    gone(client, f"/loans/{loan.id}/restructure", target, "Only an active loan can be restructured.")


def test_a_reversed_payment_cannot_be_reversed_again(browser, world, db_session):
    loan_services.reverse_event(db_session, ACTOR, world.repayment_a, "booked on the wrong loan")
    db_session.flush()
    client = browser(world.user("manager_a"))
    gone(
        client,
        f"/loans/{world.loan_a.id}/events/{world.repayment_a.id}/reverse",
        f"/loans/{world.loan_a.id}",
        "This payment was already reversed on",
        "booked on the wrong loan",
    )
