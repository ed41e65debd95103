"""The deprecated capital-source API, answered from investors: a capital source was an investor with paid-in capital
as a number; paid-in capital now follows the investor's capital calls."""

from __future__ import annotations

from typing import Any

from fundapp import audit, clock
from fundapp.capital import services
from fundapp.capital.models import Investor
from fundapp.errors import ValidationFailed
from fundapp.funds.models import Fund

# capital source field -> investor field
FIELDS = {
    "name": "name",
    "kind": "kind",
    "committed": "commitment",
    "expected_return_percent": "expected_return_percent",
    "term_years": "term_years",
    "notes": "notes",
}


def _investor_data(data: dict[str, Any]) -> dict[str, Any]:
    return {FIELDS[key]: value for key, value in data.items() if key in FIELDS}


def add(session: Any, actor: audit.Who, fund: Fund, data: dict[str, Any]) -> Investor:
    """An investor, and an opening capital call dated today for what the source says was paid in."""
    investor = services.add_investor(session, actor, fund, _investor_data(data))
    if data.get("paid_in"):
        services.record_call(session, actor, investor, {"date": clock.today(), "amount": data["paid_in"]})
    return investor


def update(session: Any, actor: audit.Who, investor: Investor, data: dict[str, Any]) -> Investor:
    if "paid_in" in data and (data["paid_in"] or 0) != investor.paid_in:
        raise ValidationFailed.field(
            "paid_in",
            "Paid-in capital now follows capital calls: record a call (POST /api/v1/investors/<id>/calls).",
        )
    if data.get("committed", investor.commitment) < investor.paid_in:
        raise ValidationFailed.field("paid_in", "Paid in cannot exceed the commitment.")
    return services.update_investor(session, actor, investor, _investor_data(data))
