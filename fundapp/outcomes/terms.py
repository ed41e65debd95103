"""Stored contracts and results as the pure pricing engine's inputs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fundapp.errors import ValidationFailed
from fundapp.outcomes import pricing
from fundapp.outcomes.models import OutcomeContract, OutcomeResult, RateItemRow


def bands_of(row: RateItemRow) -> tuple[pricing.PriceBand, ...]:
    return tuple(
        pricing.PriceBand(
            int(b["min_months"]),
            None if b.get("max_months") is None else int(b["max_months"]),
            Decimal(str(b["price"])),
        )
        for b in row.price_bands or []
    )


def rate_item(row: RateItemRow) -> pricing.RateItem:
    return pricing.RateItem(
        code=row.code,
        name=row.name,
        price=row.price,
        price_bands=bands_of(row),
        prerequisite=row.prerequisite,
        max_units=row.max_units,
        max_amount=row.max_amount,
    )


def contract_terms(contract: OutcomeContract) -> pricing.ContractTerms:
    """Payers are keyed by their id (as a string): names may change, ids do not."""
    return pricing.ContractTerms(
        items=tuple(rate_item(row) for row in contract.items),
        payers=tuple(pricing.Payer(str(p.payer_id), p.share_percent, p.commitment) for p in contract.payers),
        participant_cap=contract.participant_cap,
        contract_cap=contract.contract_cap,
        deadweight_percent=contract.deadweight_percent,
        currency=contract.currency,
    )


def engine_result(result: OutcomeResult) -> pricing.Result:
    return pricing.Result(
        item=result.item_code,
        participant=result.participant,
        achieved_on=result.achieved_on,
        months_on_benefit=result.months_on_benefit,
        units=result.units,
        key=str(result.id),
    )


def rule_errors(
    exc: pricing.ContractRuleError, message: str = "These contract terms break the rules."
) -> ValidationFailed:
    return ValidationFailed(message, [{"field": field, "message": text} for field, text in exc.problems])


def check_terms(terms: pricing.ContractTerms, results: Any = ()) -> None:
    problems = pricing.validate_contract(terms, results)
    if problems:
        raise rule_errors(pricing.ContractRuleError(problems))
