"""The demo shows a fund as it is (issue #14): every instrument, the pipeline, co-financing and a results fund that
lends, with a journal that balances and pages that answer for its manager and its investee."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundapp import clock
from fundapp.audit import AuditEntry
from fundapp.auth.models import User
from fundapp.banking import journal, ledger
from fundapp.cofinancing.models import FinancingRound, LoanParticipation
from fundapp.funds.models import Fund
from fundapp.instruments.grant_models import Grant, GrantEventKind, GrantKind, GrantStatus
from fundapp.instruments.guarantee_models import Guarantee, GuaranteeEventKind
from fundapp.instruments.models import ConversionTerms, EquityEventKind, EquityParticipation
from fundapp.investees.models import GrowthLevelEntry, Investee, SupportEntry
from fundapp.loans.models import EventKind, Loan, LoanEvent, LoanStatus
from fundapp.outcomes.models import PaymentAssignment
from fundapp.pipeline.models import Application, ApplicationStatus

TODAY = clock.today()
INSTRUMENT_EVENTS = (
    journal.EventKind.EQUITY_PURCHASE,
    journal.EventKind.VALUATION,
    journal.EventKind.DIVIDEND,
    journal.EventKind.CONVERSION,
    journal.EventKind.GRANT_PAYMENT,
    journal.EventKind.GRANT_CLAWBACK,
    journal.EventKind.GUARANTEE_FEE,
    journal.EventKind.RECEIVABLE_PAYMENT,
)


@pytest.fixture()
def demo(app, db_session):
    from fundapp.demo import load_demo

    with app.app_context():
        return load_demo(db_session)


def _all(session, model):
    return list(session.scalars(select(model).order_by(model.id)))


def _round_with_a_loan_syndicated_by_two_funds_and_a_bank_and_repaid(db_session):
    (financing_round,) = _all(db_session, FinancingRound)
    funds = {p.fund_id for p in financing_round.participants if p.fund_id} == set(db_session.scalars(select(Fund.id)))
    assert funds and any(p.party_kind == "bank" for p in financing_round.participants)
    shares = _all(db_session, LoanParticipation)
    assert sum(p.percentage for p in shares) == Decimal("100") and len({p.loan_id for p in shares}) == 1
    loan = db_session.get(Loan, shares[0].loan_id)
    assert any(p.loan_id == loan.id for p in financing_round.participants)
    assert financing_round.on < loan.disbursement_date
    repayments = [e for e in loan.events if e.kind == EventKind.REPAYMENT]
    assert len(repayments) >= 12 and loan.outstanding_principal < loan.principal


def _equity_a_converted_and_a_running_convertible_loan(db_session):
    bought, converted = sorted(_all(db_session, EquityParticipation), key=lambda p: p.loan_id is not None)
    kinds = [e.kind for e in bought.events]
    assert kinds.count(EquityEventKind.VALUATION) == 2 and EquityEventKind.DIVIDEND in kinds
    assert all(bought.on <= e.on <= TODAY for e in bought.events)
    terms = _all(db_session, ConversionTerms)
    statuses = {db_session.get(Loan, t.loan_id).status for t in terms}
    assert statuses == {LoanStatus.CONVERTED, LoanStatus.ACTIVE}
    assert db_session.get(Loan, converted.loan_id).status == LoanStatus.CONVERTED
    assert converted.converted_principal == Decimal("80000.00") and converted.converted_interest > 0


def _a_voucher_met_a_grant_clawed_back_and_a_guarantee_with_fees_and_a_call(db_session):
    by_kind = {g.kind: g for g in _all(db_session, Grant)}
    assert by_kind[GrantKind.VOUCHER].status == GrantStatus.MET
    grant = by_kind[GrantKind.GRANT]
    assert grant.status == GrantStatus.NOT_MET and grant.clawed_back == Decimal("8000.00")
    assert {e.kind for e in grant.events} == {GrantEventKind.CLAWBACK, GrantEventKind.RECEIPT}
    (guarantee,) = _all(db_session, Guarantee)
    kinds = Counter(e.kind for e in guarantee.events)
    assert kinds[GuaranteeEventKind.CALL] == 1 and kinds[GuaranteeEventKind.FEE_PAYMENT] >= 4
    call = next(e for e in guarantee.events if e.kind == GuaranteeEventKind.CALL)
    assert call.loan.status == LoanStatus.ACTIVE and guarantee.starts_on < call.on <= TODAY


def _an_application_in_each_stage_orientation_growth_support_and_an_accepted_assignment(db_session):
    applications = _all(db_session, Application)
    assert {a.status for a in applications} == set(ApplicationStatus)
    approved = next(a for a in applications if a.status == ApplicationStatus.APPROVED)
    assert approved.loan_id is not None and len(approved.decision.votes) == 3
    assert approved.created_at.date() < approved.decision.decided_on <= TODAY
    declined = next(a for a in applications if a.status == ApplicationStatus.DECLINED)
    assert declined.decision.outcome == "declined"
    assert db_session.scalar(select(func.count()).where(Investee.orientation.is_(None))) == 0
    levels = Counter(db_session.scalars(select(GrowthLevelEntry.investee_id)))
    assert len(levels) >= 5 and max(levels.values()) >= 3
    assert len(_all(db_session, SupportEntry)) >= 5
    (assignment,) = _all(db_session, PaymentAssignment)
    accepted = [row for row in assignment.payers if row.accepted_at is not None]
    officer = db_session.scalars(select(User).where(User.email == "officer.rotterdam@fundapp.example")).one()
    assert [row.accepted_by_id for row in accepted] == [officer.id]


def test_the_demo_has_a_syndicated_round_equity_convertibles_grants_a_called_guarantee_and_the_pipeline(
    db_session, demo
):
    _round_with_a_loan_syndicated_by_two_funds_and_a_bank_and_repaid(db_session)
    _equity_a_converted_and_a_running_convertible_loan(db_session)
    _a_voucher_met_a_grant_clawed_back_and_a_guarantee_with_fees_and_a_call(db_session)
    _an_application_in_each_stage_orientation_growth_support_and_an_accepted_assignment(db_session)


def test_every_instrument_of_the_demo_is_in_the_audit_trail_and_the_journal_balances_to_the_cent(db_session, demo):
    actions = set(db_session.scalars(select(AuditEntry.action)))
    assert {
        "financing_round.created",
        "loan.participations_set",
        "equity.created",
        "equity.dividend",
        "loan.converted",
        "grant.decided",
        "guarantee.called",
        "application.decided",
        "growth_level.recorded",
        "support.recorded",
        "assignment.accepted",
    } <= actions
    seen = set()
    for fund in _all(db_session, Fund):
        made = ledger.entries(db_session, fund.id, dt.date(2000, 1, 1), TODAY)
        debit = sum((entry.total_debit for entry in made), Decimal("0"))
        assert debit == sum((entry.total_credit for entry in made), Decimal("0")) and debit > 0
        assert sum(ledger.role_balances(db_session, fund.id, TODAY).values(), Decimal("0")) == 0
        assert all(r.agrees for r in ledger.reconcile(db_session, fund.id, dt.date(2000, 1, 1), TODAY, made))
        seen |= {entry.event for entry in made}
    assert set(INSTRUMENT_EVENTS) <= seen
    assert db_session.scalar(select(func.max(LoanEvent.on))) <= TODAY


def _log_in(client, email):
    from fundapp.demo import DEMO_PASSWORD

    client.post("/logout")
    assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 303


def _failing(client, paths):
    return {path: status for path in paths if (status := client.get(path).status_code) != 200}


def test_the_demos_fund_pages_and_every_investee_and_instrument_page_answer_for_the_manager_of_both_funds(
    client, db_session, demo
):
    _log_in(client, "manager.regio@fundapp.example")
    paths = ["/consolidated/", "/financing-rounds/"]
    for fund in _all(db_session, Fund):
        base = f"/funds/{fund.id}"
        paths += [f"{base}/loans", f"{base}/revolving", f"{base}/equity", f"/reports/funds/{fund.id}", base]
    for investee in _all(db_session, Investee):
        paths += [f"/investees/{investee.id}", f"/investees/{investee.id}/loans", f"/reports/investees/{investee.id}"]
    objects = {
        "/loans": Loan,
        "/equity": EquityParticipation,
        "/grants": Grant,
        "/guarantees": Guarantee,
        "/applications": Application,
        "/financing-rounds": FinancingRound,
    }
    for prefix, model in objects.items():
        ids = list(db_session.scalars(select(model.id)))
        assert ids, f"the demo has no {model.__name__}"
        paths += [f"{prefix}/{id_}" for id_ in ids]
    assert _failing(client, paths) == {}


def test_the_demo_investees_own_pages_answer_for_their_members(client, db_session, demo):
    for name, email in (
        ("Fietsfabriek Zuid", "investee@fietsfabriek.example"),
        ("Haagse Zonnedaken", "investee@zonnedaken.example"),
    ):
        investee = db_session.scalars(select(Investee).where(Investee.name == name)).one()
        _log_in(client, email)
        own = [f"/investees/{investee.id}", f"/investees/{investee.id}/loans", "/applications"]
        for prefix, model in (("/loans", Loan), ("/equity", EquityParticipation), ("/applications", Application)):
            own += [f"{prefix}/{row.id}" for row in _all(db_session, model) if row.investee_id == investee.id]
        assert len(own) >= 5
        assert _failing(client, own) == {}
