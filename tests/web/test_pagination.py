"""Long lists come a page at a time: a report's participants (API and page) and every other list of the app.

The API answers {"items", "total", "page", "page_size"}; a page shows page_size rows with links to the others.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, insert

from fundapp.impact.models import Participant
from tests.factories import make_plan, make_submission

ROW_OFFSET = 4  # data starts in sheet row 5


@pytest.fixture()
def big_report(db_session, world):
    """A report of investee A with 300 participants, every third with an outcome event; rows in sheet order."""
    make_plan(db_session, world.investee_a)
    submission = make_submission(db_session, world.investee_a, participants=[["D-0001", date(2026, 1, 5)]])
    db_session.execute(
        insert(Participant),
        [
            {
                "submission_id": submission.id,
                "reference": f"D-{n:04d}",
                "start_date": date(2026, 1, 5),
                "row": n + ROW_OFFSET,
                "events": [["JOB6", date(2026, 2, n % 28 + 1).isoformat()]] if n % 3 == 0 else [],
            }
            for n in range(2, 301)
        ],
    )
    db_session.flush()
    return submission


@pytest.fixture()
def as_manager(client, world, api_headers):
    headers = api_headers(world.user("manager_a"))
    return lambda path: client.get(f"/api/v1{path}", headers=headers)


def test_the_participants_of_a_report_come_a_page_at_a_time_in_sheet_order_with_their_events(big_report, as_manager):
    response = as_manager(f"/kpi-submissions/{big_report.id}/participants?page=2&page_size=50")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["total"], body["page"], body["page_size"]) == (300, 2, 50)
    assert [p["reference"] for p in body["items"]] == [f"D-{n:04d}" for n in range(51, 101)]
    with_events = {p["reference"]: p["events"] for p in body["items"] if p["events"]}
    assert sorted(with_events) == [f"D-{n:04d}" for n in range(51, 101) if n % 3 == 0]
    assert with_events["D-0051"] == [{"code": "JOB6", "date": "2026-02-24"}]


def test_a_participants_events_are_answered_by_day_then_code_whatever_their_order_in_the_sheet(
    db_session, world, as_manager
):
    make_plan(db_session, world.investee_a)
    job, started = "LP-EMPLOYED-HEADCOUNT", "LP-PLACEMENTS-STARTED"
    in_sheet = [started, date(2026, 3, 2), job, date(2026, 1, 9), job, date(2026, 3, 2), started, date(2026, 1, 9)]
    submission = make_submission(
        db_session, world.investee_a, participants=[["D-0001", date(2025, 4, 1), None, None, None, *in_sheet]]
    )
    body = as_manager(f"/kpi-submissions/{submission.id}/participants").get_json()
    assert body["items"][0]["events"] == [
        {"code": job, "date": "2026-01-09"},
        {"code": started, "date": "2026-01-09"},
        {"code": job, "date": "2026-03-02"},
        {"code": started, "date": "2026-03-02"},
    ]


def test_the_default_page_of_participants_is_small_and_a_page_size_over_200_is_refused(big_report, as_manager):
    body = as_manager(f"/kpi-submissions/{big_report.id}/participants").get_json()
    assert (len(body["items"]), body["total"], body["page_size"]) == (25, 300, 25)
    refused = as_manager(f"/kpi-submissions/{big_report.id}/participants?page_size=100000")
    assert refused.status_code == 422


def test_participants_are_found_by_part_of_their_reference_typed_in_any_form(big_report, as_manager):
    body = as_manager(f"/kpi-submissions/{big_report.id}/participants?q=ｄ-029").get_json()
    assert [p["reference"] for p in body["items"]] == [f"D-029{n}" for n in range(10)]
    assert body["total"] == 10


def _count_queries(app, call):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = app.extensions["fundapp.db"].engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements)


def test_a_page_of_participants_costs_the_same_queries_for_a_small_and_a_large_report(
    app, db_session, world, big_report, as_manager
):
    small = make_submission(db_session, world.investee_a, period="2026-Q1", participants=[["S-1", date(2026, 1, 5)]])
    as_manager("/me")  # the token's first use of the day is recorded once
    few = _count_queries(app, lambda: as_manager(f"/kpi-submissions/{small.id}/participants"))
    many = _count_queries(app, lambda: as_manager(f"/kpi-submissions/{big_report.id}/participants?page=12"))
    assert many == few


def test_the_report_page_shows_one_page_of_participants_with_links_to_the_others(client, world, login_as, big_report):
    login_as(world.user("manager_a"))
    response = client.get(f"/kpi-submissions/{big_report.id}?page=3&page_size=20")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    shown = [f"D-{n:04d}" for n in range(1, 301) if f"<td>D-{n:04d}</td>" in page]
    assert shown == [f"D-{n:04d}" for n in range(41, 61)]
    assert "Pagina 3 van 15" in page and 'rel="prev"' in page and 'rel="next"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/indicators",
        "/investees/{investee}/kpi-submissions",
        "/funds/{fund}/reporting-status",
        "/funds/{fund}/capital-sources",
        "/auth/tokens",
        "/loans/{loan}/repayments",
        "/kpi-submissions/{submission}/participants",
    ],
)
def test_every_list_of_the_api_answers_a_page(world, big_report, as_manager, path):
    url = path.format(
        investee=world.investee_a.id, fund=world.fund_a.id, loan=world.loan_a.id, submission=big_report.id
    )
    body = as_manager(f"{url}?page_size=1").get_json()
    assert set(body) == {"items", "total", "page", "page_size"}, url
    assert (body["page"], body["page_size"]) == (1, 1)
    assert len(body["items"]) == min(1, body["total"])


@pytest.mark.parametrize(
    "path",
    [
        "/indicators",
        "/investees/{investee}/impact",
        "/funds/{fund}/reporting?state=not_due_yet",
        "/funds/{fund}",
        "/investees/{investee}/loans",
        "/account/tokens",
    ],
)
def test_every_list_page_shows_one_page_and_says_how_many_there_are(client, world, login_as, big_report, path):
    login_as(world.user("manager_a"))
    url = path.format(investee=world.investee_a.id, fund=world.fund_a.id)
    separator = "&" if "?" in url else "?"
    response = client.get(f"{url}{separator}page_size=5")
    assert response.status_code == 200, url
    page = response.get_data(as_text=True)
    assert "in totaal" in page, url


def test_the_indicator_catalog_page_shows_page_size_indicators_and_links_to_the_next(client, world, login_as):
    login_as(world.user("manager_a"))
    page = client.get("/indicators?page_size=5").get_data(as_text=True)
    assert page.count("<tr><td><code>") == 5
    assert 'rel="next"' in page and "Pagina 1 van" in page
