"""Password hashing (Argon2id) and the minimum password policy."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher

from fundapp.auth import passwords
from fundapp.auth.passwords import COMMON_PASSWORDS, hash_password, needs_rehash, password_problems, verify_password


@pytest.fixture(autouse=True, scope="module")
def _fast_hashing():
    """The same low-cost Argon2id the app fixture switches to: the rules under test do not depend on the cost."""
    passwords.use_fast_hashing_for_tests()


ARGON2ID = re.compile(r"^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$")


def test_hash_is_an_argon2id_phc_string_and_never_contains_the_password():
    hashed = hash_password("correct-horse-battery")
    assert ARGON2ID.match(hashed), hashed
    assert "correct-horse-battery" not in hashed


def test_the_same_password_hashes_differently_each_time_because_of_the_salt():
    first, second = hash_password("correct-horse-battery"), hash_password("correct-horse-battery")
    assert first != second
    assert verify_password(first, "correct-horse-battery")
    assert verify_password(second, "correct-horse-battery")


def test_verify_accepts_the_right_password_and_refuses_a_wrong_one():
    hashed = hash_password("correct-horse-battery")
    assert verify_password(hashed, "correct-horse-battery") is True
    assert verify_password(hashed, "correct-horse-batterY") is False
    assert verify_password(hashed, "") is False
    assert verify_password(hashed, "correct-horse-battery ") is False


def test_verify_without_a_hash_or_with_a_broken_hash_is_false_not_an_error():
    assert verify_password(None, "not-a-real-password-0") is False
    assert verify_password("", "anything-at-all") is False
    assert verify_password("not-a-hash", "anything-at-all") is False
    assert verify_password("$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$broken", "anything-at-all") is False


def test_a_hash_made_with_other_parameters_needs_rehashing():
    other = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash("correct-horse-battery")
    assert needs_rehash(other) is True
    assert needs_rehash(hash_password("correct-horse-battery")) is False
    assert verify_password(other, "correct-horse-battery") is True


def test_the_module_hasher_is_argon2id():
    from argon2 import Type

    assert passwords._hasher.type is Type.ID


def test_a_long_varied_password_has_no_problems():
    assert password_problems("correct-horse-battery", "ada@fundapp.example") == []


def test_a_short_password_is_refused_with_the_minimum_length_named():
    assert password_problems("Sh0rt-pw", "ada@fundapp.example") == ["Use at least 10 characters."]
    assert password_problems("Sh0rt-pw", "ada@fundapp.example", min_length=8) == []
    assert password_problems("abcdefghijk", "", min_length=12) == ["Use at least 12 characters."]


@pytest.mark.parametrize("password", ["wachtwoord1", "Password123", "WELKOM123", "qwertyuiop", "1234567890"])
def test_a_common_password_is_refused_whatever_its_case(password):
    assert "This password is too common." in password_problems(password, "ada@fundapp.example")


def test_every_common_password_of_ten_or_more_characters_is_refused():
    long_enough = [p for p in COMMON_PASSWORDS if len(p) >= 10]
    assert long_enough
    for password in long_enough:
        assert password_problems(password) != [], password


def test_a_password_of_few_different_characters_is_refused():
    assert password_problems("aaaaaaaaaaaa") == ["Use more different characters."]
    assert password_problems("abababababab") == ["Use more different characters."]
    assert password_problems("abcabcabcabc") == ["Use more different characters."]
    assert password_problems("abcdabcdabcd") == []


def test_a_password_containing_the_email_name_is_refused():
    assert password_problems("ruud.beheer-2026!", "Ruud.Beheer@fundapp.example") == [
        "Do not use your email address in your password."
    ]
    assert password_problems("xxRUUD.BEHEERxx", "ruud.beheer@fundapp.example") == [
        "Do not use your email address in your password."
    ]


def test_a_very_short_email_name_is_not_held_against_the_password():
    assert password_problems("ada-lovelace-1815", "ada@fundapp.example") == []


def test_all_problems_are_listed_together():
    problems = password_problems("ruud", "ruud@fundapp.example")
    assert problems == [
        "Use at least 10 characters.",
        "Use more different characters.",
        "Do not use your email address in your password.",
    ]
    assert len(password_problems("aaaa", "")) == 2
