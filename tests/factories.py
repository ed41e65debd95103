"""Factories: make_x(session, **overrides) builds a valid object through the services, as users would."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.auth.models import Role, User
from fundapp.auth.policy import Scope
from fundapp.auth.services import create_user
from fundapp.funds import services as fund_services
from fundapp.funds.models import CapitalSourceKind, Fund
from fundapp.investees import services as investee_services
from fundapp.investees.models import Investee, LabelKind, LegalForm
from fundapp.payers import services as payer_services
from fundapp.payers.models import OutcomePayer, PayerKind

PASSWORD = "correct-horse-battery"
ACTOR = audit.Actor.system("test")
ADMIN_SCOPE = Scope(user_id=0, is_admin=True)
THRESHOLD = Decimal("25000.00")  # the default dual-approval amount
_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def kvk() -> str:
    return f"{70000000 + _n():08d}"


def make_fund(session: Session, **overrides: Any) -> Fund:
    n = _n()
    data = {"name": f"Test Fund {n}", "region": "Rotterdam", "description": "", "currency": "EUR", "founded_on": None}
    data.update(overrides)
    return fund_services.create_fund(session, ACTOR, data)


def make_capital_source(session: Session, fund: Fund, **overrides: Any) -> Any:
    data = {
        "name": f"Foundation {_n()}",
        "kind": CapitalSourceKind.FOUNDATION,
        "committed": Decimal("1000000.00"),
        "paid_in": Decimal("250000.00"),
        "expected_return_percent": Decimal("2.5"),
        "term_years": 10,
        "notes": "",
    }
    data.update(overrides)
    return fund_services.add_capital_source(session, ACTOR, fund, data)


def make_investor(session: Session, fund: Fund, call: Decimal = Decimal("20000.00"), **overrides: Any) -> Any:
    """An investor of the fund (commitment 100,000.00) and its first capital call, on 2024-01-01."""
    from datetime import date

    from fundapp.capital import services as capital_services

    data = {"name": f"Investor {_n()}", "commitment": Decimal("100000.00"), **overrides}
    investor = capital_services.add_investor(session, ACTOR, fund, data)
    made = capital_services.record_call(session, ACTOR, investor, {"date": date(2024, 1, 1), "amount": call})
    return investor, made


def make_investee(session: Session, fund: Fund | None = None, **overrides: Any) -> Investee:
    fund = fund or make_fund(session)
    data = {
        "fund_id": fund.id,
        "name": f"Impact BV {_n()}",
        "kvk_number": kvk(),
        "legal_form": LegalForm.BV,
        "municipality": "Rotterdam",
        "themes": ["arbeidsparticipatie"],
        "sdgs": [8],
        "labels": [{"kind": LabelKind.PSO, "level": "trede_1", "reference": "", "valid_until": None}],
    }
    data.update(overrides)
    return investee_services.create_investee(session, ACTOR, ADMIN_SCOPE, data)


def make_payer(session: Session, **overrides: Any) -> OutcomePayer:
    data = {
        "name": f"Gemeente Test {_n()}",
        "kind": PayerKind.MUNICIPALITY,
        "region": "",
        "contact_email": "",
        "description": "",
    }
    data.update(overrides)
    return payer_services.create_payer(session, ACTOR, data)


def make_user(session: Session, role: Role | str, target_id: int | None = None, email: str | None = None) -> User:
    role = Role(role)
    email = email or f"{role.value}.{_n()}@test.example"
    return create_user(session, ACTOR, email, PASSWORD, role, target_id)


def loan_terms(**overrides: Any) -> dict[str, Any]:
    from datetime import date

    from fundapp.loans.schedule import Amortization, DayCount, Frequency

    data = {
        "principal": Decimal("10000.00"),
        "annual_rate": Decimal("6"),
        "disbursement_date": date(2024, 1, 15),
        "first_due_date": None,
        "number_of_installments": 24,
        "frequency": Frequency.MONTHLY,
        "amortization": Amortization.ANNUITY,
        "grace_periods": 0,
        "day_count": DayCount.THIRTY_360,
        "installment_multiple": Decimal("0.01"),
    }
    data.update(overrides)
    return data


def make_loan(session: Session, investee: Investee, status: str = "active", **overrides: Any) -> Any:
    """A loan through the services: draft, approved, or active (disbursed in full on its disbursement date)."""
    from fundapp.loans import services as loan_services

    terms = loan_terms(**overrides)
    loan = loan_services.create_loan(session, ACTOR, investee, {"purpose": "", "subordinated": False, **terms})
    if status in ("approved", "active"):
        loan_services.approve(session, ACTOR, loan)
    if status == "active":
        loan_services.disburse(session, ACTOR, loan, terms["disbursement_date"], terms["principal"])
    return loan


def make_plan(
    session: Session,
    investee: Investee,
    codes: tuple[str, ...] = ("LP-EMPLOYED-HEADCOUNT",),
    first_period: str = "2026-Q1",
    targets: dict[str, str] | None = None,
) -> Any:
    """An impact plan reporting quarterly with the given catalog indicators, baseline 10 and targets."""
    from sqlalchemy import select

    from fundapp.impact import plans
    from fundapp.impact.models import Indicator
    from fundapp.impact.periods import Frequency

    plan = plans.save_plan(
        session,
        ACTOR,
        investee,
        {
            "problem": "Long-term unemployment in the neighbourhood",
            "activities": "Training on the job",
            "outputs": "People in work",
            "outcomes": "Lasting jobs",
            "impact": "Fewer people on welfare",
            "frequency": Frequency.QUARTERLY,
            "first_period": first_period,
            "due_days": 30,
        },
    )
    for code in codes:
        indicator = session.scalar(select(Indicator).where(Indicator.code == code))
        item = plans.add_indicator(session, ACTOR, plan, indicator, Decimal("10"))
        for period, target in (targets or {"2026-Q1": "12"}).items():
            plans.set_target(session, ACTOR, item, period, Decimal(target))
    return plan


SECRET = "test-secret-key-that-is-long-enough-0123456789"


def filled_workbook(
    session: Session,
    investee: Investee,
    period: str = "2026-Q1",
    values: dict[str, Any] | None = None,
    participants: list[list[Any]] | None = None,
    language: str = "nl",
) -> bytes:
    """The KPI template for the investee and period, filled in as an investee would (openpyxl)."""
    from fundapp.impact import spreadsheets as sheets
    from fundapp.impact.spreadsheets.filling import fill_workbook, open_workbook, workbook_bytes
    from fundapp.impact.submissions import template_context

    context = template_context(session, investee, period, SECRET, language)
    workbook = open_workbook(sheets.build_template(context))
    values = values if values is not None else {i.code: 14 for i in context.indicators}
    fill_workbook(workbook, values=values, participants=participants or [])
    return workbook_bytes(workbook)


def make_submission(
    session: Session, investee: Investee, period: str = "2026-Q1", status: str = "draft", **fill: Any
) -> Any:
    from fundapp.documents.storage import LocalFileStore
    from fundapp.impact import spreadsheets as sheets
    from fundapp.impact import submissions as subs
    from tests.conftest import test_files_dir

    data = filled_workbook(session, investee, period, **fill)
    submission = subs.upload(session, ACTOR, investee, period, data, "kpi.xlsx", SECRET, sheets.Limits())
    LocalFileStore(test_files_dir()).put(data)  # kept as an upload keeps it, in the test app's file store
    if status in ("submitted", "approved"):
        subs.submit(session, ACTOR, submission)
    if status == "approved":
        subs.approve(session, ACTOR, submission)
    return submission


@dataclass
class World:
    """Two of everything, so each test can check that A never sees B."""

    fund_a: Fund
    fund_b: Fund
    investee_a: Investee
    investee_b: Investee
    payer_a: OutcomePayer
    payer_b: OutcomePayer
    users: dict[str, User] = field(default_factory=dict)
    loan_a: Any = None
    repayment_a: Any = None
    submission_a: Any = None
    contract_a: Any = None
    rate_card_a: Any = None
    result_a: Any = None
    claim_a: Any = None
    application_a: Any = None
    investor_a: Any = None
    call_a: Any = None

    def user(self, role: str) -> User:
        return self.users[role]


def make_world(session: Session, with_reports: bool = False) -> World:
    fund_a, fund_b = make_fund(session, name="Fund A"), make_fund(session, name="Fund B")
    make_capital_source(session, fund_a)
    make_capital_source(session, fund_b)
    investee_a = make_investee(session, fund_a, name="Investee A")
    investee_b = make_investee(session, fund_b, name="Investee B")
    payer_a, payer_b = (
        make_payer(session, name="Gemeente A"),
        make_payer(session, name="Provincie B", kind=PayerKind.PROVINCE),
    )
    world = World(fund_a, fund_b, investee_a, investee_b, payer_a, payer_b)
    from datetime import date

    from fundapp.loans import services as loan_services

    world.loan_a = make_loan(session, investee_a)
    make_loan(session, investee_b)
    world.repayment_a = loan_services.record_repayment(
        session, ACTOR, world.loan_a, date(2024, 2, 15), Decimal("443.21"), "bank 1"
    )
    world.investor_a, world.call_a = make_investor(session, fund_a, name="Investor A")
    make_investor(session, fund_b, name="Investor B")
    world.users = {
        "admin": make_user(session, Role.ADMIN),
        "manager_a": make_user(session, Role.FUND_MANAGER, fund_a.id),
        "manager_b": make_user(session, Role.FUND_MANAGER, fund_b.id),
        "officer_a": make_user(session, Role.PAYER_OFFICER, payer_a.id),
        "officer_b": make_user(session, Role.PAYER_OFFICER, payer_b.id),
        "member_a": make_user(session, Role.INVESTEE_MEMBER, investee_a.id),
        "member_b": make_user(session, Role.INVESTEE_MEMBER, investee_b.id),
    }
    from tests.pipeline_factories import make_application

    world.application_a = make_application(session, investee_a)
    make_application(session, investee_b)
    if with_reports:
        add_reports(session, world)
    session.flush()
    return world


def add_reports(session: Session, world: World) -> None:
    """Impact plans for both investees and a draft KPI report (with a participant) for investee A."""
    from datetime import date

    make_plan(session, world.investee_a)
    make_plan(session, world.investee_b)
    world.submission_a = make_submission(
        session,
        world.investee_a,
        participants=[["P-0001", date(2026, 1, 5), "bijstand", 14, 32, "LP-PLACEMENTS-STARTED", date(2026, 1, 5)]],
    )
    session.flush()


def make_contract(
    session: Session,
    payer: OutcomePayer,
    providers: list[Investee],
    reference: str | None = None,
    items: list[dict[str, Any]] | None = None,
    activate: bool = True,
    **terms: Any,
) -> Any:
    """An outcome contract of one payer (100 %) through the services, active unless asked otherwise."""
    from datetime import date

    from fundapp.demo_world import agree_and_start
    from fundapp.outcomes import contracts

    data = {
        "name": f"Werk {_n()}",
        "reference": reference or f"RF-{_n()}",
        "description": "",
        "currency": "EUR",
        "valid_from": date(2026, 1, 1),
        "valid_until": date(2027, 12, 31),
        "participant_cap": None,
        "contract_cap": Decimal("100000.00"),
        "deadweight_percent": Decimal("0"),
        "payers": [{"payer_id": payer.id, "share_percent": Decimal("100"), "commitment": None}],
        "providers": [i.id for i in providers],
        "rate_card_id": None,
        "items": items
        or [
            {"code": "JOB-START", "name": "Started paid work", "price": Decimal("1000.00")},
            {
                "code": "JOB-6M",
                "name": "Six months in paid work",
                "price": Decimal("3000.00"),
                "prerequisite": "JOB-START",
            },
        ],
        "investor_name": "",
        "investor_capital": None,
        "investor_max_return_percent": None,
    }
    data.update(terms)
    contract = contracts.create_contract(session, ACTOR, ADMIN_SCOPE, data)
    if activate:
        agree_and_start(session, ACTOR, contract)
    return contract


def add_outcomes(session: Session, world: World) -> None:
    """Payer A contracts investee A: a rate card, an active contract, a verified result and a submitted claim."""
    from datetime import date

    from fundapp.outcomes import claims, contracts, results

    world.rate_card_a = contracts.create_rate_card(
        session,
        ACTOR,
        ADMIN_SCOPE,
        {
            "payer_id": world.payer_a.id,
            "name": "Werk en inkomen",
            "description": "",
            "items": [{"code": "JOB-START", "name": "Started paid work", "price": Decimal("1000.00")}],
        },
    )
    world.contract_a = make_contract(session, world.payer_a, [world.investee_a], reference="RF-A")
    contract_b = make_contract(session, world.payer_b, [world.investee_b], reference="RF-B")
    world.users["validator_a"] = make_user(session, Role.VALIDATOR, world.contract_a.id)
    world.users["validator_b"] = make_user(session, Role.VALIDATOR, contract_b.id)
    first = results.record_result(
        session,
        ACTOR,
        world.contract_a,
        {
            "investee_id": world.investee_a.id,
            "item": "JOB-START",
            "participant": "P-0001",
            "achieved_on": date(2026, 2, 1),
            "months_on_benefit": 14,
            "evidence": "payroll",
        },
    )
    results.verify(session, ACTOR, first)
    world.claim_a = claims.compute_claim(session, ACTOR, world.contract_a, world.investee_a.id, "2026-Q1")
    claims.submit(session, ACTOR, world.claim_a, THRESHOLD)
    world.result_a = results.record_result(
        session,
        ACTOR,
        world.contract_a,
        {
            "investee_id": world.investee_a.id,
            "item": "JOB-6M",
            "participant": "P-0001",
            "achieved_on": date(2026, 8, 1),
            "months_on_benefit": 14,
            "evidence": "payroll",
        },
    )
    session.flush()
