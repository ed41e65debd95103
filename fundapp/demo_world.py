"""Demo data beyond the foundation: loans with repayments, impact plans and KPI reports, an outcome contract
with results and claims, built after the foundation's demo data; everything goes through the services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fundapp import audit, clock

ACTOR = audit.Actor.system("demo")


def _admin_scope() -> Any:
    from fundapp.auth.policy import Scope

    return Scope(user_id=0, is_admin=True)


def agree_and_start(session: Session, actor: audit.Who, contract: Any) -> Any:
    """Every named payer and provider accepts the draft contract, then it starts (the demo plays every party)."""
    from fundapp.outcomes import contracts

    for row in contract.payers:
        if row.accepted_at is None:
            contracts.accept_share(session, actor, row)
    for row in contract.providers:
        contracts.accept_provision(session, actor, row)
    return contracts.activate(session, actor, contract)


def demo_loans(session: Session, funds: list[Any], investees: list[Any], **_world: Any) -> str:
    from fundapp.loans import services
    from fundapp.loans.schedule import Amortization, DayCount, Frequency
    from fundapp.loans.servicing import Prepayment

    today = clock.today()
    specs = [
        # investee index, principal, rate, start (months ago), installments, amortization, grace, behaviour
        (0, "150000.00", "4.5", 30, 60, Amortization.ANNUITY, 6, "on_time"),
        (1, "75000.00", "5", 20, 48, Amortization.LINEAR, 0, "late"),
        (2, "40000.00", "3.5", 14, 36, Amortization.ANNUITY, 0, "on_time"),
        (3, "120000.00", "6", 26, 60, Amortization.ANNUITY, 3, "stopped"),
        (4, "250000.00", "4", 10, 20, Amortization.BULLET, 0, "on_time"),
        (5, "30000.00", "2", 40, 24, Amortization.ANNUITY, 0, "repaid"),
        (7, "90000.00", "5.5", 16, 60, Amortization.ANNUITY, 0, "on_time"),
        (9, "60000.00", "4.75", 8, 36, Amortization.LINEAR, 0, "prepaid"),
        (10, "45000.00", "5", 12, 36, Amortization.ANNUITY, 0, "written_off"),
    ]
    count = 0
    for index, principal, rate, months_ago, n, amortization, grace, behaviour in specs:
        investee = investees[index]
        start = _months_before(today, months_ago)
        loan = services.create_loan(
            session,
            ACTOR,
            investee,
            {
                "principal": Decimal(principal),
                "annual_rate": Decimal(rate),
                "disbursement_date": start,
                "first_due_date": None,
                "number_of_installments": n,
                "frequency": Frequency.MONTHLY,
                "amortization": amortization,
                "grace_periods": grace,
                "day_count": DayCount.THIRTY_360,
                "installment_multiple": Decimal("0.01"),
                "purpose": "Working capital and equipment",
                "subordinated": index == 4,
            },
        )
        services.approve(session, ACTOR, loan)
        services.disburse(session, ACTOR, loan, start, Decimal(principal), "disbursement")
        _repay(session, loan, behaviour, today, services, Prepayment)
        count += 1
    draft = services.create_loan(
        session,
        ACTOR,
        investees[8],
        {
            "principal": Decimal("50000.00"),
            "annual_rate": Decimal("4"),
            "disbursement_date": today + timedelta(days=30),
            "first_due_date": None,
            "number_of_installments": 36,
            "frequency": Frequency.QUARTERLY,
            "amortization": Amortization.ANNUITY,
            "grace_periods": 0,
            "day_count": DayCount.THIRTY_360,
            "installment_multiple": Decimal("0.01"),
            "purpose": "Net-making machine",
            "subordinated": False,
        },
    )
    _ = draft
    return f" {count + 1} loans."


def _months_before(day: date, months: int) -> date:
    from fundapp.loans.schedule import Frequency, add_periods

    return add_periods(day.replace(day=min(day.day, 28)), -months, Frequency.MONTHLY)


def _repay(session: Session, loan: Any, behaviour: str, today: date, services: Any, prepayment: Any) -> None:
    due = [i for i in loan.installments if i.due_date <= today]
    for number, inst in enumerate(sorted(due, key=lambda i: i.number), start=1):
        if behaviour == "stopped" and number > len(due) - 4:
            break
        if behaviour == "written_off" and number > len(due) - 5:
            services.write_off(session, ACTOR, loan, today - timedelta(days=20), "Bankruptcy of the enterprise")
            services.record_recovery(
                session, ACTOR, loan, today - timedelta(days=5), Decimal("5000.00"), "curator distribution"
            )
            return
        if behaviour == "late" and number == len(due):
            break
        paid_on = inst.due_date + timedelta(days=12 if behaviour == "late" else 0)
        if paid_on > today:
            continue
        amount = inst.principal_due + inst.interest_due
        if behaviour == "prepaid" and number == 3:
            amount += Decimal("10000.00")
        services.record_repayment(
            session, ACTOR, loan, paid_on, amount, f"bank {number}", prepayment.LOWER_INSTALLMENTS
        )
        session.refresh(loan)
    if behaviour == "repaid" and loan.outstanding_principal > 0:
        services.record_repayment(
            session,
            ACTOR,
            loan,
            today - timedelta(days=3),
            loan.outstanding_principal + Decimal("200.00"),
            "early repayment in full",
            prepayment.SHORTEN_TERM,
        )


def demo_impact(session: Session, investees: list[Any], **_world: Any) -> str:
    from fundapp.impact import plans
    from fundapp.impact.models import Indicator
    from fundapp.impact.periods import Frequency, Period

    today = clock.today()
    current = Period.containing(today, Frequency.QUARTERLY)
    first = current.previous().previous().previous()
    labour = ("LP-EMPLOYED-HEADCOUNT", "LP-EMPLOYED-FTE", "LP-PLACEMENTS-STARTED", "LP-RETAINED-6M")
    circular = ("CE-MATERIAL-REUSED-KG", "CE-CO2-AVOIDED")
    from sqlalchemy import select

    known = set(session.scalars(select(Indicator.code)))
    made = 0
    for investee in investees[:8]:
        codes: tuple[str, ...] = labour if "arbeidsparticipatie" in investee.theme_codes else circular
        codes = tuple(c for c in codes if c in known) or tuple(sorted(known))[:2]
        plan = plans.save_plan(
            session,
            ACTOR,
            investee,
            {
                "problem": investee.mission,
                "activities": "Training on the job and coaching",
                "outputs": "People at work; material processed",
                "outcomes": "Lasting jobs; less waste",
                "impact": "More people in work and a more circular city",
                "frequency": Frequency.QUARTERLY,
                "first_period": str(first),
                "due_days": 30,
            },
        )
        for code in codes:
            indicator = session.scalars(select(Indicator).where(Indicator.code == code)).one()
            item = plans.add_indicator(session, ACTOR, plan, indicator, Decimal("10"), "2025 annual report")
            period = first
            while period.start <= current.start:
                plans.set_target(session, ACTOR, item, str(period), Decimal("12"))
                period = period.next()
        made += 1
    _demo_reports(session, investees[0], first, today)
    return f" {made} impact plans."


def _demo_reports(session: Session, investee: Any, first: Any, today: date) -> None:
    """Two approved quarterly reports and a submitted one for Fietsfabriek Zuid, filled in as the investee would."""
    from flask import current_app

    from fundapp.documents.storage import files
    from fundapp.impact import spreadsheets as sheets
    from fundapp.impact import submissions as subs
    from fundapp.impact.spreadsheets.filling import fill_workbook, open_workbook, workbook_bytes

    secret = current_app.config["SECRET_KEY"]
    period = first
    for step, status in enumerate(("approved", "approved", "submitted")):
        context = subs.template_context(session, investee, str(period), secret)
        workbook = open_workbook(sheets.build_template(context))
        values = {i.code: 11 + step * 2 for i in context.indicators}
        codes = {code for code, _label in context.outcome_codes}
        people = []
        for n in range(1, 4 + step):
            start = period.start + timedelta(days=n)
            row = [f"FZ-{step}{n:03d}", start, "bijstand", 12 + n * 6, 32]
            if "JOB-START" in codes:
                row += ["JOB-START", start + timedelta(days=7)]
            people.append(row)
        fill_workbook(workbook, values=values, participants=people)
        data = workbook_bytes(workbook)
        submission = subs.upload(
            session, ACTOR, investee, str(period), data, f"kpi-{period}.xlsx", secret, sheets.Limits()
        )
        files().put(data)
        subs.submit(session, ACTOR, submission)
        if status == "approved":
            subs.approve(session, ACTOR, submission)
        period = period.next()


def demo_outcomes(session: Session, investees: list[Any], payers: list[Any], **_world: Any) -> str:
    from flask import current_app

    from fundapp.outcomes import claims, contracts, results

    scope = _admin_scope()
    card = contracts.create_rate_card(
        session,
        ACTOR,
        scope,
        {
            "payer_id": payers[0].id,
            "name": "Werk naar werk (Rotterdam)",
            "description": "Outcomes for people on bijstand.",
            "items": [
                {
                    "code": "JOB-START",
                    "name": "Started paid work (at least 12 h/week)",
                    "price": Decimal("1500.00"),
                    "evidence": "employment contract",
                    "indicator_code": "LP-PLACEMENTS-STARTED",
                    "price_bands": [
                        {"min_months": 0, "max_months": 11, "price": "1000.00"},
                        {"min_months": 12, "max_months": 35, "price": "1500.00"},
                        {"min_months": 36, "max_months": None, "price": "2500.00"},
                    ],
                },
                {
                    "code": "JOB-6M",
                    "name": "Six months in paid work",
                    "price": Decimal("4000.00"),
                    "prerequisite": "JOB-START",
                    "evidence": "payroll statements",
                    "indicator_code": "LP-RETAINED-6M",
                },
                {
                    "code": "BENEFIT-END",
                    "name": "Benefit ended",
                    "price": Decimal("2000.00"),
                    "prerequisite": "JOB-START",
                    "evidence": "municipal benefit records",
                },
            ],
        },
    )
    today = clock.today()
    contract = contracts.create_contract(
        session,
        ACTOR,
        scope,
        {
            "name": "Werk in Rotterdam-Zuid",
            "reference": "RTM-RF-2025-01",
            "description": "Result financing of jobs",
            "currency": "EUR",
            "valid_from": date(today.year - 1, 1, 1),
            "valid_until": date(today.year + 2, 12, 31),
            "participant_cap": Decimal("7000.00"),
            "contract_cap": Decimal("250000.00"),
            "deadweight_percent": Decimal("10"),
            "payers": [
                {"payer_id": payers[0].id, "share_percent": Decimal("70"), "commitment": Decimal("175000.00")},
                {"payer_id": payers[1].id, "share_percent": Decimal("30"), "commitment": Decimal("75000.00")},
            ],
            "providers": [investees[0].id, investees[1].id, investees[2].id],
            "rate_card_id": card.id,
            "items": None,
            "investor_name": "Stichting Havenstad Vermogensfonds",
            "investor_capital": Decimal("60000.00"),
            "investor_max_return_percent": Decimal("5"),
        },
    )
    agree_and_start(session, ACTOR, contract)
    recorded = []
    base = date(today.year - 1, 2, 1)
    for n in range(1, 9):
        person = f"KR-{n:04d}"
        start = results.record_result(
            session,
            ACTOR,
            contract,
            {
                "investee_id": investees[1].id,
                "item": "JOB-START",
                "participant": person,
                "achieved_on": base + timedelta(days=9 * n),
                "months_on_benefit": 6 * n,
                "evidence": "contract on file",
            },
        )
        recorded.append(start)
        if n <= 5:
            recorded.append(
                results.record_result(
                    session,
                    ACTOR,
                    contract,
                    {
                        "investee_id": investees[1].id,
                        "item": "JOB-6M",
                        "participant": person,
                        "achieved_on": base + timedelta(days=9 * n + 185),
                        "months_on_benefit": 6 * n,
                        "evidence": "payroll",
                    },
                )
            )
    for result in recorded[:-2]:
        results.verify(session, ACTOR, result)  # the last two await the payer's or the validator's check
    first = claims.compute_claim(session, ACTOR, contract, investees[1].id, f"{base.year}-Q1")
    threshold = current_app.config["CLAIM_DUAL_APPROVAL_ABOVE"]
    claims.submit(session, ACTOR, first, threshold)
    second = claims.compute_claim(session, ACTOR, contract, investees[1].id, f"{base.year}-Q3")
    claims.submit(session, ACTOR, second, threshold)
    from fundapp.auth.models import Role
    from fundapp.auth.services import create_user
    from fundapp.demo import DEMO_PASSWORD

    create_user(
        session, ACTOR, "validator@fundapp.example", DEMO_PASSWORD, Role.VALIDATOR, contract.id, name="Vera Validator"
    )
    return " 1 outcome contract with results, claims and an independent validator."


def build(session: Session, **world: Any) -> str:
    from fundapp.demo_bank import demo_bank

    return "".join(part(session, **world) for part in (demo_loans, demo_impact, demo_outcomes, demo_bank))
