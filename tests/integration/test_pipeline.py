"""The pipeline's rules: stages through one transition function, the committee's decision, maker-checker."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundapp import clock
from fundapp.audit import AuditEntry
from fundapp.errors import Conflict, InvalidTransition, ValidationFailed
from fundapp.loans import services as loan_services
from fundapp.loans.models import LoanEvent
from fundapp.pipeline import services
from fundapp.pipeline.models import ApplicationStatus, Vote
from tests.factories import ACTOR
from tests.pipeline_factories import decide, make_application


def _audit_count(db_session):
    return db_session.scalar(select(func.count()).select_from(AuditEntry))


def test_an_application_moves_from_intake_through_due_diligence_to_the_committee_and_is_approved(db_session, world):
    application = make_application(db_session, world.investee_a)
    assert application.status == ApplicationStatus.INTAKE
    services.move(db_session, ACTOR, application, "start_due_diligence")
    services.move(db_session, ACTOR, application, "refer_to_committee")
    decision = decide(db_session, application)
    assert application.status == ApplicationStatus.APPROVED
    assert [(v.member, v.vote) for v in decision.votes][2] == ("C. Jansen", Vote.AGAINST)
    actions = db_session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity_type == "Application", AuditEntry.entity_id == str(application.id))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == [
        "application.created",
        "application.start_due_diligence",
        "application.refer_to_committee",
        "application.decided",
    ]


@pytest.mark.parametrize("stage", ["intake", "due_diligence", "investment_committee"])
def test_an_open_application_can_be_declined_at_any_stage(db_session, world, stage):
    application = make_application(db_session, world.investee_a, stage)
    services.move(db_session, ACTOR, application, "decline")
    assert application.status == ApplicationStatus.DECLINED


@pytest.mark.parametrize(
    ("stage", "action"),
    [
        ("intake", "refer_to_committee"),
        ("due_diligence", "start_due_diligence"),
        ("approved", "decline"),
        ("declined", "start_due_diligence"),
    ],
)
def test_a_step_the_stage_does_not_allow_is_refused(db_session, world, stage, action):
    application = make_application(db_session, world.investee_a, stage)
    with pytest.raises(InvalidTransition):
        services.move(db_session, ACTOR, application, action)
    assert application.status == ApplicationStatus(stage)


def test_only_the_committee_approves_an_application(db_session, world):
    application = make_application(db_session, world.investee_a, "investment_committee")
    with pytest.raises(ValidationFailed):
        services.move(db_session, ACTOR, application, "approve")
    early = make_application(db_session, world.investee_a, "due_diligence")
    with pytest.raises(InvalidTransition):
        decide(db_session, early)
    assert application.status == ApplicationStatus.INVESTMENT_COMMITTEE


@pytest.mark.parametrize(
    ("outcome", "votes"),
    [
        ("approved", [("Anna", Vote.FOR), ("Bram", Vote.AGAINST)]),  # a tie does not approve
        ("approved", [("Anna", Vote.FOR), ("Bram", Vote.AGAINST), ("Cas", Vote.AGAINST)]),
        ("declined", [("Anna", Vote.FOR), ("Bram", Vote.FOR), ("Cas", Vote.ABSTAIN)]),
    ],
)
def test_an_outcome_that_contradicts_the_votes_is_refused_and_nothing_changes(db_session, world, outcome, votes):
    application = make_application(db_session, world.investee_a, "investment_committee")
    before = _audit_count(db_session)
    with pytest.raises(ValidationFailed) as refused:
        decide(db_session, application, outcome, [{"member": m, "vote": v} for m, v in votes])
    assert refused.value.details[0]["field"] == "outcome"
    assert application.status == ApplicationStatus.INVESTMENT_COMMITTEE
    assert application.decision is None
    assert _audit_count(db_session) == before


def test_a_committee_needs_two_members_each_present_once(db_session, world):
    application = make_application(db_session, world.investee_a, "investment_committee")
    with pytest.raises(ValidationFailed, match="two members"):
        decide(db_session, application, "approved", [{"member": "Anna", "vote": Vote.FOR}])
    twice = [{"member": "Anna", "vote": Vote.FOR}, {"member": "anna", "vote": Vote.FOR}]
    with pytest.raises(ValidationFailed, match="once"):
        decide(db_session, application, "approved", twice)


def test_a_tie_declines_with_the_votes_recorded(db_session, world):
    application = make_application(db_session, world.investee_a, "investment_committee")
    decide(
        db_session,
        application,
        "declined",
        [{"member": "Anna", "vote": Vote.FOR}, {"member": "Bram", "vote": Vote.AGAINST}],
    )
    assert application.status == ApplicationStatus.DECLINED


def test_an_instrument_follows_only_from_an_approved_application_and_only_once(db_session, world):
    from fundapp.pipeline import instruments

    application = make_application(db_session, world.investee_a, "approved")
    data = {"purpose": "", "subordinated": False, **_terms("10000.00")}
    loan = instruments.make_instrument(db_session, ACTOR, application, data)
    assert application.loan_id == loan.id
    with pytest.raises(Conflict):
        instruments.make_instrument(db_session, ACTOR, application, data)
    with pytest.raises(Conflict):
        instruments.check_may_follow(make_application(db_session, world.investee_a, "investment_committee"))


# --- maker-checker --------------------------------------------------------------------------------------------


def _approved_loan_by(db_session, world, maker, principal="10000.00"):
    data = {"purpose": "", "subordinated": False, **_terms(principal)}
    loan = loan_services.create_loan(db_session, maker, world.investee_a, data)
    loan_services.approve(db_session, ACTOR, loan)
    return loan


def _terms(principal):
    from tests.factories import loan_terms

    return loan_terms(principal=Decimal(principal), disbursement_date=date(2026, 1, 15))


def test_a_loan_remembers_who_created_it(db_session, world):
    maker = world.user("manager_a")
    loan = _approved_loan_by(db_session, world, maker)
    assert loan.created_by_id == maker.id


def test_the_maker_of_a_loan_may_not_disburse_it_above_the_funds_threshold_and_nothing_changes(db_session, world):
    maker = world.user("manager_a")
    world.fund_a.disbursement_threshold = Decimal("5000.00")
    loan = _approved_loan_by(db_session, world, maker)
    before = _audit_count(db_session)
    with pytest.raises(Conflict, match="second person") as refused:
        loan_services.disburse(db_session, maker, loan, date(2026, 1, 15), Decimal("10000.00"))
    assert refused.value.code == "second_person_needed"
    assert loan.disbursed == 0
    assert db_session.scalar(select(func.count()).select_from(LoanEvent).where(LoanEvent.loan_id == loan.id)) == 0
    assert _audit_count(db_session) == before


def test_another_manager_of_the_fund_may_disburse_above_the_threshold(db_session, world):
    from fundapp.auth.models import Role
    from tests.factories import make_user

    maker = world.user("manager_a")
    checker = make_user(db_session, Role.FUND_MANAGER, world.fund_a.id)
    world.fund_a.disbursement_threshold = Decimal("5000.00")
    loan = _approved_loan_by(db_session, world, maker)
    loan_services.disburse(db_session, checker, loan, date(2026, 1, 15), Decimal("10000.00"))
    assert loan.disbursed == Decimal("10000.00")


def test_the_maker_may_disburse_up_to_the_threshold_and_tranches_count_together(db_session, world):
    maker = world.user("manager_a")
    world.fund_a.disbursement_threshold = Decimal("5000.00")
    loan = _approved_loan_by(db_session, world, maker)
    loan_services.disburse(db_session, maker, loan, date(2026, 1, 15), Decimal("5000.00"))
    with pytest.raises(Conflict):
        loan_services.disburse(db_session, maker, loan, date(2026, 1, 20), Decimal("0.01"))
    assert loan.disbursed == Decimal("5000.00")


def test_without_a_threshold_the_maker_disburses_alone(db_session, world):
    maker = world.user("manager_a")
    assert world.fund_a.disbursement_threshold is None
    loan = _approved_loan_by(db_session, world, maker)
    loan_services.disburse(db_session, maker, loan, date(2026, 1, 15), Decimal("10000.00"))
    assert loan.disbursed == Decimal("10000.00")


def test_the_maker_may_not_put_the_loan_in_a_disbursement_batch_above_the_threshold(db_session, world):
    from fundapp.banking import batches
    from fundapp.banking.models import PaymentBatch
    from tests.batch_factories import collecting_fund, investee_account

    maker = world.user("manager_a")
    world.fund_a.disbursement_threshold = Decimal("5000.00")
    collecting_fund(db_session, world.fund_a)
    investee_account(db_session, world.investee_a)
    _approved_loan_by(db_session, world, maker)
    with pytest.raises(Conflict, match="second person"):
        batches.create_disbursement_batch(db_session, maker, world.fund_a, clock.today())
    assert db_session.scalar(select(func.count()).select_from(PaymentBatch)) == 0
