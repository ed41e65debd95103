"""Demo data for a fund as it is (issue #14): a financing round with a syndicated loan, equity, convertible loans,
grants, a guarantee, the pipeline, orientation, growth levels and support, and a results fund that lends.

Built after ``demo_world`` (its loans and outcome contract exist), through the services, so that the audit trail
and the journal are the ones a fund manager's own work would leave. Dates count back from today; every event
comes after its instrument and none lies in the future.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp import audit, clock
from fundapp.auth.policy import Scope
from fundapp.loans.schedule import Amortization, DayCount, Frequency, add_periods

ACTOR = audit.Actor.system("demo")
D = Decimal
ADMIN = Scope(user_id=0, is_admin=True)
MAASBANK = "Coöperatieve Maasbank"


def _ago(months: int, days: int = 0) -> date:
    today = clock.today()
    return add_periods(today.replace(day=min(today.day, 28)), -months, Frequency.MONTHLY) - timedelta(days=days)


def _loan(session: Session, investee: Any, principal: str, rate: str, start: date, **terms: Any) -> Any:
    """A loan approved and disbursed in full on ``start``."""
    from fundapp.loans import services

    data = {
        "principal": D(principal),
        "annual_rate": D(rate),
        "disbursement_date": start,
        "first_due_date": None,
        "number_of_installments": 60,
        "frequency": Frequency.MONTHLY,
        "amortization": Amortization.ANNUITY,
        "grace_periods": 0,
        "day_count": DayCount.THIRTY_360,
        "installment_multiple": D("0.01"),
        "purpose": "",
        "subordinated": False,
    }
    participations = terms.pop("participations", None)
    loan = services.create_loan(session, ACTOR, investee, data | terms)
    if participations:
        from fundapp.cofinancing import services as cofinancing

        cofinancing.set_participations(session, ACTOR, loan, participations)
    services.approve(session, ACTOR, loan)
    services.disburse(session, ACTOR, loan, start, D(principal), "disbursement")
    return loan


def _pay_due(session: Session, loan: Any, until: date) -> None:
    """Each installment due on or before ``until`` paid in full on its due date."""
    from fundapp.loans import services

    for installment in sorted(loan.installments, key=lambda i: i.number):
        if installment.due_date > until:
            break
        amount = installment.principal_due + installment.interest_due
        services.record_repayment(session, ACTOR, loan, installment.due_date, amount, f"bank {installment.number}")
        session.refresh(loan)


def financing_round(session: Session, funds: list[Any], investees: list[Any]) -> Any:
    """Circulair Bouwhub's warehouse: one loan led by SIF Rotterdam, shared with SIF Den Haag and the bank."""
    from fundapp.cofinancing import services
    from fundapp.cofinancing.models import PartyKind

    start = _ago(18)
    shares = [
        {"fund_id": funds[0].id, "percentage": D("50")},
        {"fund_id": funds[1].id, "percentage": D("30")},
        {"party_name": MAASBANK, "party_kind": PartyKind.BANK, "percentage": D("20")},
    ]
    loan = _loan(
        session,
        investees[4],
        "300000.00",
        "5",
        start,
        purpose="A warehouse for harvested building materials (syndicated)",
        participations=shares,
    )
    _pay_due(session, loan, clock.today())
    parties = [
        {"fund_id": funds[0].id, "instrument": "loan", "amount": D("150000.00"), "loan_id": loan.id},
        {"fund_id": funds[1].id, "instrument": "loan", "amount": D("90000.00"), "loan_id": loan.id},
        {"party_name": MAASBANK, "party_kind": PartyKind.BANK, "instrument": "loan", "amount": D("60000.00")},
        {
            "party_name": "Provincie Zuid-Holland",
            "party_kind": PartyKind.PROVINCE,
            "instrument": "grant",
            "amount": D("25000.00"),
        },
    ]
    on = start - timedelta(days=30)
    data = {
        "name": f"Groeironde magazijn {on.year}",
        "on": on,
        "notes": "SIF Rotterdam leads and services the loan; the province adds a grant of its own.",
        "participants": parties,
    }
    return services.create_round(session, ACTOR, ADMIN, investees[4], data)


def equity(session: Session, investees: list[Any]) -> Any:
    """Fietsfabriek Zuid: shares bought two years ago, valued twice since, one dividend."""
    from fundapp.instruments import services
    from fundapp.instruments.models import ValuationMethod

    participation = services.create_participation(
        session,
        ACTOR,
        investees[0],
        {"date": _ago(24), "shares": 2000, "price_per_share": D("25.00"), "note": "Growth capital for a 2nd workshop"},
    )
    committee = "Investeringscommissie SIF Rotterdam"
    services.record_valuation(
        session,
        ACTOR,
        participation,
        {"date": _ago(12), "value_per_share": D("28.00"), "method": ValuationMethod.MULTIPLES, "decided_by": committee},
    )
    services.record_dividend(session, ACTOR, participation, {"date": _ago(4), "amount": D("2400.00")})
    services.record_valuation(
        session,
        ACTOR,
        participation,
        {"date": _ago(1), "value_per_share": D("31.50"), "method": ValuationMethod.DCF, "decided_by": committee},
    )
    return participation


def convertibles(session: Session, investees: list[Any]) -> list[Any]:
    """Scheveningse Netwerkers' loan converted at the qualified round; Koffiebranderij Transvaal's runs on."""
    from fundapp.instruments import conversion
    from fundapp.instruments.models import ConversionTrigger

    annual_bullet = {"number_of_installments": 3, "frequency": Frequency.ANNUAL, "amortization": Amortization.BULLET}
    converted = _loan(
        session,
        investees[8],
        "80000.00",
        "6",
        _ago(20),
        purpose="Convertible: a ghost-net washing line",
        **annual_bullet,
    )
    conversion.set_terms(
        session,
        ACTOR,
        converted,
        {"discount_percent": D("20"), "cap": D("2.50"), "trigger": ConversionTrigger.QUALIFIED_ROUND},
    )
    _pay_due(session, converted, clock.today())  # the first year's interest
    conversion.convert(session, ACTOR, converted, {"date": _ago(2), "round_price": D("3.00")})
    running = _loan(
        session, investees[9], "40000.00", "5", _ago(8), purpose="Convertible: a second roaster", **annual_bullet
    )
    conversion.set_terms(
        session,
        ACTOR,
        running,
        {
            "price_per_share": D("1.50"),
            "trigger": ConversionTrigger.MATURITY,
            "trigger_text": "Converts at maturity unless repaid",
        },
    )
    return [converted, running]


def grants_and_guarantee(session: Session, investees: list[Any]) -> list[Any]:
    """A voucher whose condition was met, a grant clawed back in part, a guarantee paid for and called once."""
    from fundapp.instruments import grants, guarantees
    from fundapp.instruments.grant_models import GrantKind

    voucher = grants.create_grant(
        session,
        ACTOR,
        investees[5],
        {
            "kind": GrantKind.VOUCHER,
            "amount": D("7500.00"),
            "paid_on": _ago(10),
            "conditions": "Two women from the language programme hired on a contract of a year",
            "period_from": _ago(10),
            "period_to": _ago(2),
        },
    )
    grants.decide(session, ACTOR, voucher, True, _ago(1), "Both contracts seen")
    grant = grants.create_grant(
        session,
        ACTOR,
        investees[6],
        {
            "kind": GrantKind.GRANT,
            "amount": D("20000.00"),
            "paid_on": _ago(14),
            "conditions": "Forty households helped out of problematic debt within a year",
            "period_from": _ago(14),
            "period_to": _ago(3),
        },
    )
    grants.decide(session, ACTOR, grant, False, _ago(2), "Twenty-four households helped")
    grants.claw_back(session, ACTOR, grant, _ago(2), D("8000.00"), "Sixty percent of the condition met")
    grants.receive(session, ACTOR, grant, _ago(0, days=20), D("3000.00"), "First instalment of the clawback")
    guarantee = guarantees.create_guarantee(
        session,
        ACTOR,
        investees[3],
        {
            "bank_name": MAASBANK,
            "bank_loan_reference": f"CMB-{_ago(24).year}-0412",
            "bank_loan_amount": D("100000.00"),
            "guaranteed_amount": D("50000.00"),
            "fee_rate": D("1.5"),
            "fee_frequency": Frequency.QUARTERLY,
            "starts_on": _ago(24),
            "expires_on": _ago(-36),
        },
    )
    for fee in guarantee.fee_schedule:
        if fee.due_date <= _ago(3):  # the last fees are still open
            guarantees.record_fee(session, ACTOR, guarantee, fee.due_date, fee.amount, f"Fee {fee.number}")
    terms = {
        "annual_rate": D("5"),
        "first_due_date": None,
        "number_of_installments": 36,
        "frequency": Frequency.MONTHLY,
        "amortization": Amortization.ANNUITY,
        "grace_periods": 3,
        "day_count": DayCount.THIRTY_360,
        "subordinated": False,
    }
    called = guarantees.call(session, ACTOR, guarantee, _ago(2), D("20000.00"), terms, "Maasbank claim")
    _pay_due(session, called.loan, clock.today())  # the receivable is serviced like a loan
    return [voucher, grant, guarantee]


def _manager_of(session: Session, fund_id: int) -> Any:
    from fundapp.auth.models import Membership, Role, User

    manager = select(Membership.user_id).where(Membership.role == Role.FUND_MANAGER, Membership.fund_id == fund_id)
    return session.scalars(select(User).where(User.id.in_(manager)).order_by(User.id).limit(1)).one()


def pipeline(session: Session, investees: list[Any]) -> list[Any]:
    """An application in each stage; the approved one made the demo's draft loan to Scheveningse Netwerkers."""
    from fundapp import audit
    from fundapp.loans.models import Loan, LoanStatus
    from fundapp.pipeline import instruments, services
    from fundapp.pipeline.models import InstrumentKind, Vote

    specs = [
        (11, InstrumentKind.LOAN, "35000.00", "intake", "Insulation of 60 homes", "Lower energy bills in Moerwijk"),
        (1, InstrumentKind.LOAN, "60000.00", "due_diligence", "A second shop in Zuid", "Ten work-experience places"),
        (7, InstrumentKind.CONVERTIBLE_LOAN, "120000.00", "investment_committee", "A second crew", "Eight jobs"),
        (8, InstrumentKind.LOAN, "50000.00", "approved", "Net-making machine", "Four jobs, 30 t of nets a year"),
        (6, InstrumentKind.EQUITY, "25000.00", "declined", "Shares in a new debt app", "Faster help for households"),
    ]
    # Received this many days ago: the further an application came, the longer ago; decided two weeks ago.
    received = {"intake": 3, "due_diligence": 20, "investment_committee": 40, "approved": 70, "declined": 60}
    steps = {"intake": 0, "due_diligence": 1, "investment_committee": 2, "approved": 2, "declined": 2}
    members = ("A. de Vries", "M. El Amrani", "J. Bakker")
    made = []
    for index, instrument, amount, stage, purpose, case in specs:
        data = {"instrument": instrument, "amount": D(amount), "purpose": purpose, "impact_case": case}
        data["created_at"] = datetime.now(UTC) - timedelta(days=received[stage])
        # The fund's own manager works the application, so its notes and moves are signed by a person.
        manager = _manager_of(session, investees[index].fund_id)
        application = services.create_application(session, manager, investees[index], data)
        services.add_note(session, manager, application, "Business plan and annual accounts received.", internal=False)
        for action in ("start_due_diligence", "refer_to_committee")[: steps[stage]]:
            services.move(session, manager, application, action)
        if stage in ("approved", "declined"):
            services.add_note(session, manager, application, "Cash flow forecast checked.", internal=True)
            vote = Vote.FOR if stage == "approved" else Vote.AGAINST
            votes = [{"member": m, "vote": vote if n < 2 else Vote.ABSTAIN} for n, m in enumerate(members)]
            decision = {
                "decided_on": clock.today() - timedelta(days=14),
                "outcome": stage,
                "conditions": "Quarterly figures to the fund" if stage == "approved" else "",
                "votes": votes,
            }
            services.record_decision(session, manager, application, decision)
        if stage == "approved":
            draft = session.scalars(
                select(Loan).where(Loan.investee_id == investees[index].id, Loan.status == LoanStatus.DRAFT)
            ).one()
            # The demo's draft loan was there before this application: linked as making it would have linked it.
            instruments.check_may_follow(application)
            application.loan_id = draft.id
            session.flush()
            audit.record(
                session,
                ACTOR,
                "application.instrument_made",
                application,
                {"instrument": [None, "loan"], "loan_id": [None, draft.id]},
            )
        made.append(application)
    return made


def orientation_growth_support(session: Session, investees: list[Any]) -> None:
    """Every investee impact-first or finance-first; levels climbing over time; the support the funds gave."""
    from fundapp.investees import services, support
    from fundapp.investees.models import GrowthLevel, Orientation, SupportKind

    finance_first = {3, 4, 7, 9}  # the BVs that pay a market return
    for index, investee in enumerate(investees):
        orientation = Orientation.FINANCE_FIRST if index in finance_first else Orientation.IMPACT_FIRST
        services.update_investee(session, ACTOR, ADMIN, investee, {"orientation": orientation})
    levels = {
        0: [(24, GrowthLevel.BASIC), (12, GrowthLevel.ADVANCED), (2, GrowthLevel.EXPERT)],
        1: [(20, GrowthLevel.BASIC), (6, GrowthLevel.ADVANCED)],
        2: [(14, GrowthLevel.BASIC)],
        4: [(18, GrowthLevel.BASIC), (5, GrowthLevel.ADVANCED)],
        7: [(16, GrowthLevel.ADVANCED), (3, GrowthLevel.EXPERT)],
        10: [(12, GrowthLevel.BASIC)],
    }
    for index, steps in levels.items():
        for months, level in steps:
            entry = {"level": level, "from_date": _ago(months), "note": "Impactpad self-assessment"}
            support.record_growth_level(session, ACTOR, investees[index], entry)
    given = [
        (0, 20, SupportKind.COACHING, "6", "Ruud Fondsbeheer", "Impact plan and theory of change"),
        (0, 9, SupportKind.NETWORK, "2", "Ruud Fondsbeheer", "Introduced to a bicycle wholesaler"),
        (1, 7, SupportKind.EXPERTISE, "12", "Volunteer accountant", "Cost price per product"),
        (3, 4, SupportKind.COACHING, "8", "Ruud Fondsbeheer", "Recovery plan after the missed installments"),
        (4, 15, SupportKind.TRAINING, "16", "Circulair Rotterdam academy", "Materials passport course"),
        (7, 5, SupportKind.NETWORK, "3", "Hanna Fondsbeheer", "Meeting with two housing corporations"),
        (10, 2, SupportKind.OTHER, "4", "Hanna Fondsbeheer", "Help with the curator after the bankruptcy"),
    ]
    for index, months, kind, hours, by, note in given:
        entry = {"given_on": _ago(months), "kind": kind, "hours": D(hours), "given_by_name": by, "note": note}
        support.record_support(session, ACTOR, investees[index], entry)


def payment_assignment(session: Session, investees: list[Any]) -> Any:
    """Schoonmaakcoöperatie Maasstad's outcome payments repay a quarter into its loan; Rotterdam's officer agreed."""
    from fundapp.auth.models import User
    from fundapp.loans.models import Loan, LoanStatus
    from fundapp.outcomes import assignments
    from fundapp.outcomes.models import OutcomeContract

    contract = session.scalars(select(OutcomeContract).where(OutcomeContract.reference == "RTM-RF-2025-01")).one()
    provider = investees[2]
    loan = session.scalars(select(Loan).where(Loan.investee_id == provider.id, Loan.status == LoanStatus.ACTIVE)).one()
    manager, officer = (
        session.scalars(select(User).where(User.email == email)).one()
        for email in ("manager.rotterdam@fundapp.example", "officer.rotterdam@fundapp.example")
    )
    data = {"investee_id": provider.id, "loan_id": loan.id, "share_percent": D("25"), "valid_from": _ago(1)}
    assignment = assignments.assign(session, manager, Scope.of_user(manager), contract, data)
    assignments.accept(session, officer, Scope.of_user(officer), contract)
    return assignment


def build(session: Session, funds: list[Any], investees: list[Any], **_world: Any) -> str:
    financing_round(session, funds, investees)
    equity(session, investees)
    convertibles(session, investees)
    grants_and_guarantee(session, investees)
    pipeline(session, investees)
    orientation_growth_support(session, investees)
    payment_assignment(session, investees)
    return (
        " A financing round with a syndicated loan, an equity participation, 2 convertible loans (1 converted),"
        " a voucher, a grant clawed back, a called guarantee, 5 applications, growth levels, support"
        " and a payment assignment."
    )
