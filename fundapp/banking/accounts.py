"""Bank account identifiers: IBAN and BIC (through schwifty) and the SEPA creditor identifier.

Each check takes what a person typed (spaces and lower case allowed) and
returns the compact, upper-case form, or raises ``AccountError`` saying what
is wrong: the country, the length, the structure or the check digits.

The creditor identifier (CI) check digits follow the EPC's "Creditor
Identifier Overview" (EPC262-08): ISO 7064 MOD 97-10 over the national
identifier followed by the country code and "00", letters read as numbers
(A=10 ... Z=35); the creditor business code (positions 5-7, "ZZZ" when
unused) is left out, so a creditor may change it without new check digits.
"""

from __future__ import annotations

import re

from schwifty import BIC, IBAN
from schwifty import exceptions as schwifty_errors

from fundapp.banking.errors import BankingError
from fundapp.messages import N_

CREDITOR_ID = re.compile(
    r"(?P<country>[A-Z]{2})(?P<check>[0-9]{2})(?P<business>[A-Z0-9]{3})(?P<national>[A-Z0-9]{1,28})"
)
# The Dutch CI (issued by the Chamber of Commerce): the 8-digit KvK number and a 4-digit serial.
DUTCH_NATIONAL_ID = re.compile(r"[0-9]{12}")


class AccountError(BankingError):
    """An account number or identifier that is not valid; the message says why."""


def _compact(text: str) -> str:
    return "".join(str(text).split()).upper()


def check_iban(text: str, *, sepa_only: bool = False) -> str:
    """The IBAN in compact form (``NL91ABNA0417164300``), checked for country, length, structure and checksum."""
    compact = _compact(text)
    if not compact:
        raise AccountError(N_("The IBAN is empty."))
    try:
        iban = IBAN(compact)
    except schwifty_errors.InvalidCountryCode:
        raise AccountError(
            N_("The IBAN %(iban)s starts with an unknown country code '%(country)s'."),
            iban=compact,
            country=compact[:2],
        ) from None
    except schwifty_errors.InvalidLength:
        raise AccountError(
            N_("The IBAN %(iban)s has %(length)s characters, which is wrong for its country."),
            iban=compact,
            length=len(compact),
        ) from None
    except schwifty_errors.InvalidChecksumDigits:
        raise AccountError(
            N_("The IBAN %(iban)s has wrong check digits: a character is mistyped."), iban=compact
        ) from None
    except schwifty_errors.SchwiftyException as exc:
        raise AccountError(
            N_("The IBAN %(iban)s is not a valid account number for its country (%(reason)s)."),
            iban=compact,
            reason=exc,
        ) from None
    if sepa_only and not iban.in_sepa_zone:
        raise AccountError(N_("The IBAN %(iban)s belongs to a country outside the SEPA area."), iban=compact)
    return str(iban.compact)


def check_bic(text: str) -> str:
    """The BIC (SWIFT code) in compact form, 8 or 11 characters, checked for structure and country."""
    compact = _compact(text)
    if not compact:
        raise AccountError(N_("The BIC is empty."))
    try:
        bic = BIC(compact)
    except schwifty_errors.InvalidLength:
        raise AccountError(
            N_("The BIC %(bic)s has %(length)s characters; a BIC has 8 or 11."), bic=compact, length=len(compact)
        ) from None
    except schwifty_errors.InvalidCountryCode:
        raise AccountError(
            N_("The BIC %(bic)s has an unknown country code '%(country)s'."), bic=compact, country=compact[4:6]
        ) from None
    except schwifty_errors.SchwiftyException as exc:
        raise AccountError(
            N_("The BIC %(bic)s is not a valid bank identifier (%(reason)s)."), bic=compact, reason=exc
        ) from None
    return str(bic.compact)


def bic_for_iban(iban: str) -> str | None:
    """The BIC of the bank holding a (checked) IBAN, from schwifty's bank registry; None when unknown."""
    bic = IBAN(iban).bic
    return str(bic.compact) if bic is not None else None


def _mod97_digits(text: str) -> int:
    """ISO 7064 MOD 97-10 remainder of alphanumeric text, letters as numbers (A=10 ... Z=35)."""
    return int("".join(str(int(char, 36)) for char in text)) % 97


def creditor_id_check_digits(country: str, national_id: str) -> str:
    """The two check digits of a creditor identifier (the business code does not take part)."""
    return f"{98 - _mod97_digits(national_id + country + '00'):02d}"


def check_creditor_id(text: str) -> str:
    """The SEPA creditor identifier in compact form (``NL50ZZZ241234560000``), checked."""
    compact = _compact(text)
    if not compact:
        raise AccountError(N_("The creditor identifier is empty."))
    if len(compact) > 35:
        raise AccountError(
            N_("The creditor identifier %(ci)s has %(length)s characters; at most 35 are allowed."),
            ci=compact,
            length=len(compact),
        )
    match = CREDITOR_ID.fullmatch(compact)
    if match is None:
        raise AccountError(
            N_(
                "The creditor identifier %(ci)s is not of the form country code, 2 check digits, "
                "3-character business code (ZZZ when unused), national identifier."
            ),
            ci=compact,
        )
    country, national = match["country"], match["national"]
    if country == "NL" and not DUTCH_NATIONAL_ID.fullmatch(national):
        raise AccountError(
            N_(
                "The Dutch creditor identifier %(ci)s must end in 12 digits (KvK number and serial), "
                "19 characters in all; it has %(length)s."
            ),
            ci=compact,
            length=len(compact),
        )
    if creditor_id_check_digits(country, national) != match["check"]:
        raise AccountError(
            N_("The creditor identifier %(ci)s has wrong check digits: a character is mistyped."), ci=compact
        )
    return compact
