"""Result financing's lists come a page at a time, in the API and on the pages: rate cards, contracts, a contract's
results and claims, the claims, and a claim's lines. A claim of 1,200 lines is never loaded whole to be shown or
added up: its totals per payer and its approvable amount are the database's sums over every line."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from fundapp.auth.policy import Scope
from fundapp.outcomes import claims
from fundapp.outcomes.models import ClaimLine, LineStatus
from tests.outcome_factories import add_verified_results, item, make_claim, make_contract, make_result

LINES = 1200


@pytest.fixture()
def contract(db_session, world):
    """Payer A 60 %, payer B 40 %; provider investee A; JOB6 at 4,000.00 and JOB1 at 1,000.01 (an uneven split)."""
    return make_contract(
        db_session,
        [(world.payer_a, "60", None), (world.payer_b, "40", None)],
        [world.investee_a],
        items=[item("JOB6", "4000.00"), item("JOB1", "1000.01")],
    )


@pytest.fixture()
def big_claim(db_session, world, contract):
    """A submitted claim of 1,200 lines; payer A's officer rejected lines 2 and 3."""
    add_verified_results(db_session, contract, world.investee_a, LINES, items=("JOB6", "JOB1"))
    claim = make_claim(db_session, contract, world.investee_a)
    officer = world.user("officer_a")
    for line in db_session.scalars(
        select(ClaimLine).where(ClaimLine.claim_id == claim.id, ClaimLine.position.in_([1, 2]))
    ):
        claims.reject_line(db_session, officer, Scope.of_user(officer), claim, line, "no payslip")
    db_session.flush()
    return claim


def _expected_totals(db_session, claim) -> tuple[dict[str, Decimal], Decimal]:
    """The reference: every line loaded and added up here, the lines not rejected."""
    lines = db_session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id)).all()
    assert len(lines) == LINES
    by_payer: dict[str, Decimal] = {}
    approvable = Decimal("0")
    for line in lines:
        if line.status != LineStatus.REJECTED:
            approvable += line.payable
            for payer, amount in line.by_payer:
                by_payer[payer] = by_payer.get(payer, Decimal("0")) + Decimal(amount)
    return by_payer, approvable


@contextmanager
def lines_loaded():
    """The ids of the claim lines the app builds from database rows while the block runs."""
    loaded: list[int] = []

    def on_load(line, _context):
        loaded.append(line.id)

    event.listen(ClaimLine, "load", on_load)
    try:
        yield loaded
    finally:
        event.remove(ClaimLine, "load", on_load)


@pytest.fixture()
def as_user(client, world, api_headers):
    def caller(role):
        headers = api_headers(world.user(role))
        return lambda path: client.get(f"/api/v1{path}", headers=headers)

    return caller


# --- the API ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/rate-cards",
        "/outcome-contracts",
        "/outcome-contracts/{contract}/results",
        "/claims",
        "/claims/{claim}/lines",
    ],
)
def test_every_list_of_result_financing_in_the_api_answers_a_page(world, db_session, contract, as_user, path):
    """Two of each: rate cards, contracts, results of the contract, claims, lines of the claim; page 2 of size 1."""
    make_result(db_session, contract, world.investee_a, participant="R-1", achieved_on=contract.valid_from)
    make_result(db_session, contract, world.investee_a, participant="R-2", achieved_on=contract.valid_from)
    claim = make_claim(db_session, contract, world.investee_a)
    other = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a])
    make_result(db_session, other, world.investee_a, participant="R-3", achieved_on=other.valid_from)
    make_claim(db_session, other, world.investee_a)
    for name in ("Werk A", "Werk B"):
        _rate_card(db_session, world, name)
    url = path.format(contract=contract.id, claim=claim.id)
    body = as_user("officer_a")(f"{url}?page_size=1&page=2").get_json()
    assert set(body) == {"items", "total", "page", "page_size"}, url
    assert (len(body["items"]), body["total"], body["page"], body["page_size"]) == (1, 2, 2, 1), url


def test_a_contracts_results_come_a_page_at_a_time_in_date_order_and_filter_by_status(
    world, db_session, contract, as_user
):
    add_verified_results(db_session, contract, world.investee_a, 60)
    make_result(
        db_session, contract, world.investee_a, participant="P-1", achieved_on=contract.valid_from, verify=False
    )
    get = as_user("manager_a")
    body = get(f"/outcome-contracts/{contract.id}/results?page=2&page_size=25").get_json()
    assert (body["total"], len(body["items"])) == (61, 25)
    dates = [r["achieved_on"] for r in body["items"]]
    assert dates == sorted(dates)
    only_pending = get(f"/outcome-contracts/{contract.id}/results?status=pending").get_json()
    assert (only_pending["total"], [r["participant"] for r in only_pending["items"]]) == (1, ["P-1"])
    assert get(f"/outcome-contracts/{contract.id}/results?status=paid").status_code == 422
    assert get(f"/outcome-contracts/{contract.id}/results?page_size=201").status_code == 422


def test_the_list_of_claims_keeps_its_filters_and_holds_each_claims_number_of_lines_not_the_lines(
    world, db_session, contract, big_claim, as_user
):
    make_result(
        db_session, contract, world.investee_a, participant="Q2-1", achieved_on=contract.valid_from.replace(month=5)
    )
    draft = make_claim(db_session, contract, world.investee_a, period="2026-Q2", submit=False)
    get = as_user("manager_a")
    with lines_loaded() as loaded:
        body = get(f"/claims?contract_id={contract.id}").get_json()
    assert loaded == []
    assert [(c["id"], c["lines_total"], c["approvals_needed"]) for c in body["items"]] == [
        (draft.id, 1, 1),
        (big_claim.id, LINES, 2),
    ]
    assert all("lines" not in c for c in body["items"])
    assert body["items"][1]["lines_url"] == f"/api/v1/claims/{big_claim.id}/lines"
    submitted = get(f"/claims?contract_id={contract.id}&status=submitted&page_size=1").get_json()
    assert (submitted["total"], [c["id"] for c in submitted["items"]]) == (1, [big_claim.id])


def test_the_list_of_claims_reads_of_their_contracts_only_the_currency_it_shows(
    app, world, db_session, contract, as_user
):
    make_result(db_session, contract, world.investee_a, participant="C-1", achieved_on=contract.valid_from)
    make_claim(db_session, contract, world.investee_a)
    statements: list[str] = []
    engine = app.extensions["fundapp.db"].engine
    event.listen(engine, "before_cursor_execute", record := lambda *args: statements.append(args[2]))
    try:
        body = as_user("officer_a")("/claims").get_json()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert body["items"] and all(c["currency"] == "EUR" for c in body["items"])
    loaded = {s.split(".")[0].split()[-1] for s in statements if s.lstrip().startswith("SELECT ")}
    assert not loaded & {"rate_items", "contract_payers", "contract_providers"}


def test_a_large_claim_answers_its_first_thousand_lines_and_all_of_them_come_a_page_at_a_time(
    db_session, big_claim, as_user
):
    get = as_user("officer_a")
    with lines_loaded() as loaded:
        claim = get(f"/claims/{big_claim.id}").get_json()
    assert len(loaded) == 1000
    assert (len(claim["lines"]), claim["lines_total"]) == (1000, LINES)
    assert claim["lines_url"] == f"/api/v1/claims/{big_claim.id}/lines"
    assert claim["lines"][1]["status"] == "rejected"
    last = get(f"/claims/{big_claim.id}/lines?page=2&page_size=1000").get_json()
    assert (last["total"], len(last["items"]), last["page_size"]) == (LINES, 200, 1000)
    every_id = [line["id"] for line in claim["lines"]] + [line["id"] for line in last["items"]]
    stored = db_session.scalars(
        select(ClaimLine.id).where(ClaimLine.claim_id == big_claim.id).order_by(ClaimLine.position)
    ).all()
    assert every_id == stored
    rejected = get(f"/claims/{big_claim.id}/lines?status=rejected").get_json()
    assert [(line["id"], line["rejection_reason"]) for line in rejected["items"]] == [
        (stored[1], "no payslip"),
        (stored[2], "no payslip"),
    ]
    assert get(f"/claims/{big_claim.id}/lines?page_size=1001").status_code == 422


def test_a_claim_of_few_lines_still_answers_all_of_them(world, db_session, contract, as_user):
    make_result(db_session, contract, world.investee_a, participant="R-1", achieved_on=contract.valid_from)
    claim = make_claim(db_session, contract, world.investee_a)
    body = as_user("member_a")(f"/claims/{claim.id}").get_json()
    assert (len(body["lines"]), body["lines_total"], body["lines"][0]["participant"]) == (1, 1, "R-1")


def test_the_lines_of_a_claim_are_refused_to_who_may_not_see_the_claim(big_claim, as_user):
    for outsider in ("manager_b", "member_b"):
        assert as_user(outsider)(f"/claims/{big_claim.id}/lines").status_code == 404, outsider


def test_deciding_on_a_line_of_a_large_claim_loads_only_that_line(client, world, db_session, big_claim, api_headers):
    line_id = db_session.scalar(
        select(ClaimLine.id).where(ClaimLine.claim_id == big_claim.id, ClaimLine.position == 1100)
    )
    headers = api_headers(world.user("officer_a"))
    with lines_loaded() as loaded:
        response = client.post(
            f"/api/v1/claims/{big_claim.id}/lines/{line_id}/reject",
            json={"reason": "left in week one"},
            headers=headers,
        )
    assert response.status_code == 200
    assert loaded.count(line_id) == 1 and len(loaded) == 1 + 1000
    assert db_session.get(ClaimLine, line_id).status == LineStatus.REJECTED


def _dutch(amount: Decimal) -> str:
    """An amount as the Dutch pages write it, without the euro sign: 1.234,56."""
    return re.escape(f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", "."))


def _rate_card(db_session, world, name: str) -> None:
    from fundapp.outcomes import contracts as services
    from tests.factories import ACTOR, ADMIN_SCOPE

    data = {"payer_id": world.payer_a.id, "name": name, "description": "", "items": [item("J", "1.00")]}
    services.create_rate_card(db_session, ACTOR, ADMIN_SCOPE, data)


# --- the pages -------------------------------------------------------------------------------------------------------


def _rows(html: str) -> list[int]:
    """The line numbers (#) of the claim's lines table on the page."""
    return [int(n) for n in re.findall(r"<tr(?: class=\"muted\")?><td>(\d+)</td><td><code>", html)]


def test_the_claim_page_shows_a_page_of_lines_and_totals_over_all_of_them(
    client, world, db_session, login_as, big_claim
):
    by_payer, approvable = _expected_totals(db_session, big_claim)
    login_as(world.user("officer_a"))
    with lines_loaded() as loaded:
        html = client.get(f"/claims/{big_claim.id}?page=3&page_size=50").get_data(as_text=True)
    assert _rows(html) == list(range(101, 151))
    assert len(loaded) == 50
    assert "Pagina 3 van 24" in html and f"{LINES} in totaal" in html
    for payer in (world.payer_a, world.payer_b):
        amount = _dutch(by_payer[str(payer.id)])
        assert re.search(
            rf"<td>{re.escape(payer.name)}</td><td class=\"utrecht-table__cell--numeric-column\">€\s{amount}</td>", html
        ), amount
    confirm = client.get(f"/claims/{big_claim.id}/approve").get_data(as_text=True)
    assert re.search(rf"€\s{_dutch(approvable)} goedkeuren\?", confirm), _dutch(approvable)


def test_the_contract_page_shows_a_page_of_its_claims_and_loads_none_of_their_lines(
    client, world, db_session, login_as, contract, big_claim
):
    for year, quarter in ((2026, 2), (2026, 3), (2026, 4), (2027, 1), (2027, 2), (2027, 3)):
        on = date(year, quarter * 3, 1)
        make_result(db_session, contract, world.investee_a, participant=f"M-{on}", achieved_on=on)
        make_claim(db_session, contract, world.investee_a, period=f"{year}-Q{quarter}")
    login_as(world.user("officer_a"))
    with lines_loaded() as loaded:
        html = client.get(f"/contracts/{contract.id}?page_size=5").get_data(as_text=True)
    assert loaded == []
    assert html.count('href="/claims/') == 5 and "Pagina 1 van 2" in html and "7 in totaal" in html
    assert f"geverifieerd: {LINES + 6}</span>" in html


def test_the_contracts_and_rate_cards_pages_show_one_page_and_say_how_many_there_are(
    client, world, db_session, login_as
):
    for n in range(7):
        make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a])
        _rate_card(db_session, world, f"Kaart {n}")
    login_as(world.user("officer_a"))
    contracts_page = client.get("/contracts?page_size=5").get_data(as_text=True)
    assert contracts_page.count('href="/contracts/') - contracts_page.count('href="/contracts/new') == 5
    assert "Pagina 1 van 2" in contracts_page and "7 in totaal" in contracts_page
    cards = client.get("/rate-cards?page=2&page_size=5").get_data(as_text=True)
    assert re.findall(r"<h2>(Kaart \d)", cards) == ["Kaart 5", "Kaart 6"]
    assert "Pagina 2 van 2" in cards


def test_an_officers_home_page_shows_the_ten_oldest_claims_awaiting_approval_and_links_to_all(
    client, world, db_session, login_as
):
    from tests.factories import make_investee

    providers = [make_investee(db_session, world.fund_a, name=f"Provider {n}") for n in range(4)]
    contract = make_contract(db_session, [(world.payer_a, "100", None)], providers)
    submitted = []
    for quarter in (1, 2, 3):
        for provider in providers:
            make_result(
                db_session, contract, provider, participant=f"R-{quarter}", achieved_on=date(2026, quarter * 3, 1)
            )
            submitted.append(make_claim(db_session, contract, provider, period=f"2026-Q{quarter}").id)
    login_as(world.user("officer_a"))
    html = client.get("/").get_data(as_text=True)
    assert re.findall(r'href="/claims/(\d+)"', html) == [str(claim_id) for claim_id in submitted[:10]]
    assert "De 10 oudste van 12 declaraties die wachten op goedkeuring." in html
    assert f'href="/claims?status=submitted&amp;payer_id={world.payer_a.id}"' in html  # the payer's own
