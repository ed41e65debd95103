from __future__ import annotations

import marshmallow as ma

from fundapp.capital.models import DistributionKind
from fundapp.funds.models import CapitalSourceKind
from fundapp.validation import Day, MoneyField, PercentField, RatioField, TrimmedString

Length = ma.validate.Length


def _positive(value):
    if value <= 0:
        raise ma.ValidationError("Enter an amount above zero.")


class InvestorCreateSchema(ma.Schema):
    name = TrimmedString(required=True, validate=Length(min=1, max=200))
    commitment = MoneyField(required=True)
    kind = ma.fields.Enum(CapitalSourceKind, by_value=True, load_default=CapitalSourceKind.OTHER)
    fixed_share_percent = PercentField(
        load_default=None,
        allow_none=True,
        metadata={"description": "a fixed share of the NAV in percent; without it, the share follows paid-in capital"},
    )
    notes = TrimmedString(load_default="", validate=Length(max=2000))

    @ma.validates("fixed_share_percent")
    def _above_zero(self, value, **_kwargs):
        if value is not None and value <= 0:
            raise ma.ValidationError("Enter a share above zero, or leave it empty.")


class CallCreateSchema(ma.Schema):
    date = Day(required=True)
    amount = MoneyField(required=True, validate=_positive)


class DistributionCreateSchema(CallCreateSchema):
    kind = ma.fields.Enum(DistributionKind, by_value=True, required=True)


class ExpenseCreateSchema(CallCreateSchema):
    description = TrimmedString(required=True, validate=Length(min=1, max=300))


class CallSchema(ma.Schema):
    id = ma.fields.Integer()
    investor_id = ma.fields.Integer()
    date = Day(attribute="on")
    amount = MoneyField()


class DistributionSchema(CallSchema):
    kind = ma.fields.Enum(DistributionKind, by_value=True)


class ExpenseSchema(ma.Schema):
    id = ma.fields.Integer()
    fund_id = ma.fields.Integer()
    date = Day(attribute="on")
    amount = MoneyField()
    description = ma.fields.String()


class FundInvestorSchema(ma.Schema):
    id = ma.fields.Integer()
    fund_id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.Enum(CapitalSourceKind, by_value=True)
    commitment = MoneyField()
    fixed_share_percent = PercentField(allow_none=True)
    notes = ma.fields.String()
    currency = ma.fields.Function(lambda obj: obj.fund.currency)
    calls = ma.fields.List(ma.fields.Nested(CallSchema))
    distributions = ma.fields.List(ma.fields.Nested(DistributionSchema))


class AsOfArgsSchema(ma.Schema):
    as_of = Day(required=True, metadata={"description": "the date, YYYY-MM-DD"})


class NavSchema(ma.Schema):
    as_of = Day()
    cash = MoneyField(min_value=None)
    loans_outstanding = MoneyField(min_value=None)
    provision = MoneyField(min_value=None)
    equity_value = MoneyField(min_value=None)
    receivables = MoneyField(min_value=None)
    nav = MoneyField(min_value=None)


class CapitalAccountSchema(ma.Schema):
    committed = MoneyField()
    paid_in = MoneyField()
    distributed = MoneyField()
    nav_share = MoneyField(min_value=None)
    dpi = RatioField(places=4, allow_none=True)
    rvpi = RatioField(places=4, allow_none=True)
    tvpi = RatioField(places=4, allow_none=True)
    irr = RatioField(places=6, allow_none=True, metadata={"description": "annual, 0.051234 = 5.1234 %"})


class ProvisionRatesSchema(ma.Schema):
    current = PercentField(required=True)
    days_1_30 = PercentField(required=True)
    days_31_90 = PercentField(required=True)
    over_90 = PercentField(required=True)
