"""Charts as their readers meet them on the dashboards and in the reports: the budget as one stacked bar per
contract with its amounts written out, every chart an image whose text gives its figures."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from fundapp.outcomes.models import OutcomeContract
from tests.factories import ACTOR, PASSWORD, make_investor
from tests.integration.test_reports import ReportWorld, in_savepoint, module_world
from tests.outcome_factories import THRESHOLD

# The payer's own row: with no maximum of its own, the payer commits its share of the contract cap.
SUBMITTED_BUDGET = (
    "RF-REPORT (Commitment €100,000.00): Paid €1,000.00; Approved but unpaid €0.00; "
    "Awaiting approval €1,000.00; Not yet claimed €98,000.00"
)


@pytest.fixture(scope="module")
def rw(app: Any) -> Iterator[ReportWorld]:
    yield from module_world(app)


@pytest.fixture()
def rsession(rw: ReportWorld) -> Iterator[Any]:
    yield from in_savepoint(rw)


def _get(app: Any, user: Any, url: str) -> Any:
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 303
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def _page(app: Any, user: Any, url: str) -> str:
    return _get(app, user, url).get_data(as_text=True).replace("\xa0", " ")


def _images(page: str) -> list[tuple[str, str]]:
    """Each chart on the page: its decoded SVG and the image's text alternative."""
    found = re.findall(r'<img class="chart" src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]*)">', page)
    return [(base64.b64decode(data).decode().replace("\xa0", " "), alt) for data, alt in found]


def _submit_a_claim(rw: ReportWorld, session: Any) -> None:
    from fundapp.outcomes import claims

    contract = session.scalar(select(OutcomeContract).where(OutcomeContract.reference == "RF-REPORT"))
    claims.submit(session, ACTOR, claims.compute_claim(session, ACTOR, contract, rw.rotterdam_id, "2026-Q1"), THRESHOLD)
    session.flush()


def test_the_municipal_report_shows_the_budget_as_one_stacked_bar_per_contract_with_its_parts_written_out(
    app, rw, rsession
):
    _submit_a_claim(rw, rsession)
    page = _page(app, rw.user("officer_a"), f"/reports/payers/{rw.world.payer_a.id}?period=2026&lang=en")
    budget = page.split('id="budget"')[1]
    assert f'<figcaption class="small">{SUBMITTED_BUDGET}</figcaption>' in budget
    [(svg, alt)] = _images(budget)
    assert alt == "Budget use"  # the figures are written out right under it
    assert 'role="img"' in svg[: svg.index(">")] and f"<desc>{SUBMITTED_BUDGET}</desc>" in svg
    assert svg.count('style="fill: #1a7f37') == 2  # one bar's paid part, and its key in the legend
    pdf = _get(app, rw.user("officer_a"), f"/api/v1/payers/{rw.world.payer_a.id}/report?period=2026&lang=en")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Awaiting approval" in text and "Approved but unpaid" in text  # the legend is text in the PDF too


def test_the_officer_dashboard_shows_the_same_stacked_bar_with_the_commitment_not_yet_claimed(app, rw, rsession):
    _submit_a_claim(rw, rsession)
    page = _page(app, rw.user("officer_a"), "/?lang=en")
    assert f'<figcaption class="small">{SUBMITTED_BUDGET}</figcaption>' in page
    [(svg, alt)] = _images(page)
    assert alt == "Budget use" and f"<desc>{SUBMITTED_BUDGET}</desc>" in svg


def test_every_chart_on_the_dashboards_and_reports_names_its_figures_in_its_text(app, rw, rsession):
    make_investor(rsession, rw.world.fund_a, name="Stichting Maatschappelijke Investeringen Noord-Nederland")
    rsession.flush()
    pages = {
        "fund report": _page(app, rw.user("manager_a"), f"/reports/funds/{rw.world.fund_a.id}?period=2026&lang=en"),
        "fund dashboard": _page(app, rw.user("manager_a"), "/?lang=en"),
        "investee dashboard": _page(app, rw.user("member_a"), "/?lang=en"),
        "investee report": _page(app, rw.user("member_a"), f"/reports/investees/{rw.rotterdam_id}?period=2026&lang=en"),
    }
    for name, page in pages.items():
        images = _images(page)
        assert images, name
        for svg, alt in images:
            title, _, figures = alt.partition(". ")
            assert title and re.search(r"\d", figures), (name, alt)
            assert f"<title>{title}</title>" in svg and 'role="img"' in svg[: svg.index(">")], name
    fund_alts = [alt for _svg, alt in _images(pages["fund report"])]
    assert any(
        alt.startswith("Capital: committed and paid in.")
        and "Stichting Maatschappelijke Investeringen Noord-Nederland: Committed" in alt
        for alt in fund_alts
    )
    achieved = [alt for _svg, alt in _images(pages["investee dashboard"]) if alt.startswith("Actual as a percentage")]
    assert achieved and "Target-group employees (headcount): Actual as a percentage of target 100" in achieved[0]
