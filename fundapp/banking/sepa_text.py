"""What text may go into a SEPA file: the EPC's Latin character set, field lengths and amounts.

SEPA messages carry only the basic Latin set that every bank in the area
accepts (EPC, SEPA implementation guidelines, "character set"):

    a-z A-Z 0-9 / - ? : ( ) . , ' + and the space

Two kinds of field, two rules:

- free text (names, remittance information) is transliterated: accents are
  dropped (é -> e, ü -> u), ligatures and special letters are spelled out
  (ß -> ss, æ -> ae, ø -> o, ł -> l), & becomes +, typographic quotes become ',
  and anything else that is not in the set becomes a space; runs of spaces are
  closed up. Then the text is cut to the field's length (names 70, remittance
  140), because a shortened name or description still pays the right account.
- identifiers (message id, end-to-end id, mandate id) are refused, never
  changed, when they hold a character outside the set, are empty, too long
  (35), or start or end with "/" or contain "//" (the EPC's rule for
  references): a changed identifier would no longer match what the bank
  returns.

Amounts are euros with exactly two decimals, from 0.01 to 999999999.99; an
amount with a fraction of a cent is refused, not rounded (rounding belongs to
the loan rules, not to the payment file).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from fundapp.banking.errors import BankingError
from fundapp.messages import N_
from fundapp.money import is_whole_cents

NAME_LENGTH = 70
REMITTANCE_LENGTH = 140
IDENTIFIER_LENGTH = 35
MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999.99")

SEPA_CHARACTERS = re.compile(r"[A-Za-z0-9/\-?:().,'+ ]*")
_OUTSIDE_SET = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
_SPACES = re.compile(r" {2,}")
# Letters that Unicode does not decompose into a base letter and an accent.
_SPELLED_OUT = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
        "&": "+",
        "‘": "'",
        "’": "'",
        "‚": "'",
        "“": "'",
        "”": "'",
        '"': "'",
        "`": "'",
        "´": "'",
        "–": "-",
        "—": "-",
        "_": "-",
        "€": "EUR",
    }
)


class SepaError(BankingError):
    """Input that cannot go into a SEPA payment file; the message says which field and why."""


def transliterate(text: str) -> str:
    """Free text in the SEPA Latin character set (see the module's rule); may come out empty."""
    spelled = unicodedata.normalize("NFKC", str(text)).translate(_SPELLED_OUT)
    decomposed = unicodedata.normalize("NFKD", spelled)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", _OUTSIDE_SET.sub(" ", bare)).strip()


def free_text(text: str, field: str, length: int, *, required: bool = True) -> str:
    """Transliterated and cut to ``length``; an empty result is refused when the field is required."""
    clean = transliterate(text)[:length].rstrip()
    if required and not clean:
        raise SepaError(N_("The %(field)s is empty once reduced to the SEPA character set."), field=field)
    return clean


def identifier(text: str, field: str, length: int = IDENTIFIER_LENGTH) -> str:
    """A reference as it is, or SepaError when the SEPA rules for references would change it."""
    value = str(text).strip()
    if not value:
        raise SepaError(N_("The %(field)s is empty."), field=field)
    if len(value) > length:
        raise SepaError(
            N_("The %(field)s %(value)s has %(count)s characters; at most %(length)s are allowed."),
            field=field,
            value=value,
            count=len(value),
            length=length,
        )
    if not SEPA_CHARACTERS.fullmatch(value):
        raise SepaError(
            N_(
                "The %(field)s %(value)s has characters outside the SEPA character set (letters, digits, / - ? : ( ) . , ' +)."
            ),
            field=field,
            value=value,
        )
    if value.startswith("/") or value.endswith("/") or "//" in value:
        raise SepaError(
            N_("The %(field)s %(value)s may not start or end with '/' or contain '//'."), field=field, value=value
        )
    return value


def amount_in_cents(amount: Decimal, field: str) -> int:
    """The amount as whole cents, or SepaError when it is not a SEPA amount (0.01 - 999999999.99, whole cents)."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise SepaError(N_("The %(field)s must be a decimal amount, not %(value)s."), field=field, value=repr(amount))
    if not is_whole_cents(amount):
        raise SepaError(N_("The %(field)s %(value)s has a fraction of a cent."), field=field, value=amount)
    if not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        raise SepaError(
            N_("The %(field)s %(value)s is outside what SEPA allows (0.01 to 999999999.99)."), field=field, value=amount
        )
    return int(amount * 100)
