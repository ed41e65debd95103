"""The bank through the API: accounts and mandates, statement import with its figures and refusals, the transaction
list, booking and setting aside. Every answer is also checked against the OpenAPI document (tests/conformance.py)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from fundapp.banking.models import BankTransaction, BatchKind
from fundapp.banking.statements import parse_statement
from tests.bank_factories import FUND_IBAN, OTHER_IBAN, Entry, camt, direct_debit_line, fund_account, payment_line
from tests.factories import make_investee
from tests.integration.test_bank_matching import running_loan
from tests.web.round_trip import footprint

DATA = Path(__file__).resolve().parents[1] / "data" / "bank"
SAMPLES = sorted(p for p in DATA.iterdir() if p.suffix in (".xml", ".sta"))
BAD = sorted((DATA / "bad").iterdir())


@pytest.fixture()
def manager(world, api_headers):
    return api_headers(world.user("manager_a"))


def upload(client, headers, fund_id, data, name="statement.xml"):
    return client.post(
        f"/api/v1/funds/{fund_id}/bank-statements", headers=headers, data={"file": (io.BytesIO(data), name)}
    )


# --- accounts, creditor id, mandates ---------------------------------------------------------------------------


def test_a_funds_account_is_added_in_compact_form_and_a_bad_iban_is_refused_saying_why(client, world, manager):
    url = f"/api/v1/funds/{world.fund_a.id}/bank-accounts"
    response = client.post(url, headers=manager, json={"iban": "nl91 abna 0417 1643 00", "name": "Lopende rekening"})
    assert response.status_code == 201
    body = response.get_json()
    assert {k: body[k] for k in ("iban", "name")} == {"iban": "NL91ABNA0417164300", "name": "Lopende rekening"}
    assert isinstance(body["id"], int)
    bad = client.post(url, headers=manager, json={"iban": "NL91ABNA0417164301", "name": "Typo"})
    assert bad.status_code == 422
    assert bad.get_json()["error"]["details"] == [
        {"field": "iban", "message": "The IBAN NL91ABNA0417164301 has wrong check digits: a character is mistyped."}
    ]
    again = client.post(url, headers=manager, json={"iban": "NL91ABNA0417164300"})
    assert again.status_code == 409
    listed = client.get(url, headers=manager).get_json()
    assert [a["iban"] for a in listed["items"]] == ["NL91ABNA0417164300"]


def test_investees_and_payers_have_accounts_of_their_own(client, world, manager, api_headers):
    investee = client.post(
        f"/api/v1/investees/{world.investee_a.id}/bank-accounts", headers=manager, json={"iban": "NL39RABO0300065264"}
    )
    officer = api_headers(world.user("officer_a"))
    payer = client.post(
        f"/api/v1/payers/{world.payer_a.id}/bank-accounts", headers=officer, json={"iban": "NL69INGB0123456789"}
    )
    assert (investee.status_code, payer.status_code) == (201, 201)
    assert (investee.get_json()["investee_id"], payer.get_json()["payer_id"]) == (world.investee_a.id, world.payer_a.id)


def test_a_funds_creditor_id_is_checked_when_it_is_set(client, world, manager):
    url = f"/api/v1/funds/{world.fund_a.id}"
    good = client.patch(url, headers=manager, json={"creditor_id": "NL50ZZZ241234560000"})
    assert (good.status_code, good.get_json()["creditor_id"]) == (200, "NL50ZZZ241234560000")
    bad = client.patch(url, headers=manager, json={"creditor_id": "NL51ZZZ241234560000"})
    assert bad.status_code == 422
    assert bad.get_json()["error"]["details"][0]["field"] == "creditor_id"
    auto = client.patch(url, headers=manager, json={"auto_book_exact_matches": True})
    assert auto.get_json()["auto_book_exact_matches"] is True


def test_a_mandate_is_recorded_for_a_loan_and_revoked(client, world, manager, api_headers):
    url = f"/api/v1/loans/{world.loan_a.id}/mandates"
    body = {"mandate_id": "SIF-2024-0001", "signed_on": "2024-01-10", "iban": "NL39 RABO 0300 0652 64"}
    response = client.post(url, headers=manager, json=body)
    assert response.status_code == 201
    mandate = response.get_json()
    assert {k: mandate[k] for k in ("mandate_id", "signed_on", "iban", "status")} == {
        "mandate_id": "SIF-2024-0001",
        "signed_on": "2024-01-10",
        "iban": "NL39RABO0300065264",
        "status": "active",
    }
    assert client.post(url, headers=manager, json={**body, "mandate_id": "SIF-2"}).status_code == 409
    member = client.get(url, headers=api_headers(world.user("member_a"))).get_json()
    assert [m["id"] for m in member["items"]] == [mandate["id"]]
    revoked = client.post(f"/api/v1/mandates/{mandate['id']}/revoke", headers=manager)
    assert (revoked.status_code, revoked.get_json()["status"]) == (200, "revoked")
    assert client.post(f"/api/v1/mandates/{mandate['id']}/revoke", headers=manager).status_code == 409
    bad = client.post(url, headers=manager, json={**body, "mandate_id": "met spatie", "iban": "NL00"})
    assert {d["field"] for d in bad.get_json()["error"]["details"]} == {"mandate_id", "iban"}


# --- statement import ----------------------------------------------------------------------------------------------


def test_importing_a_statement_answers_its_figures_and_again_only_duplicates(client, world, manager, db_session):
    fund_account(db_session, world.fund_a)
    data = camt([Entry("1405.31", remittance="x"), Entry("1418.30", direction="debit"), Entry("0.01")])
    first = upload(client, manager, world.fund_a.id, data)
    assert first.status_code == 201
    body = first.get_json()
    expected = {
        "format": "camt.053",
        "account": FUND_IBAN,
        "transactions": 3,
        "new": 3,
        "duplicates": 0,
        "credits": "1405.32",
        "debits": "1418.30",
        "matched": 0,
        "unmatched": 3,
        "warnings": [],
    }
    assert {key: body[key] for key in expected} == expected
    again = upload(client, manager, world.fund_a.id, data).get_json()
    assert (again["new"], again["duplicates"], again["transactions"]) == (0, 3, 3)
    assert again["id"] != body["id"]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_every_sample_of_a_dutch_bank_imports_every_movement_once(client, world, manager, db_session, sample):
    data = sample.read_bytes()
    statements = parse_statement(data)
    fund_account(db_session, world.fund_a, statements[0].account_iban)
    every = [tx for s in statements for tx in s.transactions]
    body = upload(client, manager, world.fund_a.id, data, sample.name).get_json()
    assert (body["transactions"], body["new"], body["duplicates"]) == (len(every), len(every), 0)
    assert Decimal(body["credits"]) == sum(tx.amount for tx in every if tx.direction == "credit")
    assert Decimal(body["debits"]) == sum(tx.amount for tx in every if tx.direction == "debit")
    assert upload(client, manager, world.fund_a.id, data).get_json()["duplicates"] == len(every)


@pytest.mark.parametrize("bad", BAD, ids=lambda p: p.name)
def test_every_bad_file_is_refused_naming_its_line_or_element_and_nothing_is_stored(
    client, world, manager, db_session, bad
):
    fund_account(db_session, world.fund_a, "NL36INGB0007654321")
    before = footprint(db_session)
    response = upload(client, manager, world.fund_a.id, bad.read_bytes(), bad.name)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_statement" and error["message"]
    assert error["details"] and all(("line" in d or "element" in d) and d["message"] for d in error["details"])
    assert footprint(db_session) == before


def test_a_fifty_megabyte_file_is_refused_as_a_statement_problem(client, world, manager, db_session):
    fund_account(db_session, world.fund_a)
    response = upload(client, manager, world.fund_a.id, b":20:" + b"x" * (50 * 1024 * 1024))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_statement" and "upload limit" in error["message"]
    assert error["details"] == [{"element": "file", "message": "too large"}]


def test_a_statement_of_an_account_that_is_not_the_funds_is_refused_naming_that_account(
    client, world, manager, db_session
):
    fund_account(db_session, world.fund_a)
    fund_account(db_session, world.fund_b, OTHER_IBAN)
    before = footprint(db_session)
    response = upload(client, manager, world.fund_a.id, camt([Entry("5.00")], OTHER_IBAN))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_statement"
    assert error["message"] == f"The statement is of account {OTHER_IBAN}, which is not one of the accounts of Fund A."
    assert error["details"][0]["element"] == "/Document/BkToCstmrStmt/Stmt/Acct/Id/IBAN"
    assert footprint(db_session) == before


def test_a_statement_that_does_not_reconcile_is_imported_with_a_warning(client, world, manager, db_session):
    fund_account(db_session, world.fund_a)
    body = upload(client, manager, world.fund_a.id, camt([Entry("5.00")], closing="1010.00")).get_json()
    assert body["new"] == 1
    assert len(body["warnings"]) == 1 and "do not reconcile" in body["warnings"][0]


def test_a_manager_of_another_fund_cannot_import_into_this_one(client, world, api_headers, db_session):
    fund_account(db_session, world.fund_a)
    response = upload(client, api_headers(world.user("manager_b")), world.fund_a.id, camt([Entry("5.00")]))
    assert response.status_code == 404


# --- transactions and booking ----------------------------------------------------------------------------------


@pytest.fixture()
def sample_world(db_session, world):
    """The loans, collections and disbursement the camt.053 samples speak of (tests/data/bank/make_camt.py)."""
    account = fund_account(db_session, world.fund_a)
    loans = {}
    for reference in ("SIF-2026-0007", "SIF-2026-0011", "SIF-2026-0014"):
        loans[reference] = running_loan(db_session, make_investee(db_session, world.fund_a), reference)
    for e2e, reference, amount in (
        ("SIF-2026-0011-05", "SIF-2026-0011", "412.50"),
        ("SIF-2026-0007-04", "SIF-2026-0007", "250.00"),
        ("SIF-2026-0014-01", "SIF-2026-0014", "180.00"),
    ):
        direct_debit_line(db_session, world.fund_a, account, loans[reference], e2e, amount)
    kind = BatchKind.DISBURSEMENTS
    payment_line(db_session, world.fund_a, account, kind, "SIF-UIT-0042", "2500.00", loan_id=loans["SIF-2026-0014"].id)
    return loans


def test_the_dutch_sample_statement_is_matched_booked_and_a_return_reverses_its_collection(
    client, world, manager, sample_world
):
    loans = sample_world
    body = upload(client, manager, world.fund_a.id, (DATA / "camt053_v05.xml").read_bytes()).get_json()
    assert (body["transactions"], body["matched"], body["unmatched"]) == (8, 5, 3)
    assert (body["credits"], body["debits"]) == ("2167.50", "2923.00")
    url = f"/api/v1/funds/{world.fund_a.id}/bank-transactions"
    proposed = client.get(f"{url}?status=proposed&statement_id={body['id']}", headers=manager).get_json()
    kinds = sorted((t["proposal"]["kind"], t["proposal"]["loan_id"], t["amount"]) for t in proposed["items"])
    assert kinds == sorted(
        [
            ("repayment", loans["SIF-2026-0007"].id, "1250.00"),
            ("repayment", loans["SIF-2026-0011"].id, "412.50"),
            ("repayment", loans["SIF-2026-0007"].id, "250.00"),
            ("repayment", loans["SIF-2026-0014"].id, "180.00"),
            ("disbursement", loans["SIF-2026-0014"].id, "2500.00"),
        ]
    )
    collection = next(t for t in proposed["items"] if t["end_to_end_id"] == "SIF-2026-0011-05")
    assert collection["direction"] == "credit" and collection["proposal"]["matched_by"] == "end_to_end_id"
    booked = client.post(f"/api/v1/bank-transactions/{collection['id']}/book", headers=manager)
    assert booked.status_code == 201
    event = booked.get_json()
    assert (event["kind"], event["amount"], event["date"], event["loan_id"]) == (
        "repayment",
        "412.50",
        "2026-03-02",
        loans["SIF-2026-0011"].id,
    )
    assert client.post(f"/api/v1/bank-transactions/{collection['id']}/book", headers=manager).status_code == 409
    returned = client.get(f"{url}?status=proposed", headers=manager).get_json()["items"]
    back = next(t for t in returned if t["proposal"]["kind"] == "return")
    assert (back["direction"], back["return_reason"], back["proposal"]["event_id"]) == ("debit", "MD06", event["id"])
    reversal = client.post(f"/api/v1/bank-transactions/{back['id']}/book", headers=manager).get_json()
    assert (reversal["id"], reversal["reversed"]) == (event["id"], True)
    assert "MD06" in reversal["reversal_reason"]


def test_an_unmatched_credit_is_assigned_to_a_loan_and_the_loans_arrears_change_at_once(
    client, world, manager, db_session
):
    fund_account(db_session, world.fund_a)
    upload(client, manager, world.fund_a.id, camt([Entry("443.21", remittance="zonder kenmerk")]))
    url = f"/api/v1/funds/{world.fund_a.id}/bank-transactions?status=unmatched"
    (tx,) = client.get(url, headers=manager).get_json()["items"]
    assert tx["proposal"] is None and tx["status"] == "unmatched"
    overdue = client.get(f"/api/v1/loans/{world.loan_a.id}", headers=manager).get_json()["amount_overdue"]
    booked = client.post(
        f"/api/v1/bank-transactions/{tx['id']}/book", headers=manager, json={"loan_id": world.loan_a.id}
    )
    assert booked.status_code == 201 and booked.get_json()["reference"]
    after = client.get(f"/api/v1/loans/{world.loan_a.id}", headers=manager).get_json()["amount_overdue"]
    assert Decimal(overdue) - Decimal(after) == Decimal("443.21")


def test_setting_aside_needs_a_reason_and_keeps_it(client, world, manager, db_session):
    fund_account(db_session, world.fund_a)
    upload(client, manager, world.fund_a.id, camt([Entry("10.50", direction="debit", remittance="Kosten")]))
    (tx,) = client.get(f"/api/v1/funds/{world.fund_a.id}/bank-transactions", headers=manager).get_json()["items"]
    url = f"/api/v1/bank-transactions/{tx['id']}/set-aside"
    assert client.post(url, headers=manager, json={}).status_code == 422
    aside = client.post(url, headers=manager, json={"reason": "Bankkosten"})
    assert (aside.status_code, aside.get_json()["status"], aside.get_json()["set_aside_reason"]) == (
        200,
        "set_aside",
        "Bankkosten",
    )
    assert client.post(url, headers=manager, json={"reason": "nog eens"}).status_code == 409


def test_another_funds_transactions_are_not_found(client, world, api_headers, db_session):
    from tests.bank_factories import import_file

    fund_account(db_session, world.fund_a)
    import_file(db_session, world.fund_a, camt([Entry("5.00")]))
    tx_id = db_session.scalar(select(BankTransaction.id))
    other = api_headers(world.user("manager_b"))
    assert client.post(f"/api/v1/bank-transactions/{tx_id}/book", headers=other, json={}).status_code == 404
    assert client.get(f"/api/v1/funds/{world.fund_a.id}/bank-transactions", headers=other).status_code == 404
