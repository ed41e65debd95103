"""A failed login tells nothing about whether the email has an account: not by its time, nor by its answer."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from fundapp.auth import passwords, services
from fundapp.db import utcnow
from tests.factories import PASSWORD

WRONG = "not-the-right-password"
UNKNOWN = "nobody@test.example"
POLICY = services.LoginPolicy(max_failures=3, lockout_minutes=15)


class CountingHasher:
    """The hasher in use, counting how often a password is verified."""

    def __init__(self, inner: PasswordHasher) -> None:
        self.inner = inner
        self.verified = 0

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified += 1
        return self.inner.verify(password_hash, password)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def _failure(db_session, email: str, password: str) -> None:
    with pytest.raises(services.LoginFailed):
        services.authenticate(db_session, email, password, policy=POLICY)


def _note_failures(db_session, email: str, times: int, at) -> None:
    for _ in range(times):
        services.note_failed_address(db_session, "192.0.2.90", email, now=at)
    db_session.flush()


def test_every_failed_login_verifies_exactly_one_password_hash_whether_or_not_the_account_exists(
    db_session, world, monkeypatch
):
    spy = CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", spy)
    inactive, locked = world.user("manager_b"), world.user("officer_a")
    inactive.active = False
    locked.locked_until = utcnow() + timedelta(minutes=5)
    _note_failures(db_session, "locked.nobody@test.example", POLICY.max_failures, utcnow())
    attempts = [
        (UNKNOWN, WRONG),
        (world.user("admin").email, WRONG),
        (inactive.email, WRONG),
        (inactive.email, PASSWORD),
        (locked.email, PASSWORD),
        ("locked.nobody@test.example", PASSWORD),
    ]
    for email, password in attempts:
        spy.verified = 0
        with pytest.raises((services.LoginFailed, services.AccountLocked)):
            services.authenticate(db_session, email, password, policy=POLICY)
        assert spy.verified == 1, email


def test_a_wrong_password_takes_as_long_for_an_unknown_or_inactive_email_as_for_an_account(
    db_session, world, monkeypatch
):
    # The production cost (the suite otherwise hashes cheaply), dummy hash included.
    real = PasswordHasher()
    monkeypatch.setattr(passwords, "_hasher", real)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", real.hash("not-a-real-password-0"))
    known, inactive = world.user("admin"), world.user("manager_b")
    known.password_hash = inactive.password_hash = real.hash(PASSWORD)
    inactive.active = False
    db_session.flush()

    fastest = {"known": float("inf"), "unknown": float("inf"), "inactive": float("inf")}
    emails = {"known": known.email, "unknown": UNKNOWN, "inactive": inactive.email}
    for _round in range(3):  # interleaved, and the fastest of each: load on the machine slows, never speeds up
        for case, email in emails.items():
            started = time.perf_counter()
            _failure(db_session, email, WRONG)
            fastest[case] = min(fastest[case], time.perf_counter() - started)
    for case in ("unknown", "inactive"):
        assert fastest[case] > fastest["known"] / 3, fastest
        assert fastest["known"] > fastest[case] / 3, fastest


def test_an_unknown_email_locks_and_unlocks_as_an_account_would(db_session, world):
    account, start = world.user("member_a"), utcnow() - timedelta(hours=2)
    for email in (UNKNOWN, account.email):
        for _ in range(POLICY.max_failures):
            services.note_failed_login(db_session, email, POLICY, now=start)
            services.note_failed_address(db_session, "192.0.2.91", email, now=start)
    db_session.flush()

    for email in (UNKNOWN, account.email):
        with pytest.raises(services.AccountLocked):
            services.authenticate(db_session, email, PASSWORD, now=start + timedelta(minutes=14), policy=POLICY)
        with pytest.raises(services.LoginFailed):
            services.authenticate(db_session, email, WRONG, now=start + timedelta(minutes=16), policy=POLICY)

    again = start + timedelta(minutes=20)
    _note_failures(db_session, UNKNOWN, POLICY.max_failures - 1, again)
    with pytest.raises(services.LoginFailed):
        services.authenticate(db_session, UNKNOWN, WRONG, now=again, policy=POLICY)
    _note_failures(db_session, UNKNOWN, 1, again)
    with pytest.raises(services.AccountLocked):
        services.authenticate(db_session, UNKNOWN, WRONG, now=again, policy=POLICY)


def test_failures_on_other_emails_do_not_lock_an_unknown_email(db_session):
    _note_failures(db_session, "other@test.example", POLICY.max_failures, utcnow())
    _failure(db_session, UNKNOWN, WRONG)
