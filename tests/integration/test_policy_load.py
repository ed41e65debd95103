"""Loading a route's object under the rules: one query, no second query for the view, nothing stale after a change."""

from __future__ import annotations

import pytest

from fundapp.auth.policy import Scope, load
from fundapp.errors import NotFound
from fundapp.investees.models import Investee
from fundapp.loans.models import Loan
from tests.web.test_query_counts import counting


def statements(session):
    return counting(session.get_bind())


def test_a_loan_the_manager_may_see_is_loaded_and_checked_in_one_query(db_session, world):
    scope = Scope.of_user(world.users["manager_a"])
    loan_id = world.loan_a.id
    db_session.expunge_all()  # as a new request: nothing read yet
    with statements(db_session) as seen:
        loan = load(db_session, Loan, loan_id, scope)
    assert loan.id == loan_id
    assert len(seen) == 1


def test_the_second_load_of_the_same_object_in_a_request_asks_nothing(db_session, world):
    scope = Scope.of_user(world.users["member_a"])
    investee_id = world.investee_a.id
    db_session.expunge_all()
    first = load(db_session, Investee, investee_id, scope)
    with statements(db_session) as seen:
        second = load(db_session, Investee, investee_id, scope)
    assert second is first
    assert seen == []


def test_another_users_object_is_not_found_whether_or_not_it_was_read_before(db_session, world):
    investee_id = world.investee_b.id
    manager_b, manager_a, member_a = (Scope.of_user(world.users[r]) for r in ("manager_b", "manager_a", "member_a"))
    load(db_session, Investee, investee_id, manager_b)  # now in the session
    with pytest.raises(NotFound):
        load(db_session, Investee, investee_id, manager_a)
    db_session.expunge_all()
    with pytest.raises(NotFound):
        load(db_session, Investee, investee_id, member_a)


def test_after_a_change_is_written_the_rules_are_asked_again(db_session, world):
    scope = Scope.of_user(world.users["manager_a"])
    investee = load(db_session, Investee, world.investee_a.id, scope)
    investee.fund_id = world.fund_b.id  # moved to a fund this manager does not manage
    db_session.flush()
    with pytest.raises(NotFound):
        load(db_session, Investee, investee.id, scope)


def test_an_administrator_still_gets_every_object(db_session, world):
    scope = Scope.of_user(world.users["admin"])
    assert load(db_session, Loan, world.loan_a.id, scope).id == world.loan_a.id
