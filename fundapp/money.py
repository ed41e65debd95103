"""Money: Decimal parsing, rounding and formatting.

Money is always ``Decimal``. Amounts are rounded to the cent only where the
domain rounds (see README "Calculation rules"), and always ROUND_HALF_UP
(commercial rounding, as Dutch bookkeeping does), never banker's rounding.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class MoneyError(ValueError):
    """A value that cannot be read as an amount of money."""


def to_decimal(value: object) -> Decimal:
    """Read a Decimal from a str/int/Decimal; floats are refused (they are not exact)."""
    if isinstance(value, bool):
        raise MoneyError("not a number")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if not text:
            raise MoneyError("empty amount")
        try:
            result = Decimal(text)
        except InvalidOperation as exc:
            raise MoneyError(f"not a number: {value!r}") from exc
    elif isinstance(value, float):
        raise MoneyError("floats are not accepted for money; send a decimal string")
    else:
        raise MoneyError(f"not a number: {value!r}")
    if not result.is_finite():
        raise MoneyError("not a finite number")
    return result


def round_cent(amount: Decimal) -> Decimal:
    """Round half-up to the cent (0.005 -> 0.01, -0.005 -> -0.01)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def round_to_multiple(amount: Decimal, multiple: Decimal) -> Decimal:
    """Round half-up to a multiple (0.01, 1, 5, 10 ...), keeping cent precision."""
    if multiple <= 0:
        raise MoneyError("rounding multiple must be positive")
    units = (amount / multiple).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return round_cent(units * multiple)


def money_str(amount: Decimal | None) -> str | None:
    """The API form of an amount: a plain decimal string with two decimals."""
    if amount is None:
        return None
    rounded = round_cent(amount)
    return f"{(rounded if rounded != 0 else ZERO):f}"  # never "-0.00"
