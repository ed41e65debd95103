"""Equity participations: the verbs. Each checks its input, changes state, writes the audit entry; none commits."""

from __future__ import annotations

from datetime import date
from typing import Any

from fundapp import audit, clock
from fundapp.errors import ValidationFailed
from fundapp.instruments.equity import EquityError, Holding
from fundapp.instruments.models import EquityEvent, EquityEventKind, EquityParticipation
from fundapp.investees.models import Investee
from fundapp.money import round_cent


def holding_of(participation: EquityParticipation, until: date | None = None) -> Holding:
    """The participation's holding after its events (up to and including ``until``)."""
    held = Holding(participation.shares, participation.cost)
    for event in participation.events:
        if until is not None and event.on > until:
            break
        if event.kind == EquityEventKind.VALUATION and event.value_per_share is not None:
            held.value(event.value_per_share)
        elif event.kind == EquityEventKind.DIVIDEND and event.amount is not None:
            held.dividend(event.amount)
        elif event.kind == EquityEventKind.EXIT and event.shares_sold and event.amount is not None:
            held.sell(event.shares_sold, event.amount)
    return held


def create_participation(
    session: Any, actor: audit.Who, investee: Investee, data: dict[str, Any]
) -> EquityParticipation:
    """Shares bought for cash: the amount paid is shares × price unless stated."""
    cost = data.get("amount_paid") or round_cent(data["shares"] * data["price_per_share"])
    if cost <= 0:
        raise ValidationFailed.field("amount_paid", "The amount paid must be more than zero.")
    participation = EquityParticipation(
        fund_id=investee.fund_id,
        investee_id=investee.id,
        on=data["date"],
        shares=data["shares"],
        price_per_share=data["price_per_share"],
        cost=cost,
        note=data.get("note") or "",
        created_by_id=getattr(actor, "id", None),
    )
    session.add(participation)
    session.flush()
    audit.record(
        session,
        actor,
        "equity.created",
        participation,
        {
            "investee_id": [None, investee.id],
            "on": [None, participation.on],
            "shares": [None, participation.shares],
            "price_per_share": [None, participation.price_per_share],
            "cost": [None, cost],
        },
    )
    return participation


def _check_date(participation: EquityParticipation, on: date) -> None:
    if on < participation.on:
        raise ValidationFailed.field("date", "An event cannot come before the investment date.")
    if participation.events and on < participation.events[-1].on:
        raise ValidationFailed.field("date", "Events are recorded in date order: this date is before the last event.")
    if on > clock.today():
        raise ValidationFailed.field("date", "This date is still to come.")


def _add(session: Any, actor: audit.Who, participation: EquityParticipation, event: EquityEvent) -> EquityEvent:
    event.fund_id = participation.fund_id
    event.created_by_id = getattr(actor, "id", None)
    participation.events.append(event)
    session.flush()
    held = holding_of(participation)
    audit.record(
        session,
        actor,
        f"equity.{event.kind.value}",
        participation,
        {
            "event_id": [None, event.id],
            "on": [None, event.on],
            "value_per_share": [None, event.value_per_share],
            "amount": [None, event.amount],
            "shares_sold": [None, event.shares_sold],
            "shares_held": [None, held.shares],
            "carrying_value": [None, held.carrying],
        },
    )
    return event


def record_valuation(
    session: Any, actor: audit.Who, participation: EquityParticipation, data: dict[str, Any]
) -> EquityEvent:
    _check_date(participation, data["date"])
    held = holding_of(participation)
    if held.shares == 0:
        raise ValidationFailed.field("date", "All shares have been sold: there is nothing left to value.")
    change = held.value(data["value_per_share"])
    event = EquityEvent(
        kind=EquityEventKind.VALUATION,
        on=data["date"],
        value_per_share=data["value_per_share"],
        method=data["method"],
        decided_by=data["decided_by"],
        carrying_change=change,
        note=data.get("note") or "",
    )
    return _add(session, actor, participation, event)


def record_dividend(
    session: Any, actor: audit.Who, participation: EquityParticipation, data: dict[str, Any]
) -> EquityEvent:
    _check_date(participation, data["date"])
    event = EquityEvent(
        kind=EquityEventKind.DIVIDEND, on=data["date"], amount=data["amount"], note=data.get("note") or ""
    )
    return _add(session, actor, participation, event)


def record_exit(
    session: Any, actor: audit.Who, participation: EquityParticipation, data: dict[str, Any]
) -> EquityEvent:
    _check_date(participation, data["date"])
    held = holding_of(participation)
    try:
        sold = held.sell(data["shares"], data["proceeds"])
    except EquityError as exc:
        raise ValidationFailed.field("shares", str(exc)) from exc
    event = EquityEvent(
        kind=EquityEventKind.EXIT,
        on=data["date"],
        shares_sold=data["shares"],
        amount=data["proceeds"],
        cost_sold=sold.cost_sold,
        carrying_sold=sold.carrying_sold,
        note=data.get("note") or "",
    )
    return _add(session, actor, participation, event)
