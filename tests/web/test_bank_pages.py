"""The bank's pages as people use them: the fund's accounts and settings, importing a statement, the statement with
what each transaction became, the list to look at with its one-click actions, and what an investee sees of it."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundapp.banking import services_accounts
from fundapp.banking.models import BankStatement, BankTransaction, TransactionStatus
from fundapp.loans.models import LoanEvent
from tests.bank_factories import FUND_IBAN, Entry, camt, fund_account, import_file, investee_account
from tests.factories import ACTOR
from tests.web.round_trip import footprint
from tests.web.test_loan_pages import Page


def page_of(response) -> Page:
    return Page(response.get_data(as_text=True))


@pytest.fixture()
def manager(client, login_as, world):
    return login_as(world.user("manager_a"))


@pytest.fixture()
def account(db_session, world):
    return fund_account(db_session, world.fund_a)


def flashes(client):
    with client.session_transaction() as session:
        return [message for _kind, message in session.get("_flashes", [])]


def test_the_fund_page_shows_its_accounts_creditor_id_and_how_matches_are_booked(db_session, world, manager, account):
    world.fund_a.creditor_id = "NL50ZZZ241234560000"
    db_session.flush()
    text = page_of(manager.get(f"/funds/{world.fund_a.id}")).text
    assert "NL91ABNA0417164300" in text and "NL50ZZZ241234560000" in text
    assert "voorgesteld, met één klik geboekt" in text


def test_a_statement_is_imported_on_its_page_and_shown_with_what_each_transaction_became(
    db_session, world, manager, account
):
    data = camt([Entry("443.21", remittance="Aflossing L2024-0001"), Entry("10.50", direction="debit")])
    response = manager.post(
        f"/funds/{world.fund_a.id}/bank-statements/upload", data={"file": (io.BytesIO(data), "maart.xml")}
    )
    assert response.status_code == 303
    assert flashes(manager)[-1] == (
        "Afschrift ingelezen: 2 nieuwe transacties (0 eerder ingelezen), 1 herkend, 1 om naar te kijken."
    )
    page = page_of(manager.get(response.headers["Location"]))
    rows = page.body_rows(0)
    assert any("aflossing op L2024-0001" in " ".join(row) for row in rows)
    assert any("niets gevonden" in " ".join(row) for row in rows)


def test_a_bad_file_on_the_page_says_what_and_where_in_dutch_and_stores_nothing(db_session, world, manager, account):
    before = footprint(db_session)
    bad = b":20:X\n:25:NL91ABNA0417164300\n:28C:1\n:60F:C260301EUR0,00\n:61:26130201C5,00NTRF\n:62F:C260302EUR5,00\n-"
    response = manager.post(
        f"/funds/{world.fund_a.id}/bank-statements/upload", data={"file": (io.BytesIO(bad), "kapot.sta")}
    )
    assert response.status_code == 422
    text = page_of(response).text
    assert "Er is niets ingelezen" in text and "Regel 5" in text
    assert footprint(db_session) == before


def test_a_statement_that_does_not_reconcile_shows_the_warning_on_its_page(db_session, world, manager, account):
    statement = import_file(db_session, world.fund_a, camt([Entry("5.00")], closing="1010.00"))
    text = page_of(manager.get(f"/bank-statements/{statement.id}")).text
    assert "sluiten niet aan" in text and "1010.00" in text


def test_one_click_books_a_proposal_and_the_loan_is_no_longer_as_late(db_session, world, manager, account):
    import_file(db_session, world.fund_a, camt([Entry("443.21", remittance="L2024-0001", booked=date(2024, 3, 15))]))
    tx = db_session.scalar(select(BankTransaction))
    listed = manager.get(f"/funds/{world.fund_a.id}/bank-transactions")
    assert f'action="/bank-transactions/{tx.id}/book"' in listed.get_data(as_text=True)
    back = f"/funds/{world.fund_a.id}/bank-transactions"
    response = manager.post(f"/bank-transactions/{tx.id}/book", data={"next": back})
    assert (response.status_code, response.headers["Location"]) == (303, back)
    db_session.expire_all()
    event = db_session.get(LoanEvent, db_session.get(BankTransaction, tx.id).booked_event_id)
    assert (event.loan_id, event.on, event.amount) == (world.loan_a.id, date(2024, 3, 15), Decimal("443.21"))
    text = page_of(manager.get(f"/loans/{world.loan_a.id}")).text
    assert "Ontvangen via de bank" in text


def test_booking_on_a_loan_that_cannot_take_it_is_shown_beside_the_loan_and_nothing_is_booked(
    db_session, world, manager, account
):
    from tests.factories import make_loan

    draft = make_loan(db_session, world.investee_a, status="draft")
    import_file(db_session, world.fund_a, camt([Entry("100.00", remittance="?")]))
    tx = db_session.scalar(select(BankTransaction))
    before = footprint(db_session)
    response = manager.post(f"/bank-transactions/{tx.id}/book", data={"loan_id": str(draft.id)})
    assert response.status_code == 422
    assert "Aflossingen kunnen alleen worden geboekt bij een actieve lening." in page_of(response).text
    db_session.expire_all()
    assert footprint(db_session) == before
    assert db_session.get(BankTransaction, tx.id).status == TransactionStatus.UNMATCHED


def test_an_investee_sees_its_mandates_and_what_was_collected_but_cannot_change_them(
    db_session, world, client, login_as, account
):
    from fundapp.banking import booking

    mandate = {"mandate_id": "SIF-A-1", "signed_on": date(2024, 1, 10), "iban": "NL39RABO0300065264"}
    made = services_accounts.add_mandate(db_session, ACTOR, world.loan_a, mandate)
    import_file(db_session, world.fund_a, camt([Entry("443.21", remittance="L2024-0001", booked=date(2024, 3, 15))]))
    booking.book(db_session, ACTOR, db_session.scalar(select(BankTransaction)))
    db_session.flush()
    member = login_as(world.user("member_a"))
    response = member.get(f"/loans/{world.loan_a.id}")
    html = response.get_data(as_text=True)
    assert "SIF-A-1" in html and "NL39RABO0300065264" in html
    assert "€ 443,21" in page_of(response).tables[2][1][2]
    assert f"/mandates/{made.id}/revoke" not in html and "/mandates/new" not in html
    assert member.get(f"/mandates/{made.id}/revoke").status_code == 403


def test_a_manager_revokes_a_mandate_after_confirming(db_session, world, manager):
    mandate = {"mandate_id": "SIF-A-1", "signed_on": date(2024, 1, 10), "iban": "NL39RABO0300065264"}
    made = services_accounts.add_mandate(db_session, ACTOR, world.loan_a, mandate)
    db_session.flush()
    question = manager.get(f"/mandates/{made.id}/revoke")
    assert "Machtiging SIF-A-1 intrekken, getekend op 10 januari 2024" in page_of(question).text
    assert manager.post(f"/mandates/{made.id}/revoke").status_code == 303
    db_session.expire_all()
    assert made.status.value == "revoked"


def test_an_investees_accounts_are_shown_to_its_members_not_to_a_payer(db_session, world, login_as):
    from tests.factories import add_outcomes

    add_outcomes(db_session, world)
    investee_account(db_session, world.investee_a)
    db_session.flush()
    member = login_as(world.user("member_a"))
    assert "NL39RABO0300065264" in member.get(f"/investees/{world.investee_a.id}").get_data(as_text=True)
    officer = login_as(world.user("officer_a"))
    shown = officer.get(f"/investees/{world.investee_a.id}")
    assert shown.status_code == 200 and "NL39RABO0300065264" not in shown.get_data(as_text=True)


def test_the_statements_list_counts_what_is_booked_and_what_waits(db_session, world, manager, account):
    import_file(db_session, world.fund_a, camt([Entry("443.21", remittance="L2024-0001"), Entry("1.00")]))
    rows = page_of(manager.get(f"/funds/{world.fund_a.id}/bank-statements")).body_rows(0)
    assert [row[4:8] for row in rows] == [["2", "2", "0", "2"]]
    assert db_session.scalar(select(BankStatement.format)) == "camt.053"
    assert FUND_IBAN in rows[0][1]
