"""policy.never: a WHERE clause known to be false whatever the rows, so that no query need ask the database.

A wrong True would hide rows a user may see; so each case that is not certainly false must answer False.
"""

from __future__ import annotations

import pytest
from sqlalchemy import and_, column, false, func, not_, or_, select, table, true

from fundapp.auth.policy import (
    Scope,
    memberships,
    never,
    visible,
    visible_claims,
    visible_funds,
    visible_investees,
    visible_payers,
)
from fundapp.funds.models import Fund
from fundapp.investees.models import Investee
from fundapp.loans.models import Loan
from fundapp.outcomes.models import Claim
from fundapp.payers.models import OutcomePayer

t = table("t", column("id"), column("a"))
NOTHING = select(t.c.id).where(false())


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        (false(), True),
        (true(), False),
        (t.c.a == 1, False),
        (or_(false(), false()), True),
        (and_(t.c.a == 1, false()), True),
        (or_(t.c.a == 1, false()), False),
        (t.c.id.in_(NOTHING), True),
        (t.c.id.in_(select(t.c.id).where(or_(false(), false()), t.c.a == 2)), True),
        (t.c.id.in_(select(t.c.id).where(t.c.a == 2)), False),
        (t.c.id.in_(select(t.c.id)), False),  # no WHERE: every row
        (t.c.a.in_(select(func.count()).select_from(t).where(false())), False),  # count(*) gives 0 even so
        (t.c.a.in_(select(func.max(t.c.id)).where(false())), False),  # an aggregate's row (NULL): not assumed
        (t.c.id.not_in(NOTHING), False),  # NOT IN an empty set holds for every row
        (not_(false()), False),
        (not_(t.c.id.in_(NOTHING)), False),
        (t.c.id.in_([]), False),  # not built by the rules; not known here, so the database is asked
        (or_(t.c.id.in_(NOTHING), t.c.a.in_(NOTHING)), True),
        (or_(t.c.id.in_(NOTHING), t.c.a == 3), False),
    ],
)
def test_a_clause_is_known_false_only_when_no_row_can_match(clause, expected):
    assert never(clause) is expected


def test_the_rules_of_a_scope_without_such_rows_are_known_false_and_with_them_not():
    investee_member = Scope(user_id=1, investee_ids=frozenset({7}))
    officer = Scope(user_id=2, payer_ids=frozenset({3}))
    manager = Scope(user_id=3, fund_ids=frozenset({1}))
    assert never(memberships(investee_member, Fund)) and never(memberships(investee_member, OutcomePayer))
    assert not never(memberships(investee_member, Investee))
    assert never(visible_funds(investee_member)) and never(visible_payers(investee_member))
    assert never(memberships(officer, Fund)) and not never(visible_payers(officer))
    assert not never(visible_funds(manager)) and not never(visible_investees(manager))
    assert not never(visible_claims(officer)) and not never(visible_claims(investee_member))
    assert not never(visible(manager, Loan)) and never(visible(officer, Loan))
    nobody = Scope(user_id=4)
    assert never(visible_claims(nobody)) and never(visible(nobody, Claim, "decide"))
    assert not never(visible(Scope(user_id=5, is_admin=True), Claim))
