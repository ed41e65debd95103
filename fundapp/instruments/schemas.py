from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma

from fundapp.api import PagingArgsSchema
from fundapp.instruments.models import ConversionTrigger, EquityEventKind, ValuationMethod
from fundapp.validation import Day, DecimalTextField, MoneyField, PercentField, TrimmedString, WholeNumberField

Length = ma.validate.Length
POSITIVE = Decimal("0.000001")


class PriceField(DecimalTextField):
    """A price per share as a decimal string with up to six decimals ("1.60")."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", POSITIVE)
        kwargs.setdefault("max_value", Decimal("1e9"))
        kwargs.setdefault("metadata", {}).setdefault("example", "2.50")
        super().__init__(places=6, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else f"{Decimal(value).normalize():f}"


class EquityParticipationCreateSchema(ma.Schema):
    investee_id = ma.fields.Integer(required=True, strict=True)
    date = Day(required=True)
    shares = WholeNumberField(required=True, strict=True, validate=ma.validate.Range(min=1, max=10**12))
    price_per_share = PriceField(required=True)
    amount_paid = MoneyField(load_default=None, allow_none=True, metadata={"description": "Default: shares × price"})
    note = TrimmedString(load_default="", validate=Length(max=2000))


class ValuationSchema(ma.Schema):
    date = Day(required=True)
    value_per_share = PriceField(required=True, min_value=Decimal("0"))
    method = ma.fields.Enum(ValuationMethod, by_value=True, required=True)
    decided_by = TrimmedString(required=True, validate=Length(min=1, max=200))
    note = TrimmedString(load_default="", validate=Length(max=2000))


class DividendSchema(ma.Schema):
    date = Day(required=True)
    amount = MoneyField(required=True, min_value=Decimal("0.01"))
    note = TrimmedString(load_default="", validate=Length(max=2000))


class ExitSchema(ma.Schema):
    date = Day(required=True)
    shares = WholeNumberField(required=True, strict=True, validate=ma.validate.Range(min=1, max=10**12))
    proceeds = MoneyField(required=True)
    note = TrimmedString(load_default="", validate=Length(max=2000))


class EquityEventCreateSchema(ma.Schema):
    """One event of any kind (the API): the fields its kind needs."""

    kind = ma.fields.Enum(EquityEventKind, by_value=True, required=True)
    date = Day(required=True)
    value_per_share = PriceField(load_default=None, allow_none=True, min_value=Decimal("0"))
    method = ma.fields.Enum(ValuationMethod, by_value=True, load_default=None, allow_none=True)
    decided_by = TrimmedString(load_default="", validate=Length(max=200))
    amount = MoneyField(
        load_default=None, allow_none=True, metadata={"description": "dividend: amount; exit: proceeds"}
    )
    shares = WholeNumberField(load_default=None, allow_none=True, strict=True, validate=ma.validate.Range(min=1))
    note = TrimmedString(load_default="", validate=Length(max=2000))

    @ma.validates_schema
    def _needed(self, data: dict[str, Any], **_kwargs: Any) -> None:
        needed = {
            EquityEventKind.VALUATION: ("value_per_share", "method", "decided_by"),
            EquityEventKind.DIVIDEND: ("amount",),
            EquityEventKind.EXIT: ("shares", "amount"),
        }[data["kind"]]
        missing = {name: ["Missing data for required field."] for name in needed if data.get(name) in (None, "")}
        if missing:
            raise ma.ValidationError(missing)


class EquityEventSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.Enum(EquityEventKind, by_value=True)
    date = Day(attribute="on")
    value_per_share = PriceField(allow_none=True)
    method = ma.fields.Enum(ValuationMethod, by_value=True, allow_none=True)
    decided_by = ma.fields.String()
    amount = MoneyField(allow_none=True)
    shares_sold = ma.fields.Integer(allow_none=True)
    carrying_change = MoneyField(min_value=None)
    cost_sold = MoneyField()
    carrying_sold = MoneyField()
    note = ma.fields.String()


class EquityParticipationSchema(ma.Schema):
    id = ma.fields.Integer()
    fund_id = ma.fields.Integer()
    investee_id = ma.fields.Integer()
    date = Day(attribute="on")
    shares = ma.fields.Integer()
    price_per_share = PriceField()
    cost = MoneyField()
    loan_id = ma.fields.Integer(allow_none=True)
    converted_principal = MoneyField()
    converted_interest = MoneyField()
    currency = ma.fields.Constant("EUR")


class PositionSchema(ma.Schema):
    shares_held = ma.fields.Integer()
    cost_held = MoneyField()
    carrying_value = MoneyField(min_value=None)
    value_per_share = PriceField(allow_none=True)
    realised_result = MoneyField(min_value=None)
    unrealised_result = MoneyField(min_value=None)
    dividends = MoneyField()


class EquityParticipationDetailSchema(EquityParticipationSchema):
    position = ma.fields.Nested(PositionSchema)
    events = ma.fields.List(ma.fields.Nested(EquityEventSchema))


class EquityParticipationListArgsSchema(PagingArgsSchema):
    fund_id = ma.fields.Integer(load_default=None)
    investee_id = ma.fields.Integer(load_default=None)


class ConversionTermsSchema(ma.Schema):
    price_per_share = PriceField(load_default=None, allow_none=True)
    discount_percent = PercentField(load_default=None, allow_none=True, max_value=Decimal("99"))
    cap = PriceField(load_default=None, allow_none=True)
    trigger = ma.fields.Enum(ConversionTrigger, by_value=True, required=True)
    trigger_text = TrimmedString(load_default="", validate=Length(max=2000))


class ConversionSchema(ma.Schema):
    date = Day(required=True)
    round_price = PriceField(
        load_default=None, allow_none=True, metadata={"description": "The round's price (needed for a discount)"}
    )
    principal = MoneyField(
        load_default=None,
        allow_none=True,
        min_value=Decimal("0.01"),
        metadata={"description": "Leave out to convert the whole loan with its accrued interest"},
    )
