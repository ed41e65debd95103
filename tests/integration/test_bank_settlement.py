"""The money of a batch comes back on a statement: a collected installment becomes its repayment, a paid transfer
records the disbursement, a returned direct debit undoes the repayment; each line is booked once, through
``settle_line``, whatever order the statements arrive in. End to end: batch, its file, a camt.053, import, book."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fundapp import clock
from fundapp.banking import batches, booking
from fundapp.banking.models import BankTransaction, ProposalKind, TransactionStatus
from fundapp.errors import ValidationFailed
from fundapp.loans.models import EventKind, LoanEvent, LoanInstallment, LoanStatus
from fundapp.loans.portfolio import loan_arrears
from fundapp.outcomes.models import ClaimStatus
from tests.bank_factories import Entry, camt, import_file
from tests.batch_factories import collecting_fund, investee_account, mandate
from tests.factories import ACTOR, make_investee, make_loan

TODAY = clock.today()
S = TransactionStatus


@pytest.fixture()
def collecting(db_session, world):
    """Fund A collects by direct debit: one loan whose first installment fell due ten days ago, under a mandate."""
    collecting_fund(db_session, world.fund_a)
    investee = make_investee(db_session, world.fund_a, name="Bakkerij Zoë")
    loan = make_loan(db_session, investee, disbursement_date=TODAY - timedelta(days=41), number_of_installments=12)
    mandate(db_session, loan, mandate_id="MND-ZOE")
    batch = batches.create_direct_debit_batch(db_session, ACTOR, world.fund_a, TODAY)
    (line,) = batch.lines
    assert line.end_to_end_id.encode() in batches.payment_file(db_session, batch).xml
    return loan, line


def statement(session, fund, *entries):
    """Import a camt.053 of the fund's account holding the entries; its transactions, in order."""
    imported = import_file(session, fund, camt(list(entries), opening="5000.00"))
    query = select(BankTransaction).where(BankTransaction.statement_id == imported.id).order_by(BankTransaction.id)
    return list(session.scalars(query))


def collected(line, **extra):
    return Entry(str(line.amount), booked=TODAY, end_to_end_id=line.end_to_end_id, mandate_id="MND-ZOE", **extra)


def returned(line, reason="AM04"):
    return Entry(
        str(line.amount), direction="debit", booked=TODAY, end_to_end_id=line.end_to_end_id, return_reason=reason
    )


def days_late(session, loan):
    return loan_arrears(session, [loan.id], TODAY)[loan.id].days_past_due


def repayments(session, loan, live_only=True):
    query = select(func.count()).where(LoanEvent.loan_id == loan.id, LoanEvent.kind == EventKind.REPAYMENT)
    return session.scalar(query.where(LoanEvent.reversed_at.is_(None)) if live_only else query)


def first_installment_settled(session, loan):
    query = select(LoanInstallment.settled_on).where(LoanInstallment.loan_id == loan.id, LoanInstallment.number == 1)
    return session.scalar(query) is not None


def test_a_collected_installment_is_proposed_by_its_end_to_end_id_and_booked_as_its_repayment(
    db_session, world, collecting
):
    loan, line = collecting
    assert days_late(db_session, loan) == 10
    (tx,) = statement(db_session, world.fund_a, collected(line, bank_reference="ABN-COLL-1"))
    assert (tx.status, tx.proposal_kind, tx.proposal_loan_id, tx.matched_by) == (
        S.PROPOSED,
        ProposalKind.REPAYMENT,
        loan.id,
        "end_to_end_id",
    )

    booked = booking.book(db_session, ACTOR, tx)

    event = db_session.get(LoanEvent, tx.booked_event_id)
    assert (booked.kind, event.kind, event.on, event.amount, event.reference) == (
        "repayment",
        EventKind.REPAYMENT,
        TODAY,
        line.amount,
        "ABN-COLL-1",
    )
    assert line.settled_transaction_id == tx.id
    assert first_installment_settled(db_session, loan) and days_late(db_session, loan) == 0


def test_a_fund_that_chose_so_has_its_collections_booked_at_import(db_session, world, collecting):
    loan, line = collecting
    world.fund_a.auto_book_exact_matches = True
    (tx,) = statement(db_session, world.fund_a, collected(line))
    assert tx.status == S.BOOKED and line.settled_transaction_id == tx.id
    assert repayments(db_session, loan) == 1 and days_late(db_session, loan) == 0


def test_a_returned_direct_debit_reverses_its_repayment_with_the_banks_reason_and_the_installment_is_due_again(
    db_session, world, collecting
):
    loan, line = collecting
    (credit,) = statement(db_session, world.fund_a, collected(line))
    booking.book(db_session, ACTOR, credit)
    (back,) = statement(db_session, world.fund_a, returned(line, "MD06"))
    assert (back.status, back.proposal_kind, back.proposal_event_id) == (
        S.PROPOSED,
        ProposalKind.RETURN,
        credit.booked_event_id,
    )

    booking.book(db_session, ACTOR, back)

    event = db_session.get(LoanEvent, credit.booked_event_id)
    assert event.is_reversed and "MD06" in event.reversal_reason and "refund requested" in event.reversal_reason
    assert days_late(db_session, loan) == 10 and not first_installment_settled(db_session, loan)
    assert line.settled_transaction_id == credit.id
    again = batches.create_direct_debit_batch(db_session, ACTOR, world.fund_a, TODAY)
    assert [row.end_to_end_id for row in again.lines] == [f"{line.end_to_end_id}/2"]


@pytest.mark.parametrize(
    "order", ["collection, then return", "return, then collection", "both in one", "return, collection, both again"]
)
def test_a_collection_and_its_return_book_once_whatever_order_the_statements_come_in(
    db_session, world, collecting, order
):
    loan, line = collecting
    world.fund_a.auto_book_exact_matches = True
    credit, debit = collected(line), returned(line)
    files = {
        "collection, then return": [[credit], [debit]],
        "return, then collection": [[debit], [credit]],
        "both in one": [[credit, debit]],
        "return, collection, both again": [[debit], [credit], [credit, debit]],
    }[order]
    for entries in files:
        statement(db_session, world.fund_a, *entries)
    rows = list(db_session.scalars(select(BankTransaction).order_by(BankTransaction.direction)))
    assert [(tx.direction, tx.status) for tx in rows] == [("credit", S.BOOKED), ("debit", S.BOOKED)]
    assert (repayments(db_session, loan, live_only=False), repayments(db_session, loan)) == (1, 0)
    assert line.settled_transaction_id == rows[0].id
    assert days_late(db_session, loan) == 10


def test_a_second_credit_with_a_settled_collections_id_is_left_for_a_person(db_session, world, collecting):
    loan, line = collecting
    (first,) = statement(db_session, world.fund_a, collected(line, bank_reference="ING-1"))
    booking.book(db_session, ACTOR, first)
    (second,) = statement(db_session, world.fund_a, collected(line, bank_reference="ING-2"))
    assert second.status == S.UNMATCHED
    assert repayments(db_session, loan) == 1


@pytest.mark.parametrize("amounts", [("line", "line"), ("line", "other"), ("other", "line")])
@pytest.mark.parametrize("auto_book", [False, True])
def test_two_credits_of_one_collection_in_one_statement_propose_it_once_and_leave_the_other_for_a_person(
    db_session, world, collecting, amounts, auto_book
):
    loan, line = collecting
    world.fund_a.auto_book_exact_matches = auto_book
    amount = {"line": str(line.amount), "other": str(line.amount - 5)}
    first, second = (
        Entry(amount[kind], booked=TODAY, end_to_end_id=line.end_to_end_id, bank_reference=f"ING-{n}")
        for n, kind in enumerate(amounts, start=1)
    )
    rows = statement(db_session, world.fund_a, first, second)
    proposed = S.BOOKED if auto_book else S.PROPOSED
    (chosen,) = [tx for tx in rows if tx.status == proposed]
    (other,) = [tx for tx in rows if tx is not chosen]
    assert chosen.amount == line.amount and chosen.proposal_kind == ProposalKind.REPAYMENT
    assert chosen.unmatched_reason == ""
    assert (other.status, other.proposal_kind, other.unmatched_reason) == (S.UNMATCHED, None, "collection_matched")

    if not auto_book:
        booking.book(db_session, ACTOR, chosen)
    with pytest.raises(ValidationFailed), db_session.begin_nested():
        booking.book(db_session, ACTOR, other)
    db_session.refresh(other)
    assert other.status == S.UNMATCHED and line.settled_transaction_id == chosen.id
    assert repayments(db_session, loan) == 1


@pytest.mark.parametrize("first_booked", [False, True])
def test_a_second_credit_of_one_collection_in_a_later_statement_is_left_for_a_person(
    db_session, world, collecting, first_booked
):
    loan, line = collecting
    (first,) = statement(
        db_session,
        world.fund_a,
        Entry(str(line.amount), booked=TODAY, end_to_end_id=line.end_to_end_id, bank_reference="ING-1"),
    )
    assert first.status == S.PROPOSED
    if first_booked:
        booking.book(db_session, ACTOR, first)
    (second,) = statement(
        db_session,
        world.fund_a,
        Entry(str(line.amount), booked=TODAY, end_to_end_id=line.end_to_end_id, bank_reference="ING-2"),
    )
    assert (second.status, second.proposal_kind, second.unmatched_reason) == (S.UNMATCHED, None, "collection_matched")
    if not first_booked:
        booking.book(db_session, ACTOR, first)
    assert line.settled_transaction_id == first.id
    assert repayments(db_session, loan) == 1


@pytest.fixture()
def paying_out(db_session, world):
    """Fund A pays an approved loan out by credit transfer."""
    collecting_fund(db_session, world.fund_a)
    approved = make_loan(db_session, make_investee(db_session, world.fund_a, name="Fietsenmaker"), status="approved")
    investee_account(db_session, approved.investee)
    (line,) = batches.create_disbursement_batch(db_session, ACTOR, world.fund_a, TODAY).lines
    return approved, line


def test_the_debit_of_a_disbursement_records_it_once_and_the_loan_runs(db_session, world, paying_out):
    loan, line = paying_out
    paid = Entry(
        str(line.amount),
        direction="debit",
        booked=TODAY,
        end_to_end_id=line.end_to_end_id,
        counterparty="Fietsenmaker",
        bank_reference="ABN-OUT-1",
    )
    (tx,) = statement(db_session, world.fund_a, paid)
    assert (tx.status, tx.proposal_kind, tx.proposal_loan_id) == (S.PROPOSED, ProposalKind.DISBURSEMENT, loan.id)

    booked = booking.book(db_session, ACTOR, tx)

    event = db_session.get(LoanEvent, tx.booked_event_id)
    assert (booked.kind, event.kind, event.on, event.amount, event.reference) == (
        "disbursement",
        EventKind.DISBURSEMENT,
        TODAY,
        loan.principal,
        "ABN-OUT-1",
    )
    assert loan.status == LoanStatus.ACTIVE and line.settled_transaction_id == tx.id
    statement(db_session, world.fund_a, paid)  # the same statement again
    (other,) = statement(db_session, world.fund_a, Entry(**{**paid.__dict__, "bank_reference": "ABN-OUT-2"}))
    assert other.status == S.UNMATCHED
    disbursements = select(func.count()).where(LoanEvent.loan_id == loan.id, LoanEvent.kind == EventKind.DISBURSEMENT)
    assert db_session.scalar(disbursements) == 1


def test_a_debit_of_another_amount_is_not_taken_for_the_disbursement_and_cannot_be_booked(
    db_session, world, paying_out
):
    loan, line = paying_out
    wrong = Entry(str(line.amount - 1), direction="debit", booked=TODAY, end_to_end_id=line.end_to_end_id)
    (tx,) = statement(db_session, world.fund_a, wrong)
    assert tx.status == S.UNMATCHED
    with pytest.raises(ValidationFailed), db_session.begin_nested():
        booking.book(db_session, ACTOR, tx)
    db_session.refresh(tx)
    assert (tx.status, loan.status, line.settled_transaction_id) == (S.UNMATCHED, LoanStatus.APPROVED, None)


def test_a_line_settled_with_another_amount_is_refused_in_the_readers_language(app, db_session, world, paying_out):
    from flask_babel import force_locale

    from fundapp.banking.settlement import settle_line
    from fundapp.i18n import translate

    _loan, line = paying_out
    wrong = Entry(str(line.amount - 1), direction="debit", booked=TODAY, end_to_end_id=line.end_to_end_id)
    (tx,) = statement(db_session, world.fund_a, wrong)
    with pytest.raises(ValidationFailed) as refused, db_session.begin_nested():
        settle_line(db_session, ACTOR, line, tx)
    message = refused.value.message
    assert message == (
        f"The statement shows {line.amount - 1}; the batch line {line.end_to_end_id} is for {line.amount}."
    )
    assert refused.value.details == [{"field": "amount", "message": message}]
    with app.test_request_context("/"), force_locale("nl"):
        assert translate(message) == (
            f"Het afschrift toont {line.amount - 1}; de batchregel {line.end_to_end_id} is voor {line.amount}."
        )


@pytest.fixture()
def claim_to_pay(db_session, world):
    """An approved claim paid for wholly by payer A, whose outcome-payment batch sent the money to the provider."""
    from fundapp.auth.models import Role
    from tests.batch_factories import payer_account
    from tests.factories import make_user
    from tests.outcome_factories import add_verified_results, make_claim, make_contract

    officer = make_user(db_session, Role.PAYER_OFFICER, world.payer_a.id)
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a])
    add_verified_results(db_session, contract, world.investee_a, 3)
    claim = make_claim(db_session, contract, world.investee_a, approve_by=[officer])
    investee_account(db_session, world.investee_a)
    account = payer_account(db_session, world.payer_a)
    (line,) = batches.create_outcome_payment_batch(db_session, ACTOR, world.payer_a, TODAY).lines
    return claim, line, account


def test_the_payers_statement_debit_of_an_outcome_payment_records_the_claim_paid_once(db_session, world, claim_to_pay):
    claim, line, account = claim_to_pay
    paid = Entry(
        str(line.amount), direction="debit", booked=TODAY, end_to_end_id=line.end_to_end_id, bank_reference="ING-UIT-9"
    )
    data = camt([paid], account=account.iban, opening="90000.00")
    imported = import_file(db_session, world.payer_a, data)
    (tx,) = db_session.scalars(select(BankTransaction).where(BankTransaction.statement_id == imported.id))
    assert (tx.status, tx.proposal_kind, tx.proposal_split_id) == (
        S.PROPOSED,
        ProposalKind.OUTCOME_PAYMENT,
        line.split_id,
    )

    booked = booking.book(db_session, ACTOR, tx)

    assert (booked.kind, booked.split_id, tx.status, line.settled_transaction_id) == (
        "outcome_payment",
        line.split_id,
        S.BOOKED,
        tx.id,
    )
    assert (claim.status, claim.paid_on, claim.payment_reference) == (ClaimStatus.PAID, TODAY, "ING-UIT-9")
    import_file(db_session, world.payer_a, data)  # the same statement again books nothing
    assert db_session.scalar(select(func.count()).select_from(BankTransaction)) == 1


def test_a_fund_cannot_import_the_payers_statement(db_session, world, claim_to_pay):
    from fundapp.banking.statements_import import StatementRefused

    _claim, line, account = claim_to_pay
    data = camt([Entry(str(line.amount), direction="debit", end_to_end_id=line.end_to_end_id)], account=account.iban)
    with pytest.raises(StatementRefused) as refused:
        import_file(db_session, world.fund_a, data)
    assert account.iban in refused.value.message


def test_a_payer_officer_imports_the_statement_and_books_the_outcome_payment_through_the_api(
    db_session, world, client, api_headers, claim_to_pay
):
    import io

    from fundapp.auth.models import Role
    from tests.factories import make_user

    claim, line, account = claim_to_pay
    officer = api_headers(make_user(db_session, Role.PAYER_OFFICER, world.payer_a.id))
    paid = Entry(str(line.amount), direction="debit", booked=TODAY, end_to_end_id=line.end_to_end_id)
    data = camt([paid], account=account.iban, opening="90000.00")
    url = f"/api/v1/payers/{world.payer_a.id}/bank-statements"
    admin = api_headers(world.user("admin"))
    assert client.post(url, headers=admin, data={"file": (io.BytesIO(data), "s.xml")}).status_code == 403
    imported = client.post(url, headers=officer, data={"file": (io.BytesIO(data), "s.xml")})
    assert imported.status_code == 201 and imported.get_json()["matched"] == 1
    listed = client.get(f"/api/v1/payers/{world.payer_a.id}/bank-transactions?status=proposed", headers=officer)
    (item,) = listed.get_json()["items"]
    assert item["proposal"]["kind"] == "outcome_payment" and item["end_to_end_id"] == line.end_to_end_id
    manager = api_headers(world.user("manager_a"))
    assert client.post(f"/api/v1/bank-transactions/{item['id']}/book", headers=manager).status_code in (403, 404)
    assert client.post(f"/api/v1/bank-transactions/{item['id']}/book", headers=officer).status_code == 201
    db_session.expire_all()
    assert claim.status == ClaimStatus.PAID and line.settled_transaction_id == item["id"]


def test_the_statement_page_says_why_the_second_credit_of_a_collection_was_not_proposed(
    db_session, world, login_as, collecting
):
    _loan, line = collecting
    twice = [collected(line, bank_reference=f"ING-{n}") for n in (1, 2)]
    first, _second = statement(db_session, world.fund_a, *twice)
    text = login_as(world.user("manager_a")).get(f"/bank-statements/{first.statement_id}").get_data(as_text=True)
    assert "niet voorgesteld: een andere bijschrijving op dit afschrift met hetzelfde end-to-end-id" in text
