"""Rate cards and outcome contracts: the verbs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.auth.policy import Scope, can, may_set_up_contract, payers_represented
from fundapp.db import utcnow
from fundapp.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from fundapp.investees.models import Investee
from fundapp.messages import N_
from fundapp.outcomes import signals
from fundapp.outcomes.models import (
    ContractPayer,
    ContractProvider,
    ContractStatus,
    OutcomeContract,
    RateCard,
    RateItemRow,
)
from fundapp.outcomes.terms import check_terms, contract_terms, rate_item
from fundapp.payers.models import OutcomePayer

ITEM_FIELDS = (
    "code",
    "name",
    "price",
    "prerequisite",
    "max_units",
    "max_amount",
    "evidence",
    "evidence_kind",
    "indicator_code",
)


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


def create_rate_card(session: Session, actor: audit.Who, scope: Scope, data: dict[str, Any]) -> RateCard:
    payer = session.get(OutcomePayer, data["payer_id"])
    if payer is None:
        raise ValidationFailed.field("payer_id", "There is no such payer.")
    if not can(scope, "edit", payer):
        raise Forbidden(
            "You can only do this for your own municipality or province.",
            [{"field": "payer_id", "message": "not your payer"}],
        )
    rows = _item_rows(data["items"])
    _check_items(rows)
    card = RateCard(payer_id=data["payer_id"], name=data["name"], description=data["description"], items=rows)
    session.add(card)
    session.flush()
    audit.record(
        session, actor, "rate_card.created", card, {"name": [None, card.name], "items": [None, [r.code for r in rows]]}
    )
    return card


def create_contract(session: Session, actor: audit.Who, scope: Scope, data: dict[str, Any]) -> OutcomeContract:
    data = dict(data)
    payers = data.pop("payers")
    providers = data.pop("providers")
    items = data.pop("items")
    _refuse_repeats(payers, providers)
    own = payers_represented(scope, [p["payer_id"] for p in payers])
    if not may_set_up_contract(scope, own):
        raise Forbidden(
            "A contract you set up includes your own municipality or province as a payer.",
            [{"field": "payers", "message": "your payer is missing"}],
        )
    if session.scalar(select(OutcomeContract.id).where(OutcomeContract.reference == data["reference"])):
        raise Conflict("A contract with this reference already exists.", [{"field": "reference", "message": "taken"}])
    if data.get("rate_card_id"):
        card = session.get(RateCard, data["rate_card_id"])
        if card is None or not can(scope, "view", card):
            raise ValidationFailed.field("rate_card_id", "There is no such rate card of yours.")
        rows = [_copy_item(row) for row in card.items] if not items else _item_rows(items)
    else:
        rows = _item_rows(items or [])
    contract = OutcomeContract(status=ContractStatus.DRAFT, items=rows, **data)
    contract.payers = [_contract_payer(session, i, p) for i, p in enumerate(payers)]
    contract.providers = [_provider(session, i, investee_id) for i, investee_id in enumerate(providers)]
    check_terms(contract_terms(contract))
    # The officer setting the contract up accepts for their own payer; every other party is only invited.
    now = utcnow()
    for row in contract.payers:
        if row.payer_id in own:
            row.accepted_at, row.accepted_by_id = now, getattr(actor, "id", None)
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
    signals.contract_created.send(contract, session=session)
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


def _transition(contract: OutcomeContract, action: str) -> ContractStatus:
    new = CONTRACT_TRANSITIONS.get((contract.status, action))
    if new is None:
        if action == "activate":
            raise InvalidTransition("Only a draft contract can be started.")
        raise InvalidTransition("Only an active contract can be closed.")
    return new


def _accept(session: Session, actor: audit.Who, row: ContractPayer | ContractProvider, already: str) -> OutcomeContract:
    contract = session.get(OutcomeContract, row.contract_id)
    if contract is None or contract.status != ContractStatus.DRAFT:
        raise InvalidTransition("Only the parties of a draft contract accept it.")
    if row.accepted_at is not None:
        raise Conflict(already)
    row.accepted_at, row.accepted_by_id = utcnow(), getattr(actor, "id", None)
    session.flush()
    return contract


def accept_share(session: Session, actor: audit.Who, row: ContractPayer) -> ContractPayer:
    """An officer of a named payer accepts its share and commitment: from then on the contract is also its own."""
    contract = _accept(session, actor, row, N_("This payer has already accepted its share."))
    terms = {"payer_id": row.payer_id, "share_percent": row.share_percent, "commitment": row.commitment}
    audit.record(session, actor, "contract.payer_accepted", contract, {k: [None, v] for k, v in terms.items()})
    return row


def accept_provision(session: Session, actor: audit.Who, row: ContractProvider) -> ContractProvider:
    """A named provider (its fund manager or its own member) accepts: only then do the payers see its data."""
    contract = _accept(session, actor, row, N_("This provider has already accepted the contract."))
    audit.record(session, actor, "contract.provider_accepted", contract, {"investee_id": [None, row.investee_id]})
    return row


def pending_parties(contract: OutcomeContract) -> list[str]:
    """The names of the payers and providers that have not accepted yet."""
    return [p.payer.name for p in contract.payers if p.accepted_at is None] + [
        p.investee.name for p in contract.providers if p.accepted_at is None
    ]


def activate(session: Session, actor: audit.Who, contract: OutcomeContract) -> OutcomeContract:
    new = _transition(contract, "activate")
    if not contract.providers:
        raise ValidationFailed.field("providers", "Add at least one provider before the contract starts.")
    waiting = pending_parties(contract)
    if waiting:
        raise InvalidTransition(
            "Every payer and provider accepts before the contract starts.",
            [{"field": "parties", "message": name} for name in waiting],
        )
    old = contract.status
    contract.status = new
    session.flush()
    audit.record(session, actor, "contract.activated", contract, {"status": [old, new]})
    return contract


def agree_to_close(session: Session, actor: audit.Who, rows: list[ContractPayer]) -> OutcomeContract:
    """An officer agrees to close for the payers they serve; the contract closes once every payer agreed."""
    if not rows:
        raise Forbidden("Only an officer of a payer of this contract closes it.")
    contract = session.get(OutcomeContract, rows[0].contract_id)
    assert contract is not None
    new = _transition(contract, "close")
    now = utcnow()
    for row in rows:
        if row.close_agreed_at is None:
            row.close_agreed_at, row.close_agreed_by_id = now, getattr(actor, "id", None)
    audit.record(session, actor, "contract.close_agreed", contract, {"payers": [None, [r.payer_id for r in rows]]})
    if all(p.close_agreed_at is not None for p in contract.payers):
        old = contract.status
        contract.status = new
        audit.record(session, actor, "contract.closed", contract, {"status": [old, new]})
    session.flush()
    return contract
