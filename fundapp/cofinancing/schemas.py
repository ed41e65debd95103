"""Co-financing at the edge: the API's nested bodies, and the pages' forms with a fixed number of party rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma

from fundapp.api import PagingArgsSchema
from fundapp.cofinancing.models import InstrumentKind, PartyKind
from fundapp.validation import Day, MoneyField, PercentField, TrimmedString

Length = ma.validate.Length
FORM_ROWS = 5


class PartySchema(ma.Schema):
    """A fund in fundapp (``fund_id``), or an external co-financier (``party_name`` and ``party_kind``)."""

    fund_id = ma.fields.Integer(load_default=None, allow_none=True, strict=False)
    party_name = TrimmedString(load_default="", validate=Length(max=200))
    party_kind = ma.fields.Enum(PartyKind, by_value=True, load_default=None, allow_none=True)

    @ma.validates_schema
    def _one_party(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("fund_id") is not None:
            if data.get("party_name") or data.get("party_kind"):
                raise ma.ValidationError("Choose a fund or name a co-financier, not both.", "party_name")
            return
        if not data.get("party_name"):
            raise ma.ValidationError("Choose a fund or name a co-financier.", "party_name")
        if data.get("party_kind") is None:
            raise ma.ValidationError("Say what kind of co-financier this is.", "party_kind")


class RoundParticipantCreateSchema(PartySchema):
    instrument = ma.fields.Enum(InstrumentKind, by_value=True, required=True)
    amount = MoneyField(required=True, min_value=Decimal("0.01"))
    loan_id = ma.fields.Integer(load_default=None, allow_none=True, strict=False)


class RoundCreateSchema(ma.Schema):
    name = TrimmedString(required=True, validate=Length(min=2, max=200))
    on = Day(required=True, data_key="date")
    notes = TrimmedString(load_default="", validate=Length(max=5000))
    participants = ma.fields.List(
        ma.fields.Nested(RoundParticipantCreateSchema), required=True, validate=Length(min=1, max=50)
    )


class ParticipationCreateSchema(PartySchema):
    percentage = PercentField(required=True, min_value=Decimal("0.0001"))


class ParticipationsSetSchema(ma.Schema):
    participations = ma.fields.List(ma.fields.Nested(ParticipationCreateSchema), required=True)


class RoundParticipantSchema(ma.Schema):
    id = ma.fields.Integer()
    fund_id = ma.fields.Integer(allow_none=True)
    party = ma.fields.String()
    party_kind = ma.fields.Enum(PartyKind, by_value=True, allow_none=True)
    instrument = ma.fields.Enum(InstrumentKind, by_value=True)
    amount = MoneyField()
    currency = ma.fields.Constant("EUR")
    loan_id = ma.fields.Integer(allow_none=True)


class RoundSchema(ma.Schema):
    id = ma.fields.Integer()
    investee_id = ma.fields.Integer()
    investee = ma.fields.Function(lambda r: r.investee.name)
    name = ma.fields.String()
    on = Day(data_key="date")
    notes = ma.fields.String()
    total = MoneyField()
    currency = ma.fields.Constant("EUR")
    participants = ma.fields.List(ma.fields.Nested(RoundParticipantSchema))


class ParticipationSchema(ma.Schema):
    fund_id = ma.fields.Integer(allow_none=True)
    party = ma.fields.String()
    party_kind = ma.fields.Enum(PartyKind, by_value=True, allow_none=True)
    percentage = PercentField()
    lead = ma.fields.Boolean()


class LoanParticipationsSchema(ma.Schema):
    loan_id = ma.fields.Integer()
    lead_fund_id = ma.fields.Integer()
    syndicated = ma.fields.Boolean()
    participations = ma.fields.List(ma.fields.Nested(ParticipationSchema))


class RoundListArgsSchema(PagingArgsSchema):
    investee_id = ma.fields.Integer(load_default=None)
    fund_id = ma.fields.Integer(load_default=None)


def _rows(prefix_fields: dict[str, ma.fields.Field]) -> dict[str, ma.fields.Field]:
    return {f"{name}_{i}": field for i in range(1, FORM_ROWS + 1) for name, field in prefix_fields.items()}


def _form_rows(data: dict[str, Any], names: tuple[str, ...], schema: ma.Schema) -> list[dict[str, Any]]:
    """The filled rows of a form, each loaded by ``schema``; errors name the row's own fields."""
    rows, errors = [], {}
    for i in range(1, FORM_ROWS + 1):
        row = {name: data.pop(f"{name}_{i}", None) for name in names}
        if all(value in (None, "") for value in row.values()):
            continue
        try:
            rows.append(schema.load({k: v for k, v in row.items() if v not in (None, "")}))
        except ma.ValidationError as exc:
            messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
            for field, message in messages.items():
                errors[f"{field if field != '_schema' else names[0]}_{i}"] = message
    if errors:
        raise ma.ValidationError(errors)
    return rows


PARTY_ROW = ("fund_id", "party_name", "party_kind", "instrument", "amount")
SHARE_ROW = ("fund_id", "party_name", "party_kind", "percentage")


class RoundFormSchema(ma.Schema):
    """The page's form: a round and up to five parties, one row each (an empty row is left out)."""

    name = TrimmedString(required=True, validate=Length(min=2, max=200))
    on = Day(required=True, data_key="date")
    notes = TrimmedString(load_default="", validate=Length(max=5000))
    locals().update(_rows({name: ma.fields.String(load_default=None) for name in PARTY_ROW}))

    @ma.post_load
    def _participants(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        rows = _form_rows(data, PARTY_ROW, RoundParticipantCreateSchema())
        if not rows:
            raise ma.ValidationError("Name at least one party.", "fund_id_1")
        return {**data, "participants": rows}


class ParticipationsFormSchema(ma.Schema):
    """The loan page's form: up to five parties and their percentages (no row: the loan is its fund's alone)."""

    locals().update(_rows({name: ma.fields.String(load_default=None) for name in SHARE_ROW}))

    @ma.post_load
    def _participations(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        return {"participations": _form_rows(data, SHARE_ROW, ParticipationCreateSchema())}
