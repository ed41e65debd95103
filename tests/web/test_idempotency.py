"""A POST takes effect once. API: a request sent again with its Idempotency-Key gets the first answer and changes
nothing; the key is the user's, kept 24 hours, refused for another request, and a failed request keeps nothing.
Pages: every POST form carries a one-time form token; the same form sent twice takes effect once.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from fundapp.audit import AuditEntry
from fundapp.db import utcnow
from fundapp.idempotency import IdempotencyKey
from fundapp.loans.models import EventKind, LoanEvent

REPAYMENT = {"date": "2024-03-15", "amount": "443.21", "reference": "bank 2"}


def _repayments(db_session, loan_id: int) -> int:
    db_session.expire_all()
    return db_session.scalar(
        select(func.count())
        .select_from(LoanEvent)
        .where(LoanEvent.loan_id == loan_id, LoanEvent.kind == EventKind.REPAYMENT)
    )


def _audit_entries(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(AuditEntry))


def _post(client, path, body, headers, key=None):
    extra = {"Idempotency-Key": key} if key is not None else {}
    return client.post(f"/api/v1{path}", json=body, headers={**headers, **extra})


# --- the API ------------------------------------------------------------------------------------------


def test_a_repayment_sent_again_with_its_key_answers_the_first_answer_and_books_once(
    client, db_session, world, api_headers
):
    headers = api_headers(world.user("manager_a"))
    path = f"/loans/{world.loan_a.id}/repayments"
    first = _post(client, path, REPAYMENT, headers, key="pay-2024-03")
    assert first.status_code == 201, first.get_json()
    assert "Idempotent-Replayed" not in first.headers
    entries = _audit_entries(db_session)
    for _ in range(3):
        again = _post(client, path, REPAYMENT, headers, key="pay-2024-03")
        assert again.status_code == 201
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.content_type == "application/json"
        assert again.get_json() == first.get_json()
    assert _repayments(db_session, world.loan_a.id) == 2  # repayment_a and this one
    assert _audit_entries(db_session) == entries


def test_the_same_body_with_other_key_order_and_spacing_is_the_same_request(client, db_session, world, api_headers):
    headers = {**api_headers(world.user("manager_a")), "Content-Type": "application/json", "Idempotency-Key": "k"}
    path = f"/api/v1/loans/{world.loan_a.id}/repayments"
    bodies = (
        '{"date":"2024-03-15","amount":"443.21","reference":"bank 2"}',
        '{ "reference": "bank 2", "amount": "443.21", "date": "2024-03-15" }',
    )
    first, again = (client.post(path, data=body, headers=headers) for body in bodies)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _repayments(db_session, world.loan_a.id) == 2


def test_a_key_used_again_for_another_body_or_path_is_refused_and_changes_nothing(
    client, db_session, world, api_headers
):
    headers = api_headers(world.user("manager_a"))
    path = f"/loans/{world.loan_a.id}/repayments"
    assert _post(client, path, REPAYMENT, headers, key="k").status_code == 201
    other_body = _post(client, path, {**REPAYMENT, "amount": "100.00"}, headers, key="k")
    other_path = _post(client, f"/loans/{world.loan_a.id}/recoveries", REPAYMENT, headers, key="k")
    for response in (other_body, other_path):
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert error["code"] == "idempotency_key_reused"
        assert error["details"][0]["field"] == "Idempotency-Key"
        assert "Idempotent-Replayed" not in response.headers
    assert _repayments(db_session, world.loan_a.id) == 2


def test_a_failed_request_keeps_nothing_so_its_key_can_be_sent_again_fixed(client, db_session, world, api_headers):
    headers = api_headers(world.user("manager_a"))
    path = f"/loans/{world.loan_a.id}/repayments"
    failed = _post(client, path, {**REPAYMENT, "amount": "-1"}, headers, key="retry-me")
    assert failed.status_code == 422
    assert db_session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    fixed = _post(client, path, REPAYMENT, headers, key="retry-me")
    assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed.headers
    assert _repayments(db_session, world.loan_a.id) == 2


def test_a_key_belongs_to_its_user(client, db_session, world, api_headers):
    """Two users may choose the same key: each gets their own answer (here: the second a 409 double booking)."""
    path = f"/loans/{world.loan_a.id}/repayments"
    mine = _post(client, path, REPAYMENT, api_headers(world.user("manager_a")), key="same")
    theirs = _post(client, path, REPAYMENT, api_headers(world.user("admin")), key="same")
    assert mine.status_code == 201
    assert theirs.status_code == 409 and "Idempotent-Replayed" not in theirs.headers
    assert theirs.get_json()["error"]["details"][0]["repayment_id"] == mine.get_json()["id"]


def test_a_key_older_than_24_hours_is_forgotten(client, db_session, world, api_headers):
    headers = api_headers(world.user("manager_a"))
    path = f"/loans/{world.loan_a.id}/repayments"
    assert _post(client, path, REPAYMENT, headers, key="old").status_code == 201
    db_session.execute(update(IdempotencyKey).values(created_at=utcnow() - timedelta(hours=24, minutes=1)))
    again = _post(client, path, REPAYMENT, headers, key="old")
    assert again.status_code == 409  # runs again: the service refuses the double booking
    other = _post(client, path, {**REPAYMENT, "reference": "bank 3"}, headers, key="old")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers
    assert db_session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def test_a_key_that_is_not_1_to_255_visible_characters_is_refused(client, db_session, world, api_headers):
    headers = api_headers(world.user("manager_a"))
    for key in ("", "x" * 256, "two words"):
        response = _post(client, f"/loans/{world.loan_a.id}/repayments", REPAYMENT, headers, key=key)
        assert response.status_code == 422, key
        assert response.get_json()["error"]["details"][0]["field"] == "Idempotency-Key"
    assert _repayments(db_session, world.loan_a.id) == 1


def test_a_post_without_a_key_takes_effect_each_time(client, db_session, world, api_headers):
    headers = api_headers(world.user("manager_a"))
    for reference in ("a", "b"):
        response = _post(client, f"/loans/{world.loan_a.id}/repayments", {**REPAYMENT, "reference": reference}, headers)
        assert response.status_code == 201
    assert _repayments(db_session, world.loan_a.id) == 3


def test_every_post_made_with_a_token_documents_the_header_in_the_openapi_document(client, db_session):
    spec = client.get("/api/v1/openapi.json").get_json()
    posts = {path: ops["post"] for path, ops in spec["paths"].items() if "post" in ops}
    assert len(posts) > 30
    for path, operation in posts.items():
        names = [p.get("name") for p in operation.get("parameters", []) if p.get("in") == "header"]
        if path == "/api/v1/auth/tokens":
            assert operation["security"] == [] and "Idempotency-Key" not in names  # public; its answer is a secret
        else:
            assert names.count("Idempotency-Key") == 1, path
    for method in ("get", "patch", "delete"):
        for ops in spec["paths"].values():
            names = [p.get("name") for p in ops.get(method, {}).get("parameters", [])]
            assert "Idempotency-Key" not in names


# --- pages --------------------------------------------------------------------------------------------

TOKEN = re.compile(r'name="form_token" value="([A-Za-z0-9_-]+)"')


def _form_token(client, url) -> str:
    page = client.get(url)
    assert page.status_code == 200
    tokens = TOKEN.findall(page.get_data(as_text=True))
    assert len(tokens) == 2, tokens  # the logout form's, then the page's
    return tokens[1]


def test_the_same_repayment_form_sent_twice_books_one_repayment(client, db_session, world, login_as):
    login_as(world.user("manager_a"))
    client.set_cookie("fundapp_lang", "en")
    url = f"/loans/{world.loan_a.id}/repay"
    form = {**REPAYMENT, "reference": "", "prepayment": "lower_installments", "form_token": _form_token(client, url)}
    first = client.post(url, data=form)
    assert first.status_code == 303
    second = client.post(url, data=form)
    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert _repayments(db_session, world.loan_a.id) == 2
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "This form was already sent; it was not sent again." in page


def test_each_showing_of_a_form_gets_its_own_token(client, db_session, world, login_as):
    login_as(world.user("manager_a"))
    url = f"/loans/{world.loan_a.id}/repay"
    form = {**REPAYMENT, "reference": "", "prepayment": "lower_installments"}
    for _ in range(2):
        assert client.post(url, data={**form, "form_token": _form_token(client, url)}).status_code == 303
    assert _repayments(db_session, world.loan_a.id) == 3


def test_a_form_refused_for_its_errors_can_be_sent_again_corrected(client, db_session, world, login_as):
    login_as(world.user("manager_a"))
    url = f"/loans/{world.loan_a.id}/repay"
    form = {**REPAYMENT, "prepayment": "lower_installments", "form_token": _form_token(client, url)}
    assert client.post(url, data={**form, "amount": "abc"}).status_code == 422
    assert client.post(url, data=form).status_code == 303
    assert _repayments(db_session, world.loan_a.id) == 2


def test_a_page_answered_without_a_redirect_sends_a_repeat_to_its_address(client, db_session, world, login_as):
    """A new API token is shown once: sending its form again neither makes a second token nor shows the first."""
    from fundapp.auth.models import ApiToken

    user = world.user("manager_a")
    login_as(user)
    form = {"name": "laptop", "form_token": _form_token(client, "/account/tokens")}
    assert client.post("/account/tokens", data=form).status_code == 200
    again = client.post("/account/tokens", data=form)
    assert again.status_code == 303 and again.headers["Location"] == "/account/tokens"
    assert db_session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id)) == 1


def test_the_schedule_calculator_can_be_sent_again(client, db_session, world, login_as):
    login_as(world.user("manager_a"))
    token = _form_token(client, "/loans/preview")
    form = {
        "principal": "1000",
        "annual_interest_rate": "5",
        "disbursement_date": "2024-01-01",
        "number_of_installments": "12",
        "frequency": "monthly",
        "amortization": "annuity",
        "grace_on_principal": "0",
        "day_count": "30/360",
        "installment_multiple": "0.01",
        "form_token": token,
    }
    assert [client.post("/loans/preview", data=form).status_code for _ in range(2)] == [200, 200]


def test_every_post_form_carries_a_form_token_and_the_page_loads_the_submit_once_script(
    client, db_session, world, login_as
):
    login_as(world.user("admin"))
    html = client.get(f"/loans/{world.loan_a.id}/write-off").get_data(as_text=True)
    forms = re.findall(r'<form method="post".*?</form>', html, re.S)
    assert len(forms) == 2 and all('name="form_token"' in form for form in forms)  # the page's and the logout
    assert '<script src="/static/submit-once.js" defer></script>' in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # the CSP allows no inline script
    script = client.get("/static/submit-once.js")
    assert script.status_code == 200 and "data-submitted" in script.get_data(as_text=True)
