"""The payer's bank pages as its officer uses them: import the payer's statement, its statements, one statement
with what each transaction became, one click books an outcome payment (the claim is paid), setting aside; the
payer page and the menu lead there, and nobody but the payer's officers gets in."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from fundapp import clock
from fundapp.banking import batches
from fundapp.banking.models import BankStatement, BankTransaction, TransactionStatus
from fundapp.outcomes.models import ClaimStatus
from tests.bank_factories import Entry, camt, import_file
from tests.factories import ACTOR
from tests.web.round_trip import footprint
from tests.web.test_bank_pages import flashes, page_of

TODAY = clock.today()


@pytest.fixture()
def payment(db_session, world):
    """An approved claim paid for wholly by payer A, sent to the provider in payer A's outcome-payment batch."""
    from fundapp.auth.models import Role
    from tests.batch_factories import investee_account, payer_account
    from tests.factories import make_user
    from tests.outcome_factories import add_verified_results, make_claim, make_contract

    officer = make_user(db_session, Role.PAYER_OFFICER, world.payer_a.id)
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a])
    add_verified_results(db_session, contract, world.investee_a, 3)
    claim = make_claim(db_session, contract, world.investee_a, approve_by=[officer])
    investee_account(db_session, world.investee_a)
    account = payer_account(db_session, world.payer_a)
    (line,) = batches.create_outcome_payment_batch(db_session, ACTOR, world.payer_a, TODAY).lines
    return officer, claim, line, account


@pytest.fixture()
def officer(login_as, payment):
    return login_as(payment[0])


def statement_file(line, account, *more):
    paid = Entry(str(line.amount), direction="debit", booked=TODAY, end_to_end_id=line.end_to_end_id)
    return camt([paid, *more], account=account.iban, opening="90000.00")


def test_the_officer_imports_the_payers_statement_and_books_the_outcome_payment_with_one_click(
    db_session, world, officer, payment
):
    _officer, claim, line, account = payment
    upload = f"/payers/{world.payer_a.id}/bank-statements/upload"
    assert "De rekeningen van de uitkomstbetaler: NL86INGB0002445588" in page_of(officer.get(upload)).text
    response = officer.post(upload, data={"file": (io.BytesIO(statement_file(line, account)), "juni.xml")})
    assert response.status_code == 303
    assert flashes(officer)[-1] == (
        "Afschrift ingelezen: 1 nieuwe transacties (0 eerder ingelezen), 1 herkend, 0 om naar te kijken."
    )
    page = page_of(officer.get(response.headers["Location"]))
    assert f"Bankafschriften · {world.payer_a.name}" in page.text
    (row,) = page.body_rows(0)
    assert "resultaatbetaling" in " ".join(row) and "Toewijzen aan een lening" not in " ".join(row)
    tx = db_session.scalar(select(BankTransaction))
    back = f"/payers/{world.payer_a.id}/bank-transactions"
    booked = officer.post(f"/bank-transactions/{tx.id}/book", data={"next": back})
    assert (booked.status_code, booked.headers["Location"]) == (303, back)
    assert flashes(officer)[-1] == "Geboekt als resultaatbetaling."
    db_session.expire_all()
    assert (claim.status, claim.paid_on, line.settled_transaction_id) == (ClaimStatus.PAID, TODAY, tx.id)
    listed = page_of(officer.get(f"/payers/{world.payer_a.id}/bank-statements"))
    (row,) = listed.body_rows(0)
    assert account.iban in " ".join(row)


def test_a_bad_file_on_the_payers_page_says_what_in_dutch_and_stores_nothing(db_session, world, officer, payment):
    before = footprint(db_session)
    response = officer.post(
        f"/payers/{world.payer_a.id}/bank-statements/upload",
        data={"file": (io.BytesIO(b"<Document>geen afschrift"), "kapot.xml")},
    )
    assert response.status_code == 422
    assert "Er is niets ingelezen" in page_of(response).text
    assert footprint(db_session) == before
    other = camt([Entry("5.00", direction="debit")])  # the fund's account, not the payer's
    refused = officer.post(
        f"/payers/{world.payer_a.id}/bank-statements/upload", data={"file": (io.BytesIO(other), "fonds.xml")}
    )
    assert refused.status_code == 422 and f"en dat is geen rekening van {world.payer_a.name}" in page_of(refused).text
    assert footprint(db_session) == before


def test_the_officer_sets_a_debit_aside_with_a_reason_and_the_transactions_page_shows_it(
    db_session, world, officer, payment
):
    _officer, _claim, line, account = payment
    costs = Entry("7.50", direction="debit", booked=TODAY, remittance="Kosten juni")
    import_file(db_session, world.payer_a, statement_file(line, account, costs))
    tx = db_session.scalar(select(BankTransaction).where(BankTransaction.remittance == "Kosten juni"))
    waiting = page_of(officer.get(f"/payers/{world.payer_a.id}/bank-transactions"))
    assert len(waiting.body_rows(0)) == 2
    response = officer.post(f"/bank-transactions/{tx.id}/set-aside", data={"reason": "Bankkosten"})
    assert (response.status_code, response.headers["Location"]) == (
        303,
        f"/payers/{world.payer_a.id}/bank-transactions",
    )
    rows = page_of(officer.get(f"/payers/{world.payer_a.id}/bank-transactions?status=set_aside")).body_rows(0)
    assert len(rows) == 1 and "Bankkosten" in rows[0][5]
    db_session.expire_all()
    assert db_session.get(BankTransaction, tx.id).status == TransactionStatus.SET_ASIDE


def test_the_payer_page_and_the_menu_lead_the_officer_to_the_bank_pages(db_session, world, officer, login_as):
    text = officer.get(f"/payers/{world.payer_a.id}").get_data(as_text=True)
    assert f'href="/payers/{world.payer_a.id}/bank-statements"' in text
    assert f'href="/payers/{world.payer_a.id}/bank-transactions"' in text
    home = officer.get("/").get_data(as_text=True)
    assert f'href="/payers/{world.payer_a.id}/bank-transactions"' in home
    admin_page = login_as(world.user("admin")).get(f"/payers/{world.payer_a.id}").get_data(as_text=True)
    assert "/bank-statements" not in admin_page


def test_only_the_payers_officers_see_its_statement_pages(db_session, world, client, login_as, payment):
    _officer, _claim, line, account = payment
    statement = import_file(db_session, world.payer_a, statement_file(line, account))
    tx = db_session.scalar(select(BankTransaction).where(BankTransaction.statement_id == statement.id))
    assert isinstance(statement, BankStatement)
    pages = [
        f"/payers/{world.payer_a.id}/bank-statements",
        f"/payers/{world.payer_a.id}/bank-statements/upload",
        f"/payers/{world.payer_a.id}/bank-transactions",
        f"/bank-statements/{statement.id}",
        f"/bank-transactions/{tx.id}/set-aside",
    ]
    for name in ("admin", "manager_a", "officer_b"):
        someone = login_as(world.user(name))
        assert [someone.get(page).status_code in (403, 404) for page in pages] == [True] * len(pages), name
    officer = login_as(world.user("officer_a"))
    assert [officer.get(page).status_code for page in pages] == [200] * len(pages)
