"""Which investees provide under contracts of which payers, and the codes those contracts pay for."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select


def provider_investee_ids_for_payers(payer_ids: frozenset[int]) -> Any:
    from fundapp.outcomes.models import ContractPayer, ContractProvider

    return (
        select(ContractProvider.investee_id)
        .join(ContractPayer, ContractPayer.contract_id == ContractProvider.contract_id)
        .where(ContractPayer.payer_id.in_(sorted(payer_ids)))
    )


def investee_contracted_by_payers(investee_id: int, payer_ids: frozenset[int]) -> bool:
    from fundapp.db import get_session

    ids = get_session().scalars(provider_investee_ids_for_payers(payer_ids)).all()
    return investee_id in set(ids)


def rate_card_codes_for_investee(session: Any, investee_id: int) -> list[tuple[str, str]]:
    """(code, name) of the items of active contracts the investee provides under."""
    from fundapp.outcomes.models import ContractProvider, ContractStatus, OutcomeContract, RateItemRow

    rows = session.execute(
        select(RateItemRow.code, RateItemRow.name)
        .join(OutcomeContract, OutcomeContract.id == RateItemRow.contract_id)
        .join(ContractProvider, ContractProvider.contract_id == OutcomeContract.id)
        .where(ContractProvider.investee_id == investee_id, OutcomeContract.status == ContractStatus.ACTIVE)
        .order_by(RateItemRow.code)
    ).all()
    return [(code, name) for code, name in rows]
