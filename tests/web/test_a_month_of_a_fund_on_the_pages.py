"""The same month of the same fund, on the pages, as a fund manager clicks through it with CSRF switched on: every
form is read from its page and sent back with its token. The loan book the month starts from is made through the
API (tests/web/month_of_a_fund.py); everything of the month itself happens on the pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from lxml import etree
from openpyxl import load_workbook
from sqlalchemy.orm import sessionmaker

from tests.conftest import test_config
from tests.factories import PASSWORD, make_fund, make_user
from tests.web.month_of_a_fund import (
    CREDITOR_ID,
    FUND_IBAN,
    IBANS,
    MONTH_START,
    TODAY,
    open_the_books,
    the_months_statement,
    todays_statement,
)
from tests.web.round_trip import shown_form
from tests.web.test_bank_pages import flashes, page_of

PAIN_001 = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
PAIN_008 = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}


@pytest.fixture()
def browser(db_session):
    """A client of an app with CSRF switched on, whose requests join the test's transaction."""
    from fundapp import create_app

    application = create_app(test_config(WTF_CSRF_ENABLED=True))
    database = application.extensions["fundapp.db"]
    database.session_factory = sessionmaker(
        bind=db_session.bind, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield application.test_client()
    database.engine.dispose()


def form_on(page: str, action: str | None = None):
    """What the browser sends for the page's post form (the one posting to ``action``, if given)."""
    if action is not None:
        (form,) = re.findall(rf'<form method="post" action="{re.escape(action)}">.*?</form>', page, re.S)
        page = form
    return shown_form(page)


def submit(browser, url: str, typed: dict | None = None, action: str | None = None, **kwargs):
    """Open the page, fill in its form as shown, type over it and send it (to its own address, or ``action``)."""
    page = browser.get(url)
    assert page.status_code == 200, page.status
    data = form_on(page.get_data(as_text=True), action)
    for name, value in (typed or {}).items():
        data.setlist(name, [value])
    return browser.post(action or url, data=data, **kwargs)


def dutch(amount: Decimal) -> str:
    """An amount as the Dutch pages write it: € 1.234,56, a debit € -1.234,56."""
    whole, cents = f"{abs(amount):,.2f}".split(".")
    return f"€ {'-' if amount < 0 else ''}{whole.replace(',', '.')},{cents}"


def upload(browser, fund_id: int, data: bytes, name: str):
    url = f"/funds/{fund_id}/bank-statements/upload"
    token = form_on(browser.get(url).get_data(as_text=True))["csrf_token"]
    return browser.post(url, data={"csrf_token": token, "file": (io.BytesIO(data), name)})


def test_a_fund_manager_runs_the_month_on_the_pages_and_the_journal_agrees_with_the_portfolio(
    client, browser, db_session, api_headers
):
    fund = make_fund(db_session, name="Fonds Zuid")
    manager = make_user(db_session, "fund_manager", fund.id)
    loans = open_the_books(client, api_headers(manager), fund.id)
    a, b, c, d = loans["A"], loans["B"], loans["C"], loans["D"]
    login = submit(browser, "/login", {"email": manager.email, "password": PASSWORD})
    assert login.status_code == 303

    # The fund's account and creditor id; the mandates of A and B.
    added = submit(browser, f"/funds/{fund.id}/bank-accounts/new", {"iban": "nl91 abna 0417 1643 00", "name": "Lopend"})
    assert added.status_code == 303
    assert submit(browser, f"/funds/{fund.id}/edit", {"creditor_id": CREDITOR_ID}).status_code == 303
    assert FUND_IBAN in page_of(browser.get(f"/funds/{fund.id}")).text
    for loan, signed in ((a, a.disbursed_on), (b, TODAY - timedelta(days=3))):
        typed = {"mandate_id": f"MND-{loan.reference}", "signed_on": signed.isoformat(), "iban": IBANS[loan.key]}
        assert submit(browser, f"/loans/{loan.id}/mandates/new", typed).status_code == 303

    # The month's statement, imported twice: the second time everything was imported before.
    month, _c_paid_on, _stranger_on = the_months_statement(loans)
    assert upload(browser, fund.id, month, "maand.xml").status_code == 303
    assert flashes(browser)[-1] == (
        "Afschrift ingelezen: 3 nieuwe transacties (0 eerder ingelezen), 1 herkend, 2 om naar te kijken."
    )
    assert upload(browser, fund.id, month, "maand.xml").status_code == 303
    assert flashes(browser)[-1] == (
        "Afschrift ingelezen: 0 nieuwe transacties (3 eerder ingelezen), 0 herkend, 0 om naar te kijken."
    )

    # One click books C's transfer from the list of what waits.
    waiting = f"/funds/{fund.id}/bank-transactions?status=proposed"
    (book_url,) = set(
        re.findall(r'action="(/bank-transactions/\d+/book)"', browser.get(waiting).get_data(as_text=True))
    )
    assert submit(browser, waiting, action=book_url).status_code == 303
    assert flashes(browser)[-1] == "Geboekt als aflossing."

    # The stranger's credit is assigned to B; the bank's costs are set aside with a reason.
    unmatched = browser.get(f"/funds/{fund.id}/bank-transactions?status=unmatched").get_data(as_text=True)
    (assign,) = set(re.findall(r'href="(/bank-transactions/\d+/book)\?', unmatched))
    aside = next(
        url for url in re.findall(r'href="(/bank-transactions/\d+/set-aside)\?', unmatched) if url[:-9] != assign[:-4]
    )
    form = page_of(browser.get(assign)).text
    assert f"{b.reference} (actief)" in form and "J. de Bakker" in form
    assert submit(browser, assign, {"loan_id": str(b.id)}).status_code == 303
    assert submit(browser, aside, {"reason": "Bankkosten"}).status_code == 303
    assert flashes(browser)[-1] == "Transactie opzijgelegd."

    # From now on the fund books exact matches itself. Today: pay out D, collect what is due.
    assert submit(browser, f"/funds/{fund.id}/edit", {"auto_book_exact_matches": "on"}).status_code == 303
    transfers = f"/funds/{fund.id}/credit-transfer-batches/new?execution_date={TODAY.isoformat()}"
    preview = page_of(browser.get(transfers)).text
    assert d.reference in preview and IBANS["D"] in preview and "€ 15.000,00" in preview
    made = submit(browser, transfers)
    assert made.status_code == 303
    batch_url = made.headers["Location"]
    pain_001 = etree.fromstring(browser.get(f"{batch_url}/file").data)
    (payout_id,) = pain_001.xpath("//p:CdtTrfTxInf/p:PmtId/p:EndToEndId/text()", namespaces=PAIN_001)

    collections = f"/funds/{fund.id}/direct-debit-batches/new?collection_date={TODAY.isoformat()}"
    rows = page_of(browser.get(collections)).body_rows(0)
    assert [(row[0], row[4]) for row in rows if len(row) == 6] == [
        (f"{a.reference}-6", "FRST"),
        (f"{b.reference}-4", "FRST"),
        (f"{b.reference}-5", "RCUR"),
    ]
    made = submit(browser, collections)
    assert made.status_code == 303
    pain_008 = etree.fromstring(browser.get(f"{made.headers['Location']}/file").data)
    amounts = [Decimal(x) for x in pain_008.xpath("//p:DrctDbtTxInf/p:InstdAmt/text()", namespaces=PAIN_008)]
    assert sorted(amounts) == sorted([a.total(6), b.total(4), b.total(5)])

    # Today's statement: the fund books the money of both batches itself, and the return undoes B's fifth.
    uploaded = upload(browser, fund.id, todays_statement(loans, payout_id), "vandaag.xml")
    assert uploaded.status_code == 303
    assert flashes(browser)[-1] == (
        "Afschrift ingelezen: 5 nieuwe transacties (1 eerder ingelezen), 5 herkend, 0 om naar te kijken."
    )
    shown = page_of(browser.get(uploaded.headers["Location"])).body_rows(0)
    assert sorted((row[3], row[4]) for row in shown) == sorted(
        [
            (dutch(-d.principal), "geboekt"),
            (dutch(-b.total(5)), "geboekt"),
            *((dutch(amount), "geboekt") for amount in (a.total(6), b.total(4), b.total(5))),
        ]
    )
    assert page_of(browser.get(f"/funds/{fund.id}/bank-transactions")).body_rows(0) == [["Hier zijn geen transacties."]]
    assert "Incasso teruggeboekt door de bank: AM04, onvoldoende saldo." in page_of(browser.get(f"/loans/{b.id}")).text
    # What the pages did, as the schedules say (the API reads the same loans back).
    headers = api_headers(manager)
    for loan, principal_paid, late_since in (
        (a, a.principal_of(1, 2, 3, 4, 5, 6), None),
        (b, b.principal_of(1, 2, 3, 4), b.due(5)),
        (c, c.principal_of(1, 2, 3), None),
        (d, Decimal(0), None),
    ):
        now = client.get(f"/api/v1/loans/{loan.id}?as_of={TODAY.isoformat()}", headers=headers).get_json()
        assert Decimal(now["outstanding_principal"]) == loan.principal - principal_paid
        assert now["days_past_due"] == ((TODAY - late_since).days if late_since else 0)

    # The journal of the month agrees with the portfolio figure by figure, and its downloads add up.
    period = f"from={MONTH_START.isoformat()}&to={TODAY.isoformat()}"
    journal = browser.get(f"/funds/{fund.id}/journal?{period}").get_data(as_text=True)
    assert journal.count("utrecht-status-badge--success") == 5 and "utrecht-status-badge--danger" not in journal
    # The month-end provision change (fundapp/capital/provision.py) is booked too: its total, from the API.
    entries = client.get(f"/api/v1/funds/{fund.id}/journal?{period}", headers=headers).get_json()["entries"]
    provided = sum((Decimal(e["lines"][0]["debit"]) for e in entries if e["event"] == "provision_change"), Decimal(0))
    total = d.principal + c.total(3) + b.total(3) + a.total(6) + b.total(4) + provided
    exact = browser.get(f"/funds/{fund.id}/journal/download?{period}&format=csv&layout=exact")
    rows = list(csv.DictReader(io.StringIO(exact.get_data(as_text=True)), delimiter=";"))
    assert sum(Decimal(row["AmountDC"]) for row in rows) == 0
    assert sum(Decimal(row["AmountDC"]) for row in rows if Decimal(row["AmountDC"]) > 0) == total
    twinfield = browser.get(f"/funds/{fund.id}/journal/download?{period}&format=csv&layout=twinfield")
    lines = list(csv.DictReader(io.StringIO(twinfield.get_data(as_text=True)), delimiter=";"))
    assert sum(Decimal(row["value"]) for row in lines if row["debitcredit"] == "credit") == total
    workbook = browser.get(f"/funds/{fund.id}/journal/download?{period}&format=xlsx")
    *_lines, footer = load_workbook(io.BytesIO(workbook.data)).active.iter_rows(min_row=2, values_only=True)
    assert (Decimal(str(footer[7])), Decimal(str(footer[8]))) == (total, total)
