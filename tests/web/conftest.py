"""The walks' world: world A and B with outcomes and reports, a logged-in client and an API token per role."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.walk_world import ROLES, Walk, log_in, make_walk


@pytest.fixture()
def full_world(world: Any, db_session: Any) -> Any:
    from tests.factories import add_outcomes, add_reports

    add_outcomes(db_session, world)
    add_reports(db_session, world)
    return world


@pytest.fixture()
def role_clients(app: Any, full_world: Any, db_session: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Per role: a test client logged in through the login page, its API token row and Authorization header."""
    from fundapp.auth.services import issue_token

    clients: dict[str, Any] = {}
    tokens: dict[str, Any] = {}
    headers: dict[str, dict[str, str]] = {}
    for role in ROLES:
        client = app.test_client()
        headers[role] = {}
        if role != "anonymous":
            user = full_world.user(role)
            log_in(client, user)
            row, token = issue_token(db_session, user, "matrix")
            tokens[role] = row
            headers[role] = {"Authorization": f"Bearer {token}"}
        clients[role] = client
    db_session.flush()
    return clients, tokens, headers


@pytest.fixture()
def walk(full_world: Any, db_session: Any, role_clients: Any) -> Walk:
    return make_walk(db_session, full_world, role_clients[1])
