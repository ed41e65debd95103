"""The arithmetic of an equity participation and of a loan's conversion (pure: no Flask, no database).

Rules (docs/fund_economics.md, "Equity and convertible loans"):

- carrying value = shares held × the last value per share, half-up to the cent; the cost before any valuation;
- an exit sells at average cost: the cost of the shares sold is cost held × sold ÷ held, half-up to the cent
  (a full exit takes the whole cost); the carrying value of the shares sold is the carrying value before the
  exit less the carrying value of the shares kept, so the two always add up to the cent;
- realised result = proceeds − cost of the shares sold; unrealised result = carrying value − cost of the
  shares held;
- conversion price = the lowest of the fixed price, the round's price × (1 − discount) (half-up to six
  decimals) and the cap; shares = converted amount ÷ price rounded down to whole shares; what a whole share
  more would have cost stays in the participation's cost (the whole converted amount is its cost).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from fundapp.messages import N_
from fundapp.money import ZERO, round_cent, round_places

PRICE_PLACES = 6


class EquityError(ValueError):
    """An event the participation cannot take (the message is a whole sentence a page shows, translated there)."""


@dataclass(frozen=True)
class Exit:
    cost_sold: Decimal
    carrying_sold: Decimal
    realised: Decimal


@dataclass
class Holding:
    """What the fund holds of one participation, moved forward event by event."""

    shares: int
    cost: Decimal
    value_per_share: Decimal | None = None
    realised: Decimal = ZERO
    dividends: Decimal = ZERO
    carrying: Decimal = field(init=False)

    def __post_init__(self) -> None:
        self.carrying = self.cost

    @property
    def unrealised(self) -> Decimal:
        return self.carrying - self.cost

    def value(self, value_per_share: Decimal) -> Decimal:
        """A valuation: the new carrying value; answers the (signed) change."""
        if value_per_share < 0:
            raise EquityError(N_("A value per share cannot be negative."))
        before = self.carrying
        self.value_per_share = value_per_share
        self.carrying = round_cent(self.shares * value_per_share)
        return self.carrying - before

    def dividend(self, amount: Decimal) -> None:
        self.dividends += amount

    def sell(self, shares: int, proceeds: Decimal) -> Exit:
        if shares <= 0:
            raise EquityError(N_("Sell at least one share."))
        if shares > self.shares:
            raise EquityError(N_("More shares are sold than the fund holds."))
        kept = self.shares - shares
        if kept == 0:
            cost_sold, carrying_kept = self.cost, ZERO
        else:
            cost_sold = round_cent(self.cost * shares / self.shares)
            kept_cost = self.cost - cost_sold
            carrying_kept = kept_cost if self.value_per_share is None else round_cent(kept * self.value_per_share)
        made = Exit(cost_sold, self.carrying - carrying_kept, proceeds - cost_sold)
        self.shares, self.cost, self.carrying = kept, self.cost - cost_sold, carrying_kept
        self.realised += made.realised
        return made


def conversion_price(
    fixed: Decimal | None, discount_percent: Decimal | None, cap: Decimal | None, round_price: Decimal | None
) -> Decimal:
    """The lowest price the terms give; a discount needs the round's price."""
    prices = [p for p in (fixed, cap) if p is not None]
    if discount_percent is not None:
        if round_price is None:
            if fixed is None:
                raise EquityError(N_("The terms give a discount on the round's price: enter that price."))
        else:
            prices.append(round_places(round_price * (1 - discount_percent / 100), PRICE_PLACES))
    price = min(prices) if prices else ZERO
    if price <= 0:
        raise EquityError(N_("The terms give no conversion price above zero."))
    return price


def shares_for(amount: Decimal, price: Decimal) -> int:
    """Whole shares the amount buys at the price (rounded down)."""
    return int(amount // price)  # both positive: the quotient's whole part is its floor
