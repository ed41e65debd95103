"""Which investees provide under contracts of which payers.

Contracts arrive with result financing; until then no payer contracts anyone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select


def provider_investee_ids_for_payers(payer_ids: frozenset[int]) -> Any:
    from sqlalchemy import false

    from fundapp.investees.models import Investee

    return select(Investee.id).where(false())


def investee_contracted_by_payers(investee_id: int, payer_ids: frozenset[int]) -> bool:
    return False


def rate_card_codes_for_investee(session: Any, investee_id: int) -> list[tuple[str, str]]:
    return []
