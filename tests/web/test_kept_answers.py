"""Whole answers kept per person, request and exact version of the data (fundapp/kept_answers.py): given again only
while no commit wrote anything, never to another person, with a fresh CSRF token and fresh form tokens."""

from __future__ import annotations

import os
import re
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, text

from fundapp import clock, datacache, kept_answers
from fundapp.i18n import COOKIE
from tests.conftest import _recreate_database, test_config, test_database_url
from tests.factories import PASSWORD, make_fund, make_investee, make_loan, make_user
from tests.web.test_page_fragments import _renders

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM = re.compile(r'name="form_token" value="([^"]+)"')


def _database(tmp_path) -> str:
    """A database of its own whose rows are committed (the suite's own transaction has written rows, and such a
    transaction is never served a kept answer): PostgreSQL when the suite runs on it, else a SQLite file."""
    from fundapp import migrate

    if (os.environ.get("FUNDAPP_TEST_DATABASE_URL") or "").startswith("postgresql"):
        url = f"{test_database_url()}_kept"
        _recreate_database(url)
    else:
        url = f"sqlite:///{tmp_path / 'kept.sqlite3'}"
    migrate.upgrade(url)
    return url


@pytest.fixture()
def site(tmp_path):
    from fundapp import create_app

    url = _database(tmp_path)
    app = create_app(test_config(DATABASE_URL=url, WTF_CSRF_ENABLED=True))
    database = app.extensions["fundapp.db"]
    session = database.new_session()
    fund = make_fund(session)
    first, second = make_investee(session, fund, name="Eerste Fietsfabriek"), make_investee(session, fund)
    loan = make_loan(session, first, principal=Decimal("12345.67"))
    people = {
        "first": make_user(session, "investee_member", first.id).email,
        "second": make_user(session, "investee_member", second.id).email,
        "manager": make_user(session, "fund_manager", fund.id).email,
    }
    session.commit()
    ids = {"loan": loan.id, "first": first.id, "second": second.id, "fund": fund.id}
    session.close()
    kept_answers.clear()
    datacache.clear()
    yield app, ids, people, url
    kept_answers.clear()
    datacache.clear()
    database.engine.dispose()


def _client(app, email):
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    client.get("/")  # the welcome message is shown (a page with a flashed message is never kept)
    return client


def _given_again(app, ask, tries: int = 30):
    """The answer to ``ask()`` once it comes from the store (no template made). On PostgreSQL the version is the
    server's snapshot, which any commit anywhere on the server moves (the suite's other workers): asked again
    until two requests fall between two such commits; on SQLite the first try."""
    seen, stop = _renders(app)
    try:
        for _ in range(tries):
            seen.clear()
            answer = ask()
            if not [name for name in seen if name != "_flashes.html"]:  # the viewer's own messages are put in
                return answer
    finally:
        stop()
    raise AssertionError(f"never given from the store in {tries} tries")


def _without_tokens(page: str) -> str:
    return FORM.sub("", CSRF.sub("", page))


def _write_elsewhere(url: str, statement: str) -> None:
    """A commit by another process, with no audit entry (a report file's progress, say)."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


def test_a_page_asked_again_is_given_again_without_being_made_and_is_the_same_page(site):
    app, ids, people, _url = site
    client = _client(app, people["first"])
    first = client.get(f"/loans/{ids['loan']}").get_data(as_text=True)
    again = _given_again(app, lambda: client.get(f"/loans/{ids['loan']}"))
    assert again.status_code == 200
    assert _without_tokens(again.get_data(as_text=True)) == _without_tokens(first)
    assert "12.345,67" in first
    assert kept_answers.held()[0] >= 1


def test_any_commit_that_wrote_even_without_an_audit_entry_makes_the_page_afresh(site):
    app, ids, people, url = site
    client = _client(app, people["first"])
    assert "Eerste Fietsfabriek" in client.get(f"/investees/{ids['first']}/loans").get_data(as_text=True)
    _write_elsewhere(url, f"UPDATE investees SET name = 'Hernoemde Fabriek' WHERE id = {ids['first']}")
    page = client.get(f"/investees/{ids['first']}/loans").get_data(as_text=True)
    assert "Hernoemde Fabriek" in page and "Eerste Fietsfabriek" not in page


def test_one_persons_kept_answer_is_never_given_to_another(site):
    app, ids, people, _url = site
    first, second = _client(app, people["first"]), _client(app, people["second"])
    assert first.get(f"/loans/{ids['loan']}").status_code == 200
    assert first.get(f"/loans/{ids['loan']}").status_code == 200  # kept now
    assert second.get(f"/loans/{ids['loan']}").status_code == 404
    mine = second.get("/").get_data(as_text=True)
    assert "Eerste Fietsfabriek" not in mine


def test_a_kept_page_carries_the_sessions_own_csrf_token_and_new_form_tokens(site):
    app, ids, people, _url = site
    one, two = _client(app, people["manager"]), _client(app, people["manager"])
    first = one.get(f"/loans/{ids['loan']}").get_data(as_text=True)
    # Both given from the store: kept by either session's request, each given with the second session's token.
    kept = _given_again(app, lambda: two.get(f"/loans/{ids['loan']}")).get_data(as_text=True)
    again = _given_again(app, lambda: two.get(f"/loans/{ids['loan']}")).get_data(as_text=True)
    forms = FORM.findall(first) + FORM.findall(kept) + FORM.findall(again)
    assert len(forms) >= 3 and len(set(forms)) == len(forms)  # every form shown gets a token of its own
    # The second session logs out with the token of its kept page: its own, so accepted.
    out = two.post(
        "/logout", data={"csrf_token": CSRF.search(again).group(1), "form_token": FORM.search(again).group(1)}
    )
    assert out.status_code == 303 and "/login" in out.headers["Location"]
    assert two.get(f"/loans/{ids['loan']}").status_code in (302, 303)  # logged out: no kept answer
    assert one.get(f"/loans/{ids['loan']}").status_code == 200


MESSAGE = re.compile(r'<p class="utrecht-alert__message">([^<]*)</p>')


def test_a_kept_page_shows_each_viewer_their_own_messages_once(site):
    app, _ids, people, _url = site
    one, two = _client(app, people["manager"]), _client(app, people["manager"])
    one.get("/")

    def with_a_message():
        with two.session_transaction() as browser:
            browser["_flashes"] = [("success", "Saved just now.")]
        return two.get("/")

    shown = _given_again(app, with_a_message).get_data(as_text=True)
    assert MESSAGE.findall(shown) == ["Saved just now."]
    assert MESSAGE.findall(_given_again(app, lambda: two.get("/")).get_data(as_text=True)) == []
    assert MESSAGE.findall(_given_again(app, lambda: one.get("/")).get_data(as_text=True)) == []


def test_the_first_page_after_logging_in_is_kept_with_its_welcome_left_out(site):
    """A log-in gives the new session its CSRF secret at once, so the first page changes the session only by
    showing the welcome: 500 people logging in for a meeting no longer each have their first page made afresh."""
    app, ids, people, _url = site
    path = f"/loans/{ids['loan']}"
    for _ in range(30):  # on PostgreSQL until no commit elsewhere on the server falls within the request
        client = app.test_client()
        token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
        response = client.post("/login", data={"email": people["manager"], "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 303
        kept_answers.clear()
        first = client.get(path).get_data(as_text=True)
        if kept_answers.held()[0] == 1:
            break
    else:
        raise AssertionError("the first page after logging in was never kept")
    assert len(MESSAGE.findall(first)) == 1  # the welcome, on the page made
    again = _given_again(app, lambda: client.get(path)).get_data(as_text=True)
    assert MESSAGE.findall(again) == []
    made, given = _without_tokens(first), _without_tokens(again)
    start = next(i for i, (a, b) in enumerate(zip(made, given, strict=False)) if a != b)
    removed = made[start : len(made) - (len(given) - start)]
    assert made[:start] + made[start + len(removed) :] == given  # the same page but for one part: the welcome
    assert removed.strip().startswith('<div class="app-flashes"') and MESSAGE.search(removed)
    out = client.post(
        "/logout", data={"csrf_token": CSRF.search(again).group(1), "form_token": FORM.search(again).group(1)}
    )
    assert out.status_code == 303 and "/login" in out.headers["Location"]


def test_a_new_day_or_another_language_makes_the_page_afresh(site, monkeypatch):
    app, ids, people, _url = site
    client = _client(app, people["manager"])
    client.get(f"/funds/{ids['fund']}/loans")
    _given_again(app, lambda: client.get(f"/funds/{ids['fund']}/loans"))
    seen, stop = _renders(app)
    try:
        monkeypatch.setenv(clock.PIN, "2099-01-02")
        client.get(f"/funds/{ids['fund']}/loans")
        assert seen != []
        seen.clear()
        client.set_cookie(COOKIE, "en")
        assert client.get(f"/funds/{ids['fund']}/loans").status_code == 200
        assert seen != []
    finally:
        stop()


def test_an_api_answer_is_kept_per_token_user_and_a_revoked_token_gets_none(site):
    app, ids, people, _url = site
    client = app.test_client()
    token = client.post("/api/v1/auth/tokens", json={"email": people["manager"], "password": PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {token['token']}", "Accept": "application/json"}
    first = client.get(f"/api/v1/loans?fund_id={ids['fund']}", headers=headers)
    again = client.get(f"/api/v1/loans?fund_id={ids['fund']}", headers=headers)
    assert first.status_code == again.status_code == 200 and first.get_json() == again.get_json()
    assert first.get_json()["total"] == 1
    assert client.delete(f"/api/v1/auth/tokens/{token['id']}", headers=headers).status_code in (200, 204)
    assert client.get(f"/api/v1/loans?fund_id={ids['fund']}", headers=headers).status_code == 401


def test_the_store_keeps_at_most_its_bytes(site):
    app, ids, people, _url = site
    app.config["ANSWER_CACHE_BYTES"] = 30_000
    client = _client(app, people["manager"])
    for path in ("/", f"/funds/{ids['fund']}/loans", f"/loans/{ids['loan']}", "/investees/", f"/loans/{ids['loan']}"):
        assert client.get(path).status_code == 200
        assert kept_answers.held()[1] <= 30_000


def test_with_no_bytes_to_keep_nothing_is_wrapped(tmp_path):
    from fundapp import create_app

    app = create_app(test_config(ANSWER_CACHE_BYTES=0))
    assert not any(getattr(view, "gives_kept_answers", False) for view in app.view_functions.values())
    marked = [endpoint for endpoint, view in app.view_functions.items() if getattr(view, "keeps_answers", False)]
    assert "loans.detail" in marked and "home.index" in marked
    wrapped = create_app(test_config())
    assert all(getattr(wrapped.view_functions[endpoint], "gives_kept_answers", False) for endpoint in marked)


def test_a_right_ended_while_a_page_is_made_is_not_given_again_under_the_new_version(site, monkeypatch):
    """The version is read before the login reads the person's memberships: a membership ended by a commit
    that lands between the two never leaves a page kept under a version that already holds its end."""
    app, ids, people, url = site
    client = _client(app, people["first"])
    from fundapp.auth import user_sessions

    read = user_sessions.user_of
    ended = []

    def user_of_then_end_the_membership(*args, **kwargs):
        user = read(*args, **kwargs)  # the memberships are read now, with the page's person
        if user is not None and not ended:
            _write_elsewhere(url, f"DELETE FROM memberships WHERE user_id = {user.id}")
            ended.append(user.id)
        return user

    monkeypatch.setattr(user_sessions, "user_of", user_of_then_end_the_membership)
    assert client.get(f"/investees/{ids['first']}/loans").status_code == 200  # made with the rights read before
    assert ended
    assert client.get(f"/investees/{ids['first']}/loans").status_code == 404


def test_text_in_the_data_that_reads_like_a_mark_is_given_again_as_it_is(site):
    """The marks of the CSRF and form tokens in a kept body are the process's own random ones: a name someone typed
    that reads like a fixed mark was replaced by the viewer's CSRF token when the page was given again."""
    app, ids, people, url = site
    name = "Fabriek fundapp-kept-answer-csrf-token fundapp-kept-answer-form-token"
    _write_elsewhere(url, f"UPDATE investees SET name = '{name}' WHERE id = {ids['first']}")
    client = _client(app, people["first"])
    first = client.get(f"/investees/{ids['first']}/loans").get_data(as_text=True)
    again = _given_again(app, lambda: client.get(f"/investees/{ids['first']}/loans")).get_data(as_text=True)
    assert name in first and name in again
    assert _without_tokens(again) == _without_tokens(first)
