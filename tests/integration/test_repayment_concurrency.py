"""Twenty copies of one repayment sent at the same moment book it once: through the API with the same bank
reference, through the API with the same Idempotency-Key, and through the repayment form with the same form token.

PostgreSQL only, built like test_claim_concurrency.py: an app on a database of its own with committed data, and
the requests sent from threads that a barrier releases together, a few rounds each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import test_config, test_database_url
from tests.integration.test_claim_concurrency import _create_database, _drop_database

URL = test_database_url()
COPIES = 20
ROUNDS = 3

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not URL.startswith("postgresql"), reason="the race needs PostgreSQL (set FUNDAPP_TEST_DATABASE_URL)"
    ),
]


@dataclass
class Race:
    app: Any
    loan_id: int
    email: str
    tokens: list[str]  # API tokens of the fund manager, one per thread


@pytest.fixture(scope="module")
def race() -> Iterator[Race]:
    from fundapp import create_app, migrate
    from fundapp.auth.passwords import use_fast_hashing_for_tests
    from fundapp.auth.services import issue_token
    from fundapp.db import session_scope
    from tests.factories import make_world

    use_fast_hashing_for_tests()
    url = f"{URL}_repayment_race"
    _create_database(url)
    app = None
    try:
        migrate.upgrade(url)
        app = create_app(test_config(DATABASE_URL=url, PROPAGATE_EXCEPTIONS=False))
        with session_scope(app) as session:
            world = make_world(session)
            manager = world.user("manager_a")
            tokens = [issue_token(session, manager, f"race {n}")[1] for n in range(COPIES)]
            data = Race(app, world.loan_a.id, manager.email, tokens)
        yield data
    finally:
        if app is not None:
            app.extensions["fundapp.db"].engine.dispose()
        _drop_database(url)


def _at_once(clients: list[Any], send: Callable[[Any], Any]) -> list[Any]:
    """send(client) from one thread per client, released together by a barrier."""
    barrier = threading.Barrier(len(clients))
    answers: list[Any] = [None] * len(clients)

    def run(i: int) -> None:
        barrier.wait(timeout=60)
        answers[i] = send(clients[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(a is not None for a in answers), answers
    return answers


def _api_clients(race: Race) -> list[Any]:
    clients = []
    for token in race.tokens:
        client = race.app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        assert client.get(f"/api/v1/loans/{race.loan_id}").status_code == 200  # token touched before the race
        clients.append(client)
    return clients


def _booked(race: Race, reference: str, on: str) -> list[int]:
    from datetime import date

    from fundapp.audit import verify_chain
    from fundapp.db import session_scope
    from fundapp.loans.models import EventKind, LoanEvent

    with session_scope(race.app) as session:
        assert verify_chain(session).ok
        return list(
            session.scalars(
                select(LoanEvent.id).where(
                    LoanEvent.loan_id == race.loan_id,
                    LoanEvent.kind == EventKind.REPAYMENT,
                    LoanEvent.reference == reference,
                    LoanEvent.on == date.fromisoformat(on),
                )
            )
        )


def _repayment(race: Race, body: dict[str, str], key: str | None = None) -> Callable[[Any], tuple]:
    headers = {"Idempotency-Key": key} if key else {}

    def send(client: Any) -> tuple:
        response = client.post(f"/api/v1/loans/{race.loan_id}/repayments", json=body, headers=headers)
        return response.status_code, response.get_json(), response.headers.get("Idempotent-Replayed")

    return send


def test_twenty_copies_with_the_same_bank_reference_book_one_and_the_rest_are_told_which(race):
    clients = _api_clients(race)
    for n in range(ROUNDS):
        body = {"date": f"2024-03-{10 + n}", "amount": "100.00", "reference": f"BANK-RACE-{n}"}
        answers = _at_once(clients, _repayment(race, body))
        assert sorted(status for status, _, _ in answers) == [201] + [409] * (COPIES - 1), answers
        winner = next(answer for status, answer, _ in answers if status == 201)
        for status, answer, _ in answers:
            if status == 409:
                assert answer["error"]["code"] == "duplicate_repayment", answer
                assert answer["error"]["details"][0]["repayment_id"] == winner["id"]
        assert _booked(race, body["reference"], body["date"]) == [winner["id"]]


def test_twenty_copies_with_the_same_idempotency_key_book_one_and_all_get_its_answer(race):
    from fundapp.db import session_scope
    from fundapp.idempotency import IdempotencyKey

    clients = _api_clients(race)
    for n in range(ROUNDS):
        body = {"date": f"2024-04-{10 + n}", "amount": "50.00", "reference": ""}  # no reference: the key alone
        answers = _at_once(clients, _repayment(race, body, key=f"key-race-{n}"))
        assert [status for status, _, _ in answers] == [201] * COPIES, answers
        assert len({answer["id"] for _, answer, _ in answers}) == 1
        assert sorted(str(replayed) for _, _, replayed in answers) == ["None"] + ["true"] * (COPIES - 1)
        assert _booked(race, "", body["date"]) == [answers[0][1]["id"]]
    with session_scope(race.app) as session:
        stored = session.scalars(select(IdempotencyKey.response_status).where(IdempotencyKey.key.like("key-race-%")))
        assert list(stored) == [201] * ROUNDS


def test_twenty_copies_of_one_repayment_form_book_one(race):
    from tests.factories import PASSWORD

    clients = []
    for _ in range(COPIES):
        client = race.app.test_client()
        assert client.post("/login", data={"email": race.email, "password": PASSWORD}).status_code == 303
        clients.append(client)
    url = f"/loans/{race.loan_id}/repay"
    for n in range(ROUNDS):
        form = {
            "date": f"2024-05-{10 + n}",
            "amount": "25.00",
            "reference": "",
            "prepayment": "lower_installments",
            "form_token": f"form-token-race-{n:02d}-0123456789",
        }
        answers = _at_once(clients, lambda client, form=form: client.post(url, data=form))
        assert [answer.status_code for answer in answers] == [303] * COPIES
        assert {answer.headers["Location"] for answer in answers} == {f"/loans/{race.loan_id}"}
        assert len(_booked(race, "", form["date"])) == 1
