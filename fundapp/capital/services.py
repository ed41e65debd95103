"""The verbs of the fund's capital. They check, change state and audit; they never commit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.capital import nav
from fundapp.capital.models import CapitalCall, Distribution, FundExpense, Investor, InvestorKind
from fundapp.errors import ValidationFailed
from fundapp.funds.models import Fund
from fundapp.messages import N_
from fundapp.money import ZERO, money_str

TOO_LARGE = N_(
    "The distribution is larger than the fund's cash on that date, "
    "or than what is left of it after the payments recorded since."
)


def _check_fixed_shares(session: Session, fund_id: int, percent: Decimal | None, exclude_id: int | None) -> None:
    if percent is None:
        return
    others = session.scalar(
        select(func.coalesce(func.sum(Investor.fixed_share_percent), 0)).where(
            Investor.fund_id == fund_id, Investor.id != (exclude_id or 0)
        )
    )
    if Decimal(others or 0) + percent > 100:
        raise ValidationFailed.field("fixed_share_percent", "The fixed shares of the fund's investors exceed 100 %.")


def add_investor(session: Session, actor: audit.Who, fund: Fund, data: dict[str, Any]) -> Investor:
    data = {
        "kind": InvestorKind.OTHER,
        "fixed_share_percent": None,
        "expected_return_percent": None,
        "term_years": None,
        "notes": "",
        **data,
    }
    _check_fixed_shares(session, fund.id, data["fixed_share_percent"], None)
    investor = Investor(fund_id=fund.id, **data)
    session.add(investor)
    session.flush()
    audit.record(
        session,
        actor,
        "investor.added",
        investor,
        {"fund_id": [None, fund.id], **{k: [None, v] for k, v in data.items()}},
    )
    return investor


def update_investor(session: Session, actor: audit.Who, investor: Investor, data: dict[str, Any]) -> Investor:
    if "fixed_share_percent" in data:
        _check_fixed_shares(session, investor.fund_id, data["fixed_share_percent"], investor.id)
    if data.get("commitment", investor.commitment) < paid_in(session, investor):
        raise ValidationFailed.field("commitment", "The commitment cannot be less than what was paid in.")
    changes = audit.apply_changes(investor, data)
    if changes:
        session.flush()
        audit.record(session, actor, "investor.updated", investor, changes)
    return investor


def paid_in(session: Session, investor: Investor) -> Decimal:
    total = session.scalar(select(func.sum(CapitalCall.amount)).where(CapitalCall.investor_id == investor.id))
    return Decimal(total or ZERO)


def check_call(session: Session, investor: Investor, data: dict[str, Any]) -> None:
    """Refuses a call larger than what the investor still has to pay in of its commitment."""
    remaining = investor.commitment - paid_in(session, investor)
    if data["amount"] > remaining:
        raise ValidationFailed(
            "The call is larger than the investor's remaining commitment.",
            [
                {
                    "field": "amount",
                    "message": "The call is larger than the investor's remaining commitment.",
                    "remaining": money_str(remaining),
                }
            ],
        )


def record_call(session: Session, actor: audit.Who, investor: Investor, data: dict[str, Any]) -> CapitalCall:
    """A capital call, never more than what the investor still has to pay in of its commitment."""
    check_call(session, investor, data)
    call = CapitalCall(fund_id=investor.fund_id, investor=investor, on=data["date"], amount=data["amount"])
    session.add(call)
    session.flush()
    audit.record(
        session,
        actor,
        "capital_call.recorded",
        call,
        {"investor_id": [None, investor.id], "date": [None, call.on], "amount": [None, call.amount]},
    )
    return call


def check_distribution(session: Session, investor: Investor, data: dict[str, Any]) -> None:
    """Refuses a distribution larger than the cash the fund has on its date (the journal's bank balance) and keeps
    after the payments already recorded after it (``nav.cash_free``)."""
    cash = nav.cash_free(session, investor.fund_id, data["date"])
    if data["amount"] > cash:
        raise ValidationFailed(
            TOO_LARGE,
            [
                {
                    "field": "amount",
                    "message": TOO_LARGE,
                    "cash": money_str(cash),
                }
            ],
        )


def record_distribution(session: Session, actor: audit.Who, investor: Investor, data: dict[str, Any]) -> Distribution:
    """A distribution, never more than the fund's cash (``check_distribution``)."""
    check_distribution(session, investor, data)
    paid = Distribution(
        fund_id=investor.fund_id, investor=investor, on=data["date"], amount=data["amount"], kind=data["kind"]
    )
    session.add(paid)
    session.flush()
    audit.record(
        session,
        actor,
        "distribution.recorded",
        paid,
        {
            "investor_id": [None, investor.id],
            "date": [None, paid.on],
            "amount": [None, paid.amount],
            "kind": [None, paid.kind],
        },
    )
    return paid


def record_expense(session: Session, actor: audit.Who, fund: Fund, data: dict[str, Any]) -> FundExpense:
    expense = FundExpense(fund_id=fund.id, on=data["date"], amount=data["amount"], description=data["description"])
    session.add(expense)
    session.flush()
    audit.record(
        session,
        actor,
        "fund_expense.recorded",
        expense,
        {
            "fund_id": [None, fund.id],
            "date": [None, expense.on],
            "amount": [None, expense.amount],
            "description": [None, expense.description],
        },
    )
    return expense
