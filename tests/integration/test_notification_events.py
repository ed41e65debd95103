"""Events told to exactly their recipients, inside the change's own transaction: claims, results, contracts,
bank statements. Another fund's managers, another investee's members and other payers' officers hear nothing."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select

from fundapp import clock
from fundapp.auth.models import User
from fundapp.notifications.events import link, members_of, notify, recipients
from fundapp.notifications.models import Notification
from fundapp.outcomes import claims, results
from tests import bank_factories as bank
from tests.factories import ACTOR
from tests.outcome_factories import THRESHOLD, make_claim, make_contract, make_result, officer_scope


def told(session: Any, kind: str) -> list[str]:
    """Who was told of this kind, by role name of the world (sorted; twice would show twice)."""
    query = select(User.email).join(Notification, Notification.user_id == User.id).where(Notification.kind == kind)
    return sorted(session.scalars(query))


def emails(world: Any, *roles: str) -> list[str]:
    return sorted(world.user(role).email for role in roles)


def _claim(session: Any, world: Any, **kwargs: Any) -> Any:
    contract = make_contract(session, [(world.payer_a, "100", None)], [world.investee_a])
    make_result(session, contract, world.investee_a, participant="P-1", achieved_on=date(2026, 2, 1))
    return make_claim(session, contract, world.investee_a, **kwargs)


def test_a_submitted_claim_is_told_to_the_officers_of_its_payers_only(db_session, world):
    claim = _claim(db_session, world)
    assert told(db_session, "claim_submitted") == emails(world, "officer_a")
    [row] = db_session.scalars(select(Notification).where(Notification.kind == "claim_submitted"))
    assert row.link == f"/claims/{claim.id}"
    assert row.params["investee"] == "Investee A" and row.params["amount"] == "4000.00"


def test_an_approved_claim_is_told_to_the_providers_members_and_its_funds_managers(db_session, world):
    _claim(db_session, world, approve_by=[world.user("officer_a")])
    assert told(db_session, "claim_decided") == emails(world, "manager_a", "member_a")
    assert told(db_session, "claim_paid") == []


def test_a_rejected_claim_is_told_to_the_provider_side_with_the_decision(db_session, world):
    claim = _claim(db_session, world)
    officer = world.user("officer_a")
    claims.reject(db_session, officer, officer_scope(officer), claim, "Geen bewijs")
    assert told(db_session, "claim_decided") == emails(world, "manager_a", "member_a")
    rows = db_session.scalars(select(Notification.params).where(Notification.kind == "claim_decided")).all()
    assert [params["decision"] for params in rows] == ["rejected", "rejected"]


def test_a_paid_claim_is_told_to_the_provider_side_once(db_session, world):
    officer = world.user("officer_a")
    _claim(db_session, world, approve_by=[officer], pay_by=officer)
    assert told(db_session, "claim_paid") == emails(world, "manager_a", "member_a")


def test_a_rejected_result_is_told_to_the_provider_side_only(db_session, world):
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a])
    result = make_result(
        db_session, contract, world.investee_a, participant="P-9", achieved_on=date(2026, 2, 1), verify=False
    )
    results.reject(db_session, ACTOR, result, "Loonstrook ontbreekt")
    assert told(db_session, "result_rejected") == emails(world, "manager_a", "member_a")


def test_a_new_contract_invites_the_parties_that_did_not_accept_yet(db_session, world):
    make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a], activate=False)
    assert told(db_session, "contract_invitation") == emails(world, "manager_a", "member_a", "officer_a")


def test_a_statement_with_unmatched_transactions_is_told_to_the_funds_managers_only(db_session, world):
    bank.fund_account(db_session, world.fund_a)
    statement = bank.import_file(db_session, world.fund_a, bank.camt([bank.Entry("250.00", remittance="Gift")]))
    assert told(db_session, "statement_unmatched") == emails(world, "manager_a")
    [row] = db_session.scalars(select(Notification).where(Notification.kind == "statement_unmatched"))
    assert row.params["count"] == 1 and row.link == f"/bank-statements/{statement.id}"


def test_a_statement_without_unmatched_transactions_tells_no_one(db_session, world):
    bank.fund_account(db_session, world.fund_a)
    bank.import_file(db_session, world.fund_a, bank.camt([]))
    assert told(db_session, "statement_unmatched") == []


def test_telling_of_the_same_event_again_the_same_day_adds_nothing(db_session, world):
    users = recipients(db_session, members_of(world.investee_a.id))
    path = link("impact.investee_impact", investee_id=world.investee_a.id)
    day = clock.today()
    assert notify(db_session, users, "kpi_due_today", world.investee_a, path, {}, day) == 1
    assert notify(db_session, users, "kpi_due_today", world.investee_a, path, {}, day) == 0
    assert told(db_session, "kpi_due_today") == emails(world, "member_a")


def test_a_claim_that_fails_leaves_no_notification_behind(app, db_session, world, login_as):
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a])
    make_result(db_session, contract, world.investee_a, participant="P-1", achieved_on=date(2026, 2, 1))
    claim = make_claim(db_session, contract, world.investee_a, submit=False)
    client = login_as(world.user("member_a"))
    claims.submit(db_session, ACTOR, claim, THRESHOLD)  # submitted meanwhile: the page's submit must fail
    before = told(db_session, "claim_submitted")
    response = client.post(f"/claims/{claim.id}/submit")
    assert response.status_code in (303, 409)
    assert told(db_session, "claim_submitted") == before


def test_every_page_a_notification_links_to_is_a_route_of_the_app(app):
    from fundapp.notifications.events import PAGES

    adapter = app.url_map.bind("localhost")
    for endpoint, template in PAGES.items():
        names = re.findall(r"{(\w+)}", template)
        values = {name: 1 if name.endswith("_id") else "open" for name in names}
        assert link(endpoint, **values) == adapter.build(endpoint, values), endpoint
