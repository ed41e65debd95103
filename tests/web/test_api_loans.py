"""/api/v1 loans: the public schedule-preview contract, term validation naming each field, who may see and change
a loan, and the schedule as an Excel workbook."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import numpy_financial as npf
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from fundapp.audit import AuditEntry
from fundapp.loans.models import Loan, LoanAllocation, LoanEvent, LoanInstallment

MONEY = re.compile(r"^\d+\.\d{2}$")
PREVIEW = "/api/v1/loans/schedule-preview"
SPEC_REQUEST = {
    "principal": "5000.00",
    "annual_interest_rate": "12",
    "disbursement_date": "2022-11-01",
    "first_due_date": None,
    "number_of_installments": 18,
    "frequency": "monthly",
    "amortization": "annuity",
    "grace_on_principal": 0,
    "day_count": "30/360",
    "installment_multiple": "0.01",
}


@pytest.fixture()
def manager(world, api_headers):
    return api_headers(world.user("manager_a"))


def _counts(db_session) -> dict[str, int]:
    db_session.expire_all()
    return {
        model.__name__: db_session.scalar(select(func.count()).select_from(model))
        for model in (Loan, LoanEvent, LoanInstallment, LoanAllocation, AuditEntry)
    }


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _error_fields(response, status: int = 422, code: str = "validation_failed") -> set[str]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    return {d["field"] for d in body["error"]["details"]}


# --- the schedule-preview contract --------------------------------------------------------------------


def test_the_spec_request_answers_exactly_the_contract(client, db_session, manager):
    before = _counts(db_session)
    response = client.post(PREVIEW, json=SPEC_REQUEST, headers=manager)
    assert response.status_code == 200
    assert response.content_type.startswith("application/json")
    body = response.get_json()
    assert set(body) == {"installments", "total_principal", "total_interest"}
    rows = body["installments"]
    assert len(rows) == 18
    for row in rows:
        assert set(row) == {"number", "due_date", "principal", "interest", "total", "balance"}
        assert isinstance(row["number"], int)
        for key in ("principal", "interest", "total", "balance"):
            assert isinstance(row[key], str) and MONEY.match(row[key]), (key, row[key])
    assert [r["number"] for r in rows] == list(range(1, 19))
    assert [r["due_date"] for r in rows] == [
        date(2022 + (11 + k - 1) // 12, (11 + k - 1) % 12 + 1, 1).isoformat() for k in range(1, 19)
    ]
    assert (rows[0]["due_date"], rows[-1]["due_date"]) == ("2022-12-01", "2024-05-01")

    installment = Decimal(str(round(npf.pmt(0.01, 18, -5000), 2)))
    assert installment == Decimal("304.91")
    assert all(Decimal(r["total"]) == installment for r in rows[:-1])
    balance = Decimal("5000.00")
    for r in rows:
        assert Decimal(r["interest"]) == _cents(balance * Decimal("0.01"))
        assert Decimal(r["principal"]) + Decimal(r["interest"]) == Decimal(r["total"])
        balance -= Decimal(r["principal"])
        assert Decimal(r["balance"]) == balance
    assert rows[-1]["balance"] == "0.00"
    assert sum(Decimal(r["principal"]) for r in rows) == Decimal("5000.00")
    assert body["total_principal"] == "5000.00"
    assert Decimal(body["total_interest"]) == sum(Decimal(r["interest"]) for r in rows)
    assert _counts(db_session) == before


def test_the_domains_worked_example_gives_443_21_with_50_00_interest_first(client, manager):
    body = {**SPEC_REQUEST, "principal": "10000.00", "annual_interest_rate": "6", "number_of_installments": 24}
    rows = client.post(PREVIEW, json=body, headers=manager).get_json()["installments"]
    assert (rows[0]["total"], rows[0]["interest"], rows[0]["principal"], rows[0]["balance"]) == (
        "443.21",
        "50.00",
        "393.21",
        "9606.79",
    )
    assert len(rows) == 24
    assert rows[-1]["balance"] == "0.00"


def test_the_optional_terms_take_their_defaults(client, manager):
    minimal = {
        k: SPEC_REQUEST[k] for k in ("principal", "annual_interest_rate", "disbursement_date", "number_of_installments")
    }
    full = client.post(PREVIEW, json=SPEC_REQUEST, headers=manager).get_json()
    assert client.post(PREVIEW, json=minimal, headers=manager).get_json() == full


def test_due_dates_follow_a_first_due_date_and_clamp_to_the_end_of_the_month(client, manager):
    body = {
        **SPEC_REQUEST,
        "disbursement_date": "2023-12-20",
        "first_due_date": "2024-01-31",
        "number_of_installments": 4,
    }
    rows = client.post(PREVIEW, json=body, headers=manager).get_json()["installments"]
    assert [r["due_date"] for r in rows] == ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"]


def test_a_linear_quarterly_schedule_repays_equal_principal_parts(client, manager):
    body = {
        **SPEC_REQUEST,
        "principal": "1000.00",
        "number_of_installments": 3,
        "frequency": "quarterly",
        "amortization": "linear",
    }
    rows = client.post(PREVIEW, json=body, headers=manager).get_json()["installments"]
    assert [(r["due_date"], r["principal"], r["interest"]) for r in rows] == [
        ("2023-02-01", "333.33", "30.00"),  # 1000 × 12 % / 4
        ("2023-05-01", "333.33", "20.00"),
        ("2023-08-01", "333.34", "10.00"),  # the last absorbs the remainder
    ]


BAD_TERMS = [
    ("principal", 5000.0),  # a JSON float
    ("principal", "0.00"),
    ("principal", "12.345"),
    ("annual_interest_rate", "-1"),
    ("number_of_installments", 0),
    ("number_of_installments", 18.5),
    ("number_of_installments", 601),
    ("grace_on_principal", 18),
    ("grace_on_principal", 25),
    ("frequency", "weekly"),
    ("amortization", "balloon"),
    ("day_count", "ACT/ACT"),
    ("first_due_date", "2022-10-01"),
    ("first_due_date", "2022-11-01"),
    ("installment_multiple", "0"),
    ("disbursement_date", "2022-02-30"),
]


@pytest.mark.parametrize("field, value", BAD_TERMS, ids=[f"{f}={v!r}" for f, v in BAD_TERMS])
def test_each_bad_term_answers_422_naming_the_field_and_writes_nothing(client, db_session, manager, field, value):
    before = _counts(db_session)
    response = client.post(PREVIEW, json={**SPEC_REQUEST, field: value}, headers=manager)
    assert _error_fields(response) == {field}
    assert _counts(db_session) == before


def test_a_missing_term_is_named(client, manager):
    body = {k: v for k, v in SPEC_REQUEST.items() if k not in ("principal", "disbursement_date")}
    assert _error_fields(client.post(PREVIEW, json=body, headers=manager)) == {"principal", "disbursement_date"}


def test_the_preview_needs_a_login(client, world):
    response = client.post(PREVIEW, json=SPEC_REQUEST)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


# --- creating and editing loans: field names ---------------------------------------------------------


def test_creating_a_loan_with_bad_terms_names_the_fields_as_sent_and_writes_nothing(client, db_session, world, manager):
    before = _counts(db_session)
    body = {**SPEC_REQUEST, "investee_id": world.investee_a.id}
    for field, value in (("grace_on_principal", 18), ("annual_interest_rate", "101"), ("first_due_date", "2022-10-31")):
        assert _error_fields(client.post("/api/v1/loans", json=body | {field: value}, headers=manager)) == {field}
    assert (
        _error_fields(
            client.post("/api/v1/loans", json=body | {"investee_id": 10**6}, headers=manager), 404, "not_found"
        )
        == set()
    )
    assert _counts(db_session) == before


def test_a_loan_reference_is_unique_within_the_fund(client, db_session, world, manager):
    body = {**SPEC_REQUEST, "investee_id": world.investee_a.id, "reference": "SIF-001"}
    assert client.post("/api/v1/loans", json=body, headers=manager).status_code == 201
    before = _counts(db_session)
    assert _error_fields(client.post("/api/v1/loans", json=body, headers=manager), 409, "conflict") == {"reference"}
    assert _counts(db_session) == before


def test_a_loan_created_without_a_reference_gets_one_that_is_free(client, db_session, world, manager):
    body = {**SPEC_REQUEST, "investee_id": world.investee_a.id, "disbursement_date": "2024-03-01"}
    typed = client.post("/api/v1/loans", json=body | {"reference": "L2024-0003"}, headers=manager)
    assert typed.status_code == 201  # fund A has loan_a (L2024-0001) and now L2024-0003
    response = client.post("/api/v1/loans", json=body, headers=manager)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["reference"] not in ("L2024-0001", "L2024-0003")


def test_editing_a_drafts_grace_beyond_its_installments_names_grace_on_principal(client, db_session, world, manager):
    created = client.post(
        "/api/v1/loans", json={**SPEC_REQUEST, "investee_id": world.investee_a.id}, headers=manager
    ).get_json()
    before = _counts(db_session)
    response = client.patch(f"/api/v1/loans/{created['id']}", json={"grace_on_principal": 30}, headers=manager)
    assert _counts(db_session) == before
    assert _error_fields(response) == {"grace_on_principal"}


def test_editing_a_draft_to_terms_without_a_schedule_answers_422_and_keeps_the_old_terms(
    client, db_session, world, manager
):
    created = client.post(
        "/api/v1/loans", json={**SPEC_REQUEST, "investee_id": world.investee_a.id}, headers=manager
    ).get_json()
    before = _counts(db_session)
    response = client.patch(f"/api/v1/loans/{created['id']}", json={"number_of_installments": 0}, headers=manager)
    assert _error_fields(response) == {"number_of_installments"}
    assert _counts(db_session) == before
    assert db_session.get(Loan, created["id"]).number_of_installments == 18


# --- who sees and changes what -----------------------------------------------------------------------


def test_the_investee_member_reads_its_own_loan_but_cannot_change_it(client, db_session, world, api_headers):
    member = api_headers(world.user("member_a"))
    response = client.get(f"/api/v1/loans/{world.loan_a.id}?as_of=2024-04-20", headers=member)
    assert response.status_code == 200
    assert (response.get_json()["reference"], response.get_json()["days_past_due"]) == (world.loan_a.reference, 36)
    listed = client.get("/api/v1/loans", headers=member).get_json()
    assert [item["id"] for item in listed["items"]] == [world.loan_a.id]

    before = _counts(db_session)
    writes = [
        ("post", f"/api/v1/loans/{world.loan_a.id}/repayments", {"date": "2024-03-15", "amount": "443.21"}),
        ("post", f"/api/v1/loans/{world.loan_a.id}/write-off", {"date": "2024-03-15", "reason": "mine"}),
        ("post", f"/api/v1/loans/{world.loan_a.id}/events/{world.repayment_a.id}/reversal", {"reason": "not mine"}),
        ("post", "/api/v1/loans", {**SPEC_REQUEST, "investee_id": world.investee_a.id}),
    ]
    for method, path, body in writes:
        response = getattr(client, method)(path, json=body, headers=member)
        assert response.status_code == 403, path
        assert response.get_json()["error"]["code"] == "forbidden"
    assert _counts(db_session) == before


def test_investee_bs_loan_is_not_found_for_investee_a_and_fund_a(client, db_session, world, api_headers):
    loan_b = db_session.scalar(select(Loan).where(Loan.investee_id == world.investee_b.id))
    for who in ("member_a", "manager_a"):
        headers = api_headers(world.user(who))
        for path in (
            f"/api/v1/loans/{loan_b.id}",
            f"/api/v1/loans/{loan_b.id}/schedule.xlsx",
            f"/api/v1/loans/{loan_b.id}/repayments",
        ):
            response = client.get(path, headers=headers)
            assert response.status_code == 404, (who, path)
        response = client.post(
            f"/api/v1/loans/{loan_b.id}/repayments", json={"date": "2024-03-15", "amount": "1.00"}, headers=headers
        )
        assert response.status_code == 404


# --- the schedule as a workbook -----------------------------------------------------------------------


def test_the_schedule_workbook_has_the_stored_installments(client, db_session, world, manager):
    response = client.get(f"/api/v1/loans/{world.loan_a.id}/schedule.xlsx?as_of=2024-04-20", headers=manager)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f"lening-{world.loan_a.reference}-aflosschema.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    lines = [
        row
        for row in sheet.iter_rows(values_only=True)
        if isinstance(row[0], int) and isinstance(row[1], datetime | date) and isinstance(row[2], int | float | Decimal)
    ]
    db_session.expire_all()
    stored = db_session.scalars(
        select(LoanInstallment).where(LoanInstallment.loan_id == world.loan_a.id).order_by(LoanInstallment.number)
    ).all()
    assert len(lines) == len(stored) == 24

    def cents(value) -> Decimal:
        return Decimal(str(value)).quantize(Decimal("0.01"))

    for line, inst in zip(lines, stored, strict=True):
        number, due, principal, interest, total, paid, balance, _state = line[:8]
        due = due.date() if isinstance(due, datetime) else due
        assert (number, due) == (inst.number, inst.due_date)
        assert (cents(principal), cents(interest), cents(total)) == (
            inst.principal_due,
            inst.interest_due,
            inst.total_due,
        )
        assert (cents(paid), cents(balance)) == (inst.total_paid, inst.balance)
    totals = next(row for row in sheet.iter_rows(values_only=True) if row[0] in ("Total", "Totaal"))
    assert cents(totals[2]) == sum(i.principal_due for i in stored) == Decimal("10000.00")
