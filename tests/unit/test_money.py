"""fundapp.money: strict parsing, every rounding rule (half-up, down, to a multiple), the API's decimal string."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

import fundapp
from fundapp.money import (
    CENT,
    ZERO,
    MoneyError,
    floor_cent,
    is_whole_cents,
    money_str,
    round_cent,
    round_places,
    round_to_multiple,
    to_decimal,
)

D = Decimal


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0.005", "0.01"),
        ("0.015", "0.02"),
        ("0.025", "0.03"),  # banker's rounding would give 0.02
        ("2.675", "2.68"),  # a float 2.675 is 2.67499999...; as Decimal it is exact
        ("1.005", "1.01"),
        ("0.0049999", "0.00"),
        ("1234.565", "1234.57"),
        ("-0.005", "-0.01"),
        ("-0.015", "-0.02"),
        ("-0.025", "-0.03"),
        ("-2.675", "-2.68"),
        ("-1.004", "-1.00"),
        ("10", "10.00"),
    ],
)
def test_round_cent_rounds_half_up_away_from_zero_for_positive_and_negative_amounts(amount, expected):
    result = round_cent(D(amount))
    assert result == D(expected)
    assert str(result) == expected
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("125.029", "125.02"), ("125.025", "125.02"), ("125.02", "125.02"), ("-0.001", "-0.01"), ("-125.025", "-125.03")],
)
def test_floor_cent_rounds_down_toward_minus_infinity(amount, expected):
    assert str(floor_cent(D(amount))) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("0.125", 2, "0.13"),  # banker's rounding would give 0.12
        ("0.0000625", 6, "0.000063"),
        ("6.25", 1, "6.3"),
        ("-6.25", 1, "-6.3"),
        ("0.12344", 4, "0.1234"),
        ("2", 0, "2"),
    ],
)
def test_round_places_rounds_half_up_to_the_number_of_decimals(value, places, expected):
    assert str(round_places(D(value), places)) == expected


def test_cent_and_zero_constants_are_two_decimal_decimals():
    assert (CENT, str(CENT)) == (D("0.01"), "0.01")
    assert (ZERO, str(ZERO)) == (D("0"), "0.00")


@pytest.mark.parametrize(
    ("amount", "multiple", "expected"),
    [
        ("443.2149", "0.01", "443.21"),
        ("443.215", "0.01", "443.22"),
        ("-443.215", "0.01", "-443.22"),
        ("12.49", "1", "12.00"),
        ("12.5", "1", "13.00"),
        ("-12.5", "1", "-13.00"),
        ("7.49", "5", "5.00"),
        ("7.5", "5", "10.00"),
        ("-7.5", "5", "-10.00"),
        ("2.5", "5", "5.00"),
        ("2.49", "5", "0.00"),
        ("14.99", "10", "10.00"),
        ("15", "10", "20.00"),
        ("-15", "10", "-20.00"),
        ("1234.56", "10", "1230.00"),
    ],
)
def test_round_to_multiple_rounds_half_up_to_the_multiple_and_keeps_cent_precision(amount, multiple, expected):
    result = round_to_multiple(D(amount), D(multiple))
    assert str(result) == expected


@pytest.mark.parametrize("multiple", ["0", "-0.01", "-5"])
def test_round_to_multiple_refuses_a_zero_or_negative_multiple(multiple):
    with pytest.raises(MoneyError, match="positive"):
        round_to_multiple(D("10"), D(multiple))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234.50", D("1234.50")),
        ("-0.01", D("-0.01")),
        ("0012.5", D("12.5")),
        (1234, D("1234")),
        (0, D("0")),
        (D("12.345"), D("12.345")),
    ],
)
def test_to_decimal_reads_strings_ints_and_decimals_exactly(value, expected):
    result = to_decimal(value)
    assert isinstance(result, Decimal)
    assert result == expected
    assert str(result) == str(expected)


@pytest.mark.parametrize(
    "value",
    [
        0.1,
        1234.5,
        float("nan"),
        float("inf"),
        "NaN",
        "nan",
        "sNaN",
        "Infinity",
        "-inf",
        D("NaN"),
        D("Infinity"),
        "",
        "   ",
        "\u00a0",
        "12,50.3",
        "abc",
        "1.2.3",
        "1e2",
        "1E+2",
        "1_000",
        "１２３",
        "١٢٣",
        "  1234.50 ",
        "1 234.50",
        "1\u00a0234.50",
        "12.50\n",
        "+1",
        "1.",
        ".5",
        "0x10",
        True,
        False,
        None,
        [1],
        {"amount": "1"},
    ],
)
def test_to_decimal_refuses_floats_non_finite_values_empty_text_and_non_numbers(value):
    with pytest.raises(MoneyError):
        to_decimal(value)


def test_to_decimal_names_floats_in_its_message_so_a_client_knows_to_send_a_string():
    with pytest.raises(MoneyError, match="decimal string"):
        to_decimal(0.1)


def test_money_error_is_a_value_error_for_callers_that_catch_value_errors():
    assert issubclass(MoneyError, ValueError)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (D("1234.5"), "1234.50"),
        (D("1234.50"), "1234.50"),
        (D("0"), "0.00"),
        (D("0.005"), "0.01"),
        (D("-0.005"), "-0.01"),
        (D("1E+3"), "1000.00"),
        (D("12345678901.234"), "12345678901.23"),
        (D("-1250000"), "-1250000.00"),
    ],
)
def test_money_str_is_a_plain_two_decimal_string_never_scientific(amount, expected):
    assert money_str(amount) == expected


def test_money_str_of_none_is_none():
    assert money_str(None) is None


def test_money_str_never_shows_a_negative_zero():
    assert money_str(D("-0.004")) == "0.00"
    assert money_str(D("-0.00004"), places=4) == "0.0000"


def test_money_str_rounds_a_tie_half_up_to_its_places():
    assert (money_str(D("125.025")), money_str(D("2.00005"), places=4)) == ("125.03", "2.0001")


def test_only_the_money_module_rounds_and_only_charts_make_floats():
    root = Path(fundapp.__file__).parent
    rounding, floats = [], []
    for path in sorted(root.rglob("*.py")):
        text, name = path.read_text(encoding="utf-8"), str(path.relative_to(root))
        if name != "money.py" and re.search(r"\.quantize\(|\bROUND_[A-Z_]+", text):
            rounding.append(name)
        if name != "reports/charts.py" and re.search(r"\bfloat\(", text):
            floats.append(name)  # charts draw with floats; nothing else may turn a number into one
    assert (rounding, floats) == ([], [])


def test_whole_cents_is_a_check_that_never_rounds():
    assert is_whole_cents(D("12.30")) and is_whole_cents(D("7")) and is_whole_cents(D("-0.01"))
    assert not is_whole_cents(D("0.005"))
    assert not is_whole_cents(D("1E+40"))  # more digits than a cent amount can hold
