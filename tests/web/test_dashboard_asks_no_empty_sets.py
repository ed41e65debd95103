"""A home page asks the database nothing whose answer is known to be empty: an investee's member has no funds and
no payers, an officer no funds (policy.never); before, each such count and list was a query ``WHERE false``."""

from __future__ import annotations

import re

import pytest

from tests.factories import add_outcomes
from tests.web.statements import statements_sent

# A statement whose own WHERE is false (PostgreSQL renders false(), SQLite 0 = 1), not a subquery's (a dead branch
# of an OR leaves the rest of the statement to ask).
KNOWN_EMPTY = re.compile(r"\bWHERE (false|0 = 1)(\s+(ORDER|GROUP|LIMIT)\b|\s*$)", re.IGNORECASE)


@pytest.mark.parametrize("role", ["manager_a", "officer_a", "member_a", "admin"])
def test_a_home_page_asks_no_query_known_to_find_nothing(app, db_session, world, login_as, role):
    add_outcomes(db_session, world)
    db_session.flush()
    client = login_as(world.user(role))
    with statements_sent(app) as seen:
        response = client.get("/")
    assert response.status_code == 200
    assert seen, "the page read nothing at all"
    assert [s for s in seen if KNOWN_EMPTY.search(s)] == [], role
