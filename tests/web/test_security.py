"""Browser and API security: headers, cookies, CSRF, production configuration, bearer-only API writes, redirects."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from fundapp.audit import AuditEntry
from fundapp.config import DEV_SECRET_KEY, ConfigError
from fundapp.funds.models import Fund
from fundapp.investees.models import Investee
from tests.conftest import test_config
from tests.factories import PASSWORD, make_investee


def _counts(db_session) -> tuple[int, int, int]:
    return tuple(db_session.scalar(select(func.count()).select_from(m)) for m in (Fund, Investee, AuditEntry))


# --- headers and cookies ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/login", "/api/v1/funds", "/no-such-page", "/health"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_pages_of_a_logged_in_user_carry_the_headers_too(world, login_as):
    client = login_as(world.user("admin"))
    response = client.get(f"/funds/{world.fund_a.id}")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_the_session_cookie_after_login_is_httponly_and_samesite_lax(client, world):
    response = client.post("/login", data={"email": world.user("admin").email, "password": PASSWORD})
    assert response.status_code == 303
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1
    assert "HttpOnly" in cookies[0]
    assert "SameSite=Lax" in cookies[0]
    assert "Secure" not in cookies[0]  # development runs on http


def test_the_language_cookie_is_httponly_and_samesite_lax(client):
    response = client.get("/login?lang=en")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("fundapp_lang="))
    assert cookie.startswith("fundapp_lang=en;")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_language_switch_returns_only_to_pages_of_this_site(client):
    home = client.get("/language/en", headers={"Referer": "http://localhost/funds/?q=x"})
    assert (home.status_code, home.headers["Location"]) == (303, "http://localhost/funds/?q=x")
    for referer in ("https://evil.example/", "http://localhost.evil.example/", "http://evil.example/http://localhost/"):
        response = client.get("/language/nl", headers={"Referer": referer})
        assert response.status_code == 303
        assert urlsplit(response.headers["Location"]).netloc in ("", "localhost"), referer
    ignored = client.get("/language/de")
    assert not any(c.startswith("fundapp_lang=de") for c in ignored.headers.getlist("Set-Cookie"))


def test_logging_out_ends_the_session(world, login_as):
    client = login_as(world.user("admin"))
    assert client.get("/funds/").status_code == 200
    assert client.post("/logout").status_code == 303
    assert client.get("/funds/").status_code == 302


def test_user_text_is_escaped_in_pages(db_session, world, login_as):
    investee = make_investee(db_session, world.fund_a, name='<script>alert("x")</script>')
    db_session.flush()
    client = login_as(world.user("manager_a"))
    for path in (f"/investees/{investee.id}", "/investees/"):
        page = client.get(path).get_data(as_text=True)
        assert '<script>alert("x")</script>' not in page
        assert "&lt;script&gt;" in page


def test_a_javascript_website_is_refused(client, db_session, world, api_headers):
    headers = api_headers(world.user("manager_a"))
    before = _counts(db_session)
    response = client.patch(
        f"/api/v1/investees/{world.investee_a.id}", json={"website": "javascript:alert(1)"}, headers=headers
    )
    assert response.status_code == 422
    assert [d["field"] for d in response.get_json()["error"]["details"]] == ["website"]
    assert _counts(db_session) == before


# --- CSRF ----------------------------------------------------------------------------------


@pytest.fixture()
def csrf_client(db_session):
    """A client of an app with CSRF switched on, whose sessions join the test's transaction."""
    from fundapp import create_app

    application = create_app(test_config(WTF_CSRF_ENABLED=True))
    database = application.extensions["fundapp.db"]
    database.session_factory = sessionmaker(
        bind=db_session.bind, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield application.test_client()
    database.engine.dispose()


def _csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _csrf_login(client, user) -> None:
    token = _csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303


def test_a_login_form_post_without_a_csrf_token_is_refused(csrf_client, world):
    response = csrf_client.post("/login", data={"email": world.user("admin").email, "password": PASSWORD})
    assert response.status_code == 400
    assert "verlopen of werd van elders verstuurd" in response.get_data(as_text=True)  # the Dutch interface
    assert csrf_client.get("/funds/").status_code == 302  # not logged in


def test_a_form_post_without_a_csrf_token_is_refused_and_writes_nothing(csrf_client, db_session, world):
    _csrf_login(csrf_client, world.user("admin"))
    before = _counts(db_session)
    form = {"name": "CSRF Fund", "region": "Elders", "description": "", "founded_on": ""}
    response = csrf_client.post("/funds/new", data=form)
    assert response.status_code == 400
    assert _counts(db_session) == before
    wrong = csrf_client.post("/funds/new", data={**form, "csrf_token": "forged"})
    assert wrong.status_code == 400
    assert _counts(db_session) == before
    token = _csrf_token(csrf_client.get("/funds/new").get_data(as_text=True))
    accepted = csrf_client.post("/funds/new", data={**form, "csrf_token": token})
    assert accepted.status_code == 303
    assert db_session.scalar(select(Fund).where(Fund.name == "CSRF Fund")) is not None


def test_a_form_post_without_a_csrf_token_answers_json_to_a_json_client(csrf_client, world):
    _csrf_login(csrf_client, world.user("admin"))
    response = csrf_client.post("/logout", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert csrf_client.get("/funds/").status_code == 200  # still logged in


def test_the_api_needs_no_csrf_token_because_it_takes_bearer_tokens(csrf_client, db_session, world):
    response = csrf_client.post("/api/v1/auth/tokens", json={"email": world.user("admin").email, "password": PASSWORD})
    assert response.status_code == 201
    token = response.get_json()["token"]
    created = csrf_client.post(
        "/api/v1/funds", json={"name": "Token Fund", "region": "Elders"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert created.status_code == 201


# --- the API takes writes only with a bearer token ---------------------------------------------


def test_a_browser_session_may_read_the_api_but_not_write_to_it(client, db_session, world, login_as):
    login_as(world.user("admin"))
    assert client.get("/api/v1/funds").status_code == 200
    before = _counts(db_session)
    attempts = [
        client.post("/api/v1/funds", json={"name": "Cookie Fund", "region": "Elders"}),
        client.patch(f"/api/v1/funds/{world.fund_a.id}", json={"region": "Cookie"}),
        client.post(f"/api/v1/investees/{world.investee_a.id}/labels", json={"kind": "b_corp"}),
        client.delete(f"/api/v1/labels/{world.investee_a.labels[0].id}"),
        client.post("/api/v1/payers", json={"name": "Cookie Payer", "kind": "other", "contact_email": "a@b.example"}),
    ]
    for response in attempts:
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
    assert _counts(db_session) == before
    db_session.expire_all()
    assert db_session.get(Fund, world.fund_a.id).region == "Rotterdam"


def test_a_bearer_token_decides_who_is_asking_even_with_a_session_cookie(client, world, login_as, api_headers):
    login_as(world.user("admin"))
    headers = api_headers(world.user("member_a"))
    body = client.get("/api/v1/me", headers=headers).get_json()
    assert body["email"] == world.user("member_a").email
    assert client.get("/api/v1/funds", headers=headers).get_json()["total"] == 0


# --- production configuration -----------------------------------------------------------------


@pytest.mark.parametrize("secret", [DEV_SECRET_KEY, "short-secret", "x" * 31, "", None])
def test_production_refuses_the_default_or_a_short_secret_key(secret, monkeypatch):
    from fundapp import create_app

    monkeypatch.delenv("FUNDAPP_SECRET_KEY", raising=False)
    config = {"ENV": "production", "DATABASE_URL": test_config()["DATABASE_URL"]}
    if secret is not None:
        config["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(config)


def test_production_with_a_real_secret_sends_secure_cookies_and_hsts():
    from fundapp import create_app

    application = create_app(test_config(ENV="production", SECRET_KEY="k" * 16 + "0123456789abcdef"))
    try:
        assert application.config["SESSION_COOKIE_SECURE"] is True
        assert application.config["REMEMBER_COOKIE_SECURE"] is True
        response = application.test_client().get("/health")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    finally:
        application.extensions["fundapp.db"].engine.dispose()


# --- redirects after login -------------------------------------------------------------------------


EXTERNAL_TARGETS = [
    "https://evil.example/phish",
    "//evil.example/phish",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "///evil.example",
]


def test_login_refuses_to_redirect_to_another_site(client, world):
    login = {"email": world.user("admin").email, "password": PASSWORD}
    for target in EXTERNAL_TARGETS:
        client.post("/logout")
        response = client.post("/login", query_string={"next": target}, data=login)
        assert response.status_code == 303, target
        location = response.headers["Location"]
        parts = urlsplit(location)
        assert parts.scheme == "" and parts.netloc == "", (target, location)
        assert location.startswith("/") and not location.startswith("//"), (target, location)
        assert "\\" not in location and "\t" not in location, (target, location)


def test_login_follows_a_local_next(client, world):
    response = client.post(
        "/login",
        query_string={"next": "/investees/?theme=circulaire_economie"},
        data={"email": world.user("admin").email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/investees/?theme=circulaire_economie"
