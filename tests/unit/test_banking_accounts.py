"""IBAN, BIC and SEPA creditor identifier checks, against published examples."""

from __future__ import annotations

import string
from decimal import Decimal
from pathlib import Path

import pytest
from babel.support import Translations
from hypothesis import given, settings
from hypothesis import strategies as st

from fundapp.banking.accounts import (
    AccountError,
    bic_for_iban,
    check_bic,
    check_creditor_id,
    check_iban,
    creditor_id_check_digits,
)
from fundapp.banking.sepa_text import SepaError, amount_in_cents

# The domain document's example, and the Deutsche Bundesbank's published test creditor identifier.
PUBLISHED_CREDITOR_IDS = ["NL50ZZZ241234560000", "DE98ZZZ09999999999"]
# The example IBANs of the IBAN registry (SWIFT) for these countries.
PUBLISHED_IBANS = ["NL91ABNA0417164300", "DE89370400440532013000", "GB82WEST12345698765432", "BE68539007547034"]


@pytest.mark.parametrize("creditor_id", PUBLISHED_CREDITOR_IDS)
def test_published_creditor_identifiers_pass_the_check(creditor_id):
    assert check_creditor_id(creditor_id) == creditor_id


def test_check_digits_of_the_dutch_example_are_computed_as_published():
    assert creditor_id_check_digits("NL", "241234560000") == "50"
    assert creditor_id_check_digits("DE", "09999999999") == "98"


def test_creditor_identifier_is_read_as_typed_with_spaces_and_lower_case():
    assert check_creditor_id(" nl50 zzz 2412 3456 0000 ") == "NL50ZZZ241234560000"


def test_the_business_code_does_not_take_part_in_the_check_digits():
    assert check_creditor_id("NL50ABC241234560000") == "NL50ABC241234560000"


def test_a_mistyped_creditor_identifier_fails_on_its_check_digits():
    with pytest.raises(AccountError, match="wrong check digits"):
        check_creditor_id("NL50ZZZ241234560001")


def test_a_dutch_creditor_identifier_must_have_twelve_digits_after_the_business_code():
    with pytest.raises(AccountError, match="12 digits"):
        check_creditor_id("NL50ZZZ24123456000")


def test_a_creditor_identifier_of_the_wrong_form_is_refused():
    with pytest.raises(AccountError, match="not of the form"):
        check_creditor_id("ZZZ241234560000")
    with pytest.raises(AccountError, match="empty"):
        check_creditor_id("  ")


@settings(max_examples=200, deadline=None)
@given(
    country=st.sampled_from(["DE", "FR", "BE", "IT", "ES", "AT"]),
    national=st.text(string.digits, min_size=4, max_size=20),
    position=st.integers(min_value=0),
    replacement=st.sampled_from(string.digits),
    letters=st.text(string.ascii_uppercase, max_size=3),
)
def test_computed_check_digits_pass_and_any_single_mistyped_digit_fails(
    country, national, position, replacement, letters
):
    # ISO 7064 MOD 97-10 catches every single substituted digit; the letters only show they take part.
    national = letters + national
    valid = f"{country}{creditor_id_check_digits(country, national)}ZZZ{national}"
    assert check_creditor_id(valid) == valid
    index = len(letters) + position % (len(national) - len(letters))
    if national[index] != replacement:
        changed = national[:index] + replacement + national[index + 1 :]
        with pytest.raises(AccountError):
            check_creditor_id(f"{country}{valid[2:4]}ZZZ{changed}")


@pytest.mark.parametrize("iban", PUBLISHED_IBANS)
def test_published_ibans_pass_the_check(iban):
    assert check_iban(iban) == iban


def test_an_iban_is_normalised_from_the_printed_form():
    assert check_iban("nl91 abna 0417 1643 00") == "NL91ABNA0417164300"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("XX91ABNA0417164300", "unknown country code 'XX'"),
        ("NL91ABNA041716430", "17 characters"),
        ("NL92ABNA0417164300", "wrong check digits"),
        ("", "empty"),
    ],
)
def test_a_wrong_iban_is_refused_with_what_is_wrong(text, problem):
    with pytest.raises(AccountError, match=problem):
        check_iban(text)


def test_an_iban_outside_the_sepa_area_is_refused_only_when_asked():
    brazilian = "BR1800360305000010009795493C1"
    assert check_iban(brazilian) == brazilian
    with pytest.raises(AccountError, match="outside the SEPA area"):
        check_iban(brazilian, sepa_only=True)


def test_bics_of_eight_and_eleven_characters_pass():
    assert check_bic("abnanl2a") == "ABNANL2A"
    assert check_bic("ABNANL2AXXX") == "ABNANL2AXXX"


@pytest.mark.parametrize(("text", "problem"), [("ABN", "3 characters"), ("ABNAXX2A", "country code 'XX'")])
def test_a_wrong_bic_is_refused_with_what_is_wrong(text, problem):
    with pytest.raises(AccountError, match=problem):
        check_bic(text)


def test_the_bic_of_a_dutch_iban_comes_from_the_bank_registry():
    assert bic_for_iban("NL91ABNA0417164300") == "ABNANL2A"


def test_an_account_error_is_a_value_error_whose_message_can_be_translated():
    with pytest.raises(ValueError) as caught:
        check_iban("NL92ABNA0417164300")
    dutch = {"The IBAN %(iban)s has wrong check digits: a character is mistyped.": "IBAN %(iban)s klopt niet."}
    assert caught.value.in_language(lambda text: dutch.get(text, text)) == "IBAN NL92ABNA0417164300 klopt niet."


def test_account_and_sepa_errors_read_in_dutch_from_the_catalog():
    catalog = Translations.load(str(Path(__file__).resolve().parents[2] / "fundapp" / "translations"), ["nl"])
    with pytest.raises(AccountError) as caught:
        check_creditor_id("NL51ZZZ241234560000")
    assert caught.value.in_language(catalog.gettext) == (
        "Het incassant-ID NL51ZZZ241234560000 heeft onjuiste controlecijfers: er is een teken verkeerd getypt."
    )
    with pytest.raises(SepaError) as caught:
        amount_in_cents(Decimal("1.001"), "amount")
    assert caught.value.in_language(catalog.gettext) == "De waarde 1.001 voor bedrag bevat een fractie van een cent."
