"""Impact-linked interest: an approved report that meets the named indicator's target lowers the loan's rate."""

from datetime import date
from decimal import Decimal

from fundapp import clock
from fundapp.impact import submissions as subs
from fundapp.loans.models import EventKind
from tests.factories import ACTOR, make_loan, make_plan, make_submission


def _linked_loan(db_session, investee, points="1.5"):
    return make_loan(
        db_session,
        investee,
        disbursement_date=date(2025, 10, 1),
        number_of_installments=36,
        impact_discount_points=Decimal(points),
        impact_indicator_code="LP-EMPLOYED-HEADCOUNT",
    )


def test_a_report_meeting_the_target_lowers_the_rate_from_the_next_installment_and_records_the_saving(
    db_session, world
):
    make_plan(db_session, world.investee_a, targets={"2026-Q1": "12"})
    loan = _linked_loan(db_session, world.investee_a)
    before = sum(i.interest_due for i in loan.installments)
    submission = make_submission(db_session, world.investee_a, values={"LP-EMPLOYED-HEADCOUNT": 14}, status="submitted")
    subs.approve(db_session, ACTOR, submission)
    db_session.refresh(loan)
    change = [e for e in loan.events if e.kind == EventKind.RATE_CHANGE]
    assert len(change) == 1 and Decimal(change[0].terms["annual_rate"]) == Decimal("4.5")
    assert loan.impact_discount_applied_on == clock.today() and loan.impact_discount_period == "2026-Q1"
    after = sum(i.interest_due for i in loan.installments)
    assert loan.impact_discount_saving == before - after > 0
    today = clock.today()
    # Installments due on or before the approval keep 6 %; the next one is computed at 4.5 %.
    last_before = max((i for i in loan.installments if i.due_date <= today), key=lambda i: i.number)
    balance_earlier = next(i.balance for i in loan.installments if i.number == last_before.number - 1)
    assert last_before.interest_due == (balance_earlier * Decimal("0.06") / 12).quantize(Decimal("0.01"))
    first_after = min((i for i in loan.installments if i.due_date > today), key=lambda i: i.number)
    balance_before = next(i.balance for i in loan.installments if i.number == first_after.number - 1)
    assert first_after.interest_due == (balance_before * Decimal("0.045") / 12).quantize(Decimal("0.01"))


def test_a_report_below_the_target_changes_nothing(db_session, world):
    make_plan(db_session, world.investee_a, targets={"2026-Q1": "12"})
    loan = _linked_loan(db_session, world.investee_a)
    submission = make_submission(db_session, world.investee_a, values={"LP-EMPLOYED-HEADCOUNT": 11}, status="submitted")
    subs.approve(db_session, ACTOR, submission)
    db_session.refresh(loan)
    assert loan.impact_discount_applied_on is None and loan.annual_rate == Decimal("6")
    assert not [e for e in loan.events if e.kind == EventKind.RATE_CHANGE]


def test_the_discount_is_earned_once(db_session, world):
    make_plan(db_session, world.investee_a, targets={"2026-Q1": "12", "2026-Q2": "12"})
    loan = _linked_loan(db_session, world.investee_a)
    for period in ("2026-Q1", "2026-Q2"):
        submission = make_submission(
            db_session, world.investee_a, period=period, values={"LP-EMPLOYED-HEADCOUNT": 20}, status="submitted"
        )
        subs.approve(db_session, ACTOR, submission)
    db_session.refresh(loan)
    assert len([e for e in loan.events if e.kind == EventKind.RATE_CHANGE]) == 1
