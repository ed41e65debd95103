"""fundapp.validation and fundapp.errors.flatten_messages: the one validation layer for API and forms."""

from __future__ import annotations

from decimal import Decimal

import marshmallow as ma
import pytest

from fundapp.errors import ValidationFailed, flatten_messages
from fundapp.validation import (
    KvkNumber,
    MoneyField,
    PercentField,
    TrimmedString,
    load_or_fail,
    normalize_kvk,
    validate_kvk,
)


class KvkSchema(ma.Schema):
    kvk = KvkNumber(required=True)


class AmountSchema(ma.Schema):
    amount = MoneyField(required=True)


class PercentSchema(ma.Schema):
    rate = PercentField(required=True)


class TextSchema(ma.Schema):
    text = TrimmedString(required=True)


def _errors(schema: ma.Schema, data: dict) -> dict:
    with pytest.raises(ma.ValidationError) as info:
        schema.load(data)
    return info.value.messages


# --- KvK numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("12345678", "12345678"),
        ("1234 5678", "12345678"),
        (" 12 34 56 78 ", "12345678"),
        ("12.34.56.78", "12345678"),
        ("1234-5678", "12345678"),
        ("01234567", "01234567"),
        ("12\t345678", "12345678"),
    ],
)
def test_kvk_number_of_eight_digits_is_accepted_with_spaces_dots_and_dashes_stripped(typed, stored):
    assert KvkSchema().load({"kvk": typed}) == {"kvk": stored}


@pytest.mark.parametrize(
    "typed",
    ["1234567", "123456789", "1234 567", "1234567a", "ABCDEFGH", "12-34-56-7x", "", "        ", "1234567\u00bd"],
)
def test_kvk_number_that_is_not_exactly_eight_ascii_digits_is_refused_naming_the_field(typed):
    messages = _errors(KvkSchema(), {"kvk": typed})
    assert messages == {"kvk": ["A KvK number has exactly 8 digits."]}


@pytest.mark.parametrize(
    "typed", ["\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18", "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668"]
)
def test_kvk_number_of_non_ascii_digits_is_refused(typed):
    assert _errors(KvkSchema(), {"kvk": typed}) == {"kvk": ["A KvK number has exactly 8 digits."]}


def test_kvk_number_of_all_zeros_is_refused():
    assert _errors(KvkSchema(), {"kvk": "0000 0000"}) == {"kvk": ["00000000 is not a KvK number."]}


def test_kvk_number_must_be_a_string_not_a_json_number():
    messages = _errors(KvkSchema(), {"kvk": 12345678})
    assert list(messages) == ["kvk"]


def test_normalize_and_validate_kvk_helpers_agree_with_the_field():
    assert normalize_kvk(" 12.34-56 78") == "12345678"
    assert normalize_kvk(None) == ""
    validate_kvk("87654321")
    with pytest.raises(ma.ValidationError):
        validate_kvk("8765432")
    with pytest.raises(ma.ValidationError):
        validate_kvk("00000000")


# --- Money ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1234.50", Decimal("1234.50")),
        ("1234.5", Decimal("1234.5")),
        ("0", Decimal("0")),
        ("0.01", Decimal("0.01")),
        ("10000000000000", Decimal("10000000000000")),
        (1234, Decimal("1234")),
        (Decimal("99.99"), Decimal("99.99")),
    ],
)
def test_money_field_reads_plain_decimal_strings_and_integers(typed, amount):
    loaded = AmountSchema().load({"amount": typed})["amount"]
    assert isinstance(loaded, Decimal)
    assert loaded == amount


@pytest.mark.parametrize(
    "typed",
    [
        "1_000.00",
        "1e2",
        "1E-3",
        "１２３.４５",  # full-width digits
        "١٢٣.٤٥",  # Arabic-Indic digits
        "۱۲۳",  # extended Arabic-Indic digits
        "12,50",
        "1.234,50",
        "1,234.50",
        " 12.50",
        "12.50 ",
        "12.50\n",
        "+12.50",
        "12.",
        ".50",
        "- 12",
        "NaN",
        "-Infinity",
        "abc",
        "",
        True,
        None,
        [],
        {},
    ],
)
def test_money_field_refuses_anything_but_ascii_digits_with_an_optional_minus_and_point(typed):
    assert _errors(AmountSchema(), {"amount": typed}) in (
        {"amount": ["Enter an amount such as 1234.50."]},
        {"amount": ["Field may not be null."]},
    )


@pytest.mark.parametrize("typed", [1234.5, 0.1, 12.0])
def test_money_field_refuses_a_float_and_says_to_send_a_string(typed):
    messages = _errors(AmountSchema(), {"amount": typed})
    assert messages == {"amount": ['Send amounts as a decimal string, e.g. "1234.50", not as a number.']}


@pytest.mark.parametrize("typed", ["12.505", "0.001", "1.000"])
def test_money_field_refuses_more_than_two_decimals(typed):
    assert _errors(AmountSchema(), {"amount": typed}) == {"amount": ["Use at most two decimals."]}


@pytest.mark.parametrize("typed", ["-0.01", "-1250"])
def test_money_field_refuses_a_negative_amount(typed):
    assert _errors(AmountSchema(), {"amount": typed}) == {"amount": ["Must not be negative."]}


def test_money_field_refuses_an_amount_above_its_maximum():
    assert _errors(AmountSchema(), {"amount": "10000000000000.01"}) == {"amount": ["This amount is too large."]}


def test_money_field_with_a_custom_minimum_and_places():
    class Custom(ma.Schema):
        amount = MoneyField(min_value=Decimal("-100"), places=4)

    assert Custom().load({"amount": "-99.1234"}) == {"amount": Decimal("-99.1234")}
    assert _errors(Custom(), {"amount": "-100.01"}) == {"amount": ["This amount is too small."]}
    assert _errors(Custom(), {"amount": "1.12345"}) == {"amount": ["Use at most 4 decimals."]}


@pytest.mark.parametrize(
    ("value", "dumped"),
    [
        (Decimal("1234.5"), "1234.50"),
        (Decimal("0"), "0.00"),
        (Decimal("1E+3"), "1000.00"),
        (Decimal("125.025"), "125.03"),  # half-up: banker's rounding would give 125.02
        (Decimal("-125.025"), "-125.03"),
        (Decimal("-0.004"), "0.00"),
        (None, None),
    ],
)
def test_money_field_dumps_a_two_decimal_string_rounded_half_up(value, dumped):
    assert AmountSchema().dump({"amount": value}) == {"amount": dumped}


def test_money_field_refuses_to_dump_a_float():
    with pytest.raises(ValueError, match="floats"):
        AmountSchema().dump({"amount": 0.1})


def test_percent_field_reads_up_to_four_decimals_between_zero_and_hundred_and_dumps_it_normalized():
    assert PercentSchema().load({"rate": "2.5"}) == {"rate": Decimal("2.5")}
    assert PercentSchema().load({"rate": "2.1234"}) == {"rate": Decimal("2.1234")}
    assert PercentSchema().load({"rate": 3}) == {"rate": Decimal("3")}
    assert _errors(PercentSchema(), {"rate": "100.01"}) == {"rate": ["This percentage is too large."]}
    assert _errors(PercentSchema(), {"rate": "-1"}) == {"rate": ["Must not be negative."]}
    assert _errors(PercentSchema(), {"rate": "2.12345"}) == {"rate": ["Use at most 4 decimals."]}
    assert _errors(PercentSchema(), {"rate": 2.5}) == {
        "rate": ['Send percentages as a decimal string, e.g. "2.5", not as a number.']
    }
    assert PercentSchema().dump({"rate": Decimal("2.500000")}) == {"rate": "2.5"}
    assert PercentSchema().dump({"rate": Decimal("100")}) == {"rate": "100"}


@pytest.mark.parametrize("typed", ["2,5", "1e1", "2_5", "NaN", "Infinity", "٢.٥", "２.５", " 2.5"])
def test_percent_field_refuses_what_is_not_a_plain_ascii_decimal(typed):
    assert _errors(PercentSchema(), {"rate": typed}) == {"rate": ["Enter a percentage such as 2.5."]}


# --- what a person types on a page ----------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "typed", "amount"),
    [
        ("nl", "1.000,50", Decimal("1000.50")),
        ("nl", "1.250.000", Decimal("1250000")),
        ("nl", "1250,5", Decimal("1250.5")),
        ("nl", " € 1.000,50 ", Decimal("1000.50")),
        ("nl", "1\u00a0000,50", Decimal("1000.50")),
        ("nl", "1250.50", Decimal("1250.50")),
        ("en", "1,000.50", Decimal("1000.50")),
        ("en", "1250,5", Decimal("1250.5")),
        ("en", "€1,250,000", Decimal("1250000")),
    ],
)
def test_a_page_reads_an_amount_as_a_person_types_it_in_their_language(app, locale, typed, amount):
    with app.test_request_context("/funds/1/capital-sources/new", headers={"Cookie": f"fundapp_lang={locale}"}):
        assert AmountSchema().load({"amount": typed}) == {"amount": amount}


@pytest.mark.parametrize(
    "typed", ["1e2", "1_000", "١٠٠٠", "１０００", "1.000.00", "1,000,00", "12,50,00", "NaN", "Infinity", "1.000,505"]
)
def test_a_page_refuses_junk_in_an_amount_field_as_the_api_does(app, typed):
    with app.test_request_context("/funds/1/capital-sources/new", headers={"Cookie": "fundapp_lang=nl"}):
        messages = _errors(AmountSchema(), {"amount": typed})
    assert messages in ({"amount": ["Enter an amount such as 1234.50."]}, {"amount": ["Use at most two decimals."]})


def test_the_api_does_not_read_a_dutch_amount_even_for_a_dutch_reader(app):
    with app.test_request_context("/api/v1/funds/1/capital-sources", headers={"Cookie": "fundapp_lang=nl"}):
        assert _errors(AmountSchema(), {"amount": "1.000,50"}) == {"amount": ["Enter an amount such as 1234.50."]}
        assert _errors(AmountSchema(), {"amount": "1000,50"}) == {"amount": ["Enter an amount such as 1234.50."]}


def test_trimmed_string_strips_and_refuses_control_characters_but_keeps_newlines():
    assert TextSchema().load({"text": "  Fietsfabriek Zuid \n"}) == {"text": "Fietsfabriek Zuid"}
    assert TextSchema().load({"text": "line one\nline two"}) == {"text": "line one\nline two"}
    assert _errors(TextSchema(), {"text": "bad\x00name"}) == {"text": ["Contains control characters."]}
    assert _errors(TextSchema(), {"text": "bell\x07"}) == {"text": ["Contains control characters."]}


# --- flattening marshmallow errors ---------------------------------------------------


def test_flatten_messages_turns_a_flat_dict_into_field_message_pairs():
    assert flatten_messages({"name": ["Missing data for required field."], "kind": ["Bad.", "Worse."]}) == [
        {"field": "name", "message": "Missing data for required field."},
        {"field": "kind", "message": "Bad."},
        {"field": "kind", "message": "Worse."},
    ]


def test_flatten_messages_joins_nested_fields_and_list_indexes_with_dots():
    messages = {"labels": {0: {"level": ["Needs a level."]}, 2: {"kind": ["Unknown kind."]}}, "fund": {"id": ["Bad."]}}
    assert flatten_messages(messages) == [
        {"field": "labels.0.level", "message": "Needs a level."},
        {"field": "labels.2.kind", "message": "Unknown kind."},
        {"field": "fund.id", "message": "Bad."},
    ]


def test_flatten_messages_gives_schema_level_errors_to_the_enclosing_field_or_schema():
    messages = {"_schema": ["Whole thing wrong."], "labels": {1: {"_schema": ["This label is wrong."]}}}
    assert flatten_messages(messages) == [
        {"field": "_schema", "message": "Whole thing wrong."},
        {"field": "labels.1", "message": "This label is wrong."},
    ]


def test_flatten_messages_handles_bare_lists_strings_and_lists_of_dicts():
    assert flatten_messages(["Invalid input type."]) == [{"field": "_schema", "message": "Invalid input type."}]
    assert flatten_messages("just text") == [{"field": "_schema", "message": "just text"}]
    assert flatten_messages({"sdgs": [{"0": ["Too big."]}, "Each SDG once."]}) == [
        {"field": "sdgs.0", "message": "Too big."},
        {"field": "sdgs", "message": "Each SDG once."},
    ]
    assert flatten_messages({}) == []


def test_flatten_messages_of_a_real_nested_schema_error_names_the_nested_field():
    from fundapp.investees.schemas import InvesteeCreateSchema

    data = {
        "fund_id": 1,
        "name": "X",
        "kvk_number": "1234567",
        "legal_form": "bv",
        "municipality": "Rotterdam",
        "labels": [{"kind": "b_corp"}, {"kind": "pso", "level": "gold"}],
        "sdgs": [8, 18],
    }
    with pytest.raises(ma.ValidationError) as info:
        InvesteeCreateSchema().load(data)
    fields = {d["field"] for d in flatten_messages(info.value.messages)}
    assert fields == {"name", "kvk_number", "labels.1.level", "sdgs.1"}


def test_load_or_fail_raises_validation_failed_with_flattened_details():
    with pytest.raises(ValidationFailed) as info:
        load_or_fail(KvkSchema(), {"kvk": "123"})
    error = info.value
    assert error.status == 422
    assert error.code == "validation_failed"
    assert error.details == [{"field": "kvk", "message": "A KvK number has exactly 8 digits."}]
    assert load_or_fail(KvkSchema(), {"kvk": "1234 5678"}) == {"kvk": "12345678"}


def test_validation_failed_field_names_the_single_field():
    error = ValidationFailed.field("themes", "Unknown theme: x.")
    assert (error.status, error.message, error.details) == (
        422,
        "Unknown theme: x.",
        [{"field": "themes", "message": "Unknown theme: x."}],
    )
