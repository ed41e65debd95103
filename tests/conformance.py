"""A test client that checks every answer of the API against the app's own OpenAPI document.

Installed on the suite's app (tests/conftest.py), so every API test is also a test of the document:
a figure the schema calls a number but the API sends as a string fails the test that fetched it.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from flask.testing import FlaskClient

_SCHEMAS: dict[int, Any] = {}
DOCUMENT = "/api/v1/openapi.json"


def _schema(app: Any) -> Any:
    if id(app) not in _SCHEMAS:
        document = FlaskClient(app).get(DOCUMENT).get_json()
        _SCHEMAS[id(app)] = schemathesis.openapi.from_dict(document)
    return _SCHEMAS[id(app)]


def problems(app: Any, method: str, path: str, response: Any) -> str | None:
    """What in the answer differs from the document; None when it conforms or the path is not an operation."""
    if not path.startswith("/api/v1/") or path == DOCUMENT:
        return None
    operation = _schema(app).find_operation_by_path(method, path)
    if operation is None:
        return None
    try:
        operation.validate_response(response)
    except Exception as exc:  # schemathesis' FailureGroup, or an AssertionError
        return f"{method} {path} answered {response.status_code}, not as the OpenAPI document says:\n{exc}"
    return None


class SchemaCheckingClient(FlaskClient):
    def open(self, *args: Any, **kwargs: Any) -> Any:
        response = super().open(*args, **kwargs)
        request = response.request
        problem = problems(self.application, request.method, request.path, response)
        if problem:
            raise AssertionError(problem)
        return response
