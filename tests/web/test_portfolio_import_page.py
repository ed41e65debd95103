"""The portfolio import page: the dry run's figures, every problem by sheet and cell with the workbook marked."""

from __future__ import annotations

import base64
import io
import re

from openpyxl import load_workbook
from sqlalchemy import func, select

from fundapp.loans.models import Loan
from tests.factories import kvk, make_fund, make_user
from tests.portfolio_factories import simple_workbook


def _post(client, fund_id, data, **fields):
    return client.post(
        f"/funds/{fund_id}/portfolio/import",
        data={"file": (io.BytesIO(data), "portfolio.xlsx"), **fields},
        content_type="multipart/form-data",
    )


def _loans(db_session, fund_id):
    return db_session.scalar(select(func.count()).select_from(Loan).where(Loan.fund_id == fund_id))


def _manager_of_new_fund(db_session, login_as):
    fund = make_fund(db_session)
    client = login_as(make_user(db_session, "fund_manager", fund.id))
    return fund, client


def test_the_dry_run_shows_the_counts_and_each_difference_with_both_figures(client, db_session, login_as):
    fund, client = _manager_of_new_fund(db_session, login_as)
    page = _post(client, fund.id, simple_workbook(kvk(), "9000.00"), dry_run="1")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "OLD-1" in text and "9.000,00" in text and "9.606,79" in text and "-606,79" in text
    assert _loans(db_session, fund.id) == 0


def test_problems_are_listed_by_sheet_and_cell_with_the_workbook_marked_and_nothing_imported(
    client, db_session, login_as
):
    fund, client = _manager_of_new_fund(db_session, login_as)
    page = _post(client, fund.id, simple_workbook(kvk(), "9000.00"))
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "outstanding" in text and "C2" in text
    encoded = re.search(r'href="data:[^;]+;base64,([^"]+)"', text).group(1)
    marked = load_workbook(io.BytesIO(base64.b64decode(encoded)))
    assert "9606.79" in marked["outstanding"]["C2"].comment.text
    assert _loans(db_session, fund.id) == 0


def test_an_accepted_import_goes_to_the_loan_book_with_a_message(client, db_session, login_as):
    fund, client = _manager_of_new_fund(db_session, login_as)
    done = _post(client, fund.id, simple_workbook(kvk(), "9000.00"), accept_differences="1", reason="Old write-down")
    assert done.status_code == 303 and f"/funds/{fund.id}" in done.headers["Location"]
    assert _loans(db_session, fund.id) == 1


def test_the_empty_and_the_filled_workbook_download_from_the_page(client, db_session, world, login_as):
    client = login_as(world.user("manager_a"))
    page = client.get(f"/funds/{world.fund_a.id}/portfolio/import")
    assert page.status_code == 200
    empty = load_workbook(io.BytesIO(client.get(f"/funds/{world.fund_a.id}/portfolio/workbook").data))
    assert empty["loans"].max_row == 1
    filled = load_workbook(io.BytesIO(client.get(f"/funds/{world.fund_a.id}/portfolio/workbook?filled=1").data))
    assert filled["loans"]["A2"].value == world.loan_a.reference
    assert client.get(f"/funds/{world.fund_b.id}/portfolio/import").status_code in (403, 404)
