"""Payment batches on the database: what goes in, FRST/RCUR, nothing twice, cancelling, the file, settling."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from lxml import etree
from sqlalchemy import select

from fundapp import clock
from fundapp.banking import batch_queries, batches, sepa
from fundapp.banking.models import BatchKind, BatchStatus, Mandate, MandateStatus, PaymentLine
from fundapp.banking.settlement import settle_line
from fundapp.errors import Conflict, InvalidTransition, ValidationFailed
from fundapp.loans import services as loan_services
from fundapp.loans.models import LoanInstallment, LoanStatus
from fundapp.outcomes.models import ClaimStatus
from tests.batch_factories import collecting_fund, investee_account, mandate, payer_account, statement_transaction
from tests.factories import ACTOR, make_investee, make_loan

TODAY = clock.today()
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}


def _monthly_loan(session, fund, name, months_ago=4, **terms):
    """A loan disbursed ``months_ago`` months back: that many installments are due by today."""
    start = TODAY.replace(day=1) - timedelta(days=31 * months_ago)
    investee = make_investee(session, fund, name=name)
    return make_loan(session, investee, disbursement_date=start, number_of_installments=12, **terms)


def _transactions(xml: bytes) -> list[tuple[str, str, str]]:
    document = sepa.validate(xml, sepa.DIRECT_DEBIT_SCHEMA)
    return [
        (
            block.findtext("p:PmtTpInf/p:SeqTp", namespaces=NS),
            tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS),
            tx.findtext("p:InstdAmt", namespaces=NS),
        )
        for block in document.iterfind(".//p:PmtInf", NS)
        for tx in block.iterfind("p:DrctDbtTxInf", NS)
    ]


@pytest.fixture()
def fund_with_mandates(db_session, world):
    collecting_fund(db_session, world.fund_a)
    first = _monthly_loan(db_session, world.fund_a, "Bakkerij Zoë")
    second = _monthly_loan(db_session, world.fund_a, "Fietsenmaker", months_ago=2)
    without = _monthly_loan(db_session, world.fund_a, "Zonder machtiging")
    revoked = _monthly_loan(db_session, world.fund_a, "Ingetrokken")
    mandate(db_session, first)
    used = mandate(db_session, second, first_collected_on=TODAY - timedelta(days=40))
    mandate(db_session, revoked, status=MandateStatus.REVOKED)
    return world.fund_a, first, second, without, used


def _unpaid(session, loan):
    return [
        i.number
        for i in session.scalars(select(LoanInstallment).where(LoanInstallment.loan_id == loan.id))
        if i.due_date <= TODAY and i.settled_on is None
    ]


def test_a_direct_debit_collects_every_due_unpaid_installment_of_loans_with_an_active_mandate(
    db_session, fund_with_mandates
):
    fund, first, second, _without, _used = fund_with_mandates
    loan_services.record_repayment(db_session, ACTOR, first, first.installments[0].due_date, Decimal("500.00"), "b1")
    expected = {(first.reference, n) for n in _unpaid(db_session, first)} | {
        (second.reference, n) for n in _unpaid(db_session, second)
    }

    batch = batches.create_direct_debit_batch(db_session, ACTOR, fund, TODAY)

    assert {(line.loan_id, line.installment_number) for line in batch.lines} == {
        (first.id if ref == first.reference else second.id, n) for ref, n in expected
    }
    assert {line.end_to_end_id for line in batch.lines} == {f"{ref}-{n}" for ref, n in expected}
    assert batch.total == sum(line.amount for line in batch.lines) and batch.transactions == len(expected)
    # The partly paid first installment is collected for what is left of it, not in full.
    one = next(line for line in batch.lines if line.loan_id == first.id and line.installment_number == 1)
    installment = first.installments[0]
    assert one.amount == installment.total_due - installment.total_paid < installment.total_due
    # FRST for the earliest installment of a mandate never collected from; RCUR for the rest and the used mandate.
    sequences = {(line.loan_id, line.installment_number): line.sequence for line in batch.lines}
    first_numbers = sorted(n for (loan_id, n) in sequences if loan_id == first.id)
    assert [sequences[(first.id, n)] for n in first_numbers] == ["FRST"] + ["RCUR"] * (len(first_numbers) - 1)
    assert {sequences[key] for key in sequences if key[0] == second.id} == {"RCUR"}
    file = batches.payment_file(db_session, batch)
    assert sorted(_transactions(file.xml)) == sorted(
        (line.sequence, line.end_to_end_id, f"{line.amount:.2f}") for line in batch.lines
    )
    assert batch.status == BatchStatus.DOWNLOADED
    db_session.flush()
    db_session.expire_all()
    assert batches.payment_file(db_session, batch).xml == file.xml, "the file is built again to the same bytes"


def test_a_mandate_records_its_first_collection_and_a_cancelled_batch_releases_it(db_session, fund_with_mandates):
    fund, first, _second, _without, used = fund_with_mandates
    fresh = db_session.scalar(select(Mandate).where(Mandate.loan_id == first.id))
    before_used = used.first_collected_on

    batch = batches.create_direct_debit_batch(db_session, ACTOR, fund, TODAY + timedelta(days=2))
    assert fresh.first_collected_on == TODAY + timedelta(days=2)
    assert used.first_collected_on == before_used

    batches.cancel_batch(db_session, ACTOR, batch)
    assert batch.status == BatchStatus.CANCELLED
    assert fresh.first_collected_on is None
    assert used.first_collected_on == before_used
    again = batches.create_direct_debit_batch(db_session, ACTOR, fund, TODAY + timedelta(days=3))
    assert {line.installment_number for line in again.lines if line.sequence == "FRST"} == {1}
    # The ids of the cancelled batch stay taken: the same installments are collected under "/2".
    assert {line.end_to_end_id for line in again.lines} == {f"{line.end_to_end_id}/2" for line in batch.lines}
    with pytest.raises(InvalidTransition):
        batches.payment_file(db_session, batch)


def test_an_installment_in_a_live_batch_is_not_collected_again(db_session, fund_with_mandates):
    fund, *_rest = fund_with_mandates
    batches.create_direct_debit_batch(db_session, ACTOR, fund, TODAY)
    with pytest.raises(ValidationFailed) as refused:
        batches.create_direct_debit_batch(db_session, ACTOR, fund, TODAY + timedelta(days=1))
    assert refused.value.details[0]["field"] == "collection_date"


def test_a_collection_settled_and_then_returned_is_collected_again(db_session, fund_with_mandates):
    fund, first, *_rest = fund_with_mandates
    account = collecting_fund_account(db_session, fund)
    batch = batches.create_direct_debit_batch(db_session, ACTOR, fund, TODAY)
    line = next(line for line in batch.lines if line.loan_id == first.id and line.installment_number == 1)
    credit = statement_transaction(db_session, account, line.amount, "credit", TODAY, end_to_end_id=line.end_to_end_id)

    event = settle_line(db_session, ACTOR, line, credit)

    assert event.amount == line.amount and event.on == TODAY and line.settled_transaction_id == credit.id
    assert 1 not in _unpaid(db_session, first)
    with pytest.raises(Conflict):
        settle_line(db_session, ACTOR, line, credit)
    loan_services.reverse_event(db_session, ACTOR, event, "returned by the bank: AM04")
    later = batch_queries.collections(db_session, fund.id, TODAY)
    assert [(c.line.end_to_end_id, c.installment_number) for c in later if c.loan_id == first.id] == [
        (f"{first.reference}-1", 1)
    ]
    again = batches.create_direct_debit_batch(db_session, ACTOR, fund, TODAY + timedelta(days=1))
    assert [line.end_to_end_id for line in again.lines] == [f"{first.reference}-1/2"]


def collecting_fund_account(session, fund):
    return batches.own_account(session, fund_id=fund.id)


def test_a_direct_debit_needs_a_creditor_id_an_account_and_a_date_to_come(db_session, world):
    loan = _monthly_loan(db_session, world.fund_a, "Zonder alles")
    mandate(db_session, loan)
    with pytest.raises(ValidationFailed) as refused:
        batches.create_direct_debit_batch(db_session, ACTOR, world.fund_a, TODAY)
    assert refused.value.details[0]["field"] == "creditor_id"
    world.fund_a.creditor_id = "NL50ZZZ241234560000"
    with pytest.raises(ValidationFailed) as refused:
        batches.create_direct_debit_batch(db_session, ACTOR, world.fund_a, TODAY)
    assert refused.value.details[0]["field"] == "bank_account"
    collecting_fund(db_session, world.fund_a)
    with pytest.raises(ValidationFailed) as refused:
        batches.create_direct_debit_batch(db_session, ACTOR, world.fund_a, TODAY - timedelta(days=1))
    assert refused.value.details[0]["field"] == "collection_date"
    assert batches.create_direct_debit_batch(db_session, ACTOR, world.fund_a, TODAY).transactions > 0


def test_disbursements_wait_until_paid_and_the_statement_debit_disburses_the_loan(db_session, world):
    account = collecting_fund(db_session, world.fund_a)
    paid = make_loan(db_session, make_investee(db_session, world.fund_a), status="approved")
    no_account = make_loan(db_session, make_investee(db_session, world.fund_a), status="approved")
    investee_account(db_session, paid.investee)
    assert [p.loan_id for p in batch_queries.disbursements(db_session, world.fund_a.id) if p.creditor_iban] == [paid.id]
    assert no_account.id in {p.loan_id for p in batch_queries.disbursements(db_session, world.fund_a.id)}

    batch = batches.create_disbursement_batch(db_session, ACTOR, world.fund_a, TODAY)

    assert batch.kind == BatchKind.DISBURSEMENTS and [line.loan_id for line in batch.lines] == [paid.id]
    (line,) = batch.lines
    assert line.amount == paid.principal and line.end_to_end_id == f"{paid.reference}-D"
    sepa.validate(batches.payment_file(db_session, batch).xml, sepa.CREDIT_TRANSFER_SCHEMA)
    assert paid.id not in {p.loan_id for p in batch_queries.disbursements(db_session, world.fund_a.id)}
    wrong = statement_transaction(db_session, account, line.amount - 1, "debit", TODAY)
    with pytest.raises(ValidationFailed):
        settle_line(db_session, ACTOR, line, wrong)
    debit = statement_transaction(db_session, account, line.amount, "debit", TODAY, bank_reference="ABN-77")

    event = settle_line(db_session, ACTOR, line, debit)

    assert (event.on, event.amount, event.reference) == (TODAY, paid.principal, "ABN-77")
    assert paid.status == LoanStatus.ACTIVE and paid.disbursed == paid.principal
    with pytest.raises(InvalidTransition):
        batches.cancel_batch(db_session, ACTOR, batch)


def test_a_payer_pays_its_own_part_of_approved_claims_and_the_claim_is_paid_when_every_part_is(db_session, world):
    from fundapp.auth.models import Role
    from tests.factories import make_user
    from tests.outcome_factories import add_verified_results, make_claim, make_contract

    officer_a = make_user(db_session, Role.PAYER_OFFICER, world.payer_a.id)
    contract = make_contract(db_session, [(world.payer_a, "60", None), (world.payer_b, "40", None)], [world.investee_a])
    add_verified_results(db_session, contract, world.investee_a, 3)
    claim = make_claim(db_session, contract, world.investee_a, approve_by=[officer_a])
    assert claim.status == ClaimStatus.APPROVED
    investee_account(db_session, world.investee_a)
    account_a, account_b = payer_account(db_session, world.payer_a), payer_account(db_session, world.payer_b)
    parts = {split.payer_id: split for split in claim.splits}

    batch_a = batches.create_outcome_payment_batch(db_session, ACTOR, world.payer_a, TODAY)
    batch_b = batches.create_outcome_payment_batch(db_session, ACTOR, world.payer_b, TODAY)

    (line_a,) = batch_a.lines
    (line_b,) = batch_b.lines
    assert (line_a.split_id, line_a.amount) == (parts[world.payer_a.id].id, parts[world.payer_a.id].amount)
    assert (line_b.split_id, line_b.amount) == (parts[world.payer_b.id].id, parts[world.payer_b.id].amount)
    sepa.validate(batches.payment_file(db_session, batch_a).xml, sepa.CREDIT_TRANSFER_SCHEMA)
    assert batch_queries.outcome_payments(db_session, world.payer_a.id) == []
    settle_line(db_session, ACTOR, line_a, statement_transaction(db_session, account_a, line_a.amount, "debit", TODAY))
    assert parts[world.payer_a.id].paid_on == TODAY and claim.status == ClaimStatus.APPROVED
    settle_line(db_session, ACTOR, line_b, statement_transaction(db_session, account_b, line_b.amount, "debit", TODAY))
    assert claim.status == ClaimStatus.PAID and claim.paid_on == TODAY


def test_the_group_header_counts_every_installment_collected_from_many_loans(db_session, world):
    collecting_fund(db_session, world.fund_a)
    investee = make_investee(db_session, world.fund_a)
    for _number in range(10):
        loan = make_loan(db_session, investee, disbursement_date=TODAY - timedelta(days=400))
        mandate(db_session, loan)
    batch = batches.create_direct_debit_batch(db_session, ACTOR, world.fund_a, TODAY)
    document = etree.fromstring(batches.payment_file(db_session, batch).xml)
    assert document.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == str(len(batch.lines))
    assert db_session.scalar(select(PaymentLine.id).where(PaymentLine.batch_id == batch.id)) is not None


def test_a_collection_date_on_a_day_target2_is_closed_moves_to_the_next_business_day(db_session, fund_with_mandates):
    fund = fund_with_mandates[0]
    saturday = TODAY + timedelta(days=(5 - TODAY.weekday()) % 7 or 7)
    batch = batches.create_direct_debit_batch(db_session, ACTOR, fund, saturday)
    monday = saturday + timedelta(days=2)
    assert batch.execution_date == monday
    document = sepa.validate(batches.payment_file(db_session, batch).xml, sepa.DIRECT_DEBIT_SCHEMA)
    assert {d.text for d in document.iterfind(".//p:ReqdColltnDt", NS)} == {monday.isoformat()}
