"""Every form post of the app, with CSRF protection on: refused without a token, and with another session's token.

The walk takes every route outside /api/ that accepts POST, PUT, PATCH or DELETE
from the URL map (a new form is walked without anyone listing it) and sends it a
valid body (``BODIES``) as a logged-in administrator: without ``csrf_token``, and
with the token of another user's session. Both must answer 400 and change nothing.
The same post with the session's own token must not be refused for CSRF, so the
walk can tell a refusal by CSRF from any other. /login is protected too: its
token lives in the anonymous session of the login page, so no other site can log
a browser into an account of its choosing; /logout needs the token like any form.

The API is exempt (it takes writes only with a bearer token); the exempt set must
be exactly its blueprints, so an exemption added by mistake fails here.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from fundapp.audit import AuditEntry
from tests.conftest import test_config
from tests.factories import PASSWORD
from tests.web.walk_bodies import BODIES
from tests.web.walk_world import arguments

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
REFUSED = "Dit formulier is verlopen of werd van elders verstuurd."


@pytest.fixture()
def csrf_app(db_session: Any) -> Any:
    """An app with CSRF switched on, whose sessions join the test's transaction."""
    from fundapp import create_app

    application = create_app(test_config(WTF_CSRF_ENABLED=True))
    database = application.extensions["fundapp.db"]
    database.session_factory = sessionmaker(
        bind=db_session.bind, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield application
    database.engine.dispose()


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _logged_in(app: Any, user: Any) -> tuple[Any, str]:
    """A client logged in through the login form, and the CSRF token of its session (taken from a page's form)."""
    client = app.test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    return client, _token(client.get("/account/tokens").get_data(as_text=True))


def _form_writes(app: Any) -> list[tuple[str, str, Any]]:
    return [
        (rule.endpoint, method, rule)
        for rule in app.url_map.iter_rules()
        if not rule.rule.startswith("/api/")
        for method in sorted(rule.methods & WRITES)
    ]


def _form(endpoint: str, walk: Any) -> dict[str, Any]:
    body = BODIES[endpoint](walk, "admin") if endpoint in BODIES else {}
    return {key: value if isinstance(value, tuple | list) else str(value) for key, value in body.items()}


def test_every_form_post_without_its_sessions_csrf_token_is_refused_and_changes_nothing(csrf_app, walk, db_session):
    client, own = _logged_in(csrf_app, walk.world.user("admin"))
    _other, foreign = _logged_in(csrf_app, walk.world.user("manager_a"))
    assert own != foreign
    values = arguments(walk)
    failures = []
    walked = _form_writes(csrf_app)
    assert len(walked) > 40, "the URL map lost its forms"
    for endpoint, method, rule in walked:
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        for label, token in (("no token", None), ("another session's token", foreign)):
            form = _form(endpoint, walk)
            if token is not None:
                form["csrf_token"] = token
            before = db_session.scalar(select(func.count()).select_from(AuditEntry))
            response = client.open(url, method=method, data=form)
            if response.status_code != 400 or REFUSED not in response.get_data(as_text=True):
                failures.append(f"{method} {url} with {label}: {response.status_code}, not refused for CSRF")
            if db_session.scalar(select(func.count()).select_from(AuditEntry)) != before:
                failures.append(f"{method} {url} with {label}: changed the audit trail")
        savepoint = db_session.begin_nested()
        try:
            response = client.open(url, method=method, data={**_form(endpoint, walk), "csrf_token": own})
        finally:
            savepoint.rollback()
            db_session.expire_all()
        if response.status_code == 400:
            failures.append(f"{method} {url} with its own token: 400, so the walk cannot tell CSRF from the rest")
        if endpoint in {"auth.login", "auth.logout"}:
            client, own = _logged_in(csrf_app, walk.world.user("admin"))
    assert failures == [], "\n".join(failures)


def test_a_valid_form_post_with_its_own_token_takes_effect(csrf_app, walk, db_session):
    """The positive control, end to end: the token of the session's own page lets a real change through."""
    client, own = _logged_in(csrf_app, walk.world.user("admin"))
    response = client.post("/funds/new", data={**_form("funds.create", walk), "csrf_token": own})
    assert response.status_code == 303
    from fundapp.funds.models import Fund

    assert db_session.scalar(select(Fund).where(Fund.name == "Walk Fund")) is not None


def test_only_the_api_blueprints_are_exempt_from_csrf(csrf_app):
    from fundapp.security import csrf

    blueprints: dict[str, set[bool]] = {}
    for rule in csrf_app.url_map.iter_rules():
        blueprints.setdefault(rule.endpoint.rpartition(".")[0], set()).add(rule.rule.startswith("/api/"))
    # flask-smorest's own blueprint serves the OpenAPI document (GET only) and needs no exemption.
    api = {name for name, under_api in blueprints.items() if under_api == {True}} - {"api-docs"}
    assert len(api) >= 8
    assert {blueprint.name for blueprint in csrf._exempt_blueprints} == api
    assert csrf._exempt_views == set()
