"""Loan servicing through /api/v1 on the database: the lifecycle and its illegal moves, repayment allocation,
backdating, reversal, prepayment modes, tranches, write-off with recoveries, restructuring and arrears on a date.

Every test checks the answer AND the stored rows (loans, loan_events, loan_installments, loan_allocations,
audit entries). world.loan_a: 10,000.00 at 6 % over 24 monthly annuity installments of 443.21, disbursed
2024-01-15 (due on the 15th), installment 1 paid on 2024-02-15.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise

import numpy_financial as npf
import pytest
from sqlalchemy import func, select

from fundapp.audit import AuditEntry
from fundapp.loans.models import AllocationKind, EventKind, Loan, LoanAllocation, LoanEvent, LoanInstallment, LoanStatus

CENT = Decimal("0.01")


# --- helpers ------------------------------------------------------------------------------------------


@pytest.fixture()
def api(client, world, api_headers):
    """Calls /api/v1 as fund A's manager: api.post(path, json) / api.get(path) / api.patch(path, json)."""
    headers = api_headers(world.user("manager_a"))

    class Api:
        def get(self, path):
            return client.get(f"/api/v1{path}", headers=headers)

        def post(self, path, json=None):
            return client.post(f"/api/v1{path}", json=json if json is not None else {}, headers=headers)

        def patch(self, path, json):
            return client.patch(f"/api/v1{path}", json=json, headers=headers)

    return Api()


def _counts(db_session) -> dict[str, int]:
    db_session.expire_all()
    return {
        model.__name__: db_session.scalar(select(func.count()).select_from(model))
        for model in (Loan, LoanEvent, LoanInstallment, LoanAllocation, AuditEntry)
    }


def _loan(db_session, loan_id: int) -> Loan:
    db_session.expire_all()
    return db_session.get(Loan, loan_id)


def _installments(db_session, loan_id: int) -> list[LoanInstallment]:
    db_session.expire_all()
    return list(
        db_session.scalars(
            select(LoanInstallment).where(LoanInstallment.loan_id == loan_id).order_by(LoanInstallment.number)
        )
    )


def _allocations(db_session, event_id: int) -> list[LoanAllocation]:
    db_session.expire_all()
    return list(
        db_session.scalars(
            select(LoanAllocation).where(LoanAllocation.event_id == event_id).order_by(LoanAllocation.id)
        )
    )


def _installment_rows(db_session, loan_id: int) -> list[tuple]:
    return [
        (
            i.number,
            i.due_date,
            i.principal_due,
            i.interest_due,
            i.principal_paid,
            i.interest_paid,
            i.balance,
            i.settled_on,
            i.settlement,
        )
        for i in _installments(db_session, loan_id)
    ]


def _allocation_rows(db_session, loan_id: int) -> list[tuple]:
    """The stored allocations, naming their payment by its reference (event ids differ between loans)."""
    db_session.expire_all()
    rows = db_session.execute(
        select(
            LoanEvent.reference,
            LoanAllocation.paid_on,
            LoanAllocation.kind,
            LoanAllocation.installment_number,
            LoanAllocation.interest,
            LoanAllocation.principal,
            LoanAllocation.amount,
        )
        .join(LoanEvent, LoanEvent.id == LoanAllocation.event_id)
        .where(LoanAllocation.loan_id == loan_id)
    ).all()
    return sorted(tuple(str(getattr(v, "value", v)) for v in row) for row in rows)


def _error(response, status: int, code: str) -> list[dict]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"]["code"] == code
    return body["error"]["details"]


def _fields(details: list[dict]) -> set[str]:
    return {d["field"] for d in details}


def _new_loan(api, investee_id: int, **terms) -> dict:
    body = {
        "investee_id": investee_id,
        "principal": "10000.00",
        "annual_interest_rate": "6",
        "disbursement_date": "2024-01-15",
        "number_of_installments": 24,
    } | terms
    response = api.post("/loans", body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def _active_loan(api, investee_id: int, **terms) -> int:
    loan = _new_loan(api, investee_id, **terms)
    assert api.post(f"/loans/{loan['id']}/approve").status_code == 200
    response = api.post(
        f"/loans/{loan['id']}/disbursements", {"date": loan["disbursement_date"], "amount": loan["principal"]}
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return loan["id"]


def _repay(api, loan_id: int, on: str, amount: str, **extra) -> dict:
    response = api.post(f"/loans/{loan_id}/repayments", {"date": on, "amount": amount, **extra})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def _accounted(event_json: dict) -> Decimal:
    return sum((Decimal(a["amount"]) for a in event_json["allocations"]), Decimal("0"))


# --- lifecycle ----------------------------------------------------------------------------------------


def test_a_loan_goes_from_draft_through_edit_and_approval_to_an_active_loan_with_its_schedule_stored(
    api, db_session, world
):
    manager = world.user("manager_a")
    created = _new_loan(
        api,
        world.investee_a.id,
        principal="6000.00",
        annual_interest_rate="12",
        disbursement_date="2024-03-01",
        number_of_installments=12,
    )
    assert created["status"] == "draft"
    assert created["reference"] == "L2024-0002"  # loan_a is the fund's first
    assert (created["principal"], created["disbursed"], created["outstanding_principal"]) == ("6000.00", "0.00", "0.00")
    loan_id = created["id"]
    assert _installments(db_session, loan_id) == []  # a draft has a plan, not a stored schedule

    edited = api.patch(
        f"/loans/{loan_id}", {"number_of_installments": 6, "annual_interest_rate": "9", "purpose": "Werkplaats"}
    )
    assert edited.status_code == 200, edited.get_data(as_text=True)
    assert (edited.get_json()["number_of_installments"], edited.get_json()["annual_interest_rate"]) == (6, "9")
    loan = _loan(db_session, loan_id)
    assert (loan.status, loan.number_of_installments, loan.annual_rate, loan.purpose) == (
        LoanStatus.DRAFT,
        6,
        Decimal("9"),
        "Werkplaats",
    )

    approved = api.post(f"/loans/{loan_id}/approve")
    assert approved.status_code == 200
    assert approved.get_json()["status"] == "approved"
    loan = _loan(db_session, loan_id)
    assert loan.status == LoanStatus.APPROVED
    assert loan.approved_by_id == manager.id and loan.approved_at is not None

    disbursed = api.post(
        f"/loans/{loan_id}/disbursements", {"date": "2024-03-01", "amount": "6000.00", "reference": "bank 77"}
    )
    assert disbursed.status_code == 201
    assert (disbursed.get_json()["kind"], disbursed.get_json()["amount"], disbursed.get_json()["date"]) == (
        "disbursement",
        "6000.00",
        "2024-03-01",
    )
    loan = _loan(db_session, loan_id)
    assert (loan.status, loan.disbursed, loan.outstanding_principal) == (
        LoanStatus.ACTIVE,
        Decimal("6000.00"),
        Decimal("6000.00"),
    )
    rows = _installments(db_session, loan_id)
    assert [i.due_date for i in rows] == [date(2024, m, 1) for m in range(4, 10)]
    assert sum(i.principal_due for i in rows) == Decimal("6000.00")
    installment = Decimal(str(round(npf.pmt(0.0075, 6, -6000), 2)))
    assert all(i.principal_due + i.interest_due == installment for i in rows[:-1])
    assert rows[0].interest_due == Decimal("45.00")  # 6000 × 9 % / 12
    assert rows[-1].balance == Decimal("0.00")

    actions = db_session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity_type == "Loan", AuditEntry.entity_id == str(loan_id))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["loan.created", "loan.updated", "loan.approved", "loan.disbursement"]


ILLEGAL_MOVES = {
    "approve twice": ("approved", lambda lid: ("post", f"/loans/{lid}/approve", None)),
    "repay a draft": (
        "draft",
        lambda lid: ("post", f"/loans/{lid}/repayments", {"date": "2024-02-15", "amount": "100.00"}),
    ),
    "disburse a draft": (
        "draft",
        lambda lid: ("post", f"/loans/{lid}/disbursements", {"date": "2024-01-15", "amount": "100.00"}),
    ),
    "edit an active loan": ("active", lambda lid: ("patch", f"/loans/{lid}", {"purpose": "changed"})),
    "approve an active loan": ("active", lambda lid: ("post", f"/loans/{lid}/approve", None)),
    "write off a repaid loan": (
        "repaid",
        lambda lid: ("post", f"/loans/{lid}/write-off", {"date": "2024-06-01", "reason": "bankrupt"}),
    ),
    "repay a repaid loan": (
        "repaid",
        lambda lid: ("post", f"/loans/{lid}/repayments", {"date": "2024-06-01", "amount": "10.00"}),
    ),
    "recover on an active loan": (
        "active",
        lambda lid: ("post", f"/loans/{lid}/recoveries", {"date": "2024-06-01", "amount": "10.00"}),
    ),
    "restructure a draft": (
        "draft",
        lambda lid: (
            "post",
            f"/loans/{lid}/restructure",
            {"date": "2024-06-01", "reason": "cash flow", "number_of_installments": 12},
        ),
    ),
}


def _loan_in(api, investee_id: int, state: str) -> int:
    """A 3,000.00 loan at 12 % over 3 months disbursed 2024-01-01, in the given state."""
    terms = {
        "principal": "3000.00",
        "annual_interest_rate": "12",
        "disbursement_date": "2024-01-01",
        "number_of_installments": 3,
    }
    if state == "draft":
        return _new_loan(api, investee_id, **terms)["id"]
    if state == "approved":
        loan_id = _new_loan(api, investee_id, **terms)["id"]
        assert api.post(f"/loans/{loan_id}/approve").status_code == 200
        return loan_id
    loan_id = _active_loan(api, investee_id, **terms)
    if state == "repaid":
        # all three installments (1020.07, 1020.07, 1020.06), on the last due date
        _repay(api, loan_id, "2024-04-01", "3060.20")
    return loan_id


@pytest.mark.parametrize("move", sorted(ILLEGAL_MOVES))
def test_an_illegal_move_answers_409_invalid_transition_and_writes_nothing(api, db_session, world, move):
    state, request_of = ILLEGAL_MOVES[move]
    loan_id = _loan_in(api, world.investee_a.id, state)
    assert _loan(db_session, loan_id).status.value == state
    before = _counts(db_session)
    method, path, body = request_of(loan_id)
    response = api.post(path, body) if method == "post" else api.patch(path, body)
    details = _error(response, 409, "invalid_transition")
    assert _fields(details) == {"status"}
    assert _counts(db_session) == before
    assert _loan(db_session, loan_id).status.value == state


def test_disbursing_more_than_is_left_answers_422_naming_the_amount_and_writes_nothing(api, db_session, world):
    loan_id = _new_loan(api, world.investee_a.id, principal="20000.00")["id"]
    api.post(f"/loans/{loan_id}/approve")
    before = _counts(db_session)
    assert _fields(
        _error(
            api.post(f"/loans/{loan_id}/disbursements", {"date": "2024-01-15", "amount": "20000.01"}),
            422,
            "validation_failed",
        )
    ) == {"amount"}
    assert _counts(db_session) == before
    assert _loan(db_session, loan_id).status == LoanStatus.APPROVED

    assert api.post(f"/loans/{loan_id}/disbursements", {"date": "2024-01-15", "amount": "15000.00"}).status_code == 201
    before = _counts(db_session)
    assert _fields(
        _error(
            api.post(f"/loans/{loan_id}/disbursements", {"date": "2024-03-15", "amount": "5000.01"}),
            422,
            "validation_failed",
        )
    ) == {"amount"}
    assert _counts(db_session) == before
    assert _loan(db_session, loan_id).disbursed == Decimal("15000.00")


def test_a_repayment_dated_before_the_disbursement_answers_422_and_writes_nothing(api, db_session, world):
    before = _counts(db_session)
    details = _error(
        api.post(f"/loans/{world.loan_a.id}/repayments", {"date": "2024-01-14", "amount": "100.00"}),
        422,
        "validation_failed",
    )
    assert _fields(details) == {"date"}
    assert _counts(db_session) == before


BAD_REPAYMENTS = [
    ({"date": "2024-03-15", "amount": 443.21}, "amount"),  # a JSON float
    ({"date": "2024-03-15", "amount": "0.00"}, "amount"),
    ({"date": "2024-03-15", "amount": "-1.00"}, "amount"),
    ({"date": "2024-03-15", "amount": "10.001"}, "amount"),
    ({"date": "2024-03-15"}, "amount"),
    ({"amount": "10.00"}, "date"),
    ({"date": "2024-03-15", "amount": "10.00", "prepayment": "skip_it"}, "prepayment"),
]


def test_each_bad_repayment_answers_422_naming_the_field_and_writes_nothing(api, db_session, world):
    before = _counts(db_session)
    for body, field in BAD_REPAYMENTS:
        response = api.post(f"/loans/{world.loan_a.id}/repayments", body)
        assert _fields(_error(response, 422, "validation_failed")) == {field}, body
    assert _counts(db_session) == before


def test_paying_the_last_installment_makes_the_loan_repaid_and_reversing_a_payment_makes_it_active_again(
    api, db_session, world
):
    loan_id = _loan_in(api, world.investee_a.id, "active")
    schedule = api.get(f"/loans/{loan_id}").get_json()["schedule"]
    assert [(s["due_date"], s["total"]) for s in schedule] == [
        ("2024-02-01", "1020.07"),
        ("2024-03-01", "1020.07"),
        ("2024-04-01", "1020.06"),
    ]  # pmt(1 %, 3, -3000) = 1020.07; the last absorbs the remainder
    events = [_repay(api, loan_id, s["due_date"], s["total"]) for s in schedule]
    loan = _loan(db_session, loan_id)
    assert (loan.status, loan.repaid_on, loan.outstanding_principal) == (
        LoanStatus.REPAID,
        date(2024, 4, 1),
        Decimal("0.00"),
    )
    assert all(i.settled_on == i.due_date and i.settlement == "paid" for i in _installments(db_session, loan_id))
    assert api.get(f"/loans/{loan_id}").get_json()["status"] == "repaid"

    last = events[-1]
    response = api.post(f"/loans/{loan_id}/events/{last['id']}/reversal", {"reason": "payment bounced"})
    assert response.status_code == 200
    assert (response.get_json()["reversed"], response.get_json()["reversal_reason"]) == (True, "payment bounced")
    loan = _loan(db_session, loan_id)
    rows = _installments(db_session, loan_id)
    assert (loan.status, loan.repaid_on) == (LoanStatus.ACTIVE, None)
    assert (
        loan.outstanding_principal
        == rows[2].principal_due
        == Decimal("3000.00") - rows[0].principal_due - rows[1].principal_due
    )
    assert (rows[2].settled_on, rows[2].principal_paid, rows[2].interest_paid) == (
        None,
        Decimal("0.00"),
        Decimal("0.00"),
    )
    event = db_session.get(LoanEvent, last["id"])
    assert event.reversed_at is not None and event.reversed_by_id == world.user("manager_a").id
    assert _allocations(db_session, last["id"]) == []


# --- repayments: allocation ---------------------------------------------------------------------------


def test_a_partial_payment_goes_to_the_oldest_installment_interest_first(api, db_session, world):
    loan_id = world.loan_a.id
    first = _repay(api, loan_id, "2024-03-20", "30.00", reference="part 1")
    assert [
        (a["kind"], a["installment_number"], a["interest"], a["principal"], a["amount"]) for a in first["allocations"]
    ] == [("installment", 2, "30.00", "0.00", "30.00")]
    second = _repay(api, loan_id, "2024-03-25", "20.00", reference="part 2")
    assert [(a["installment_number"], a["interest"], a["principal"]) for a in second["allocations"]] == [
        (2, "18.03", "1.97")
    ]

    rows = _installments(db_session, loan_id)
    assert (rows[1].interest_due, rows[1].interest_paid, rows[1].principal_due, rows[1].principal_paid) == (
        Decimal("48.03"),
        Decimal("48.03"),
        Decimal("395.18"),
        Decimal("1.97"),
    )
    assert rows[1].settled_on is None
    assert all(i.principal_paid == i.interest_paid == 0 for i in rows[2:])
    loan = _loan(db_session, loan_id)
    assert loan.interest_received == Decimal("50.00") + Decimal("48.03")
    assert loan.principal_repaid == Decimal("393.21") + Decimal("1.97")
    assert loan.outstanding_principal == Decimal("10000.00") - loan.principal_repaid
    stored = [(a.kind, a.installment_number, a.interest, a.principal) for a in _allocations(db_session, second["id"])]
    assert stored == [(AllocationKind.INSTALLMENT, 2, Decimal("18.03"), Decimal("1.97"))]


def test_a_double_payment_clears_the_two_oldest_installments_in_order(api, db_session, world):
    event = _repay(api, world.loan_a.id, "2024-04-20", "886.42")
    assert [(a["installment_number"], a["interest"], a["principal"]) for a in event["allocations"]] == [
        (2, "48.03", "395.18"),
        (3, "46.06", "397.15"),
    ]
    assert _accounted(event) == Decimal("886.42")
    rows = _installments(db_session, world.loan_a.id)
    assert [(i.number, i.settled_on) for i in rows[:4]] == [
        (1, date(2024, 2, 15)),
        (2, date(2024, 4, 20)),
        (3, date(2024, 4, 20)),
        (4, None),
    ]
    assert rows[3].principal_due + rows[3].interest_due == Decimal("443.21")  # nothing was prepaid
    assert _loan(db_session, world.loan_a.id).outstanding_principal == rows[2].balance == Decimal("8814.46")


def test_every_payment_is_accounted_for_to_the_cent_by_allocations_prepayment_and_overpayment(api, db_session, world):
    loan_id = _loan_in(api, world.investee_a.id, "active")  # 1020.07, 1020.07, 1020.06 due from 2024-02-01
    partial = _repay(api, loan_id, "2024-02-01", "500.00")
    late_and_more = _repay(api, loan_id, "2024-03-05", "1700.00")  # rest of 1, all of 2, then a prepayment
    final = _repay(api, loan_id, "2024-04-01", "1000.00")  # more than what is left: an overpayment
    kinds = {
        e["id"]: sorted((a["kind"], a["amount"]) for a in e["allocations"] if a["kind"] != "installment")
        for e in (partial, late_and_more, final)
    }
    assert kinds[partial["id"]] == []
    assert [k for k, _ in kinds[late_and_more["id"]]] == ["prepayment"]
    assert [k for k, _ in kinds[final["id"]]] == ["overpayment"]
    for event in (partial, late_and_more, final):
        assert _accounted(event) == Decimal(event["amount"])
        assert sum(a.amount for a in _allocations(db_session, event["id"])) == Decimal(event["amount"])
        assert all(
            a.amount == a.interest + a.principal
            for a in _allocations(db_session, event["id"])
            if a.kind != AllocationKind.OVERPAYMENT
        )
    loan = _loan(db_session, loan_id)
    assert (loan.status, loan.outstanding_principal, loan.principal_repaid) == (
        LoanStatus.REPAID,
        Decimal("0.00"),
        Decimal("3000.00"),
    )
    overpaid = Decimal(kinds[final["id"]][0][1])
    assert (
        Decimal("500.00") + Decimal("1700.00") + Decimal("1000.00")
        == loan.principal_repaid + loan.interest_received + overpaid
    )


def test_a_backdated_repayment_gives_the_same_installments_and_allocations_as_entering_in_date_order(
    api, db_session, world
):
    payments = [
        ("2024-02-15", "443.21", "feb"),
        ("2024-03-20", "200.00", "mar"),
        ("2024-04-15", "700.00", "apr"),
        ("2024-05-15", "1500.00", "may"),  # settles what is due, the rest is a prepayment
        ("2024-05-15", "100.00", "may bis", "shorten_term"),
    ]
    in_order = _active_loan(api, world.investee_a.id)
    backdated = _active_loan(api, world.investee_a.id)
    for on, amount, ref, *mode in payments:
        _repay(api, in_order, on, amount, reference=ref, **({"prepayment": mode[0]} if mode else {}))
    for index in (3, 4, 2, 0, 1):
        on, amount, ref, *mode = payments[index]
        _repay(api, backdated, on, amount, reference=ref, **({"prepayment": mode[0]} if mode else {}))

    assert _installment_rows(db_session, backdated) == _installment_rows(db_session, in_order)
    assert _allocation_rows(db_session, backdated) == _allocation_rows(db_session, in_order)
    assert any(row[2] == "prepayment" for row in _allocation_rows(db_session, in_order))
    a, b = _loan(db_session, in_order), _loan(db_session, backdated)
    columns = ("disbursed", "principal_repaid", "interest_received", "outstanding_principal", "status")
    assert [getattr(b, c) for c in columns] == [getattr(a, c) for c in columns]


def test_reversing_a_payment_keeps_the_event_marked_reversed_and_recomputes_the_loan_without_it(api, db_session, world):
    loan_id, first = world.loan_a.id, world.repayment_a.id
    second = _repay(api, loan_id, "2024-03-15", "443.21", reference="bank 2")
    assert [a["installment_number"] for a in second["allocations"]] == [2]

    response = api.post(f"/loans/{loan_id}/events/{first}/reversal", {"reason": "  wrong loan  "})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["reversed"], body["reversal_reason"], body["allocations"]) == (
        first,
        True,
        "wrong loan",
        [],
    )

    event = db_session.get(LoanEvent, first)
    db_session.refresh(event)
    assert (event.amount, event.on, event.reversal_reason) == (Decimal("443.21"), date(2024, 2, 15), "wrong loan")
    assert event.reversed_at is not None
    # The second payment now pays installment 1, paid late on 2024-03-15; installment 2 is open.
    assert [(a.installment_number, a.interest, a.principal) for a in _allocations(db_session, second["id"])] == [
        (1, Decimal("50.00"), Decimal("393.21"))
    ]
    rows = _installments(db_session, loan_id)
    assert [(i.number, i.settled_on) for i in rows[:2]] == [(1, date(2024, 3, 15)), (2, None)]
    detail = api.get(f"/loans/{loan_id}?as_of=2024-03-20").get_json()
    assert (detail["days_past_due"], detail["amount_overdue"]) == (5, "443.21")
    assert [e["reversed"] for e in detail["events"] if e["kind"] == "repayment"] == [True, False]
    assert (
        db_session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "loan.event_reversed", AuditEntry.entity_id == str(loan_id))
        )
        == 1
    )

    before = _counts(db_session)
    _error(api.post(f"/loans/{loan_id}/events/{first}/reversal", {"reason": "again"}), 409, "conflict")
    assert _counts(db_session) == before


@pytest.mark.parametrize("body", [{"reason": ""}, {"reason": "   "}, {}])
def test_a_reversal_without_a_reason_answers_422_and_leaves_the_payment_standing(api, db_session, world, body):
    before = _counts(db_session)
    details = _error(
        api.post(f"/loans/{world.loan_a.id}/events/{world.repayment_a.id}/reversal", body), 422, "validation_failed"
    )
    assert _fields(details) == {"reason"}
    assert _counts(db_session) == before
    event = db_session.get(LoanEvent, world.repayment_a.id)
    db_session.refresh(event)
    assert event.reversed_at is None
    assert len(_allocations(db_session, world.repayment_a.id)) == 1


def test_only_repayments_and_recoveries_can_be_reversed(api, db_session, world):
    disbursement = next(e for e in world.loan_a.events if e.kind == EventKind.DISBURSEMENT)
    before = _counts(db_session)
    _error(
        api.post(f"/loans/{world.loan_a.id}/events/{disbursement.id}/reversal", {"reason": "typo"}),
        409,
        "invalid_transition",
    )
    assert _counts(db_session) == before


def test_an_event_of_another_loan_cannot_be_reversed_through_this_loan(api, db_session, world):
    other = _loan_in(api, world.investee_a.id, "active")
    before = _counts(db_session)
    _error(api.post(f"/loans/{other}/events/{world.repayment_a.id}/reversal", {"reason": "mix-up"}), 404, "not_found")
    assert _counts(db_session) == before


# --- prepayments --------------------------------------------------------------------------------------


def test_a_prepayment_lowering_the_installments_keeps_their_number_and_the_maturity(api, db_session, world):
    loan_id = world.loan_a.id
    event = _repay(api, loan_id, "2024-03-15", "2443.21", prepayment="lower_installments")
    assert sorted((a["kind"], a["installment_number"] or 0, a["amount"]) for a in event["allocations"]) == [
        ("installment", 2, "443.21"),
        ("prepayment", 0, "2000.00"),
    ]
    rows = _installments(db_session, loan_id)
    assert len(rows) == 24
    assert rows[-1].due_date == date(2026, 1, 15)
    balance = Decimal("9211.61") - Decimal("2000.00")  # after installment 2, less the prepayment
    assert rows[1].balance == Decimal("9211.61")  # the kept installment shows the balance as scheduled then
    new_installment = Decimal(str(round(npf.pmt(0.005, 22, -float(balance)), 2)))
    # 36.06: the next installment's interest is on the new balance for its whole period
    assert rows[2].interest_due == (balance * Decimal("0.005")).quantize(CENT)
    assert rows[2].principal_due + rows[2].interest_due == new_installment < Decimal("443.21")
    assert all(i.principal_due + i.interest_due == new_installment for i in rows[2:-1])
    assert sum(i.principal_due for i in rows) + Decimal("2000.00") == Decimal("10000.00")
    assert rows[-1].balance == Decimal("0.00")
    loan = _loan(db_session, loan_id)
    assert loan.outstanding_principal == balance == sum(i.principal_due for i in rows[2:])


def test_a_payment_that_repays_the_whole_loan_before_its_first_due_date_ends_it_on_that_day(api, db_session, world):
    """Nothing is due yet: the 10,000.00 is a prepayment of it all (no installment is left to plan, so none is
    stored), the rest is owed back, and the loan is repaid on the payment's date (it answered 500 before)."""
    loan_id = world.loan_a.id
    event = _repay(api, loan_id, "2024-01-20", "12000.00")
    assert sorted((a["kind"], a["amount"]) for a in event["allocations"]) == [
        ("overpayment", "2000.00"),
        ("prepayment", "10000.00"),
    ]
    assert _installments(db_session, loan_id) == []
    loan = _loan(db_session, loan_id)
    assert (loan.status, loan.repaid_on, loan.outstanding_principal) == (LoanStatus.REPAID, date(2024, 1, 20), 0)


def test_a_prepayment_shortening_the_term_keeps_the_installment_and_ends_earlier(api, db_session, world):
    loan_id = world.loan_a.id
    _repay(api, loan_id, "2024-03-15", "2443.21", prepayment="shorten_term")
    rows = _installments(db_session, loan_id)
    assert len(rows) < 24
    assert rows[-1].due_date < date(2026, 1, 15)
    assert all(i.principal_due + i.interest_due == Decimal("443.21") for i in rows[:-1])
    assert Decimal("0") < rows[-1].principal_due + rows[-1].interest_due <= Decimal("443.21")
    assert rows[2].interest_due == Decimal("36.06")
    assert sum(i.principal_due for i in rows) + Decimal("2000.00") == Decimal("10000.00")
    assert rows[-1].balance == Decimal("0.00")
    # Each remaining date is one month after the previous: the plan is cut short, not respaced.
    assert [i.due_date for i in rows] == [
        date(2024 + (m - 1) // 12, (m - 1) % 12 + 1, 15) for m in range(2, 2 + len(rows))
    ]
    assert _loan(db_session, loan_id).outstanding_principal == Decimal("7211.61")


# --- tranches -----------------------------------------------------------------------------------------


def test_a_second_tranche_keeps_the_maturity_raises_the_later_installments_and_sums_to_the_principal(
    api, db_session, world
):
    loan = _new_loan(api, world.investee_a.id, principal="20000.00")
    loan_id = loan["id"]
    api.post(f"/loans/{loan_id}/approve")
    assert api.post(f"/loans/{loan_id}/disbursements", {"date": "2024-01-15", "amount": "10000.00"}).status_code == 201
    first_plan = [(i.due_date, i.principal_due, i.interest_due) for i in _installments(db_session, loan_id)]
    assert first_plan[0][1] + first_plan[0][2] == Decimal("443.21")  # annuity of the first 10,000
    assert _loan(db_session, loan_id).status == LoanStatus.ACTIVE
    _repay(api, loan_id, "2024-02-15", "443.21")

    response = api.post(
        f"/loans/{loan_id}/disbursements", {"date": "2024-03-15", "amount": "10000.00", "reference": "tranche 2"}
    )
    assert response.status_code == 201
    rows = _installments(db_session, loan_id)
    assert len(rows) == 24
    assert rows[-1].due_date == first_plan[-1][0] == date(2026, 1, 15)
    assert [(i.due_date, i.principal_due, i.interest_due) for i in rows[:2]] == first_plan[:2]
    new_balance = Decimal("9211.61") + Decimal("10000.00")
    new_installment = Decimal(str(round(npf.pmt(0.005, 22, -float(new_balance)), 2)))
    assert all(i.principal_due + i.interest_due == new_installment for i in rows[2:-1])
    assert new_installment > Decimal("443.21")
    assert sum(i.principal_due for i in rows) == Decimal("20000.00")
    stored = _loan(db_session, loan_id)
    # installment 2 (395.18 principal) is still unpaid: it stays owed besides the re-planned balance
    assert (stored.disbursed, stored.outstanding_principal, stored.is_tranched) == (
        Decimal("20000.00"),
        Decimal("19606.79"),
        True,
    )
    assert stored.outstanding_principal == new_balance + rows[1].principal_due
    assert stored.disbursement_date == date(2024, 1, 15)

    before = _counts(db_session)
    _error(
        api.post(f"/loans/{loan_id}/disbursements", {"date": "2024-04-15", "amount": "0.01"}), 422, "validation_failed"
    )
    assert _counts(db_session) == before


# --- write-off, recoveries, restructuring --------------------------------------------------------------


def test_a_write_off_needs_a_reason_then_nothing_is_outstanding_and_recoveries_are_recorded(api, db_session, world):
    loan_id = world.loan_a.id
    before = _counts(db_session)
    for body in ({"date": "2024-05-20"}, {"date": "2024-05-20", "reason": "  "}):
        assert _fields(_error(api.post(f"/loans/{loan_id}/write-off", body), 422, "validation_failed")) == {"reason"}
    assert _counts(db_session) == before

    response = api.post(f"/loans/{loan_id}/write-off", {"date": "2024-05-20", "reason": "Bankrupt (faillissement)"})
    assert response.status_code == 201
    assert (response.get_json()["kind"], response.get_json()["reason"]) == ("write_off", "Bankrupt (faillissement)")
    loan = _loan(db_session, loan_id)
    assert (loan.status, loan.written_off, loan.written_off_on, loan.outstanding_principal) == (
        LoanStatus.WRITTEN_OFF,
        Decimal("9606.79"),
        date(2024, 5, 20),
        Decimal("0.00"),
    )
    rows = _installments(db_session, loan_id)
    assert [(i.number, i.settlement, i.settled_on) for i in rows] == [
        (1, "paid", date(2024, 2, 15)),
        (2, "written_off", date(2024, 5, 20)),
        (3, "written_off", date(2024, 5, 20)),
        (4, "written_off", date(2024, 5, 20)),
    ]  # overdue ones closed, later ones removed
    detail = api.get(f"/loans/{loan_id}?as_of=2024-06-30").get_json()
    assert (detail["days_past_due"], detail["arrears_bucket"], detail["amount_overdue"]) == (0, "current", "0.00")

    before = _counts(db_session)
    _error(
        api.post(f"/loans/{loan_id}/repayments", {"date": "2024-06-01", "amount": "50.00"}), 409, "invalid_transition"
    )
    _error(
        api.post(f"/loans/{loan_id}/write-off", {"date": "2024-06-01", "reason": "twice"}), 409, "invalid_transition"
    )
    assert _fields(
        _error(
            api.post(f"/loans/{loan_id}/recoveries", {"date": "2024-05-19", "amount": "50.00"}),
            422,
            "validation_failed",
        )
    ) == {"date"}
    assert _counts(db_session) == before

    recovery = api.post(
        f"/loans/{loan_id}/recoveries", {"date": "2024-07-01", "amount": "1500.00", "reference": "curator"}
    )
    assert recovery.status_code == 201
    assert [(a["kind"], a["amount"]) for a in recovery.get_json()["allocations"]] == [("recovery", "1500.00")]
    loan = _loan(db_session, loan_id)
    assert (loan.status, loan.recovered, loan.written_off, loan.outstanding_principal) == (
        LoanStatus.WRITTEN_OFF,
        Decimal("1500.00"),
        Decimal("9606.79"),
        Decimal("0.00"),
    )
    # A recovery is a payment like any other: it can be reversed, with a reason.
    assert (
        api.post(
            f"/loans/{loan_id}/events/{recovery.get_json()['id']}/reversal", {"reason": "double entry"}
        ).status_code
        == 200
    )
    assert (_loan(db_session, loan_id).recovered, _loan(db_session, loan_id).status) == (
        Decimal("0.00"),
        LoanStatus.WRITTEN_OFF,
    )


def test_a_restructure_needs_a_reason_and_plans_the_outstanding_anew_from_its_date_keeping_the_history(
    api, db_session, world
):
    loan_id = world.loan_a.id
    body = {"date": "2024-06-01", "number_of_installments": 36, "annual_interest_rate": "4"}
    before = _counts(db_session)
    assert _fields(_error(api.post(f"/loans/{loan_id}/restructure", body), 422, "validation_failed")) == {"reason"}
    assert _counts(db_session) == before

    response = api.post(f"/loans/{loan_id}/restructure", body | {"reason": "Lost its biggest client"})
    assert response.status_code == 201
    assert response.get_json()["kind"] == "restructure"
    assert response.get_json()["terms"]["number_of_installments"] == 36
    events = api.get(f"/loans/{loan_id}").get_json()["events"]
    assert [(e["kind"], e["date"]) for e in events] == [
        ("disbursement", "2024-01-15"),
        ("repayment", "2024-02-15"),
        ("restructure", "2024-06-01"),
    ]
    rows = _installments(db_session, loan_id)
    kept, closed, new = rows[:1], rows[1:4], rows[4:]
    assert [(i.number, i.settlement) for i in kept] == [(1, "paid")]
    assert [(i.number, i.due_date, i.settlement, i.settled_on) for i in closed] == [
        (n, date(2024, m, 15), "restructured", date(2024, 6, 1)) for n, m in ((2, 3), (3, 4), (4, 5))
    ]
    assert len(new) == 36
    assert [i.number for i in new] == list(range(5, 41))
    assert (new[0].due_date, new[1].due_date, new[-1].due_date) == (
        date(2024, 7, 1),
        date(2024, 8, 1),
        date(2027, 6, 1),
    )
    assert sum(i.principal_due for i in new) == Decimal("9606.79")  # arrears principal joins the new plan
    # The unpaid interest of the closed installments is not capitalised: it is added to the first new installment,
    # on top of the broken period 2024-05-15 → 2024-07-01 (46 days 30E/360) at the new 4 %.
    arrears_interest = sum(i.interest_due for i in closed)
    assert arrears_interest == Decimal("48.03") + Decimal("46.06") + Decimal("44.07")
    period = (Decimal("9606.79") * 4 * 46 / Decimal(36000)).quantize(CENT)
    assert new[0].interest_due == arrears_interest + period
    assert all(i.interest_due == (prev.balance * Decimal(4) / 1200).quantize(CENT) for prev, i in pairwise(new))
    loan = _loan(db_session, loan_id)
    assert (loan.status, loan.outstanding_principal) == (LoanStatus.ACTIVE, Decimal("9606.79"))
    assert (loan.number_of_installments, loan.annual_rate) == (24, Decimal("6"))  # the original terms are kept
    detail = api.get(f"/loans/{loan_id}?as_of=2024-06-20").get_json()
    assert (detail["days_past_due"], detail["arrears_bucket"]) == (0, "current")


def test_a_write_off_or_restructure_the_loan_cannot_take_answers_422_naming_the_field_and_writes_nothing(
    api, db_session, world
):
    loan_id = world.loan_a.id
    before = _counts(db_session)
    refused = [
        ("/write-off", {"date": "2024-01-14", "reason": "before it started"}, "date"),
        (
            "/restructure",
            {"date": "2024-06-01", "reason": "cash flow", "number_of_installments": 2, "grace_on_principal": 2},
            "grace_on_principal",
        ),
        (
            "/restructure",
            {"date": "2024-06-01", "reason": "cash flow", "number_of_installments": 12, "first_due_date": "2024-05-01"},
            "first_due_date",
        ),
        (
            "/restructure",
            {"date": "2024-06-01", "reason": "cash flow", "number_of_installments": 0},
            "number_of_installments",
        ),
    ]
    for path, body, field in refused:
        assert _fields(_error(api.post(f"/loans/{loan_id}{path}", body), 422, "validation_failed")) == {field}, body
    assert _counts(db_session) == before
    assert _loan(db_session, loan_id).status == LoanStatus.ACTIVE


# --- arrears on a date --------------------------------------------------------------------------------


ARREARS_OF_LOAN_A = [
    # as_of, days past due, bucket, amount overdue
    ("2024-01-15", 0, "current", "0.00"),
    ("2024-02-15", 0, "current", "0.00"),  # installment 1 paid on its due date
    ("2024-03-15", 0, "current", "0.00"),  # installment 2 is due today: not overdue yet
    ("2024-03-16", 1, "1-30", "443.21"),
    ("2024-04-14", 30, "1-30", "443.21"),
    ("2024-04-15", 31, "31-60", "443.21"),
    ("2024-04-16", 32, "31-60", "886.42"),
    ("2024-05-14", 60, "31-60", "886.42"),
    ("2024-05-15", 61, "61-90", "886.42"),
    ("2024-06-13", 90, "61-90", "1329.63"),
    ("2024-06-14", 91, "90+", "1329.63"),
    ("2025-01-01", 292, "90+", "4432.10"),  # installments 2 to 11 (Mar to Dec 2024)
]


def test_days_past_due_bucket_and_amount_overdue_of_a_loan_on_any_date(api, world):
    for as_of, days, bucket, overdue in ARREARS_OF_LOAN_A:
        response = api.get(f"/loans/{world.loan_a.id}?as_of={as_of}")
        assert response.status_code == 200
        body = response.get_json()
        got = (body["as_of"], body["days_past_due"], body["arrears_bucket"], body["amount_overdue"])
        assert got == (as_of, days, bucket, overdue)
        states = {line["number"]: line["state"] for line in body["schedule"]}
        assert states[1] == ("paid" if as_of >= "2024-02-15" else "future"), as_of
        assert states[2] == ("overdue" if as_of > "2024-03-15" else "due" if as_of == "2024-03-15" else "future"), as_of


def test_a_partly_paid_installment_stays_overdue_for_what_is_left(api, world):
    _repay(api, world.loan_a.id, "2024-03-20", "400.00")
    on_19 = api.get(f"/loans/{world.loan_a.id}?as_of=2024-03-19").get_json()
    assert (on_19["days_past_due"], on_19["amount_overdue"]) == (4, "443.21")
    on_25 = api.get(f"/loans/{world.loan_a.id}?as_of=2024-03-25").get_json()
    assert (on_25["days_past_due"], on_25["arrears_bucket"], on_25["amount_overdue"]) == (10, "1-30", "43.21")


def test_a_late_payment_moves_the_oldest_unpaid_installment_from_its_date_on(api, world):
    _repay(api, world.loan_a.id, "2024-04-20", "443.21")  # pays installment 2, 36 days late
    before = api.get(f"/loans/{world.loan_a.id}?as_of=2024-04-19").get_json()
    assert (before["days_past_due"], before["arrears_bucket"], before["amount_overdue"]) == (35, "31-60", "886.42")
    after = api.get(f"/loans/{world.loan_a.id}?as_of=2024-04-20").get_json()
    assert (after["days_past_due"], after["arrears_bucket"], after["amount_overdue"]) == (5, "1-30", "443.21")
    assert [line["state"] for line in after["schedule"][:4]] == ["paid", "paid", "overdue", "future"]


def test_the_schedule_on_an_earlier_date_does_not_show_payments_made_after_that_date(api, world):
    body = api.get(f"/loans/{world.loan_a.id}?as_of=2024-02-10").get_json()
    first = body["schedule"][0]
    assert first["state"] == "future"
    assert (first["settled_on"], first["principal_paid"], first["interest_paid"]) == (None, "0.00", "0.00")


def test_another_funds_manager_cannot_see_the_loan_or_its_arrears(client, world, api_headers):
    response = client.get(
        f"/api/v1/loans/{world.loan_a.id}?as_of=2024-04-01", headers=api_headers(world.user("manager_b"))
    )
    _error(response, 404, "not_found")


def test_the_loan_on_a_date_before_its_restructure_and_write_off_shows_the_plan_and_arrears_of_then(api, world):
    loan_id = world.loan_a.id
    body = {"date": "2024-06-01", "number_of_installments": 12, "reason": "Lost its biggest client"}
    assert api.post(f"/loans/{loan_id}/restructure", body).status_code == 201
    assert api.post(f"/loans/{loan_id}/write-off", {"date": "2024-09-10", "reason": "Bankrupt"}).status_code == 201

    before_restructure = api.get(f"/loans/{loan_id}?as_of=2024-05-20").get_json()
    assert len(before_restructure["schedule"]) == 24  # the original plan
    assert before_restructure["schedule"][-1]["due_date"] == "2026-01-15"
    assert (before_restructure["days_past_due"], before_restructure["arrears_bucket"]) == (66, "61-90")
    assert before_restructure["amount_overdue"] == "1329.63"  # installments 2, 3 and 4

    restructured = api.get(f"/loans/{loan_id}?as_of=2024-06-20").get_json()
    assert len(restructured["schedule"]) == 4 + 12
    assert [line["state"] for line in restructured["schedule"][:5]] == ["paid"] + ["restructured"] * 3 + ["future"]
    assert (restructured["days_past_due"], restructured["amount_overdue"]) == (0, "0.00")

    before_write_off = api.get(f"/loans/{loan_id}?as_of=2024-09-09").get_json()
    assert (before_write_off["days_past_due"], before_write_off["arrears_bucket"]) == (70, "61-90")  # 2024-07-01 unpaid
    after_write_off = api.get(f"/loans/{loan_id}?as_of=2024-09-10").get_json()
    assert (after_write_off["days_past_due"], after_write_off["amount_overdue"], after_write_off["status"]) == (
        0,
        "0.00",
        "written_off",
    )
