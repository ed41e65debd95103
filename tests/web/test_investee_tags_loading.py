"""An investee's themes, SDGs and labels are read where they are shown (a list of investees, an investee's page),
not with every investee a page names (a loan, a contract, a claim)."""

from __future__ import annotations

import re

from sqlalchemy import event

from tests.factories import add_outcomes

TAGS = re.compile(r"\b(FROM|JOIN) (labels|investee_sdgs|investee_themes)\b")


def _statements(app, run):
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = app.extensions["fundapp.db"].engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return response, seen


def test_a_loan_contract_or_claim_page_reads_no_themes_goals_or_labels_of_its_investee(
    app, db_session, world, login_as
):
    add_outcomes(db_session, world)
    db_session.flush()
    pages = [
        ("manager_a", f"/loans/{world.loan_a.id}"),
        ("manager_a", f"/funds/{world.fund_a.id}/loans"),
        ("member_a", f"/loans/{world.loan_a.id}"),
        ("officer_a", f"/contracts/{world.contract_a.id}"),
        ("officer_a", "/claims"),
    ]
    for role, path in pages:
        client = login_as(world.user(role))
        response, seen = _statements(app, lambda client=client, path=path: client.get(path))
        assert world.investee_a.name in response.get_data(as_text=True)
        assert [s for s in seen if TAGS.search(s)] == [], f"{path} as {role}"


def test_a_list_of_investees_shows_their_themes_goals_and_labels_in_one_query_each(
    app, db_session, world, login_as, api_headers
):
    client = login_as(world.user("admin"))
    response, seen = _statements(app, lambda: client.get("/investees/"))
    page = response.get_data(as_text=True)
    assert "Arbeidsparticipatie" in page and "PSO" in page
    assert len([s for s in seen if TAGS.search(s)]) <= 3
    response, seen = _statements(app, lambda: client.get("/api/v1/investees", headers=api_headers(world.user("admin"))))
    item = next(i for i in response.get_json()["items"] if i["id"] == world.investee_a.id)
    assert item["themes"] == ["arbeidsparticipatie"] and item["sdgs"] == [8] and len(item["labels"]) == 1
    assert len([s for s in seen if TAGS.search(s)]) == 3
