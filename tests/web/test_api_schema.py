"""Schemathesis against /api/v1/openapi.json: generated requests never cause a server error,
and every answer matches the API's own schema (status codes, content types, bodies).

Bounded: a few examples per operation, derandomized, so the run is quick and repeatable. Generated ids
mostly miss, so every GET is also called once on the world's real objects; and the suite's test client
(tests/conformance.py) checks every answer of every API test against the document.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks as openapi_checks

from tests import api_paths
from tests.conformance import problems

# Operations that read or write files are covered by their own tests.
SKIP = ("kpi-submissions", "schedule.xlsx", "kpi-template", "report", "portfolio-")
CHECKS = (
    not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
)
EXAMPLES = 3


def _operations(app):
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    for result in loaded.get_all_operations():
        operation = result.ok()
        if not any(part in operation.path for part in SKIP):
            yield operation


def _exercise(operation, headers) -> str | None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    try:
        run()
    except Exception as exc:
        return f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}"
    return None


def test_the_api_never_fails_and_keeps_to_its_own_schema(app, world, api_headers):
    headers = api_headers(world.user("admin"))
    operations = list(_operations(app))
    assert len(operations) > 50
    failures = [f for f in (_exercise(op, headers) for op in operations) if f]
    assert failures == [], "\n\n".join(failures)


def test_every_get_on_the_worlds_objects_answers_as_the_document_says(app, client, db_session, world, api_headers):
    ids = api_paths.world_ids(db_session, world)
    gets = [(path, operation) for method, path, operation in api_paths.operations(client) if method == "GET"]
    assert len(gets) > 25
    found: list[str] = []
    for path, operation in gets:
        url = api_paths.fill(path, ids, operation)
        for role in api_paths.ROLES:
            response = client.open(url, method="GET", headers=api_headers(world.user(role)))
            if response.status_code not in (401, 403, 404):
                break
        assert response.status_code == 200, (url, response.status_code, response.get_data()[:300])
        found.extend(p for p in [problems(app, "GET", response.request.path, response)] if p)
    assert found == [], "\n\n".join(found)


def test_every_schema_of_the_document_has_a_name_of_its_own():
    """Two schemas resolving to one name get a numbered name ("Participation1"): other systems generate code from
    these names, so a clash must be resolved by naming, not by registration order."""
    import warnings

    from fundapp import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "schema-names-" * 4, "TESTING": True})
        document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert not [name for name in document["components"]["schemas"] if name[-1].isdigit()]
