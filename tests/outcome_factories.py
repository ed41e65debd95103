"""Result-financing factories: contracts, results and claims built through the services, as users would.

make_contract(session, payers=[(payer, share, commitment)], providers=[investee], items=[item(...)], **caps)
creates a contract through ``fundapp.outcomes.contracts.create_contract`` and activates it;
make_result records a result and verifies it; make_claim computes (and optionally submits,
approves and pays) a claim.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fundapp.auth.policy import Scope
from fundapp.demo_world import agree_and_start
from fundapp.outcomes import claims, contracts, payments, results
from fundapp.outcomes.models import Claim, OutcomeContract, OutcomeResult
from fundapp.payers.models import OutcomePayer
from tests.factories import ACTOR, ADMIN_SCOPE

_seq = itertools.count(1)

THRESHOLD = Decimal("25000.00")  # the default dual-approval amount
VALID_FROM = date(2026, 1, 1)
VALID_UNTIL = date(2027, 12, 31)


def D(text: str | int) -> Decimal:
    return Decimal(str(text))


def item(code: str, price: str | Decimal, **overrides: Any) -> dict[str, Any]:
    """A rate-card item as the services take it (every field present)."""
    data: dict[str, Any] = {
        "code": code,
        "name": f"Item {code}",
        "price": D(price),
        "price_bands": None,
        "prerequisite": None,
        "max_units": None,
        "max_amount": None,
        "evidence": "",
        "indicator_code": None,
    }
    data.update(overrides)
    return data


def band(min_months: int, max_months: int | None, price: str) -> dict[str, Any]:
    return {"min_months": min_months, "max_months": max_months, "price": D(price)}


def contract_data(
    payers: list[tuple[OutcomePayer, str | Decimal, str | Decimal | None]],
    providers: list[Any],
    items: list[dict[str, Any]] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    n = next(_seq)
    data: dict[str, Any] = {
        "name": f"Werk naar werk {n}",
        "reference": f"RF-TEST-{n:04d}",
        "description": "",
        "currency": "EUR",
        "valid_from": VALID_FROM,
        "valid_until": VALID_UNTIL,
        "participant_cap": None,
        "contract_cap": None,
        "deadweight_percent": D("0"),
        "payers": [
            {"payer_id": payer.id, "share_percent": D(share), "commitment": None if c is None else D(c)}
            for payer, share, c in payers
        ],
        "providers": [investee.id for investee in providers],
        "rate_card_id": None,
        "items": items if items is not None else [item("JOB6", "4000.00")],
        "investor_name": "",
        "investor_capital": None,
        "investor_max_return_percent": None,
    }
    for key in ("participant_cap", "contract_cap", "investor_capital"):
        if key in overrides and overrides[key] is not None:
            overrides[key] = D(overrides[key])
    for key in ("deadweight_percent", "investor_max_return_percent"):
        if key in overrides and overrides[key] is not None:
            overrides[key] = D(overrides[key])
    data.update(overrides)
    return data


def make_contract(
    session: Session,
    payers: list[tuple[OutcomePayer, str | Decimal, str | Decimal | None]],
    providers: list[Any],
    items: list[dict[str, Any]] | None = None,
    activate: bool = True,
    **overrides: Any,
) -> OutcomeContract:
    """A contract through the services (as an administrator), activated unless activate=False."""
    contract = contracts.create_contract(
        session, ACTOR, ADMIN_SCOPE, contract_data(payers, providers, items, **overrides)
    )
    if activate:
        agree_and_start(session, ACTOR, contract)
    session.flush()
    return contract


def make_result(
    session: Session,
    contract: OutcomeContract,
    investee: Any,
    item_code: str = "JOB6",
    participant: str | None = None,
    achieved_on: date | None = None,
    period: str | None = None,
    units: int | None = None,
    months_on_benefit: int | None = None,
    verify: bool = True,
    evidence: str = "payslips seen",
) -> OutcomeResult:
    """A participant result (give participant and achieved_on) or a cohort result (period and units), verified."""
    result = results.record_result(
        session,
        ACTOR,
        contract,
        {
            "investee_id": investee.id,
            "item": item_code,
            "participant": participant,
            "achieved_on": achieved_on,
            "period": period,
            "units": units,
            "months_on_benefit": months_on_benefit,
            "evidence": evidence,
        },
    )
    if verify:
        results.verify(session, ACTOR, result)
    return result


def officer_scope(user: Any) -> Scope:
    return Scope.of_user(user)


def make_claim(
    session: Session,
    contract: OutcomeContract,
    investee: Any,
    period: str = "2026-Q1",
    submit: bool = True,
    approve_by: list[Any] | None = None,
    pay_by: Any = None,
    paid_on: date = date(2026, 5, 1),
    threshold: Decimal = THRESHOLD,
) -> Claim:
    """A claim computed from the investee's verified results of the period; submitted, signed and paid on request
    (``pay_by``: an officer, or a list of officers each recording their own payer's part)."""
    claim = claims.compute_claim(session, ACTOR, contract, investee.id, period)
    if submit:
        claims.submit(session, ACTOR, claim, threshold)
    for officer in approve_by or []:
        claims.approve(session, officer, officer_scope(officer), claim, threshold)
    for officer in pay_by if isinstance(pay_by, list) else [pay_by] if pay_by is not None else []:
        payments.record_payment(session, officer, officer_scope(officer), claim, paid_on, f"BANK-{claim.id}")
    session.flush()
    return claim


def add_verified_results(
    session: Session,
    contract: OutcomeContract,
    investee: Any,
    n: int,
    first: date = date(2026, 1, 2),
    items: tuple[str, ...] = ("JOB6",),
) -> None:
    """n verified participant results (R-00001, ...) in one statement, one a day from ``first``, cycling through
    ``items``: enough for a claim of thousands of lines without recording each through the services."""
    from datetime import timedelta

    from sqlalchemy import insert

    from fundapp.outcomes.models import ResultStatus

    session.execute(
        insert(OutcomeResult),
        [
            {
                "contract_id": contract.id,
                "investee_id": investee.id,
                "item_code": items[k % len(items)],
                "participant": f"R-{k + 1:05d}",
                "achieved_on": first + timedelta(days=k % 85),
                "units": 1,
                "evidence": "payslips seen",
                "status": ResultStatus.VERIFIED,
            }
            for k in range(n)
        ],
    )
    session.flush()
