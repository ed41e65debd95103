"""looks_like_bsn: the eleven-test that keeps citizen service numbers out of participant references."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundapp.impact.spreadsheets import looks_like_bsn


@pytest.mark.parametrize(
    "text", ["111222333", "123456782", "12345672", "012345672", "123.456.782", "1234 56 782", " 111222333 "]
)
def test_known_valid_test_bsns_are_recognised_also_with_separators_or_a_dropped_leading_zero(text):
    assert looks_like_bsn(text)


@pytest.mark.parametrize(
    "text", ["123456789", "000000000", "00000000", "1234567", "1234567890", "D-123456782", "12345678a", "", "١٢٣٤٥٦٧٨٢"]
)
def test_numbers_failing_the_eleven_test_and_other_text_are_not_bsns(text):
    assert not looks_like_bsn(text)


def _eleven_test_sum(digits: str) -> int:
    return sum(w * int(d) for w, d in zip((9, 8, 7, 6, 5, 4, 3, 2, -1), digits, strict=True))


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_a_nine_digit_number_is_a_bsn_exactly_when_its_weighted_sum_is_a_multiple_of_eleven(digits):
    assert looks_like_bsn(digits) == (_eleven_test_sum(digits) % 11 == 0 and digits != "000000000")


@given(st.integers(min_value=0, max_value=8), st.integers(min_value=1, max_value=9))
def test_changing_one_digit_of_a_valid_bsn_always_fails_the_eleven_test(position, change):
    digits = list("123456782")
    digits[position] = str((int(digits[position]) + change) % 10)
    assert not looks_like_bsn("".join(digits))
