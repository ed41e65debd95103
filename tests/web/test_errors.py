"""One error format: a JSON envelope under /api/v1 (and for clients that ask for JSON), a page for browsers."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy.exc import OperationalError

from fundapp.auth.access import access
from fundapp.errors import Conflict, InvalidTransition
from tests import api_paths
from tests.conftest import test_config
from tests.factories import PASSWORD

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _envelope(response) -> dict:
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def test_an_unknown_page_gives_a_browser_an_html_404_page(client):
    client.set_cookie("fundapp_lang", "en")
    response = client.get("/no-such-page", headers=HTML)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>Not found</h1>" in page
    assert 'href="/"' in page  # a way back


def test_an_unknown_api_url_gives_the_json_envelope(client):
    response = client.get("/api/v1/no-such-thing", headers=HTML)
    assert response.status_code == 404
    error = _envelope(response)
    assert (error["code"], error["details"]) == ("not_found", [])


def test_a_client_asking_for_json_gets_json_outside_the_api_too(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert _envelope(response)["code"] == "not_found"


def test_an_unknown_object_id_under_the_api_is_a_json_404(client, world, api_headers):
    response = client.get("/api/v1/investees/999999", headers=api_headers(world.user("admin")))
    assert response.status_code == 404
    assert _envelope(response)["code"] == "not_found"


def test_a_wrong_method_under_the_api_is_a_json_405(client, world, api_headers):
    response = client.post(f"/api/v1/funds/{world.fund_a.id}", json={}, headers=api_headers(world.user("admin")))
    assert response.status_code == 405
    assert _envelope(response)["code"] == "method_not_allowed"


def test_a_405_says_which_methods_are_allowed(client, world, api_headers):
    response = client.post(f"/api/v1/funds/{world.fund_a.id}", json={}, headers=api_headers(world.user("admin")))
    assert response.status_code == 405
    assert set(response.headers.get("Allow", "").replace(" ", "").split(",")) >= {"GET", "PATCH"}


def test_a_wrong_method_on_a_page_is_an_html_405(client):
    response = client.put("/login", headers=HTML)
    assert response.status_code == 405
    assert response.mimetype == "text/html"
    assert client.get("/logout", headers=HTML).status_code == 405  # logging out is a POST


def test_a_422_from_the_api_lists_details_with_field_and_message(client, world, api_headers):
    response = client.post(
        "/api/v1/investees",
        json={"fund_id": world.fund_a.id, "name": "X", "kvk_number": "123", "legal_form": "bv"},
        headers=api_headers(world.user("admin")),
    )
    assert response.status_code == 422
    error = _envelope(response)
    assert error["code"] == "validation_failed"
    assert {d["field"] for d in error["details"]} == {"name", "kvk_number", "municipality"}
    assert all(set(d) == {"field", "message"} and d["message"] for d in error["details"])


def test_a_body_that_is_not_json_gets_a_json_400(client, world, api_headers):
    headers = {**api_headers(world.user("admin")), "Content-Type": "application/json"}
    response = client.post("/api/v1/funds", data="{not json", headers=headers)
    assert response.status_code == 400
    assert _envelope(response)["code"] == "bad_request"


def test_a_json_array_instead_of_an_object_gets_422(client, world, api_headers):
    response = client.post("/api/v1/funds", json=["Fund C"], headers=api_headers(world.user("admin")))
    assert response.status_code == 422
    assert _envelope(response)["details"] == [{"field": "_schema", "message": "Invalid input type."}]


@pytest.mark.parametrize("path", ["/funds/", "/investees/?q=kring&page=2", "/payers/", "/account/tokens", "/"])
def test_a_browser_on_a_login_only_page_is_sent_to_login_with_next(client, path):
    response = client.get(path, headers=HTML)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    if path != "/":
        assert parse_qs(location.query)["next"] == [path]


def test_logging_in_from_the_redirect_returns_to_the_page_asked_for(client, world):
    redirect = client.get("/investees/?q=investee", headers=HTML).headers["Location"]
    response = client.post(redirect, data={"email": world.user("admin").email, "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/investees/?q=investee"
    assert "Investee A" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/funds"), ("get", "/api/v1/me"), ("post", "/api/v1/funds"), ("patch", "/api/v1/investees/1")],
)
def test_the_api_without_a_token_answers_401_json(client, method, path):
    response = getattr(client, method)(path, json={} if method != "get" else None, headers=HTML)
    assert response.status_code == 401
    assert _envelope(response)["code"] == "unauthorized"


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Bearer fa_unknown", "Bearer not-a-fundapp-token"])
def test_the_api_with_a_bad_token_answers_401_json(client, header):
    response = client.get("/api/v1/funds", headers={"Authorization": header})
    assert response.status_code == 401
    assert _envelope(response)["code"] == "unauthorized"


def test_a_browser_without_permission_gets_a_403_page(world, login_as):
    client = login_as(world.user("member_a"))
    client.set_cookie("fundapp_lang", "en")
    response = client.get("/funds/new", headers=HTML)
    assert response.status_code == 403
    assert response.mimetype == "text/html"
    assert "<h1>Not allowed</h1>" in response.get_data(as_text=True)


# --- unexpected errors, on an app of their own with an extra route ---------------------------


@pytest.fixture()
def failing_app():
    from fundapp import create_app

    application = create_app(test_config(TESTING=False))

    @application.get("/api/v1/boom")
    @access("public")
    def api_boom():
        raise RuntimeError("secret internal detail")

    @application.get("/boom")
    @access("public")
    def page_boom():
        raise RuntimeError("secret internal detail")

    @application.get("/api/v1/db-down")
    @access("public")
    def db_down():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    yield application
    application.extensions["fundapp.db"].engine.dispose()


def test_an_unexpected_error_is_a_500_that_reveals_nothing(failing_app):
    client = failing_app.test_client()
    api = client.get("/api/v1/boom")
    assert api.status_code == 500
    error = _envelope(api)
    assert error["code"] == "internal_error"
    assert "secret" not in api.get_data(as_text=True)
    page = client.get("/boom", headers=HTML)
    assert page.status_code == 500
    assert page.mimetype == "text/html"
    assert "secret" not in page.get_data(as_text=True)


def test_a_database_that_cannot_be_reached_is_a_503_saying_nothing_changed(failing_app):
    response = failing_app.test_client().get("/api/v1/db-down")
    assert response.status_code == 503
    error = _envelope(response)
    assert error["code"] == "service_unavailable"
    assert "Nothing was changed" in error["message"]
    assert "connection refused" not in response.get_data(as_text=True)


# --- request bodies: text that is not Unicode, nesting without end, a PATCH without a body -------------

LONE_SURROGATE = '{"name": "Fund \\ud800 A", "region": "Utrecht"}'
UNICODE_PROBLEM = "Contains characters that are not valid Unicode."


def _json_headers(headers=None) -> dict:
    return {**(headers or {}), "Content-Type": "application/json"}


def _answer_of_the_first_role_let_in(client, world, api_headers, method, url, **request):
    """The answer to the first of the world's roles that may use the operation (a payer's action is not a manager's)."""
    extra = request.pop("headers", {})
    for role in api_paths.ROLES:
        response = client.open(url, method=method, headers={**api_headers(world.user(role)), **extra}, **request)
        if response.status_code not in (401, 403, 404):
            return response
    return response


def test_a_lone_surrogate_is_refused_with_422_on_the_unauthenticated_token_endpoint(client, world):
    for body in ('{"email": "admin@test.example", "password": "pass\\ud800word"}', '{"email": "a\\udfffb@x.nl"}'):
        response = client.post("/api/v1/auth/tokens", data=body, headers=_json_headers())
        assert response.status_code == 422, response.get_data(as_text=True)
        assert _envelope(response)["details"][0]["message"] == UNICODE_PROBLEM


def test_a_lone_surrogate_is_refused_with_422_on_every_operation_that_takes_json(
    client, db_session, world, api_headers
):
    ids = api_paths.world_ids(db_session, world)
    taking_json = [
        (method, path)
        for method, path, operation in api_paths.operations(client)
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]
    assert len(taking_json) > 30
    for method, path in taking_json:
        response = _answer_of_the_first_role_let_in(
            client, world, api_headers, method, api_paths.fill(path, ids), data=LONE_SURROGATE, headers=_json_headers()
        )
        assert response.status_code == 422, (method, path, response.get_data(as_text=True)[:300])
        assert _envelope(response)["details"] == [{"field": "name", "message": UNICODE_PROBLEM}], (method, path)


def test_a_valid_surrogate_pair_is_an_ordinary_character(client, world, api_headers):
    body = '{"name": "Fund \\ud83c\\udf31", "region": "Utrecht"}'
    response = client.post("/api/v1/funds", data=body, headers=_json_headers(api_headers(world.user("admin"))))
    assert response.status_code == 201
    assert response.get_json()["name"] == "Fund \U0001f331"


def test_a_nul_character_in_json_text_is_refused_with_422(client, world, api_headers):
    body = '{"email": "admin@test.example", "password": "pass\\u0000word"}'
    response = client.post("/api/v1/auth/tokens", data=body, headers=_json_headers())
    assert response.status_code == 422
    assert _envelope(response)["details"] == [{"field": "password", "message": "Contains a NUL character."}]


@pytest.mark.parametrize("depth", [100_000, 1_000, 33])
def test_json_nested_too_deeply_is_a_400_not_a_crash(client, world, api_headers, depth):
    deep = "[" * depth + "]" * depth
    nested_object = '{"a":' * depth + "1" + "}" * depth
    for body in (deep, nested_object):
        token = client.post("/api/v1/auth/tokens", data=body, headers=_json_headers())
        assert token.status_code == 400
        assert _envelope(token)["message"] == "The request body is nested too deeply."
        headers = _json_headers(api_headers(world.user("admin")))
        assert client.post("/api/v1/funds", data=body, headers=headers).status_code == 400
        retry_safe = {**headers, "Idempotency-Key": f"deep-{depth}"}
        assert client.post("/api/v1/funds", data=body, headers=retry_safe).status_code == 400


def test_an_integer_of_more_digits_than_python_reads_is_a_400(client):
    response = client.post("/api/v1/auth/tokens", data='{"email": ' + "9" * 5000 + "}", headers=_json_headers())
    assert response.status_code == 400
    assert _envelope(response)["code"] == "bad_request"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(None, None), ("", "application/json"), ("  ", "application/json"), ('{"name": "x"}', "text/plain")],
)
def test_every_patch_without_a_json_body_answers_422(client, db_session, world, api_headers, body, content_type):
    ids = api_paths.world_ids(db_session, world)
    patches = [path for method, path, _op in api_paths.operations(client) if method == "PATCH"]
    assert len(patches) >= 6
    headers = {"Content-Type": content_type} if content_type else {}
    for path in patches:
        response = _answer_of_the_first_role_let_in(
            client, world, api_headers, "PATCH", api_paths.fill(path, ids), data=body, headers=headers
        )
        assert response.status_code == 422, (path, response.get_data(as_text=True)[:300])
        assert _envelope(response)["details"] == [{"field": "_body", "message": "no JSON body"}], path


@pytest.mark.parametrize("body", ["[]", "null", '"text"', "3"])
def test_a_patch_with_a_body_that_is_not_an_object_answers_422(client, world, api_headers, body):
    headers = _json_headers(api_headers(world.user("admin")))
    response = client.patch(f"/api/v1/funds/{world.fund_a.id}", data=body, headers=headers)
    assert response.status_code == 422


# --- errors in the reader's language --------------------------------------------------------------


def test_signing_a_claim_that_is_not_submitted_is_refused_in_a_whole_sentence():
    from fundapp.outcomes.claims import next_status
    from fundapp.outcomes.models import ClaimStatus

    with pytest.raises(InvalidTransition) as refused:
        next_status(ClaimStatus.PAID, "sign")
    assert refused.value.message == "Only a submitted claim can be signed."


def _refusals():
    """The message of every status change the transition tables refuse."""
    from fundapp.impact import submissions
    from fundapp.impact.models import SubmissionStatus
    from fundapp.loans import services as loans
    from fundapp.loans.models import LoanStatus
    from fundapp.outcomes import claims
    from fundapp.outcomes.models import ClaimStatus

    tables = [
        (claims.next_status, claims.TRANSITIONS, ClaimStatus),
        (submissions.next_status, submissions.TRANSITIONS, SubmissionStatus),
        (loans.next_status, loans.TRANSITIONS, LoanStatus),
    ]
    for next_status, transitions, statuses in tables:
        for action in {action for _status, action in transitions}:
            for status in statuses:
                if (status, action) not in transitions:
                    with pytest.raises(Conflict) as refused:
                        next_status(status, action)
                    yield refused.value.message
    yield from ("Only a draft contract can be started.", "Only an active contract can be closed.")


def test_every_refused_status_change_is_a_whole_sentence_with_a_dutch_translation(app):
    from flask_babel import force_locale, gettext

    messages = set(_refusals())
    assert len(messages) > 15
    with app.test_request_context(), force_locale("nl"):
        untranslated = [m for m in messages if gettext(m) == m]
    assert untranslated == []


def test_a_refused_status_change_on_a_page_is_in_dutch(world, login_as):
    client = login_as(world.user("manager_a"))
    response = client.post(f"/loans/{world.loan_a.id}/approve", headers=HTML)  # the loan is active already
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Alleen een conceptlening kan worden goedgekeurd." in page
    assert "cannot be" not in page


def test_an_unknown_page_and_a_wrong_date_are_explained_in_dutch(client, world, login_as):
    missing = client.get("/no-such-page", headers=HTML).get_data(as_text=True)
    assert "<h1>Niet gevonden</h1>" in missing
    assert "Op dit adres staat niets." in missing
    assert "The requested URL" not in missing  # werkzeug's own English description
    login_as(world.user("admin"))
    wrong_date = client.get(f"/loans/{world.loan_a.id}?as_of=0001-01-01", headers=HTML)
    assert wrong_date.status_code == 422
    page = wrong_date.get_data(as_text=True)
    assert "Gebruik een datum tussen de jaren 1800 en 2199." in page
    assert "<h1>Controleer je invoer</h1>" in page and "Het verzoek is niet geldig." in page


def test_the_api_keeps_answering_in_english(client):
    response = client.get("/api/v1/no-such-thing")
    assert _envelope(response)["message"] == "There is nothing at this address."


def test_a_form_error_with_numbers_in_it_is_shown_in_dutch(world, login_as):
    client = login_as(world.user("admin"))
    form = {"name": "X", "region": "Utrecht", "description": "", "founded_on": ""}
    response = client.post("/funds/new", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "De lengte moet tussen 2 en 200 liggen." in page
    assert "Length must be" not in page


class _DriverError(Exception):
    def __init__(self, text: str, sqlstate: str | None = None) -> None:
        super().__init__(text)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("driver_error", "busy"),
    [
        (_DriverError("database is locked"), True),
        (_DriverError("database table is locked"), True),
        (_DriverError("could not serialize access due to concurrent update", "40001"), True),
        (_DriverError("deadlock detected", "40P01"), True),
        (_DriverError("canceling statement due to lock timeout", "55P03"), True),
        (_DriverError("connection refused"), False),
        (_DriverError("the database system is shutting down", "57P03"), False),
    ],
)
def test_a_busy_database_is_told_apart_from_an_unreachable_one(driver_error, busy):
    from fundapp.errors import is_busy

    assert is_busy(OperationalError("INSERT", {}, driver_error)) is busy
