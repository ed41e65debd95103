"""The portfolio workbook through the API: export any fund, import into a fund (dry run, 422 by sheet and cell)."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import func, select

from fundapp.loans.models import Loan
from tests.factories import kvk, make_fund, make_user
from tests.portfolio_factories import simple_workbook


def _post(client, headers, fund_id, data, query=""):
    return client.post(
        f"/api/v1/funds/{fund_id}/portfolio-imports{query}",
        headers=headers,
        data={"file": (io.BytesIO(data), "portfolio.xlsx")},
        content_type="multipart/form-data",
    )


def _loans(db_session, fund_id):
    return db_session.scalar(select(func.count()).select_from(Loan).where(Loan.fund_id == fund_id))


def test_a_funds_export_is_the_import_workbook_filled_with_its_investees_loans_and_repayments(
    client, world, api_headers
):
    response = client.get(
        f"/api/v1/funds/{world.fund_a.id}/portfolio-export.xlsx", headers=api_headers(world.user("manager_a"))
    )
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["investees", "loans", "repayments", "outstanding"]
    assert book["investees"]["B2"].value == world.investee_a.kvk_number
    assert book["loans"]["A2"].value == world.loan_a.reference
    assert (book["repayments"]["A2"].value, book["repayments"]["C2"].value) == (world.loan_a.reference, 443.21)
    assert book["outstanding"]["C2"].value == float(world.loan_a.outstanding_principal)


def test_an_import_answers_201_with_the_counts_and_a_dry_run_stores_nothing(client, db_session, world, api_headers):
    fund = make_fund(db_session)
    headers = api_headers(make_user(db_session, "fund_manager", fund.id))
    data = simple_workbook(kvk())
    dry = _post(client, headers, fund.id, data, "?dry_run=true")
    assert dry.status_code == 201, dry.get_json()
    assert dry.get_json() == {"investees": 1, "loans": 1, "repayments": 1, "differences": [], "dry_run": True}
    assert _loans(db_session, fund.id) == 0
    done = _post(client, headers, fund.id, data)
    assert done.status_code == 201
    assert done.get_json()["loans"] == 1 and _loans(db_session, fund.id) == 1


def test_a_difference_answers_422_with_both_figures_at_its_cell_until_accepted_with_a_reason(
    client, db_session, world, api_headers
):
    fund = make_fund(db_session)
    headers = api_headers(make_user(db_session, "fund_manager", fund.id))
    data = simple_workbook(kvk(), "9000.00")
    refused = _post(client, headers, fund.id, data)
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "invalid_spreadsheet"
    [detail] = error["details"]
    assert (detail["sheet"], detail["cell"], detail["loan_reference"]) == ("outstanding", "C2", "OLD-1")
    assert (detail["fund_figure"], detail["replayed"], detail["difference"]) == ("9000.00", "9606.79", "-606.79")
    assert _loans(db_session, fund.id) == 0
    accepted = _post(client, headers, fund.id, data, "?accept_differences=true&reason=Old+write-down")
    assert accepted.status_code == 201
    assert accepted.get_json()["differences"][0]["difference"] == "-606.79"
    loan = db_session.scalar(select(Loan).where(Loan.fund_id == fund.id))
    assert loan.outstanding_principal == Decimal("9000.00")


def test_another_funds_manager_can_neither_export_nor_import(client, db_session, world, api_headers):
    headers = api_headers(world.user("manager_b"))
    assert client.get(f"/api/v1/funds/{world.fund_a.id}/portfolio-export.xlsx", headers=headers).status_code in (
        403,
        404,
    )
    assert _post(client, headers, world.fund_a.id, simple_workbook(kvk())).status_code in (403, 404)
    assert _loans(db_session, world.fund_a.id) == 1


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(client, db_session, world, api_headers):
    response = _post(client, api_headers(world.user("manager_a")), world.fund_a.id, b"%PDF-1.7 not a workbook")
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["message"]
    assert _loans(db_session, world.fund_a.id) == 1


def test_an_imported_loan_with_an_adjustment_shows_it_in_its_history_on_the_page_and_in_the_api(
    client, db_session, login_as, api_headers
):
    fund = make_fund(db_session)
    manager = make_user(db_session, "fund_manager", fund.id)
    headers = api_headers(manager)
    data = simple_workbook(kvk(), "9000.00")
    assert _post(client, headers, fund.id, data, "?accept_differences=true&reason=Old+write-down").status_code == 201
    loan = db_session.scalar(select(Loan).where(Loan.fund_id == fund.id))
    answer = client.get(f"/api/v1/loans/{loan.id}", headers=headers).get_json()
    [adjustment] = [e for e in answer["events"] if e["kind"] == "adjustment"]
    assert (adjustment["amount"], adjustment["reason"], adjustment["date"]) == (
        "-606.79",
        "Old write-down",
        "2024-03-01",
    )
    assert answer["outstanding_principal"] == "9000.00"
    page = login_as(manager).get(f"/loans/{loan.id}?as_of=2024-03-02")
    assert page.status_code == 200
    assert "Old write-down" in page.get_data(as_text=True)


def test_a_cell_far_out_on_a_sheet_is_refused_before_the_workbook_is_read(client, db_session, world, api_headers):
    book = load_workbook(io.BytesIO(simple_workbook(kvk())))
    book["loans"].cell(row=1_048_576, column=16_384, value="x")
    out = io.BytesIO()
    book.save(out)
    response = _post(client, api_headers(world.user("manager_a")), world.fund_a.id, out.getvalue())
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["message"]
    assert _loans(db_session, world.fund_a.id) == 1
