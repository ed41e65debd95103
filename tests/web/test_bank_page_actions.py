"""What a fund manager does on the bank pages: add an account and a mandate, look at what waits, assign a credit
to a loan, set one aside with a reason, and let a fund book exact matches at import."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from fundapp.banking.models import BankAccount, BankTransaction, Mandate, TransactionStatus
from fundapp.loans.models import LoanEvent
from fundapp.loans.portfolio import loan_arrears
from tests.bank_factories import Entry, camt, fund_account, import_file
from tests.integration.test_bank_matching import running_loan
from tests.web.round_trip import footprint
from tests.web.test_bank_pages import flashes, page_of

MARCH_10 = date(2026, 3, 10)


@pytest.fixture()
def manager(client, login_as, world):
    return login_as(world.user("manager_a"))


@pytest.fixture()
def loan(db_session, world):
    fund_account(db_session, world.fund_a)
    return running_loan(db_session, world.investee_a, "SIF-2026-0007")


def days_late(session, loan):
    session.expire_all()
    return loan_arrears(session, [loan.id], MARCH_10)[loan.id].days_past_due


def test_a_mistyped_iban_is_refused_on_the_page_in_dutch_and_a_good_one_is_shown_on_the_fund(
    db_session, world, manager
):
    url = f"/funds/{world.fund_a.id}/bank-accounts/new"
    before = footprint(db_session)
    refused = manager.post(url, data={"iban": "NL92ABNA0417164300", "name": "Lopend"})
    assert refused.status_code == 422
    assert "De IBAN NL92ABNA0417164300 heeft onjuiste controlecijfers" in page_of(refused).text
    assert footprint(db_session) == before
    assert manager.post(url, data={"iban": "NL91 ABNA 0417 1643 00", "name": "Lopend"}).status_code == 303
    assert flashes(manager)[-1] == "Bankrekening NL91ABNA0417164300 toegevoegd."
    assert "NL91ABNA0417164300" in page_of(manager.get(f"/funds/{world.fund_a.id}")).text
    assert db_session.scalar(select(BankAccount.fund_id).where(BankAccount.iban == "NL91ABNA0417164300"))


def test_a_mandate_recorded_on_the_page_is_listed_active_on_the_loan(db_session, world, manager, loan):
    form = {"mandate_id": "SIF-M-7", "signed_on": "2026-01-20", "iban": "NL39RABO0300065264"}
    assert manager.post(f"/loans/{loan.id}/mandates/new", data=form).status_code == 303
    rows = page_of(manager.get(f"/loans/{loan.id}")).text
    assert "SIF-M-7" in rows and "20-1-2026" in rows and "actief" in rows.lower()
    assert db_session.scalar(select(Mandate.status).where(Mandate.loan_id == loan.id)).value == "active"


def test_the_unmatched_list_shows_only_what_nothing_was_found_for(db_session, world, manager, loan):
    import_file(db_session, world.fund_a, camt([Entry("1000.00", remittance="SIF-2026-0007"), Entry("7.77")]))
    shown = page_of(manager.get(f"/funds/{world.fund_a.id}/bank-transactions?status=unmatched"))
    rows = shown.body_rows(0)
    assert len(rows) == 1 and "€ 7,77" in rows[0][3] and "niets gevonden" in rows[0][5]
    assert "Toewijzen aan een lening" in rows[0][6] and "Opzijleggen" in rows[0][6]
    everything_open = page_of(manager.get(f"/funds/{world.fund_a.id}/bank-transactions")).body_rows(0)
    assert len(everything_open) == 2


def test_an_unmatched_credit_assigned_to_a_loan_on_the_page_becomes_its_repayment_and_the_arrears_go(
    db_session, world, manager, loan
):
    import_file(db_session, world.fund_a, camt([Entry("1000.00", remittance="van de buurman")]))
    tx = db_session.scalar(select(BankTransaction))
    assert days_late(db_session, loan) == 23
    form = page_of(manager.get(f"/bank-transactions/{tx.id}/book"))
    assert "SIF-2026-0007 (actief)" in form.text
    response = manager.post(f"/bank-transactions/{tx.id}/book", data={"loan_id": str(loan.id)})
    assert response.status_code == 303
    assert flashes(manager)[-1] == "Geboekt als aflossing."
    assert days_late(db_session, loan) == 0
    tx = db_session.get(BankTransaction, tx.id)
    event = db_session.get(LoanEvent, tx.booked_event_id)
    assert (tx.status, tx.matched_by, event.loan_id) == (TransactionStatus.BOOKED, "manual", loan.id)


def test_setting_aside_asks_for_a_reason_and_keeps_it_beside_the_transaction(db_session, world, manager, loan):
    import_file(db_session, world.fund_a, camt([Entry("12.50", direction="debit", remittance="Kosten maart")]))
    tx = db_session.scalar(select(BankTransaction))
    url = f"/bank-transactions/{tx.id}/set-aside"
    assert "Opzijleggen" in page_of(manager.get(url)).text
    before = footprint(db_session)
    refused = manager.post(url, data={"reason": "  "})
    assert refused.status_code == 422
    db_session.expire_all()
    assert footprint(db_session) == before
    assert manager.post(url, data={"reason": "Bankkosten"}).status_code == 303
    assert flashes(manager)[-1] == "Transactie opzijgelegd."
    rows = page_of(manager.get(f"/funds/{world.fund_a.id}/bank-transactions?status=set_aside")).body_rows(0)
    assert len(rows) == 1 and "Bankkosten" in rows[0][5]
    assert db_session.get(BankTransaction, tx.id).status == TransactionStatus.SET_ASIDE


def test_a_fund_that_chose_so_on_its_page_has_exact_matches_booked_when_the_statement_is_uploaded(
    db_session, world, manager, loan
):
    form = {"name": world.fund_a.name, "region": "Utrecht", "creditor_id": "", "auto_book_exact_matches": "on"}
    assert manager.post(f"/funds/{world.fund_a.id}/edit", data=form).status_code == 303
    db_session.expire_all()
    assert world.fund_a.auto_book_exact_matches
    data = camt([Entry("1000.00", remittance="SIF-2026-0007 maart"), Entry("999.00", remittance="SIF-2026-0007")])
    response = manager.post(
        f"/funds/{world.fund_a.id}/bank-statements/upload", data={"file": (io.BytesIO(data), "maart.xml")}
    )
    assert response.status_code == 303
    rows = page_of(manager.get(response.headers["Location"])).body_rows(0)
    statuses = sorted(row[4] for row in rows)
    assert statuses == ["geboekt", "voorgesteld"]
    assert days_late(db_session, loan) == 0
