"""The REST API under /api/v1: flask-smorest, with our error format and OpenAPI document."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from apispec import BasePlugin
from flask import Flask, Request
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import CombinedMultiDict

from fundapp import jsonbody
from fundapp.errors import ValidationFailed
from fundapp.fastdump import PlannedList


class ErrorBodySchema(ma.Schema):
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    details = ma.fields.Raw(required=True, metadata={"description": "field or cell problems"})


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorBodySchema, required=True)


class Api(SmorestApi):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        """Errors are answered by fundapp.errors, in one format for the whole app."""


class BodyParser(FlaskParser):
    """webargs' parser with our JSON reading (bounded, valid text); a PATCH must say what to change; and a
    "multipart" location: a form's fields and files together (a file with what it is)."""

    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req: Request, schema: ma.Schema) -> Any:
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)

    def load_json(self, req: Request, schema: ma.Schema) -> Any:
        data = req.get_data(cache=True) if is_json_request(req) else b""
        if data.strip():
            return jsonbody.parse(data)
        if req.method == "PATCH":
            # Without a body a PATCH would change nothing and still answer 200, hiding a client's mistake.
            raise ValidationFailed(
                "Send the fields to change as a JSON object.", [{"field": "_body", "message": "no JSON body"}]
            )
        return missing


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = BodyParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **SmorestBlueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }


def make_blueprint(name: str, description: str) -> Blueprint:
    return Blueprint(f"api_{name}", __name__, url_prefix="/api/v1", description=description)


def schema_name(schema: Any) -> str:
    """Component names for the OpenAPI document; a partial (PATCH) schema gets its own name."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    if not isinstance(schema, type) and schema.partial:
        name += "Patch"
    return name


class PagingArgsSchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100000))
    page_size = ma.fields.Integer(load_default=25, validate=ma.validate.Range(min=1, max=200))


class PageArgsSchema(PagingArgsSchema):
    q = ma.fields.String(load_default=None, validate=ma.validate.Length(max=200))


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    return type(
        name,
        (ma.Schema,),
        {
            "items": PlannedList(ma.fields.Nested(item_schema), required=True),
            "total": ma.fields.Integer(required=True),
            "page": ma.fields.Integer(required=True),
            "page_size": ma.fields.Integer(required=True),
        },
    )


def page_of(items: list[Any], total: int, page: int, page_size: int) -> dict[str, Any]:
    return {"items": items, "total": total, "page": page, "page_size": page_size}


class IdempotencyKeyPlugin(BasePlugin):
    """Documents the Idempotency-Key header (fundapp/idempotency.py) on every POST made with a token."""

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **kwargs: Any) -> None:
        post = (operations or {}).get("post")
        if post is not None and post.get("security") != []:
            post.setdefault("parameters", []).append(idempotency_key_parameter())


def idempotency_key_parameter() -> dict[str, Any]:
    from fundapp.idempotency import HEADER, LIFETIME, REPLAYED_HEADER

    hours = int(LIFETIME.total_seconds() // 3600)
    return {
        "name": HEADER,
        "in": "header",
        "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
        "description": "A key of your choice (a UUID) that makes a retry safe: the first request with it takes "
        f"effect; sent again with the same path and body within {hours} hours, it gets the first (successful) "
        f"answer again, with `{REPLAYED_HEADER}: true`, and changes nothing. A failed request keeps nothing, so "
        "it may be sent again with its key. The same key with another path or body is refused (422).",
    }


def init_app(app: Flask) -> Api:
    app.config.update(
        API_TITLE="fundapp API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {
                "description": "The back office of place-based impact funds and the municipalities "
                "that pay for outcomes. Money is a decimal string; dates are ISO 8601. A POST made with a token takes an "
                "Idempotency-Key header, so that a retry never takes effect twice.",
            },
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/tokens"}
                }
            },
            "security": [{"bearerAuth": []}],
        },
    )
    from apispec.ext.marshmallow import MarshmallowPlugin

    return Api(
        app,
        spec_kwargs={
            "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name),
            "extra_plugins": [IdempotencyKeyPlugin()],
        },
    )
