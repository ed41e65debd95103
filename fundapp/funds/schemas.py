from __future__ import annotations

import marshmallow as ma

from fundapp.banking.account_schemas import CreditorIdField
from fundapp.funds.models import CapitalSourceKind
from fundapp.impact.schemas import QuantityField
from fundapp.validation import Day, MoneyField, PercentField, RatioField, TrimmedString, WholeNumberField

Length = ma.validate.Length


class CapitalSourceCreateSchema(ma.Schema):
    name = TrimmedString(required=True, validate=Length(min=1, max=200))
    kind = ma.fields.Enum(CapitalSourceKind, by_value=True, required=True)
    committed = MoneyField(required=True)
    paid_in = MoneyField(load_default=None, allow_none=True)
    expected_return_percent = PercentField(load_default=None, allow_none=True, min_value=None, max_value=None)
    term_years = WholeNumberField(load_default=None, allow_none=True, validate=ma.validate.Range(min=0, max=100))
    notes = TrimmedString(load_default="", validate=Length(max=2000))

    @ma.validates("expected_return_percent")
    def _sane_return(self, value, **_kwargs):
        if value is not None and not (-100 <= value <= 100):
            raise ma.ValidationError("Enter a return between -100 and 100 percent.")

    @ma.validates_schema
    def _paid_in_within_commitment(self, data, **_kwargs):
        paid = data.get("paid_in")
        committed = data.get("committed")
        if paid is not None and committed is not None and paid > committed:
            raise ma.ValidationError("Paid in cannot exceed the commitment.", "paid_in")


class CapitalSourceSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    fund_id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String()
    kind = ma.fields.Enum(CapitalSourceKind, by_value=True)
    committed = MoneyField()
    paid_in = MoneyField()
    expected_return_percent = PercentField(allow_none=True, min_value=None, max_value=None)
    term_years = ma.fields.Integer(allow_none=True)
    notes = ma.fields.String()
    currency = ma.fields.Function(lambda obj: obj.fund.currency)


class FundCreateSchema(ma.Schema):
    name = TrimmedString(required=True, validate=Length(min=2, max=200))
    region = TrimmedString(required=True, validate=Length(min=2, max=120))
    description = TrimmedString(load_default="", validate=Length(max=5000))
    currency = ma.fields.String(load_default="EUR", validate=ma.validate.OneOf(["EUR"]))
    founded_on = Day(load_default=None, allow_none=True)
    creditor_id = CreditorIdField(
        load_default=None, allow_none=True, metadata={"description": "SEPA creditor identifier, for direct debits"}
    )
    auto_book_exact_matches = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "book statement matches by end-to-end id or loan reference for the exact amount due"},
    )
    disbursement_threshold = MoneyField(
        load_default=None,
        allow_none=True,
        metadata={"description": "a loan's disbursements above this need a second person besides its creator"},
    )


class FundSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    region = ma.fields.String()
    description = ma.fields.String()
    currency = ma.fields.String()
    founded_on = Day(allow_none=True)
    creditor_id = ma.fields.String(allow_none=True)
    auto_book_exact_matches = ma.fields.Boolean()
    disbursement_threshold = MoneyField(allow_none=True)
    capital_sources = ma.fields.List(ma.fields.Nested(CapitalSourceSchema))
    total_committed = MoneyField(attribute="total_committed")
    total_paid_in = MoneyField(attribute="total_paid_in")


class AsOfArgsSchema(ma.Schema):
    as_of = Day(load_default=None, metadata={"description": "YYYY-MM-DD; default today"})


class RevolvingYearSchema(ma.Schema):
    year = ma.fields.Integer()
    paid_in = MoneyField()
    lent_and_invested = MoneyField()
    returned = MoneyField()
    lent_again = MoneyField()
    paid_in_to_date = MoneyField()
    lent_and_invested_to_date = MoneyField()
    returned_to_date = MoneyField()
    lent_again_to_date = MoneyField()
    revolving_ratio = RatioField(places=4, allow_none=True)


class RevolvingSchema(ma.Schema):
    fund_id = ma.fields.Integer()
    as_of = Day()
    currency = ma.fields.Constant("EUR")
    years = ma.fields.List(ma.fields.Nested(RevolvingYearSchema))


class FigureSchema(ma.Schema):
    """A fund's figures on the date (``fund_id`` null: the total of the funds)."""

    fund_id = ma.fields.Function(lambda row: row.fund.id if row.fund else None, allow_none=True)
    name = ma.fields.Function(lambda row: row.fund.name if row.fund else None, allow_none=True)
    investees = ma.fields.Integer()
    loans = ma.fields.Integer(metadata={"description": "loans with principal outstanding"})
    outstanding = MoneyField()
    par30 = RatioField()
    par90 = RatioField()
    cash = MoneyField(min_value=None)
    loans_receivable = MoneyField(min_value=None)
    equity = MoneyField(min_value=None)
    receivables = MoneyField(min_value=None)
    nav = MoneyField(min_value=None, allow_none=True, metadata={"description": "null while the NAV is not known"})


class FundValueSchema(ma.Schema):
    fund_id = ma.fields.Integer()
    value = QuantityField()


class ImpactTotalSchema(ma.Schema):
    indicator_id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()
    unit = ma.fields.String()
    rule = ma.fields.String()
    total = QuantityField()
    per_fund = ma.fields.List(ma.fields.Nested(FundValueSchema), attribute="fund_values")


class ConsolidatedSchema(ma.Schema):
    as_of = Day()
    period = ma.fields.String()
    currency = ma.fields.Constant("EUR")
    funds = ma.fields.List(ma.fields.Nested(FigureSchema))
    total = ma.fields.Nested(FigureSchema)
    impact = ma.fields.List(ma.fields.Nested(ImpactTotalSchema))
