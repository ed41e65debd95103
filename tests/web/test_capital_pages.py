"""The fund's capital pages: NAV and capital accounts for its managers, a call's notice, quarterly statements."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader

from fundapp.capital import services
from fundapp.capital.models import DistributionKind
from tests.factories import ACTOR


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_fund_page_shows_its_managers_the_nav_and_the_way_to_the_investors(world, login_as):
    page = login_as(world.user("manager_a")).get(f"/funds/{world.fund_a.id}").get_data(as_text=True)
    assert f'href="/funds/{world.fund_a.id}/investors"' in page
    assert "NAV vandaag" in page


def test_the_investors_page_shows_the_nav_and_each_capital_account_as_of_the_date_asked(world, login_as):
    client = login_as(world.user("manager_a"))
    page = client.get(f"/funds/{world.fund_a.id}/investors?as_of=2024-02-29").get_data(as_text=True)
    # 20,000.00 paid in, 10,000.00 lent, 443.21 repaid; the loan's 9,606.79 is current: 96.07 provided for.
    for figure in ("10.443,21", "9.606,79", "€\xa0-96,07", "19.953,93", "Investor A"):
        assert figure in page, figure
    assert "Investor B" not in page


def test_a_call_notice_is_a_pdf_naming_the_investor_the_amount_and_what_is_left(db_session, world, login_as):
    response = login_as(world.user("manager_a")).get(f"/calls/{world.call_a.id}/notice.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = _text(response.data)
    for expected in ("Investor A", "20.000,00", "80.000,00", world.call_a.reference):
        assert expected in text, expected


def test_the_quarterly_statement_shows_the_quarters_flows_and_closing_account_in_pdf_and_excel(
    db_session, world, login_as
):
    services.record_distribution(
        db_session,
        ACTOR,
        world.investor_a,
        {"date": date(2024, 3, 1), "amount": Decimal("500.00"), "kind": DistributionKind.INCOME},
    )
    client = login_as(world.user("manager_a"))
    page = client.get(f"/investors/{world.investor_a.id}").get_data(as_text=True)
    url = f"/investors/{world.investor_a.id}/statements/2024-q1"
    assert f'href="{url}.pdf" download' in page and f'href="{url}.xlsx" download' in page
    assert "<td>Inkomsten</td>" in page  # the distribution's kind in the reader's language, not its code
    text = _text(client.get(f"{url}.pdf").data)
    for expected in ("2024-Q1", "Investor A", "20.000,00", "500,00", "Inkomsten"):
        assert expected in text, expected
    sheet = load_workbook(io.BytesIO(client.get(f"{url}.xlsx").data)).active
    cells = {str(row[0]): row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert cells["Gestort"] == 20000
    assert cells["Uitgekeerd"] == 500


def test_no_one_but_the_funds_managers_sees_its_investors_pages(world, login_as):
    for role in ("manager_b", "officer_a", "member_a"):
        client = login_as(world.user(role))
        for path in (
            f"/funds/{world.fund_a.id}/investors",
            f"/investors/{world.investor_a.id}",
            f"/calls/{world.call_a.id}/notice.pdf",
        ):
            assert client.get(path).status_code in (403, 404), (role, path)
