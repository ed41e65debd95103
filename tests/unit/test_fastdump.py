"""A planned dump (fundapp/fastdump.py) gives what marshmallow's own dump gives, on generated rows."""

from __future__ import annotations

import enum
import importlib
import pkgutil
from datetime import UTC
from types import SimpleNamespace
from typing import Any

import marshmallow as ma
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundapp.fastdump import PlannedList, plan
from fundapp.validation import Day, DecimalTextField


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Line(ma.Schema):
    number = ma.fields.Integer()
    amount = DecimalTextField(places=2)


class Shouting(ma.Schema):
    word = ma.fields.String()

    @ma.post_dump
    def _loud(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        return {key: value.upper() if isinstance(value, str) else value for key, value in data.items()}


class Everything(ma.Schema):
    """One field of every kind the API's schemas use, plus the ones a plan leaves to marshmallow."""

    id = ma.fields.Integer()
    text = ma.fields.String(allow_none=True)
    flag = ma.fields.Boolean()
    colour = ma.fields.Enum(Colour, by_value=True, allow_none=True)
    colour_name = ma.fields.Enum(Colour, attribute="colour", allow_none=True, dump_only=True)
    currency = ma.fields.Constant("EUR")
    shown = ma.fields.Function(lambda row: f"#{getattr(row, 'id', None)}")
    amount = DecimalTextField(places=2, allow_none=True)
    renamed = ma.fields.Integer(attribute="count", data_key="how_many")
    day = Day(allow_none=True)
    at = ma.fields.DateTime(allow_none=True)
    stamp = ma.fields.DateTime(format="%Y/%m/%d", attribute="at", dump_only=True)
    with_default = ma.fields.String(dump_default="none given")
    dotted = ma.fields.String(attribute="parent.name")
    line = ma.fields.Nested(Line, allow_none=True)
    lines = ma.fields.List(ma.fields.Nested(Line), allow_none=True)
    many_lines = ma.fields.Nested(Line, many=True, attribute="lines", dump_only=True)
    numbers = ma.fields.List(ma.fields.Integer(), attribute="counts")
    loud = ma.fields.Nested(Shouting, allow_none=True)
    ratio = ma.fields.Decimal(places=3, as_string=True)


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


amounts = st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9)
lines = st.builds(SimpleNamespace, number=st.integers(), amount=amounts) | st.fixed_dictionaries(
    {"number": st.integers(), "amount": amounts}
)
FIELDS = {
    "id": st.integers(),
    "text": maybe(st.text(max_size=8)),
    "flag": maybe(st.booleans()),
    "colour": maybe(st.sampled_from(Colour)),
    "amount": maybe(amounts | st.integers(-(10**6), 10**6)),
    "count": st.integers(),
    "day": maybe(st.dates()),
    "at": st.datetimes(timezones=st.just(UTC)),
    "with_default": st.text(max_size=4),
    "parent": st.builds(SimpleNamespace, name=st.text(max_size=4)),
    "line": maybe(lines),
    "lines": st.lists(lines, max_size=3),
    "counts": st.lists(st.integers(), max_size=3),
    "loud": maybe(st.builds(SimpleNamespace, word=st.text(max_size=4))),
    "ratio": amounts,
}


@st.composite
def rows(draw: st.DrawFn) -> Any:
    """A row with some attributes left out, as an object or as a dict."""
    present = draw(st.sets(st.sampled_from(sorted(FIELDS))))
    values = {name: draw(FIELDS[name]) for name in sorted(present)}
    return values if draw(st.booleans()) else SimpleNamespace(**values)


def outcome(dump: Any, row: Any) -> Any:
    try:
        return dump(row)
    except Exception as exc:  # the same failure counts as the same answer
        return type(exc)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows())
def test_a_planned_dump_gives_what_marshmallow_gives_for_every_kind_of_field(row: Any) -> None:
    schema = Everything()
    expected = outcome(lambda r: Everything().dump(r), row)
    got = outcome(plan(schema), row)
    assert got == expected
    if isinstance(expected, dict):
        assert list(got) == list(expected)


def test_a_schema_with_dump_hooks_is_dumped_by_marshmallow_itself() -> None:
    schema = Shouting()
    assert plan(schema)(SimpleNamespace(word="hoi")) == {"word": "HOI"}


def _value_for(field: ma.fields.Field, depth: int) -> st.SearchStrategy:
    """Values of the type a field of the API dumps (None often; a wrong type sometimes)."""
    if isinstance(field, ma.fields.Nested):
        inner = _object_for(field.schema, depth + 1) if depth < 2 else st.none()
        return maybe(st.lists(inner, max_size=2) if (field.many or field.schema.many) else inner)
    if isinstance(field, ma.fields.List):
        return maybe(st.lists(_value_for(field.inner, depth), max_size=2))
    if isinstance(field, ma.fields.Enum):
        return maybe(st.sampled_from(list(field.enum)))
    if isinstance(field, ma.fields.Boolean):
        return maybe(st.booleans())
    if isinstance(field, ma.fields.Integer):
        return maybe(st.integers())
    if isinstance(field, DecimalTextField | ma.fields.Decimal):
        return maybe(amounts | st.integers(-(10**6), 10**6))
    if isinstance(field, ma.fields.DateTime):
        return maybe(st.datetimes(timezones=st.just(UTC)))
    if isinstance(field, ma.fields.Date):
        return maybe(st.dates())
    if isinstance(field, ma.fields.String):
        return maybe(st.text(max_size=6))
    return maybe(st.integers() | st.text(max_size=4))


def _object_for(schema: ma.Schema, depth: int = 0) -> st.SearchStrategy:
    attributes = {}
    for name, field in schema.dump_fields.items():
        source = (field.attribute or name).split(".")[0]
        attributes[source] = _value_for(field, depth) if "." not in (field.attribute or name) else st.none()
    return st.fixed_dictionaries(attributes).map(lambda values: Row(**values))


class Anything:
    """What a row answers for a name it was not given (what a schema's functions read): itself, all the way down."""

    def __getattr__(self, name: str) -> Any:
        return self

    def __str__(self) -> str:
        return "anything"


ANYTHING = Anything()


class Row(SimpleNamespace):
    def __getattr__(self, name: str) -> Any:
        return ANYTHING


def _page_schemas() -> list[type[ma.Schema]]:
    import fundapp

    for module in pkgutil.walk_packages(fundapp.__path__, "fundapp."):
        if "api" in module.name.rsplit(".", 1)[-1]:  # every API module, so that every page schema exists
            importlib.import_module(module.name)
    found, todo = [], [ma.Schema]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if isinstance(cls._declared_fields.get("items"), PlannedList):
            found.append(cls)
    return sorted(found, key=lambda cls: cls.__name__)


@pytest.mark.parametrize("page_schema", _page_schemas(), ids=lambda cls: cls.__name__)
def test_every_api_list_dumps_generated_rows_as_its_marshmallow_schema_does(page_schema: type[ma.Schema]) -> None:
    item = page_schema().fields["items"].inner.schema
    dumped: list[bool] = []

    @settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.lists(_object_for(item), max_size=3))
    def check(items: list[Any]) -> None:
        page = {"items": items, "total": len(items), "page": 1, "page_size": 25}
        expected = outcome(lambda p: _plain(page_schema).dump(p), page)
        assert outcome(page_schema().dump, page) == expected
        dumped.append(isinstance(expected, dict))

    check()
    assert any(dumped), "no generated page could be dumped at all"


def _plain(page_schema: type[ma.Schema]) -> ma.Schema:
    """The same page schema with marshmallow's own List of the items."""
    item = page_schema._declared_fields["items"].inner
    return ma.Schema.from_dict({**page_schema._declared_fields, "items": ma.fields.List(item)})()


def test_a_page_of_loans_is_dumped_without_marshmallows_per_field_lookups_whatever_its_length(
    app, world, client, api_headers, monkeypatch
) -> None:
    calls = []
    serialize = ma.fields.Field.serialize
    monkeypatch.setattr(ma.fields.Field, "serialize", lambda self, *a, **k: calls.append(1) or serialize(self, *a, **k))
    response = client.get("/api/v1/loans", headers=api_headers(world.user("admin")))
    assert response.status_code == 200
    assert len(response.get_json()["items"]) >= 2
    assert len(calls) == 4  # the page's items, total, page and page_size: none per loan


def test_a_page_of_loans_answers_what_marshmallow_dumps_for_the_same_loans(
    app, db_session, world, client, api_headers
) -> None:
    from fundapp.loans.models import Loan
    from fundapp.loans.schemas import LoanSchema

    answer = client.get("/api/v1/loans", headers=api_headers(world.user("admin"))).get_json()
    loans = [db_session.get(Loan, item["id"]) for item in answer["items"]]
    assert answer["items"] == LoanSchema(many=True).dump(loans)
