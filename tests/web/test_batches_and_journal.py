"""Payment batches and the journal through the API and the pages."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from lxml import etree
from openpyxl import load_workbook
from sqlalchemy import select

from fundapp import clock
from fundapp.banking import sepa
from fundapp.banking.models import BatchStatus, Mandate, PaymentBatch
from tests.batch_factories import collecting_fund, investee_account, mandate
from tests.factories import ACTOR, make_investee, make_loan
from tests.integration.test_journal_books import make_history
from tests.web.test_query_counts import counting

TODAY = clock.today()


def _collecting(db_session, world):
    collecting_fund(db_session, world.fund_a)
    return mandate(db_session, world.loan_a, mandate_id="MND-API-1")


def test_the_api_makes_a_direct_debit_batch_and_offers_its_validated_pain_008(client, db_session, world, api_headers):
    _collecting(db_session, world)
    headers = api_headers(world.user("manager_a"))

    made = client.post(
        f"/api/v1/funds/{world.fund_a.id}/direct-debit-batches",
        json={"collection_date": TODAY.isoformat()},
        headers=headers,
    )

    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert {"id", "transactions", "total"} <= body.keys() and body["transactions"] == 23
    assert isinstance(body["total"], str) and Decimal(body["total"]) > 0
    file = client.get(f"/api/v1/direct-debit-batches/{body['id']}/pain.008.xml", headers=headers)
    assert file.status_code == 200 and file.mimetype == "application/xml"
    document = sepa.validate(file.data, sepa.DIRECT_DEBIT_SCHEMA)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}
    assert document.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=ns) == body["total"]
    ids = document.xpath(".//p:EndToEndId/text()", namespaces=ns)
    assert ids[0] == f"{world.loan_a.reference}-2" and len(ids) == 23  # installment 1 was repaid in the world
    assert document.xpath(".//p:SeqTp/text()", namespaces=ns) == ["FRST", "RCUR"]
    detail = client.get(f"/api/v1/payment-batches/{body['id']}", headers=headers).get_json()
    assert detail["status"] == "downloaded" and len(detail["lines"]) == 23
    assert client.get(f"/api/v1/credit-transfer-batches/{body['id']}/pain.001.xml", headers=headers).status_code == 404
    again = client.post(
        f"/api/v1/funds/{world.fund_a.id}/direct-debit-batches",
        json={"collection_date": TODAY.isoformat()},
        headers=headers,
    )
    assert again.status_code == 422 and again.get_json()["error"]["details"][0]["field"] == "collection_date"
    cancelled = client.post(f"/api/v1/payment-batches/{body['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert db_session.scalar(select(Mandate.first_collected_on).where(Mandate.mandate_id == "MND-API-1")) is None
    assert client.post(f"/api/v1/payment-batches/{body['id']}/cancel", headers=headers).status_code == 409


def test_the_api_pays_out_approved_loans_by_credit_transfer(client, db_session, world, api_headers):
    collecting_fund(db_session, world.fund_a)
    loan = make_loan(db_session, make_investee(db_session, world.fund_a), status="approved")
    investee_account(db_session, loan.investee, "NL39RABO0300065264")
    headers = api_headers(world.user("manager_a"))

    made = client.post(
        f"/api/v1/funds/{world.fund_a.id}/credit-transfer-batches",
        json={"execution_date": TODAY.isoformat()},
        headers=headers,
    )

    assert made.status_code == 201 and made.get_json()["total"] == "10000.00"
    file = client.get(f"/api/v1/credit-transfer-batches/{made.get_json()['id']}/pain.001.xml", headers=headers)
    document = sepa.validate(file.data, sepa.CREDIT_TRANSFER_SCHEMA)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
    assert document.xpath(".//p:CdtrAcct/p:Id/p:IBAN/text()", namespaces=ns) == ["NL39RABO0300065264"]
    listed = client.get(f"/api/v1/funds/{world.fund_a.id}/payment-batches?kind=disbursements", headers=headers)
    assert [item["id"] for item in listed.get_json()["items"]] == [made.get_json()["id"]]


def test_the_journal_answers_its_contract_in_json_and_downloads_for_exact_twinfield_excel_and_xaf(
    client, db_session, world, api_headers
):
    fund = make_history(db_session)
    manager = world.user("manager_a")
    from fundapp.auth.models import Membership, Role

    db_session.add(Membership(user_id=manager.id, role=Role.FUND_MANAGER, fund_id=fund.id))
    db_session.flush()
    headers = api_headers(manager)
    url = f"/api/v1/funds/{fund.id}/journal?from=2024-04-01&to=2024-09-30"

    body = client.get(url, headers=headers).get_json()

    assert body.keys() == {"entries", "totals"} and body["entries"]
    first = body["entries"][0]
    assert first.keys() == {"date", "event", "reference", "lines"}
    assert first["lines"][0].keys() == {"account", "debit", "credit"}
    for entry in body["entries"]:
        assert sum(Decimal(line["debit"]) for line in entry["lines"]) == sum(
            Decimal(line["credit"]) for line in entry["lines"]
        )
    assert body["totals"]["debit"] == body["totals"]["credit"]
    assert {"disbursement", "repayment", "write_off"} <= {entry["event"] for entry in body["entries"]}
    exact = client.get(url + "&format=csv", headers=headers)
    rows = list(csv.reader(io.StringIO(exact.get_data(as_text=True)), delimiter=";"))
    assert rows[0][:3] == ["JournalCode", "FinancialYear", "FinancialPeriod"]
    assert sum(Decimal(row[7]) for row in rows[1:]) == 0
    twinfield = client.get(url + "&format=csv&layout=twinfield", headers=headers).get_data(as_text=True)
    assert twinfield.startswith("code;number;date;period;dim1;debitcredit;value;description")
    workbook = load_workbook(io.BytesIO(client.get(url + "&format=xlsx", headers=headers).data))
    assert workbook.active.title == "Journal"
    assert client.get(url + "&format=xaf", headers=headers).status_code == 422
    xaf = client.get(url + "&format=xaf&tax_registration=NL001234567B01", headers=headers)
    root = etree.fromstring(xaf.data)
    assert (
        root.findtext("{http://www.auditfiles.nl/XAF/3.2}header/{http://www.auditfiles.nl/XAF/3.2}fiscalYear") == "2024"
    )


def test_the_ledger_accounts_are_set_per_fund_and_each_role_keeps_its_own(client, db_session, world, api_headers):
    headers = api_headers(world.user("manager_a"))
    url = f"/api/v1/funds/{world.fund_a.id}/ledger-accounts"
    assert all(item["default"] for item in client.get(url, headers=headers).get_json()["accounts"])

    saved = client.put(url, json={"accounts": [{"role": "bank", "code": "1110", "name": "Triodos"}]}, headers=headers)

    accounts = {item["role"]: item for item in saved.get_json()["accounts"]}
    assert accounts["bank"] == {"role": "bank", "code": "1110", "name": "Triodos", "rgs_code": "", "default": False}
    assert accounts["interest_income"]["default"] is True
    clash = client.put(url, json={"accounts": [{"role": "bank", "code": "8310"}]}, headers=headers)
    assert clash.status_code == 422 and clash.get_json()["error"]["details"][0]["field"] == "bank_code"
    journal = client.get(f"/api/v1/funds/{world.fund_a.id}/journal?from=2024-01-01&to=2024-12-31", headers=headers)
    assert "1110" in {line["account"] for entry in journal.get_json()["entries"] for line in entry["lines"]}


def test_a_fund_manager_makes_downloads_and_cancels_a_batch_on_the_pages(client, db_session, world, login_as):
    _collecting(db_session, world)
    login_as(world.user("manager_a"))
    fund = world.fund_a

    preview = client.get(f"/funds/{fund.id}/direct-debit-batches/new")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and f"{world.loan_a.reference}-2" in page and "FRST" in page
    made = client.post(f"/funds/{fund.id}/direct-debit-batches/new", data={"collection_date": TODAY.isoformat()})
    assert made.status_code == 303
    batch = db_session.scalar(select(PaymentBatch).where(PaymentBatch.fund_id == fund.id))
    detail = client.get(made.headers["Location"]).get_data(as_text=True)
    assert batch.message_id in detail and "23" in detail
    listing = client.get(f"/funds/{fund.id}/payment-batches").get_data(as_text=True)
    assert f"/payment-batches/{batch.id}" in listing
    file = client.get(f"/payment-batches/{batch.id}/file")
    sepa.validate(file.data, sepa.DIRECT_DEBIT_SCHEMA)
    confirm = client.get(f"/payment-batches/{batch.id}/cancel").get_data(as_text=True)
    assert "gedownload" in confirm  # the file may be at the bank already: the page says so
    assert client.post(f"/payment-batches/{batch.id}/cancel").status_code == 303
    db_session.expire_all()
    assert db_session.get(PaymentBatch, batch.id).status == BatchStatus.CANCELLED


def test_a_batch_that_cannot_be_made_says_why_beside_the_date(client, db_session, world, login_as):
    login_as(world.user("manager_a"))
    response = client.post(
        f"/funds/{world.fund_a.id}/direct-debit-batches/new", data={"collection_date": TODAY.isoformat()}
    )
    assert response.status_code == 422
    assert "incassant-ID" in response.get_data(as_text=True)


def test_the_journal_page_shows_the_entries_their_totals_and_that_they_agree_with_the_portfolio(
    client, db_session, world, login_as
):
    from fundapp.auth.models import Membership, Role

    fund = make_history(db_session)
    manager = world.user("manager_a")
    db_session.add(Membership(user_id=manager.id, role=Role.FUND_MANAGER, fund_id=fund.id))
    db_session.flush()
    login_as(manager)

    page = client.get(f"/funds/{fund.id}/journal?from=2024-01-01&to=2024-12-31").get_data(as_text=True)

    assert "Aansluiting met de portefeuille" in page
    assert page.count("utrecht-status-badge--success") == 5 and "utrecht-status-badge--danger" not in page
    download = client.get(f"/funds/{fund.id}/journal/download?from=2024-01-01&to=2024-12-31&format=xlsx")
    assert download.status_code == 200 and download.data[:2] == b"PK"


def test_the_batch_list_and_the_journal_page_issue_as_many_queries_for_many_rows_as_for_few(
    app, client, db_session, world, login_as
):
    from fundapp.banking import batches

    collecting_fund(db_session, world.fund_a)
    login_as(world.user("manager_a"))

    def grow(n):
        for _ in range(n):
            loan = make_loan(db_session, make_investee(db_session, world.fund_a), disbursement_date=date(2025, 1, 5))
            mandate(db_session, loan)
            batch = batches.create_direct_debit_batch(db_session, ACTOR, world.fund_a, TODAY + timedelta(days=1))
            assert batch.transactions
        db_session.flush()

    def queries(url):
        with counting(app.extensions["fundapp.db"].engine) as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    urls = [
        f"/funds/{world.fund_a.id}/payment-batches",
        f"/funds/{world.fund_a.id}/journal?from=2024-01-01&to=2025-12-31",
    ]
    grow(2)
    few = [queries(url) for url in urls]
    grow(6)
    assert [queries(url) for url in urls] == few


def test_the_fund_and_the_payer_pages_lead_to_their_batches_and_the_journal(client, world, login_as):
    login_as(world.user("manager_a"))
    page = client.get(f"/funds/{world.fund_a.id}").get_data(as_text=True)
    assert f"/funds/{world.fund_a.id}/payment-batches" in page and f"/funds/{world.fund_a.id}/journal" in page
    login_as(world.user("officer_a"))
    page = client.get(f"/payers/{world.payer_a.id}").get_data(as_text=True)
    assert f"/payers/{world.payer_a.id}/payment-batches" in page
    login_as(world.user("admin"))
    assert "/payment-batches" not in client.get(f"/payers/{world.payer_a.id}").get_data(as_text=True)


def test_a_ledger_account_code_that_looks_like_a_formula_is_quoted_in_the_csv_journal(
    client, db_session, world, api_headers
):
    headers = api_headers(world.user("manager_a"))
    accounts = f"/api/v1/funds/{world.fund_a.id}/ledger-accounts"
    saved = client.put(
        accounts, json={"accounts": [{"role": "bank", "code": "=1+2", "name": "@SUM(1)"}]}, headers=headers
    )
    assert saved.status_code == 200
    url = f"/api/v1/funds/{world.fund_a.id}/journal?from=2024-01-01&to=2024-12-31&format=csv"
    for layout in ("exact", "twinfield"):
        text = client.get(f"{url}&layout={layout}", headers=headers).get_data(as_text=True)
        cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
        assert "'=1+2" in cells, layout
        assert not [cell for cell in cells if cell.startswith(("=", "+", "@", "\t", "\r"))], layout
