"""Open data: a contract as INDIGO-style JSON (the Government Outcomes Lab's impact-bond data standard).

Field names follow the INDIGO project schema (name, stage_development, dates,
overall_project_finance, outcome_payers, service_providers, investors,
outcome_metrics, outcome_pricings, results, outcome_payments); each value is
wrapped as {"value": ..., "status": "PUBLIC"} as INDIGO does. INDIGO keeps
organisations apart from projects and a project names them by id, so the
export carries an ``organisations`` list with a record (INDIGO organisation
schema) for every id it references. Participant references are never
published: results are counts per metric and period. Numbers are plain
decimal strings ("70", never "7E+1"), so any reader parses them.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp.investees.models import Investee, LegalForm
from fundapp.outcomes.budget import budget
from fundapp.outcomes.models import (
    Claim,
    ClaimPayerSplit,
    ContractStatus,
    OutcomeContract,
    OutcomeResult,
    ResultStatus,
)
from fundapp.payers.models import OutcomePayer, PayerKind

STAGES = {
    ContractStatus.DRAFT: "Late-stage design",
    ContractStatus.ACTIVE: "Implementation",
    ContractStatus.CLOSED: "Complete",
}


# INDIGO's organisation types; a legal form that is not a company or a foundation stays unclassified.
COMPANY = "Registered company, partnership or commercial association"
NON_PROFIT = "Registered non-profit organisation, charity or foundation"
INVESTEE_TYPES = {
    LegalForm.BV: COMPANY,
    LegalForm.BV_SOCIAL_PURPOSE: COMPANY,
    LegalForm.NV: COMPANY,
    LegalForm.COOPERATIE: COMPANY,
    LegalForm.VOF: COMPANY,
    LegalForm.CV: COMPANY,
    LegalForm.STICHTING: NON_PROFIT,
    LegalForm.VERENIGING: NON_PROFIT,
}


def _v(value: Any) -> dict[str, Any]:
    return {"value": value, "status": "PUBLIC"}


def _amount(value: Any) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def _number(value: Decimal | None) -> str | None:
    """Without trailing zeros and never in exponent notation: 70.00 -> "70", 12.50 -> "12.5"."""
    return None if value is None else format(value.normalize(), "f")


def payer_id(pk: int) -> str:
    return f"NL-FUNDAPP-PAYER-{pk}"


def provider_id(investee: Investee) -> str:
    return f"NL-KVK-{investee.kvk_number}"


def investor_id(contract: OutcomeContract) -> str:
    # The investor is a name on the contract, not an organisation fundapp registers: its id is the contract's.
    return f"NL-FUNDAPP-{contract.reference}-INVESTOR"


def export(session: Session, contract: OutcomeContract) -> dict[str, Any]:
    money = budget(session, contract)
    return {
        "id": f"NL-FUNDAPP-{contract.reference}",
        "name": _v(contract.name),
        "stage_development": _v(STAGES[contract.status]),
        "dates": {
            "start_date_of_service_provision": _v(contract.valid_from.isoformat()),
            "anticipated_end_date_of_service_provision": _v(contract.valid_until.isoformat()),
        },
        "jurisdiction": {"jurisdiction": _v("NL")},
        "overall_project_finance": {
            "maximum_potential_outcome_payment_v2": {
                "currency": _v(contract.currency),
                "amount": _v(_amount(contract.contract_cap)),
            },
            "total_outcome_payments_made": {
                "currency": _v(contract.currency),
                "amount": _v(_amount(money.contract.paid)),
            },
            "total_investment_commitment": {
                "currency": _v(contract.currency),
                "amount": {"exact": _v(_amount(contract.investor_capital))},
            },
            "maximum_potential_return": _v(_number(contract.investor_max_return_percent)),
        },
        "purpose_and_classifications": {"intervention": _v(contract.description or contract.name)},
        "outcome_payers": [
            {
                "organisation_id": _v(payer_id(p.payer_id)),
                "name": _v(p.payer.name),
                "share_percent": _v(_number(p.share_percent)),
                "maximum_potential_outcome_payment": {
                    "currency": _v(contract.currency),
                    "amount": _v(_amount(p.commitment)),
                },
            }
            for p in contract.payers
        ],
        "service_providers": [
            {"organisation_id": _v(provider_id(p.investee)), "name": _v(p.investee.name)} for p in contract.providers
        ],
        "investors": (
            [
                {
                    "organisation_id": _v(investor_id(contract)),
                    "name": _v(contract.investor_name),
                    "investment_committed": {
                        "currency": _v(contract.currency),
                        "amount": {"exact": _v(_amount(contract.investor_capital))},
                    },
                }
            ]
            if contract.investor_name
            else []
        ),
        "outcome_metrics": [
            {
                "id": item.code,
                "definition": _v(item.name),
                "outcome_validation_method": _v(item.evidence or None),
                "indicator_code": _v(item.indicator_code),
            }
            for item in contract.items
        ],
        "outcome_pricings": [_pricing(contract, item) for item in contract.items],
        "results": _results(session, contract),
        "outcome_payments": _payments(session, contract),
        "organisations": _organisations(contract),
    }


def _organisations(contract: OutcomeContract) -> list[dict[str, Any]]:
    """A record for every organisation the project references: payers, providers, the investor."""
    records = [_payer_record(p.payer) for p in contract.payers]
    records += [_provider_record(p.investee) for p in contract.providers]
    if contract.investor_name:
        records.append(_organisation(investor_id(contract), contract.investor_name, None))
    return records


def _organisation(org_id: str, name: str, kind: str | None, **fields: Any) -> dict[str, Any]:
    return {"id": org_id, "name": _v(name), "type": _v(kind), **fields}


def _payer_record(payer: OutcomePayer) -> dict[str, Any]:
    kind = None if payer.kind == PayerKind.OTHER else "Government body"
    return _organisation(payer_id(payer.id), payer.name, kind, jurisdiction=_v("NL"), country=_v("NL"))


def _provider_record(investee: Investee) -> dict[str, Any]:
    return _organisation(
        provider_id(investee),
        investee.name,
        INVESTEE_TYPES.get(investee.legal_form),
        jurisdiction=_v("NL"),
        country=_v("NL"),
        website=_v(investee.website or None),
        **{"org-ids": {"primary": _v(provider_id(investee))}},
    )


def _pricing(contract: OutcomeContract, item: Any) -> dict[str, Any]:
    bands = "; ".join(
        f"{b['min_months']}-{b.get('max_months') if b.get('max_months') is not None else ''} months "
        f"on benefit: {_amount(b['price'])}"
        for b in item.price_bands or []
    )
    caps = []
    if item.max_units is not None:
        caps.append(f"at most {item.max_units} units")
    if item.max_amount is not None:
        caps.append(f"at most {_amount(item.max_amount)}")
    if item.prerequisite:
        caps.append(f"only after {item.prerequisite}")
    return {
        "outcome_metric_id": _v(item.code),
        "currency": _v(contract.currency),
        "price_per_unit": {"amount": _v(_amount(item.price))},
        "price_description": _v("; ".join(x for x in [bands, ", ".join(caps)] if x) or None),
    }


def _results(session: Session, contract: OutcomeContract) -> list[dict[str, Any]]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    # Units per item and day from the database (a contract may have 200,000 results), then per quarter here.
    for code, on, units in session.execute(
        select(OutcomeResult.item_code, OutcomeResult.achieved_on, func.sum(OutcomeResult.units))
        .where(OutcomeResult.contract_id == contract.id, OutcomeResult.status == ResultStatus.VERIFIED)
        .group_by(OutcomeResult.item_code, OutcomeResult.achieved_on)
    ):
        counts[(code, f"{on.year}-Q{(on.month - 1) // 3 + 1}")] += units
    return [
        {"outcome_metric_id": _v(code), "period": _v(period), "achieved_number": _v(number)}
        for (code, period), number in sorted(counts.items())
    ]


def _payments(session: Session, contract: OutcomeContract) -> list[dict[str, Any]]:
    """Each payer's payment of its part of a claim, on the date that payer paid it."""
    paid = session.execute(
        select(ClaimPayerSplit.payer_id, ClaimPayerSplit.paid_on, ClaimPayerSplit.amount, Claim.period)
        .join(Claim, Claim.id == ClaimPayerSplit.claim_id)
        .where(Claim.contract_id == contract.id, ClaimPayerSplit.paid_on.is_not(None))
        .order_by(ClaimPayerSplit.paid_on, Claim.id, ClaimPayerSplit.id)
    )
    return [
        {
            "outcome_payer_id": _v(payer_id(payer)),
            "date": _v(paid_on.isoformat()),
            "period": _v(period),
            "currency": _v(contract.currency),
            "amount": _v(_amount(amount)),
        }
        for payer, paid_on, amount, period in paid
        if paid_on is not None  # the query keeps paid parts only
    ]
