"""The pure arithmetic of equity participations and conversions (fundapp/instruments/equity.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundapp.instruments.equity import EquityError, Holding, conversion_price, shares_for

D = Decimal


def test_the_conversion_price_is_the_lowest_of_fixed_price_discounted_round_price_and_cap():
    assert conversion_price(None, D("20"), D("1.90"), D("2.50")) == D("1.90")
    assert conversion_price(None, D("20"), D("2.10"), D("2.50")) == D("2.000000")
    assert conversion_price(D("1.75"), D("20"), D("1.90"), D("2.50")) == D("1.75")
    assert conversion_price(D("1.75"), D("20"), None, None) == D("1.75")  # no round yet: the fixed price


def test_a_discount_without_the_rounds_price_gives_no_price():
    with pytest.raises(EquityError, match="round's price"):
        conversion_price(None, D("20"), D("1.90"), None)


def test_shares_are_the_amount_divided_by_the_price_rounded_down():
    assert shares_for(D("51250.00"), D("1.90")) == 26973
    assert shares_for(D("1.89"), D("1.90")) == 0


def test_before_any_valuation_the_carrying_value_is_the_cost_and_a_sale_takes_average_cost():
    held = Holding(3, D("100.00"))
    sold = held.sell(1, D("40.00"))
    assert (sold.cost_sold, sold.carrying_sold, sold.realised) == (D("33.33"), D("33.33"), D("6.67"))
    assert (held.shares, held.cost, held.carrying, held.unrealised) == (2, D("66.67"), D("66.67"), D("0.00"))


def test_a_valuation_moves_the_carrying_value_to_shares_times_value_per_share_half_up():
    held = Holding(3, D("100.00"))
    assert held.value(D("33.335")) == D("0.01")  # 100.005 half-up: 100.01
    assert held.carrying == D("100.01")


@given(
    shares=st.integers(min_value=1, max_value=10**6),
    cost=st.decimals(min_value=D("0.01"), max_value=D("1e9"), places=2),
    value=st.decimals(min_value=D("0"), max_value=D("1000"), places=6),
    sold=st.integers(min_value=1, max_value=10**6),
)
def test_cost_and_carrying_value_sold_and_kept_always_add_up_to_the_cent(shares, cost, value, sold):
    held = Holding(shares, cost)
    held.value(value)
    carrying_before = held.carrying
    sold = min(sold, shares)
    made = held.sell(sold, D("0"))
    assert made.cost_sold + held.cost == cost
    assert made.carrying_sold + held.carrying == carrying_before
    if held.shares:
        assert held.carrying == (held.shares * value).quantize(D("0.01"), rounding="ROUND_HALF_UP")
