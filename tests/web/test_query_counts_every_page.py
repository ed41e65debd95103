"""Every page and API read issues the same number of queries with few rows and with many (no query per row).

The test enumerates the GET routes of the app's URL map, so a new page is measured without anyone listing it.
Each route is called on world A of the authorization walk (``walk_world.py``: an object of every kind, ids in
``arguments``) as every role of world A allowed to read it (the administrator, who sees every row, and the
manager, officer, member and validator, whose pages are filtered by their scope), once after one round of
``query_growth.grow`` and once after two more. Every kind of row a page lists or aggregates
grows in between, both as new rows of fund A and as children of the objects detail pages show. A route whose
count changes lists its rows with a query per row. Only the routes in EXEMPT are not measured, each for a reason;
UNBOUNDED holds the routes still known to grow, each with what grows (the test fails when one of them stops
growing, so that it leaves the list).
"""

from __future__ import annotations

from typing import Any

from tests.web.query_growth import grow
from tests.web.test_authorization_matrix import ACCESS, QUERY
from tests.web.test_query_counts import counting
from tests.web.walk_world import PREPARE, arguments

# Not pages: what they answer does not list rows, or is a file or a redirect, or is about who is logged in.
EXEMPT: dict[str, str] = {
    "static": "a file of the app",
    "home.health": "the load balancer's probe: one query whatever the data",
    "home.language": "a redirect that sets the language",
    "home.api_docs": "a static page that loads the OpenAPI document",
    "api-docs.openapi_json": "the API's description, no rows",
    "auth.login": "the login form (a logged-in user is sent on)",
    "people.accept_invitation": "a mailed link's form, for whoever holds it",
    "people.reset_password": "a mailed link's form, for whoever holds it",
    "people.forgot_password": "a form without rows",
    "reports.stylesheet": "a stylesheet",
    "documents.document_download": "a file download",
    "api_documents.document_content": "a file download",
    "report_files.download": "a file download",
    "impact.submission_file": "a file download (the uploaded workbook)",
    "batches.download": "a file download (the stored pain file)",
    "api_batches.credit_transfer_file": "a file download (the stored pain file)",
    "api_batches.direct_debit_file": "a file download (the stored pain file)",
}

ROLES = ("admin", "manager_a", "officer_a", "member_a", "validator_a")
# An administrator is no party to a contract: the form to accept one is only shown to its parties.
NOT_AS = {"outcomes.accept_contract": {"admin"}}
# Reads that need a query argument to show their page, besides the authorization walk's.
PAGE_QUERY = {**QUERY, "pipeline.move": "?action=start_due_diligence"}

# endpoint -> what still issues a query per row (fixed routes leave this list).
UNBOUNDED: dict[str, str] = {}


def _get_routes(app: Any) -> list[tuple[str, Any]]:
    return sorted(
        ((rule.endpoint, rule) for rule in app.url_map.iter_rules() if "GET" in rule.methods),
        key=lambda route: route[1].rule,
    )


def _calls(app: Any) -> list[tuple[str, str, Any]]:
    """(endpoint, role, rule) of every GET route not exempt, for each role of world A that may read it."""
    return [
        (endpoint, role, rule)
        for endpoint, rule in _get_routes(app)
        if endpoint not in EXEMPT
        for role in ROLES
        if role in ACCESS[endpoint] and role not in NOT_AS.get(endpoint, ())
    ]


def _measure(app: Any, walk: Any, db_session: Any, clients: Any, headers: Any, newest: Any, call: Any) -> Any:
    """(url, status, number of queries) of one call, in a savepoint that undoes the route's state (PREPARE)."""
    endpoint, role, rule = call
    savepoint = db_session.begin_nested()
    try:
        # A route that needs a state gets it on the walk's own objects, not on the newest.
        values = {**arguments(walk), **(PREPARE[endpoint](db_session, walk) if endpoint in PREPARE else newest)}
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        url += PAGE_QUERY.get(endpoint, "")
        api = rule.rule.startswith("/api/")
        with counting(app.extensions["fundapp.db"].engine) as statements:
            response = clients[role].get(url, headers=headers[role] if api else None)
        # A logged-in session notes its last use at most every five minutes (user_sessions.TOUCH_EVERY), and the
        # savepoint undoes that note: on a slow machine every later call would count it, whatever the rows.
        return url, response.status_code, sum(not sql.startswith("UPDATE user_sessions") for sql in statements)
    finally:
        savepoint.rollback()
        db_session.expire_all()


def test_every_get_route_is_measured_or_exempt_with_a_reason(app):
    endpoints = {endpoint for endpoint, _rule in _get_routes(app)}
    assert sorted(set(EXEMPT) - endpoints) == [], "EXEMPT names routes that are no GET routes"
    assert sorted(set(UNBOUNDED) - endpoints) == [], "UNBOUNDED names routes that are no GET routes"
    assert sorted(set(UNBOUNDED) & set(EXEMPT)) == []
    assert all(reason for reason in (*EXEMPT.values(), *UNBOUNDED.values()))


def test_every_page_issues_the_same_number_of_queries_for_few_and_for_many_rows(app, walk, db_session, role_clients):
    clients, _tokens, headers = role_clients
    calls = _calls(app)
    newest = grow(db_session, walk, 1)
    few = [_measure(app, walk, db_session, clients, headers, newest, call) for call in calls]
    grow(db_session, walk, 2)
    newest = grow(db_session, walk, 3)
    many = [_measure(app, walk, db_session, clients, headers, newest, call) for call in calls]
    problems, grew = [], set()
    for (endpoint, role, _rule), (url, status, count), (_url, status_many, count_many) in zip(
        calls, few, many, strict=True
    ):
        if (status, status_many) != (200, 200):
            problems.append(
                f"{endpoint} {url} as {role}: answered {status}/{status_many}; give it a state or exempt it"
            )
        elif count_many != count:
            grew.add(endpoint)
            if endpoint not in UNBOUNDED:
                problems.append(f"{endpoint} {url} as {role}: {count} queries with few rows, {count_many} with many")
    problems += [f"{endpoint}: no longer grows, remove it from UNBOUNDED" for endpoint in sorted(set(UNBOUNDED) - grew)]
    assert problems == [], "\n".join(problems)
