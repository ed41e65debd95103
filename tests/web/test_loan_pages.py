"""Loan pages as people use them (logged in through the login page): the fund's loan book with its filters,
the loan page with its schedule, the repayment form, write-off and reversal with confirmation and a reason,
the investee's read-only view, and the schedule calculator. Pages are read in English (fundapp_lang=en)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from babel.dates import format_date
from babel.numbers import format_currency
from sqlalchemy import func, select

from fundapp.audit import AuditEntry
from fundapp.loans import services
from fundapp.loans.models import Loan, LoanAllocation, LoanEvent, LoanInstallment, LoanStatus
from tests.factories import ACTOR, make_investee, make_loan


def eur(amount: str) -> str:
    return format_currency(Decimal(amount), "EUR", locale="en")


def day(value: date) -> str:
    return format_date(value, "d MMM yyyy", locale="en")


def long_day(value: date) -> str:
    """A date as running text shows it."""
    return format_date(value, "d MMMM yyyy", locale="en")


class Page(HTMLParser):
    """What a page shows: its tables (rows of cell texts), links, text areas and the whole text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.links: list[str] = []
        self.textareas: list[str] = []
        self._cell: list[str] | None = None
        self._texts: list[str] = []
        self.feed(html)
        self.text = " ".join(" ".join(self._texts).split())

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "textarea":
            self.textareas.append(attrs.get("name", ""))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(" ".join(" ".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        self._texts.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def body_rows(self, table: int = 0) -> list[list[str]]:
        return [row for row in self.tables[table][1:] if row]


def _page(response) -> Page:
    return Page(response.get_data(as_text=True))


@pytest.fixture()
def browser(client, login_as):
    """login_as(user) in English."""

    def login(user):
        client.set_cookie("fundapp_lang", "en")
        return login_as(user)

    return login


def _counts(db_session) -> dict[str, int]:
    db_session.expire_all()
    return {
        model.__name__: db_session.scalar(select(func.count()).select_from(model))
        for model in (Loan, LoanEvent, LoanInstallment, LoanAllocation, AuditEntry)
    }


@pytest.fixture()
def book(db_session, world):
    """Fund A's loan book: loan_a (36 days late on 2024-04-20), a current loan of investee C, and a draft."""
    investee_c = make_investee(db_session, world.fund_a, name="Investee C")
    current = make_loan(
        db_session,
        investee_c,
        principal=Decimal("5000.00"),
        number_of_installments=12,
        disbursement_date=date(2024, 2, 1),
    )
    for month in (3, 4):
        services.record_repayment(db_session, ACTOR, current, date(2024, month, 1), Decimal("430.33"), f"m{month}")
    draft = make_loan(
        db_session, world.investee_a, status="draft", principal=Decimal("7500.00"), disbursement_date=date(2024, 6, 1)
    )
    db_session.flush()
    return {"late": world.loan_a, "current": current, "draft": draft, "investee_c": investee_c}


def _rows_by_reference(page: Page) -> dict[str, list[str]]:
    return {row[0]: row for row in page.body_rows(0) if len(row) == 8}


# --- the loan book ------------------------------------------------------------------------------------


def test_the_loan_book_shows_each_loan_with_outstanding_next_due_and_days_past_due(client, world, browser, book):
    browser(world.user("manager_a"))
    response = client.get(f"/funds/{world.fund_a.id}/loans?as_of=2024-04-20")
    assert response.status_code == 200
    rows = _rows_by_reference(_page(response))
    late, current, draft = book["late"], book["current"], book["draft"]
    assert set(rows) == {late.reference, current.reference, draft.reference}
    assert rows[late.reference] == [
        late.reference, "Investee A", "active", eur("10000.00"), eur("9606.79"),
        f"{day(date(2024, 5, 15))} · {eur('443.21')}", "36", "31-60 days",
    ]  # fmt: skip
    assert rows[current.reference][1:] == [
        "Investee C", "active", eur("5000.00"), eur(str(current.outstanding_principal)),
        f"{day(date(2024, 5, 1))} · {eur('430.33')}", "0", "current",
    ]  # fmt: skip
    assert rows[draft.reference][2:] == ["draft", eur("7500.00"), eur("0.00"), "–", "0", "current"]


def test_the_loan_book_filters_by_status_investee_bucket_and_date(client, world, browser, book):
    browser(world.user("manager_a"))
    url = f"/funds/{world.fund_a.id}/loans"

    def references(query: str) -> set[str]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        return set(_rows_by_reference(_page(response)))

    late, current, draft = book["late"].reference, book["current"].reference, book["draft"].reference
    assert references("as_of=2024-04-20&status=draft") == {draft}
    assert references("as_of=2024-04-20&status=active") == {late, current}
    assert references(f"as_of=2024-04-20&investee_id={book['investee_c'].id}") == {current}
    assert references(f"as_of=2024-04-20&investee_id={world.investee_a.id}") == {late, draft}
    assert references("as_of=2024-04-20&bucket=31-60") == {late}
    assert references("as_of=2024-04-20&bucket=current") == {current, draft}
    assert references("as_of=2024-03-01&bucket=current") == {late, current, draft}  # nothing was late yet
    assert references("as_of=2024-03-20&bucket=1-30") == {late}
    assert references("as_of=2024-07-01&bucket=90%2B") == {late}
    assert references("as_of=2024-04-20&bucket=61-90") == set()
    assert "No loans found." in _page(client.get(f"{url}?as_of=2024-04-20&bucket=61-90")).text


def test_the_loan_book_on_an_earlier_date_shows_the_outstanding_on_that_date(client, world, browser, book):
    browser(world.user("manager_a"))
    rows = _rows_by_reference(_page(client.get(f"/funds/{world.fund_a.id}/loans?as_of=2024-02-01")))
    assert rows[book["late"].reference][4] == eur("10000.00")  # the 2024-02-15 repayment had not come in yet


def test_the_loan_book_on_an_earlier_date_shows_the_installment_next_due_then(client, world, browser, book):
    browser(world.user("manager_a"))
    rows = _rows_by_reference(_page(client.get(f"/funds/{world.fund_a.id}/loans?as_of=2024-02-01")))
    assert rows[book["late"].reference][5] == f"{day(date(2024, 2, 15))} · {eur('443.21')}"


def test_another_funds_manager_and_the_investee_do_not_see_the_loan_book(client, world, browser):
    for who in ("manager_b", "member_a"):
        browser(world.user(who))
        assert client.get(f"/funds/{world.fund_a.id}/loans").status_code == 404, who


# --- the loan page ------------------------------------------------------------------------------------


def test_the_loan_page_shows_the_schedule_with_paid_and_overdue_tags(client, world, browser):
    browser(world.user("manager_a"))
    response = client.get(f"/loans/{world.loan_a.id}?as_of=2024-04-20")
    assert response.status_code == 200
    page = _page(response)
    schedule = page.body_rows(0)[:24]
    assert len(schedule) == 24
    assert schedule[0] == [
        "1",
        day(date(2024, 2, 15)),
        eur("393.21"),
        eur("50.00"),
        eur("443.21"),
        eur("443.21"),
        eur("9606.79"),
        "paid",
    ]
    assert [row[7] for row in schedule[:5]] == ["paid", "overdue", "overdue", "to come", "to come"]
    assert [row[1] for row in schedule[:3]] == [day(date(2024, m, 15)) for m in (2, 3, 4)]
    html = response.get_data(as_text=True)
    assert html.count('<span class="utrecht-status-badge utrecht-status-badge--danger">overdue</span>') == 2
    assert html.count('<span class="utrecht-status-badge utrecht-status-badge--success">paid</span>') == 1
    assert "36</div>days past due on 20 April 2024" in html.replace("\n", "")
    assert f"{eur('886.42')} overdue" in page.text


def test_a_repayment_with_a_bad_amount_is_shown_again_with_the_error_and_writes_nothing(
    client, db_session, world, browser
):
    browser(world.user("manager_a"))
    url = f"/loans/{world.loan_a.id}/repay"
    assert client.get(url).status_code == 200
    before = _counts(db_session)
    for amount in ("abc", "-5", "0", "12.345", ""):
        form = {"date": "2024-03-15", "amount": amount, "reference": "bank 2", "prepayment": "lower_installments"}
        response = client.post(url, data=form)
        assert response.status_code == 422, amount
        html = response.get_data(as_text=True)
        assert 'id="f-amount-error"' in html, amount
        assert 'value="bank 2"' in html  # what was typed is kept
    assert _counts(db_session) == before


def test_a_valid_repayment_redirects_to_the_loan_page_which_shows_its_allocation(client, db_session, world, browser):
    browser(world.user("manager_a"))
    form = {"date": "2024-03-20", "amount": "443,21", "reference": "bank 2", "prepayment": "lower_installments"}
    response = client.post(f"/loans/{world.loan_a.id}/repay", data=form)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/loans/{world.loan_a.id}")
    db_session.expire_all()
    event = db_session.scalar(
        select(LoanEvent).where(LoanEvent.loan_id == world.loan_a.id, LoanEvent.reference == "bank 2")
    )
    assert (event.on, event.amount) == (date(2024, 3, 20), Decimal("443.21"))
    assert [(a.installment_number, a.interest, a.principal) for a in event.allocations] == [
        (2, Decimal("48.03"), Decimal("395.18"))
    ]
    page = client.get(response.headers["Location"])
    text = _page(page).text
    assert "Repayment recorded." in text
    assert f"#2: interest {eur('48.03')}, principal {eur('395.18')}" in text


def test_a_write_off_asks_for_confirmation_and_a_reason(client, db_session, world, browser):
    browser(world.user("manager_a"))
    url = f"/loans/{world.loan_a.id}/write-off"
    before = _counts(db_session)
    confirm = client.get(url)
    assert confirm.status_code == 200
    page = _page(confirm)
    assert "reason" in page.textareas
    assert f"Writing off {eur('9606.79')} outstanding cannot be undone" in page.text
    assert _counts(db_session) == before  # asking changes nothing
    assert db_session.get(Loan, world.loan_a.id).status == LoanStatus.ACTIVE

    for reason in ("", "  "):
        response = client.post(url, data={"date": "2024-05-20", "reason": reason})
        assert response.status_code == 422
        assert 'id="f-reason-error"' in response.get_data(as_text=True)
    assert _counts(db_session) == before

    response = client.post(url, data={"date": "2024-05-20", "reason": "Bankrupt"})
    assert response.status_code == 303
    loan = db_session.get(Loan, world.loan_a.id)
    db_session.refresh(loan)
    assert (loan.status, loan.written_off, loan.outstanding_principal) == (
        LoanStatus.WRITTEN_OFF,
        Decimal("9606.79"),
        Decimal("0.00"),
    )
    after = _page(client.get(f"/loans/{world.loan_a.id}"))
    assert "Bankrupt" in after.text
    assert f"/loans/{world.loan_a.id}/recover" in after.links
    assert f"/loans/{world.loan_a.id}/write-off" not in after.links


def test_a_reversal_asks_for_confirmation_and_a_reason(client, db_session, world, browser):
    browser(world.user("manager_a"))
    url = f"/loans/{world.loan_a.id}/events/{world.repayment_a.id}/reverse"
    assert url in _page(client.get(f"/loans/{world.loan_a.id}")).links
    confirm = client.get(url)
    assert confirm.status_code == 200
    page = _page(confirm)
    assert page.textareas == ["reason"]
    assert eur("443.21") in page.text and "bank 1" in page.text

    before = _counts(db_session)
    for form in ({}, {"reason": ""}, {"reason": "  "}):
        response = client.post(url, data=form)
        assert response.status_code == 422
        assert "reason" in _page(response).textareas
    assert _counts(db_session) == before

    response = client.post(url, data={"reason": "Bounced"})
    assert response.status_code == 303
    event = db_session.get(LoanEvent, world.repayment_a.id)
    db_session.refresh(event)
    assert (event.reversed_at is not None, event.reversal_reason) == (True, "Bounced")
    assert db_session.scalars(select(LoanAllocation).where(LoanAllocation.event_id == event.id)).all() == []
    after = _page(client.get(f"/loans/{world.loan_a.id}"))
    assert "reversed Bounced" in after.text
    assert url not in after.links


# --- the investee's view ------------------------------------------------------------------------------

ACTIONS = (
    "/repay",
    "/write-off",
    "/restructure",
    "/reverse",
    "/edit",
    "/approve",
    "/disburse",
    "/recover",
    "/loans/new",
)


def test_the_investee_member_sees_its_own_loans_read_only(client, db_session, world, browser):
    browser(world.user("member_a"))
    listing = client.get(f"/investees/{world.investee_a.id}/loans")
    assert listing.status_code == 200
    page = _page(listing)
    assert f"/loans/{world.loan_a.id}" in page.links
    assert world.loan_a.reference in page.text
    assert not [link for link in page.links if link.endswith(ACTIONS) or "/loans/new" in link]

    detail = client.get(f"/loans/{world.loan_a.id}?as_of=2024-04-20")
    assert detail.status_code == 200
    page = _page(detail)
    assert len(page.body_rows(0)) >= 24
    assert not [link for link in page.links if any(action in link for action in ACTIONS)]
    post_forms = re.findall(r'<form method="post"[^>]*>', detail.get_data(as_text=True))
    assert all('action="/logout"' in form for form in post_forms)  # only the log-out button

    before = _counts(db_session)
    assert client.get(f"/loans/{world.loan_a.id}/repay").status_code == 403
    form = {"date": "2024-03-15", "amount": "443.21", "reference": "", "prepayment": "lower_installments"}
    assert client.post(f"/loans/{world.loan_a.id}/repay", data=form).status_code == 403
    assert (
        client.post(
            f"/loans/{world.loan_a.id}/events/{world.repayment_a.id}/reverse", data={"reason": "mine"}
        ).status_code
        == 403
    )
    assert _counts(db_session) == before


def test_the_investee_member_does_not_find_another_investees_loan(client, db_session, world, browser):
    loan_b = db_session.scalar(select(Loan).where(Loan.investee_id == world.investee_b.id))
    browser(world.user("member_a"))
    for path in (f"/loans/{loan_b.id}", f"/loans/{loan_b.id}/repay", f"/investees/{world.investee_b.id}/loans"):
        assert client.get(path).status_code == 404, path


# --- the schedule calculator --------------------------------------------------------------------------

CALCULATOR_FORM = {
    "principal": "10000.00",
    "annual_interest_rate": "6",
    "disbursement_date": "2024-01-15",
    "first_due_date": "",
    "number_of_installments": "24",
    "frequency": "monthly",
    "amortization": "annuity",
    "grace_on_principal": "0",
    "day_count": "30/360",
    "installment_multiple": "0.01",
}


def test_the_schedule_calculator_computes_a_schedule_and_writes_nothing(client, db_session, world, browser):
    browser(world.user("manager_a"))
    assert client.get("/loans/preview").status_code == 200
    before = _counts(db_session)
    response = client.post("/loans/preview", data=CALCULATOR_FORM)
    assert _counts(db_session) == before
    assert response.status_code == 200
    page = _page(response)
    rows = page.body_rows(0)[:24]
    assert len(rows) == 24
    assert rows[0] == ["1", day(date(2024, 2, 15)), eur("393.21"), eur("50.00"), eur("443.21"), eur("9606.79")]
    assert rows[-1][1] == day(date(2026, 1, 15)) and rows[-1][5] == eur("0.00")
    grace = client.post("/loans/preview", data=CALCULATOR_FORM | {"grace_on_principal": "24"})
    assert grace.status_code == 422
    assert "Grace must be shorter than the number of installments." in _page(grace).text
    assert _counts(db_session) == before


def test_the_schedule_calculator_shows_a_bad_term_beside_its_field_and_writes_nothing(
    client, db_session, world, browser
):
    browser(world.user("member_a"))  # anyone logged in may weigh an offer
    before = _counts(db_session)
    response = client.post("/loans/preview", data=CALCULATOR_FORM | {"principal": "10000.001", "day_count": "ACT/ACT"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="f-principal-error"' in html and 'id="f-day_count-error"' in html
    assert "Use at most two decimals." in _page(response).text
    assert 'value="10000.001"' in html  # what was typed is kept
    assert _counts(db_session) == before


def test_a_new_loan_is_created_as_a_draft_through_the_form(client, db_session, world, browser):
    browser(world.user("manager_a"))
    assert client.get("/loans/new").status_code == 200
    form = CALCULATOR_FORM | {"investee_id": str(world.investee_a.id), "reference": "", "purpose": "Werkplaats"}
    response = client.post("/loans/new", data=form)
    assert response.status_code == 303
    db_session.expire_all()
    loan = db_session.scalar(select(Loan).where(Loan.purpose == "Werkplaats"))
    assert (loan.status, loan.principal, loan.number_of_installments) == (LoanStatus.DRAFT, Decimal("10000.00"), 24)


def test_a_restructure_through_the_form_needs_a_reason_and_keeps_the_history(client, db_session, world, browser):
    browser(world.user("manager_a"))
    url = f"/loans/{world.loan_a.id}/restructure"
    form = {"date": "2024-06-01", "number_of_installments": "36", "annual_interest_rate": "", "frequency": "",
            "amortization": "", "grace_on_principal": "0", "first_due_date": "", "reason": ""}  # fmt: skip
    before = _counts(db_session)
    without_reason = client.post(url, data=form)
    assert without_reason.status_code == 422
    assert _counts(db_session) == before
    assert 'id="f-reason-error"' in without_reason.get_data(as_text=True)
    assert 'id="f-number_of_installments-error"' not in without_reason.get_data(as_text=True)
    response = client.post(url, data=form | {"reason": "Lost its biggest client"})
    assert response.status_code == 303
    db_session.expire_all()
    kinds = [e.kind.value for e in db_session.get(Loan, world.loan_a.id).events]
    assert kinds == ["disbursement", "repayment", "restructure"]
