"""The menu marks where the user is: one entry, the list a detail or action page lies under, for every role."""

from __future__ import annotations

import re

import pytest


@pytest.fixture()
def current(app, full_world):
    """current(role, path): the labels of the menu entries marked as the current page."""
    from tests.factories import PASSWORD

    clients = {}

    def marked(role: str, path: str) -> list[str]:
        if role not in clients:
            client = app.test_client()
            client.set_cookie("fundapp_lang", "en")
            user = full_world.user(role)
            assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 303
            clients[role] = client
        response = clients[role].get(path)
        assert response.status_code == 200, (role, path, response.status_code)
        nav = re.search(r'<nav class="utrecht-nav-bar app-nav".*?</nav>', response.get_data(as_text=True), re.S)
        return re.findall(r'aria-current="page">([^<]+)</a>', nav.group(0))

    return marked


def _pages(w):
    fund, investee, loan = w.fund_a.id, w.investee_a.id, w.loan_a.id
    return {
        "manager_a": [
            ("/", "Dashboard"),
            ("/funds/", "Funds"),
            (f"/funds/{fund}", "Funds"),
            (f"/funds/{fund}/loans", "Portfolio"),
            (f"/loans/{loan}", "Portfolio"),
            (f"/loans/{loan}/repay", "Portfolio"),
            ("/loans/new", "Portfolio"),
            ("/loans/preview", "Schedule calculator"),
            (f"/funds/{fund}/reporting", "Impact reporting"),
            (f"/kpi-submissions/{w.submission_a.id}", "Impact reporting"),
            (f"/investees/{investee}/impact", "Investees"),
            (f"/claims/{w.claim_a.id}", "Claims"),
            (f"/contracts/{w.contract_a.id}", "Contracts"),
            ("/indicators/new", "Indicators"),
            (f"/reports/funds/{fund}", "Reports"),
        ],
        "member_a": [
            (f"/investees/{investee}/impact", "My impact"),
            (f"/investees/{investee}/kpi/upload", "My impact"),
            (f"/kpi-submissions/{w.submission_a.id}", "My impact"),
            (f"/investees/{investee}/loans", "My loans"),
            (f"/loans/{loan}", "My loans"),
            (f"/claims/{w.claim_a.id}", "Claims"),
        ],
        "admin": [
            (f"/loans/{loan}", "Funds"),
            (f"/kpi-submissions/{w.submission_a.id}", "Investees"),
            (f"/investees/{investee}", "Investees"),
        ],
        "officer_a": [
            (f"/claims/{w.claim_a.id}", "Claims"),
            ("/rate-cards", "Contracts"),
            (f"/payers/{w.payer_a.id}", "Outcome payers"),
        ],
        "validator_a": [("/results", "Results"), (f"/contracts/{w.contract_a.id}", "Contracts")],
    }


@pytest.mark.parametrize("role", ["manager_a", "member_a", "admin", "officer_a", "validator_a"])
def test_the_menu_marks_the_one_list_each_page_lies_under(current, full_world, role):
    seen = {path: current(role, path) for path, _ in _pages(full_world)[role]}
    assert seen == {path: [entry] for path, entry in _pages(full_world)[role]}
