"""Rate cards and outcome contracts: the verbs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.auth.policy import Scope
from fundapp.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from fundapp.investees.models import Investee
from fundapp.messages import N_
from fundapp.outcomes.models import (
    ContractPayer,
    ContractProvider,
    ContractStatus,
    OutcomeContract,
    OutcomePayer,
    RateCard,
    RateItemRow,
)
from fundapp.outcomes.terms import check_terms, contract_terms, rate_item

ITEM_FIELDS = ("code", "name", "price", "prerequisite", "max_units", "max_amount", "evidence", "indicator_code")


def _item_rows(items: list[dict[str, Any]]) -> list[RateItemRow]:
    rows = []
    for position, item in enumerate(items):
        bands = [
            {"min_months": b["min_months"], "max_months": b.get("max_months"), "price": str(b["price"])}
            for b in item.get("price_bands") or []
        ]
        rows.append(
            RateItemRow(
                position=position, price_bands=bands, **{k: item.get(k) if k in item else None for k in ITEM_FIELDS}
            )
        )
        if rows[-1].evidence is None:
            rows[-1].evidence = ""
    return rows


def _check_items(rows: list[RateItemRow]) -> None:
    from fundapp.outcomes import pricing

    terms = pricing.ContractTerms(
        items=tuple(rate_item(r) for r in rows), payers=(pricing.Payer("check", pricing.Decimal("100")),)
    )
    check_terms(terms)


def _officer_of(scope: Scope, payer_id: int) -> None:
    if not (scope.is_admin or payer_id in scope.payer_ids):
        raise Forbidden(
            "You can only do this for your own municipality or province.",
            [{"field": "payer_id", "message": "not your payer"}],
        )


def create_rate_card(session: Session, actor: Any, scope: Scope, data: dict[str, Any]) -> RateCard:
    _officer_of(scope, data["payer_id"])
    if session.get(OutcomePayer, data["payer_id"]) is None:
        raise ValidationFailed.field("payer_id", "There is no such payer.")
    rows = _item_rows(data["items"])
    _check_items(rows)
    card = RateCard(payer_id=data["payer_id"], name=data["name"], description=data["description"], items=rows)
    session.add(card)
    session.flush()
    audit.record(
        session, actor, "rate_card.created", card, {"name": [None, card.name], "items": [None, [r.code for r in rows]]}
    )
    return card


def create_contract(session: Session, actor: Any, scope: Scope, data: dict[str, Any]) -> OutcomeContract:
    data = dict(data)
    payers = data.pop("payers")
    providers = data.pop("providers")
    items = data.pop("items")
    _refuse_repeats(payers, providers)
    if not scope.is_admin and not any(p["payer_id"] in scope.payer_ids for p in payers):
        raise Forbidden(
            "A contract you set up includes your own municipality or province as a payer.",
            [{"field": "payers", "message": "your payer is missing"}],
        )
    if session.scalar(select(OutcomeContract.id).where(OutcomeContract.reference == data["reference"])):
        raise Conflict("A contract with this reference already exists.", [{"field": "reference", "message": "taken"}])
    if data.get("rate_card_id"):
        card = session.get(RateCard, data["rate_card_id"])
        if card is None or not (scope.is_admin or card.payer_id in scope.payer_ids):
            raise ValidationFailed.field("rate_card_id", "There is no such rate card of yours.")
        rows = [_copy_item(row) for row in card.items] if not items else _item_rows(items)
    else:
        rows = _item_rows(items or [])
    contract = OutcomeContract(status=ContractStatus.DRAFT, items=rows, **data)
    contract.payers = [_contract_payer(session, i, p) for i, p in enumerate(payers)]
    contract.providers = [_provider(session, i, investee_id) for i, investee_id in enumerate(providers)]
    check_terms(contract_terms(contract))
    session.add(contract)
    session.flush()
    audit.record(
        session,
        actor,
        "contract.created",
        contract,
        {
            "reference": [None, contract.reference],
            "payers": [None, payers],
            "providers": [None, providers],
            "items": [None, [r.code for r in rows]],
            "contract_cap": [None, contract.contract_cap],
        },
    )
    return contract


def _refuse_repeats(payers: list[dict[str, Any]], providers: list[int]) -> None:
    details = []
    seen_payers: set[int] = set()
    for index, payer in enumerate(payers):
        if payer["payer_id"] in seen_payers:
            details.append({"field": f"payers[{index}].payer_id", "message": "This payer is listed twice."})
        seen_payers.add(payer["payer_id"])
    seen: set[int] = set()
    for index, investee_id in enumerate(providers):
        if investee_id in seen:
            details.append({"field": f"providers[{index}]", "message": "This provider is listed twice."})
        seen.add(investee_id)
    if details:
        raise ValidationFailed("A payer or provider appears twice.", details)


def _copy_item(row: RateItemRow) -> RateItemRow:
    return RateItemRow(
        position=row.position, price_bands=list(row.price_bands or []), **{k: getattr(row, k) for k in ITEM_FIELDS}
    )


def _contract_payer(session: Session, index: int, data: dict[str, Any]) -> ContractPayer:
    if session.get(OutcomePayer, data["payer_id"]) is None:
        raise ValidationFailed.field(f"payers[{index}].payer_id", "There is no such payer.")
    return ContractPayer(
        payer_id=data["payer_id"], share_percent=data["share_percent"], commitment=data.get("commitment")
    )


def _provider(session: Session, index: int, investee_id: int) -> ContractProvider:
    if session.get(Investee, investee_id) is None:
        raise ValidationFailed.field(f"providers[{index}]", "There is no such investee.")
    return ContractProvider(investee_id=investee_id)


CONTRACT_TRANSITIONS = {
    (ContractStatus.DRAFT, "activate"): ContractStatus.ACTIVE,
    (ContractStatus.ACTIVE, "close"): ContractStatus.CLOSED,
}
CONTRACT_REFUSALS = {
    "activate": N_("Only a draft contract can be started."),
    "close": N_("Only an active contract can be closed."),
}


def change_status(session: Session, actor: Any, contract: OutcomeContract, action: str) -> OutcomeContract:
    new = CONTRACT_TRANSITIONS.get((contract.status, action))
    if new is None:
        raise InvalidTransition(CONTRACT_REFUSALS[action])
    if action == "activate" and not contract.providers:
        raise ValidationFailed.field("providers", "Add at least one provider before the contract starts.")
    old = contract.status
    contract.status = new
    session.flush()
    audit.record(session, actor, f"contract.{action}d", contract, {"status": [old, new]})
    return contract


def add_provider(session: Session, actor: Any, contract: OutcomeContract, investee_id: int) -> OutcomeContract:
    if contract.status == ContractStatus.CLOSED:
        raise InvalidTransition("A closed contract takes no new providers.")
    if investee_id in contract.provider_ids:
        raise Conflict("This investee already provides under the contract.")
    contract.providers.append(_provider(session, 0, investee_id))
    session.flush()
    audit.record(session, actor, "contract.provider_added", contract, {"investee_id": [None, investee_id]})
    return contract
