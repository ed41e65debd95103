"""Participant references: one normal form however they are typed, and never a BSN in any disguise."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fundapp import participants
from fundapp.participants import ReferenceRefused, checked_reference, contains_bsn, normalise_reference

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u061c", "\u00ad", "\u2066"]
DASHES = ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\ufe63", "\uff0d"]
# Decimal digits 0-9 of other scripts: Arabic-Indic, Devanagari, Bengali, Thai, full-width, mathematical bold.
DIGIT_ZEROS = [0x0660, 0x0966, 0x09E6, 0x0E50, 0xFF10, 0x1D7CE]
REFERENCE_TEXT = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=20)


def in_script(digits: str, zero: int) -> str:
    return "".join(chr(zero + int(d)) for d in digits)


def _eleven_test_sum(digits: str) -> int:
    return sum(w * int(d) for w, d in zip(WEIGHTS, digits, strict=True))


@st.composite
def bsns(draw) -> str:
    first = draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
    last = sum(w * int(d) for w, d in zip(WEIGHTS, first, strict=False)) % 11
    assume(last < 10 and first != "00000000")
    return first + str(last)


# --- one participant, one reference --------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["D-0001", "d-0001", " D-0001 ", "D-00\u200b01", "\ufeffD-0001\u200e", "Ｄ-０００１", "D\u20130001", "D\u22120001"],
)
def test_the_same_participant_typed_in_different_ways_is_one_reference(typed):
    assert checked_reference(typed) == "D-0001"


@given(REFERENCE_TEXT, st.sampled_from(INVISIBLE), st.integers(min_value=0, max_value=20))
def test_an_invisible_character_anywhere_does_not_make_another_reference(text, invisible, position):
    hidden = text[:position] + invisible + text[position:]
    assert normalise_reference(hidden) == normalise_reference(text)


@given(REFERENCE_TEXT)
def test_a_full_width_reference_is_the_same_as_its_ascii_form(text):
    full_width = "".join(chr(ord(c) - 0x21 + 0xFF01) for c in text)
    assert normalise_reference(full_width) == normalise_reference(text)


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=8), st.sampled_from(DASHES))
def test_every_dash_look_alike_is_a_hyphen(code, dash):
    assert normalise_reference(f"P{dash}{code}") == f"P-{code}"


@given(st.text(max_size=30))
def test_normalising_twice_changes_nothing(text):
    once = normalise_reference(text)
    assert normalise_reference(once) == once


@given(st.text(max_size=30))
def test_a_normal_reference_holds_no_invisible_characters_and_only_ascii_digits(text):
    normal = normalise_reference(text)
    assert not any(c in normal for c in INVISIBLE + DASHES)
    assert all(c in "0123456789" for c in normal if c.isdecimal())


# --- BSNs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "111222333",
        "123456782",
        "12345672",  # a number cell dropped the leading zero of 012345672
        "123.456.782",
        "1234 56 782",
        " 111222333 ",
        "D-123456782",
        "BSN 123456782",
        "bsn:123456782",
        "NL-123456782",
        "123_456_782",
        "123/456/782",
        "١٢٣٤٥٦٧٨٢",
        "１２３４５６７８２",
        "1\u200b2\u200b3456782",
        "D-0001-123456782-X",
        "9123456782",  # a tenth digit in front does not hide the nine after it
    ],
)
def test_a_bsn_is_found_with_separators_prefixes_other_digits_or_inside_a_longer_reference(text):
    assert contains_bsn(text)
    with pytest.raises(ReferenceRefused) as refused:
        checked_reference(text)
    assert refused.value.reason == "bsn"


@pytest.mark.parametrize(
    "text", ["123456789", "000000000", "00000000", "1234567", "1234567890", "D-0001", "12345678a", "P-2026-000123"]
)
def test_numbers_failing_the_eleven_test_and_other_references_are_not_bsns(text):
    assert not contains_bsn(text)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_a_nine_digit_number_is_a_bsn_exactly_when_its_weighted_sum_is_a_multiple_of_eleven(digits):
    assert contains_bsn(digits) == (_eleven_test_sum(digits) % 11 == 0 and digits != "000000000")


@given(st.integers(min_value=0, max_value=8), st.integers(min_value=1, max_value=9))
def test_changing_one_digit_of_a_valid_bsn_always_fails_the_eleven_test(position, change):
    digits = list("123456782")
    digits[position] = str((int(digits[position]) + change) % 10)
    assert not contains_bsn("".join(digits))


@given(
    bsns(),
    st.lists(st.sampled_from(["", " ", ".", "-", "_", "/", "\u2013", "\u200b", "\u00a0"]), min_size=8, max_size=8),
    st.sampled_from(["", "BSN ", "bsn:", "NL", "NL-", "D-", "ref "]),
    st.sampled_from(["", " (x)", "-01", "/A"]),
    st.sampled_from([0x30, *DIGIT_ZEROS]),
)
def test_a_valid_bsn_is_refused_however_it_is_written(bsn, separators, prefix, suffix, zero):
    written = in_script(bsn[0], zero) + "".join(
        s + in_script(d, zero) for s, d in zip(separators, bsn[1:], strict=True)
    )
    with pytest.raises(ReferenceRefused) as refused:
        checked_reference(prefix + written + suffix)
    assert refused.value.reason == "bsn"


# --- what else is refused ---------------------------------------------------------------


@pytest.mark.parametrize(("text", "reason"), [("", "empty"), ("\u200b\ufeff ", "empty"), ("R" * 65, "too_long")])
def test_an_empty_or_too_long_reference_is_refused(text, reason):
    with pytest.raises(ReferenceRefused) as refused:
        checked_reference(text)
    assert refused.value.reason == reason


@given(
    st.one_of(
        st.text(alphabet="0123456789 ._/-DX", max_size=24),
        st.text(alphabet="0123456789 -", min_size=7, max_size=12),
        bsns().map(lambda bsn: f"D-{bsn[:4]}.{bsn[4:]}"),
    )
)
def test_the_quick_answer_for_references_with_few_digits_is_the_full_search_of_digit_runs(text):
    normal = normalise_reference(text)
    assert participants._holds_bsn(normal) == participants._holds_bsn_in_runs(normal)
