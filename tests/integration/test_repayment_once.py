"""A repayment is booked once: the same loan, date, amount and bank reference again is refused (409, naming the
booked one), by the service and by a partial unique index; an empty reference, another loan or a reversed booking
does not count. world.loan_a has repayment_a: 443.21 on 2024-02-15, reference "bank 1".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from fundapp.errors import Conflict
from fundapp.loans import services
from fundapp.loans.models import EventKind, LoanEvent
from tests.factories import ACTOR, make_loan

BOOKED = {"date": "2024-02-15", "amount": "443.21", "reference": "bank 1"}


def _repayments(db_session, loan_id: int) -> int:
    db_session.expire_all()
    return db_session.scalar(
        select(func.count())
        .select_from(LoanEvent)
        .where(LoanEvent.loan_id == loan_id, LoanEvent.kind == EventKind.REPAYMENT)
    )


def test_the_same_repayment_again_is_refused_naming_the_booked_one(db_session, world):
    with pytest.raises(Conflict) as refused:
        services.record_repayment(db_session, ACTOR, world.loan_a, date(2024, 2, 15), Decimal("443.21"), "bank 1")
    assert refused.value.code == "duplicate_repayment"
    [detail] = refused.value.details
    assert detail["field"] == "reference"
    assert (detail["repayment_id"], detail["date"]) == (world.repayment_a.id, "2024-02-15")
    assert _repayments(db_session, world.loan_a.id) == 1


def test_the_api_answers_409_naming_the_booked_repayment_and_books_nothing(client, db_session, world, api_headers):
    headers = api_headers(world.user("manager_a"))
    response = client.post(f"/api/v1/loans/{world.loan_a.id}/repayments", json=BOOKED, headers=headers)
    assert response.status_code == 409, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "duplicate_repayment"
    assert error["details"][0]["repayment_id"] == world.repayment_a.id
    assert error["details"][0]["date"] == "2024-02-15"
    assert _repayments(db_session, world.loan_a.id) == 1


def test_the_repayment_form_shows_the_double_booking_beside_the_reference(client, db_session, world, login_as):
    login_as(world.user("manager_a"))
    client.set_cookie("fundapp_lang", "en")
    form = {**BOOKED, "prepayment": "lower_installments"}
    response = client.post(f"/loans/{world.loan_a.id}/repay", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="f-reference-error"' in html and "Already booked on this loan with this date and amount" in html
    assert _repayments(db_session, world.loan_a.id) == 1


@pytest.mark.parametrize(
    ("on", "amount", "reference"),
    [
        (date(2024, 2, 16), "443.21", "bank 1"),
        (date(2024, 2, 15), "443.22", "bank 1"),
        (date(2024, 2, 15), "443.21", "bank 1b"),
    ],
)
def test_a_repayment_differing_in_date_amount_or_reference_is_booked(db_session, world, on, amount, reference):
    services.record_repayment(db_session, ACTOR, world.loan_a, on, Decimal(amount), reference)
    assert _repayments(db_session, world.loan_a.id) == 2


def test_repayments_without_a_bank_reference_are_not_taken_for_double_bookings(db_session, world):
    for _ in range(2):
        services.record_repayment(db_session, ACTOR, world.loan_a, date(2024, 3, 15), Decimal("100.00"), "")
    assert _repayments(db_session, world.loan_a.id) == 3


def test_the_same_bank_reference_on_another_loan_is_booked(db_session, world):
    other = make_loan(db_session, world.investee_a)
    services.record_repayment(db_session, ACTOR, other, date(2024, 2, 15), Decimal("443.21"), "bank 1")
    assert _repayments(db_session, other.id) == 1


def test_a_reversed_repayment_can_be_booked_again(db_session, world):
    services.reverse_event(db_session, ACTOR, world.repayment_a, "booked on the wrong loan first")
    again = services.record_repayment(db_session, ACTOR, world.loan_a, date(2024, 2, 15), Decimal("443.21"), "bank 1")
    assert again.id != world.repayment_a.id and not again.is_reversed
    assert _repayments(db_session, world.loan_a.id) == 2


def test_the_database_itself_refuses_a_second_live_booking(db_session, world):
    """The unique index holds even for a writer that skips the service's check (or races it)."""
    booked = world.repayment_a
    copy = LoanEvent(
        loan_id=booked.loan_id,
        fund_id=booked.fund_id,
        kind=EventKind.REPAYMENT,
        on=booked.on,
        amount=booked.amount,
        reference=booked.reference,
    )
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.add(copy)
        db_session.flush()


def test_upgrading_a_database_with_double_bookings_stops_and_names_them(db_session, world):
    """Migration 0011 cannot build its index over double bookings: it says which ones to reverse first."""
    import importlib.util

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from fundapp.config import ROOT

    [path] = (ROOT / "migrations" / "versions").glob("*_0011_*.py")
    spec = importlib.util.spec_from_file_location("migration_0011", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    connection = db_session.connection()
    connection.execute(text("DROP INDEX uq_loan_events_live_repayment"))
    booked = world.repayment_a
    db_session.add(
        LoanEvent(
            loan_id=booked.loan_id,
            fund_id=booked.fund_id,
            kind=EventKind.REPAYMENT,
            on=booked.on,
            amount=booked.amount,
            reference=booked.reference,
        )
    )
    db_session.flush()

    with Operations.context(MigrationContext.configure(connection)), pytest.raises(RuntimeError) as stopped:
        migration._refuse_existing_double_bookings()
    message = str(stopped.value)
    assert f"loan id {booked.loan_id}: 2 repayments on 2024-02-15 with reference 'bank 1'" in message
    assert "Reverse the extra bookings" in message
