"""Recognise a Dutch citizen service number (BSN), so that it is never stored as a participant reference."""

from __future__ import annotations

# Separators people type inside a BSN ("1234.56.782", "123 456 782"): a BSN written
# that way is still a BSN.
_SEPARATORS = str.maketrans("", "", " .-\u00a0")
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def looks_like_bsn(text: str) -> bool:
    """True for 9 digits (or 8, a BSN whose leading zero a number cell dropped) passing the eleven-test.

    The eleven-test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11. All zeros is not a BSN.
    """
    digits = text.strip().translate(_SEPARATORS)
    if not (digits.isascii() and digits.isdigit()) or len(digits) not in (8, 9):
        return False
    digits = digits.zfill(9)
    if digits == "000000000":
        return False
    total = sum(weight * int(digit) for weight, digit in zip(_WEIGHTS, digits, strict=True))
    return total % 11 == 0
