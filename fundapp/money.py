"""Money: exact parsing, every rounding of the application, and the API's money string.

Money is always ``Decimal``. This module is the one place that rounds: every
rounding site calls the function named by its rule, so that a rule is read
in one place and tested once:

- ``round_cent``: half-up to the cent (amounts: interest, deadweight, prices, shares of a cap);
- ``round_to_multiple``: half-up to a multiple (installments rounded to 1, 5, 10 ...);
- ``floor_cent``: down to the cent (headroom under a cap, a payer's share before the cent left over);
- ``round_places``: half-up to a number of decimals (figures that are not money: ratios, means, months).

Half-up is commercial rounding, as Dutch bookkeeping does: 0.005 -> 0.01 and
-0.005 -> -0.01. Python's ``Decimal`` and babel round half-even (banker's
rounding) by default, which would make 125.025 -> 125.02; never rely on them.

Text becomes a ``Decimal`` only when it is a plain ASCII decimal
(``-?[0-9]+(.[0-9]+)?``): ``Decimal()`` itself also reads "1e2", "1_000",
"NaN", "Infinity", surrounding spaces and non-ASCII digits, none of which is
an amount.
"""

from __future__ import annotations

import re
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


class MoneyError(ValueError):
    """A value that cannot be read as an amount of money."""


def to_decimal(value: object) -> Decimal:
    """A Decimal from plain ASCII decimal text, an int or a finite Decimal; floats are refused (not exact)."""
    if type(value) is Decimal and value.is_finite():  # the common case (an amount read back) checked first
        return value
    if isinstance(value, bool):
        raise MoneyError("not a number")
    if isinstance(value, float):
        raise MoneyError("floats are not accepted for money; send a decimal string")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise MoneyError("not a finite number")
        return value
    if isinstance(value, str) and DECIMAL_TEXT.fullmatch(value):
        return Decimal(value)
    raise MoneyError(f"not a plain decimal number: {value!r}")


def is_whole_cents(amount: Decimal) -> bool:
    """True when the amount has no fraction of a cent (a check: it never rounds)."""
    try:
        return amount == amount.quantize(CENT)
    except InvalidOperation:  # too many digits to hold in cents
        return False


def round_cent(amount: Decimal) -> Decimal:
    """Half-up to the cent (0.005 -> 0.01, -0.005 -> -0.01)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def floor_cent(amount: Decimal) -> Decimal:
    """Down to the cent (toward minus infinity): what stays under a cap never exceeds it."""
    return amount.quantize(CENT, rounding=ROUND_FLOOR)


def round_to_multiple(amount: Decimal, multiple: Decimal) -> Decimal:
    """Half-up to a multiple (0.01, 1, 5, 10 ...), keeping cent precision."""
    if multiple <= 0:
        raise MoneyError("rounding multiple must be positive")
    units = (amount / multiple).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return round_cent(units * multiple)


def round_places(value: Decimal, places: int) -> Decimal:
    """Half-up to ``places`` decimals, for figures that are not money (0.125 -> 0.13 at 2 places)."""
    quantum = _QUANTA.get(places)
    if quantum is None:
        quantum = Decimal(1).scaleb(-places)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(13)}  # made once: every amount read is rounded


def money_str(amount: Decimal | None, places: int = 2) -> str | None:
    """The API form of an amount: a plain decimal string with two decimals (or ``places``), rounded half-up."""
    if amount is None:
        return None
    rounded = round_places(amount, places)
    return f"{(rounded if rounded != 0 else rounded.copy_abs()):f}"  # never "-0.00"
