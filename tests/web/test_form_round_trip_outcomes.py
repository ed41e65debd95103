"""Every field of every result-financing form survives the round trip; an unreadable number is refused beside it."""

from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from fundapp.auth.policy import Scope
from fundapp.outcomes import claims, contracts
from fundapp.outcomes.models import Claim, ClaimLine, OutcomeContract, OutcomeResult, PaymentAssignment, RateCard
from tests.factories import ACTOR, ADMIN_SCOPE, THRESHOLD, add_outcomes
from tests.outcome_factories import make_result
from tests.web.round_trip import (
    MONEY,
    PERCENT,
    WHOLE,
    FormCase,
    assert_round_trip,
    assert_unreadable_number_refused,
    number_ids,
    number_params,
)

D = Decimal
SPARE_ROWS = r"item[2-7]_.*"

ITEMS_TYPED = {
    "item0_code": "JOB-START",
    "item0_name": "Aan het werk – ü",
    "item0_price": "1.000,50",
    "item0_prerequisite": "",
    "item0_max_units": "1.000",
    "item0_max_amount": "250.000",
    "item0_bands": "0-11: 1.000; 12-35: 1.500,50\n36+: 2.000",
    "item0_evidence": "Loonstrook – één",
    "item0_evidence_kind": "payslip",
    "item1_code": "JOB-6M",
    "item1_name": "Zes maanden – ñ",
    "item1_price": "3.000",
    "item1_prerequisite": "JOB-START",
    "item1_max_units": "12",
    "item1_max_amount": "36.000,75",
    "item1_bands": "0-11: 2.500, 12+: 3.500",
    "item1_evidence": "Contract ≥ 6 mnd",
    "item1_evidence_kind": "",
}
ITEMS_STORED = [
    {
        "code": "JOB-START",
        "name": "Aan het werk – ü",
        "price": D("1000.50"),
        "prerequisite": None,
        "max_units": 1000,
        "max_amount": D("250000.00"),
        "price_bands": [(0, 11, D("1000")), (12, 35, D("1500.50")), (36, None, D("2000"))],
        "evidence": "Loonstrook – één",
        "evidence_kind": "payslip",
    },
    {
        "code": "JOB-6M",
        "name": "Zes maanden – ñ",
        "price": D("3000.00"),
        "prerequisite": "JOB-START",
        "max_units": 12,
        "max_amount": D("36000.75"),
        "price_bands": [(0, 11, D("2500")), (12, None, D("3500"))],
        "evidence": "Contract ≥ 6 mnd",
        "evidence_kind": None,
    },
]
ITEM_NUMBERS = {"item0_price": MONEY, "item0_max_units": WHOLE, "item0_max_amount": MONEY, "item1_max_units": WHOLE}


def _items(rows) -> list[dict]:
    keys = ("code", "name", "price", "prerequisite", "max_units", "max_amount", "evidence", "evidence_kind")
    return [
        {key: getattr(row, key) for key in keys}
        | {"price_bands": [(b["min_months"], b["max_months"], D(b["price"])) for b in row.price_bands]}
        for row in rows
    ]


def _card_typed(ctx) -> dict:
    return {
        "payer_id": str(ctx.world.payer_a.id),
        "name": "Werk en inkomen – één",
        "description": "Tarieven 2026 – “participatie”",
        **ITEMS_TYPED,
    }


def _card(session) -> dict:
    card = session.scalar(select(RateCard).where(RateCard.name == "Werk en inkomen – één"))
    return {"payer_id": card.payer_id, "description": card.description, "items": _items(card.items)}


CONTRACT_TERMS = {
    "name": "Werk in de Wijk – ü",
    "reference": "WIW-2026-Ω",
    "description": "Samen met “Buurtwerk” – één aanpak",
    "valid_from": "2026-02-01",
    "valid_until": "2028-01-31",
    "share_percent": "60",
    "commitment": "1.000.000,50",
    "share2_percent": "40",
    "commitment2": "500.000",
    "participant_cap": "7.500,25",
    "contract_cap": "2.000.000",
    "deadweight_percent": "12,5",
    "investor_name": "Stichting Ñ",
    "investor_capital": "250.000",
    "investor_max_return_percent": "6,25",
}
CONTRACT_NUMBERS = {
    "share_percent": PERCENT,
    "commitment": MONEY,
    "share2_percent": PERCENT,
    "commitment2": MONEY,
    "participant_cap": MONEY,
    "contract_cap": MONEY,
    "deadweight_percent": PERCENT,
    "investor_capital": MONEY,
    "investor_max_return_percent": PERCENT,
}


def _contract_typed(ctx) -> dict:
    world = ctx.world
    return {
        **CONTRACT_TERMS,
        "payer_id": str(world.payer_a.id),
        "payer2_id": str(world.payer_b.id),
        "providers": [str(world.investee_b.id), str(world.investee_a.id)],
        "providers__present": "1",
        **({"rate_card_id": str(ctx.card.id)} if hasattr(ctx, "card") else ITEMS_TYPED),
    }


def _contract(session) -> dict:
    contract = session.scalar(select(OutcomeContract).where(OutcomeContract.reference == "WIW-2026-Ω"))
    keys = ("name", "description", "valid_from", "valid_until", "participant_cap", "contract_cap")
    keys += ("deadweight_percent", "investor_name", "investor_capital", "investor_max_return_percent", "rate_card_id")
    return {key: getattr(contract, key) for key in keys} | {
        "payers": [(p.payer_id, p.share_percent, p.commitment) for p in contract.payers],
        "providers": [p.investee_id for p in contract.providers],
        "items": _items(contract.items),
    }


def _contract_expected(ctx) -> dict:
    world = ctx.world
    return {
        "name": "Werk in de Wijk – ü",
        "description": "Samen met “Buurtwerk” – één aanpak",
        "valid_from": date(2026, 2, 1),
        "valid_until": date(2028, 1, 31),
        "participant_cap": D("7500.25"),
        "contract_cap": D("2000000.00"),
        "deadweight_percent": D("12.5"),
        "investor_name": "Stichting Ñ",
        "investor_capital": D("250000.00"),
        "investor_max_return_percent": D("6.25"),
        "rate_card_id": ctx.card.id if hasattr(ctx, "card") else None,
        "payers": [(world.payer_a.id, D("60"), D("1000000.50")), (world.payer_b.id, D("40"), D("500000.00"))],
        "providers": [world.investee_b.id, world.investee_a.id],
        "items": ITEMS_STORED,
    }


def _with_card(session, world):
    from tests.outcome_factories import band, item

    card = contracts.create_rate_card(
        session,
        ACTOR,
        ADMIN_SCOPE,
        {
            "payer_id": world.payer_a.id,
            "name": "Kaart",
            "description": "",
            "items": [
                item(
                    row["code"],
                    row["price"],
                    name=row["name"],
                    prerequisite=row["prerequisite"],
                    max_units=row["max_units"],
                    max_amount=row["max_amount"],
                    evidence=row["evidence"],
                    evidence_kind=row["evidence_kind"],
                    price_bands=[band(*b) for b in row["price_bands"]],
                )
                for row in ITEMS_STORED
            ],
        },
    )
    return SimpleNamespace(card=card)


def _with_outcomes(session, world):
    add_outcomes(session, world)
    return SimpleNamespace()


def _with_claimable_result(session, world):
    add_outcomes(session, world)
    make_result(
        session, world.contract_a, world.investee_a, "JOB-START", participant="P-0077", achieved_on=date(2026, 8, 3)
    )
    return SimpleNamespace()


def _with_approved_claim(session, world):
    add_outcomes(session, world)
    officer = world.user("officer_a")
    claims.approve(session, officer, Scope.of_user(officer), world.claim_a, THRESHOLD)
    return SimpleNamespace()


def _result(session, **where) -> dict:
    row = session.scalar(select(OutcomeResult).filter_by(**where).order_by(OutcomeResult.id.desc()))
    keys = ("investee_id", "item_code", "participant", "achieved_on", "period", "months_on_benefit", "units")
    return {key: getattr(row, key) for key in (*keys, "evidence")}


def _figures(page: str) -> list[str]:
    return [" ".join(html.unescape(f).split()) for f in re.findall(r'<div class="figure">([^<]*)</div>', page)]


def _inputs(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input (?:class="[^"]*" )?id="f-[^"]+" name="([^"]+)"[^>]*? value="([^"]*)"', page))


RESULT_EVIDENCE = "Loonstrook – maart ü"

CASES = [
    FormCase(
        "new rate card",
        "officer_a",
        lambda ctx: "/rate-cards",
        _card_typed,
        lambda s, ctx: _card(s),
        lambda ctx: {
            "payer_id": ctx.world.payer_a.id,
            "description": "Tarieven 2026 – “participatie”",
            "items": ITEMS_STORED,
        },
        ITEM_NUMBERS,
        untouched=SPARE_ROWS,
    ),
    FormCase(
        "new contract with its items",
        "officer_a",
        lambda ctx: "/contracts/new",
        _contract_typed,
        lambda s, ctx: _contract(s),
        _contract_expected,
        {**CONTRACT_NUMBERS, **ITEM_NUMBERS},
        untouched=f"rate_card_id|{SPARE_ROWS}",
    ),
    FormCase(
        "new contract from a rate card",
        "officer_a",
        lambda ctx: "/contracts/new",
        _contract_typed,
        lambda s, ctx: _contract(s),
        _contract_expected,
        CONTRACT_NUMBERS,
        setup=_with_card,
        untouched=r"item\d_.*",
    ),
    FormCase(
        "what-if simulation",
        "officer_a",
        lambda ctx: f"/contracts/{ctx.world.contract_a.id}/simulate",
        lambda ctx: {"count_JOB-START": "3", "count_JOB-6M": "2", "months": "14"},
        lambda s, ctx: {"form": _inputs(ctx.page), "figures": _figures(ctx.page)},
        lambda ctx: {
            "form": {"count_JOB-START": "3", "count_JOB-6M": "2", "months": "14"},
            "figures": ["€ 9.000,00", "€ 9.000,00", "9,0 %"],
        },
        {"count_JOB-START": "Vul een heel aantal deelnemers in.", "months": WHOLE},
        setup=_with_outcomes,
        ok=(200,),
    ),
    FormCase(
        "participant result",
        "member_a",
        lambda ctx: f"/contracts/{ctx.world.contract_a.id}/results/new",
        lambda ctx: {
            "investee_id": str(ctx.world.investee_a.id),
            "item": "JOB-START",
            "participant": "P-0042",
            "achieved_on": "2026-03-15",
            "months_on_benefit": "14",
            "evidence": RESULT_EVIDENCE,
        },
        lambda s, ctx: _result(s, participant="P-0042"),
        lambda ctx: {
            "investee_id": ctx.world.investee_a.id,
            "item_code": "JOB-START",
            "participant": "P-0042",
            "achieved_on": date(2026, 3, 15),
            "period": None,
            "months_on_benefit": 14,
            "units": 1,
            "evidence": RESULT_EVIDENCE,
        },
        {"months_on_benefit": WHOLE},
        setup=_with_outcomes,
        untouched="period|units",
    ),
    FormCase(
        "cohort result",
        "member_a",
        lambda ctx: f"/contracts/{ctx.world.contract_a.id}/results/new",
        lambda ctx: {
            "investee_id": str(ctx.world.investee_a.id),
            "item": "JOB-START",
            "period": "2026-Q2",
            "units": "1.000",
            "evidence": RESULT_EVIDENCE,
        },
        lambda s, ctx: _result(s, period="2026-Q2"),
        lambda ctx: {
            "investee_id": ctx.world.investee_a.id,
            "item_code": "JOB-START",
            "participant": None,
            "achieved_on": date(2026, 6, 30),
            "period": "2026-Q2",
            "months_on_benefit": None,
            "units": 1000,
            "evidence": RESULT_EVIDENCE,
        },
        {"units": WHOLE},
        setup=_with_outcomes,
        untouched="participant|achieved_on|months_on_benefit",
    ),
    FormCase(
        "payments assigned to a loan",
        "manager_a",
        lambda ctx: f"/contracts/{ctx.world.contract_a.id}/assignments/new",
        lambda ctx: {
            "investee_id": str(ctx.world.investee_a.id),
            "loan_id": str(ctx.world.loan_a.id),
            "share_percent": "37,5",
            "valid_from": "2026-02-01",
        },
        lambda s, ctx: {
            key: getattr(s.scalar(select(PaymentAssignment)), key)
            for key in ("investee_id", "loan_id", "share_percent", "valid_from")
        },
        lambda ctx: {
            "investee_id": ctx.world.investee_a.id,
            "loan_id": ctx.world.loan_a.id,
            "share_percent": Decimal("37.5"),
            "valid_from": date(2026, 2, 1),
        },
        {"share_percent": PERCENT},
        setup=_with_outcomes,
    ),
    FormCase(
        "result rejection",
        "validator_a",
        lambda ctx: f"/results/{ctx.world.result_a.id}/reject",
        lambda ctx: {"reason": "Geen loonstrook – “ontbreekt”"},
        lambda s, ctx: {"rejection_reason": s.get(OutcomeResult, ctx.world.result_a.id).rejection_reason},
        lambda ctx: {"rejection_reason": "Geen loonstrook – “ontbreekt”"},
        setup=_with_outcomes,
    ),
    FormCase(
        "new claim",
        "member_a",
        lambda ctx: f"/contracts/{ctx.world.contract_a.id}/claims/new",
        lambda ctx: {"investee_id": str(ctx.world.investee_a.id), "period": "2026-Q3"},
        lambda s, ctx: {
            "investee_id": (claim := s.scalar(select(Claim).order_by(Claim.id.desc()))).investee_id,
            "period": claim.period,
        },
        lambda ctx: {"investee_id": ctx.world.investee_a.id, "period": "2026-Q3"},
        setup=_with_claimable_result,
    ),
    FormCase(
        "claim line rejection",
        "officer_a",
        lambda ctx: f"/claims/{ctx.world.claim_a.id}/lines/{ctx.world.claim_a.lines[0].id}/reject",
        lambda ctx: {"reason": "Dubbel – zie regel “3”"},
        lambda s, ctx: {"rejection_reason": s.get(ClaimLine, ctx.world.claim_a.lines[0].id).rejection_reason},
        lambda ctx: {"rejection_reason": "Dubbel – zie regel “3”"},
        setup=_with_outcomes,
    ),
    FormCase(
        "claim rejection",
        "officer_a",
        lambda ctx: f"/claims/{ctx.world.claim_a.id}/reject",
        lambda ctx: {"reason": "Periode klopt niet – ü"},
        lambda s, ctx: {"rejection_reason": s.get(Claim, ctx.world.claim_a.id).rejection_reason},
        lambda ctx: {"rejection_reason": "Periode klopt niet – ü"},
        setup=_with_outcomes,
    ),
    FormCase(
        "claim payment",
        "officer_a",
        lambda ctx: f"/claims/{ctx.world.claim_a.id}/payment",
        lambda ctx: {"paid_on": "2026-05-04", "reference": "BANK – 2026/ü"},
        lambda s, ctx: {
            "paid_on": (claim := s.get(Claim, ctx.world.claim_a.id)).paid_on,
            "payment_reference": claim.payment_reference,
        },
        lambda ctx: {"paid_on": date(2026, 5, 4), "payment_reference": "BANK – 2026/ü"},
        setup=_with_approved_claim,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_field_of_the_outcome_form_is_stored_as_typed(db_session, world, login_as, case):
    assert_round_trip(case, db_session, world, login_as)


@pytest.mark.parametrize(("case", "name"), number_params(CASES), ids=number_ids(CASES))
def test_an_unreadable_number_in_an_outcome_form_is_refused_beside_its_field_and_nothing_is_stored(
    db_session, world, login_as, case, name
):
    assert_unreadable_number_refused(case, name, db_session, world, login_as)
