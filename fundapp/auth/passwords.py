"""Password hashing (Argon2id) and the minimum password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from fundapp.messages import N_, PASSWORD_TOO_SHORT

_hasher = PasswordHasher()  # Argon2id, RFC 9106 low-memory profile defaults

# A dummy hash so that checking an unknown email costs the same time as a known one.
_DUMMY_HASH = _hasher.hash("not-a-real-password-0")

COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password123",
        "wachtwoord",
        "wachtwoord1",
        "welkom",
        "welkom01",
        "welkom123",
        "qwerty",
        "qwertyuiop",
        "12345678",
        "123456789",
        "1234567890",
        "iloveyou",
        "admin123",
        "letmein",
        "changeme",
        "abc12345",
        "zomer2024",
        "winter2024",
        "voorjaar2025",
    }
)


def use_fast_hashing_for_tests() -> None:
    """Argon2id with minimal cost: only for the test suite, where thousands of users are made."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    _DUMMY_HASH = _hasher.hash("not-a-real-password-0")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


COMMON_WORDS = frozenset(
    {
        "welkom",
        "wachtwoord",
        "password",
        "qwerty",
        "azerty",
        "letmein",
        "admin",
        "fundapp",
        "geheim",
        "voetbal",
        "zomer",
        "winter",
        "lente",
        "herfst",
        "januari",
        "rotterdam",
        "amsterdam",
        "utrecht",
        "denhaag",
        "iloveyou",
        "monkey",
        "dragon",
        "sunshine",
    }
)


def _is_word_plus_decoration(password: str) -> bool:
    """ "Welkom2025!" and "wachtwoord123": a common word with digits and signs around it."""
    core = "".join(ch for ch in password.lower() if ch.isalpha())
    return core in COMMON_WORDS


def password_problems(password: str, email: str = "", min_length: int = 10) -> list[str]:
    problems = []
    if _is_word_plus_decoration(password):
        problems.append(N_("This is a common word with a few digits or signs added; choose a passphrase."))
    if len(password) < min_length:
        problems.append(PASSWORD_TOO_SHORT % {"min": min_length})
    if password.lower() in COMMON_PASSWORDS:
        problems.append(N_("This password is too common."))
    if len(set(password)) < 4:
        problems.append(N_("Use more different characters."))
    local = email.split("@")[0].lower()
    if len(local) >= 4 and local in password.lower():
        problems.append(N_("Do not use your email address in your password."))
    return problems
