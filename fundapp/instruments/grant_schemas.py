"""What the API and the forms of grants and guarantees take and give."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma

from fundapp.instruments.grant_models import GrantEventKind, GrantKind, GrantStatus
from fundapp.instruments.guarantee_models import GuaranteeEventKind
from fundapp.loans.schedule import Amortization, DayCount, Frequency
from fundapp.loans.schemas import RateField
from fundapp.validation import Day, MoneyField, PercentField, TrimmedString, WholeNumberField

Length = ma.validate.Length
POSITIVE = Decimal("0.01")


class InstrumentListArgsSchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100000))
    page_size = ma.fields.Integer(load_default=25, validate=ma.validate.Range(min=1, max=200))
    fund_id = ma.fields.Integer(load_default=None)
    investee_id = ma.fields.Integer(load_default=None)


class GrantCreateSchema(ma.Schema):
    investee_id = ma.fields.Integer(required=True, strict=False)
    reference = TrimmedString(load_default=None, allow_none=True, validate=Length(max=40))
    kind = ma.fields.Enum(GrantKind, by_value=True, load_default=GrantKind.GRANT)
    amount = MoneyField(required=True, min_value=POSITIVE)
    paid_on = Day(required=True)
    conditions = TrimmedString(load_default="", validate=Length(max=4000))
    period_from = Day(required=True)
    period_to = Day(required=True)

    @ma.validates_schema
    def _period(self, data: dict[str, Any], **_kwargs: Any) -> None:
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and end < start:
            raise ma.ValidationError("The period ends after it begins.", "period_to")


class GrantEventSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.Enum(GrantEventKind, by_value=True)
    date = Day(attribute="on")
    amount = MoneyField()
    note = ma.fields.String()


class GrantSchema(ma.Schema):
    id = ma.fields.Integer()
    fund_id = ma.fields.Integer()
    investee_id = ma.fields.Integer()
    investee_name = ma.fields.Function(lambda grant: grant.investee.name)
    reference = ma.fields.String()
    kind = ma.fields.Enum(GrantKind, by_value=True)
    status = ma.fields.Enum(GrantStatus, by_value=True)
    currency = ma.fields.Constant("EUR")
    amount = MoneyField()
    paid_on = Day()
    conditions = ma.fields.String()
    period_from = Day()
    period_to = Day()
    decided_on = Day(allow_none=True)
    decision_note = ma.fields.String()
    clawed_back = MoneyField()
    received = MoneyField()
    receivable = MoneyField()
    created_at = ma.fields.DateTime()


class GrantDetailSchema(GrantSchema):
    events = ma.fields.List(ma.fields.Nested(GrantEventSchema))


class GrantDecisionSchema(ma.Schema):
    met = ma.fields.Boolean(required=True)
    date = Day(required=True)
    note = TrimmedString(load_default="", validate=Length(max=2000))


class GrantClawbackSchema(ma.Schema):
    date = Day(required=True)
    amount = MoneyField(required=True, min_value=POSITIVE)
    reason = TrimmedString(required=True, validate=Length(min=3, max=2000))


class InstrumentPaymentSchema(ma.Schema):
    date = Day(required=True)
    amount = MoneyField(required=True, min_value=POSITIVE)
    reference = TrimmedString(load_default="", validate=Length(max=120))


class GuaranteeCreateSchema(ma.Schema):
    investee_id = ma.fields.Integer(required=True, strict=False)
    reference = TrimmedString(load_default=None, allow_none=True, validate=Length(max=40))
    bank_name = TrimmedString(required=True, validate=Length(min=1, max=120))
    bank_loan_reference = TrimmedString(load_default="", validate=Length(max=60))
    bank_loan_amount = MoneyField(required=True, min_value=POSITIVE)
    guaranteed_amount = MoneyField(required=True, min_value=POSITIVE)
    fee_rate = RateField(required=True, data_key="fee_percentage", max_value=Decimal("20"))
    fee_frequency = ma.fields.Enum(Frequency, by_value=True, load_default=Frequency.QUARTERLY)
    starts_on = Day(required=True)
    expires_on = Day(required=True)

    @ma.validates_schema
    def _coherent(self, data: dict[str, Any], **_kwargs: Any) -> None:
        start, end = data.get("starts_on"), data.get("expires_on")
        if start and end and end <= start:
            raise ma.ValidationError("The guarantee expires after it starts.", "expires_on")


class FeeDueSchema(ma.Schema):
    number = ma.fields.Integer()
    due_date = Day()
    amount = MoneyField()
    paid = MoneyField()
    open = MoneyField()


class GuaranteeEventSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.Enum(GuaranteeEventKind, by_value=True)
    date = Day(attribute="on")
    amount = MoneyField()
    reference = ma.fields.String()
    loan_id = ma.fields.Integer(allow_none=True)


class GuaranteeSchema(ma.Schema):
    id = ma.fields.Integer()
    fund_id = ma.fields.Integer()
    investee_id = ma.fields.Integer()
    investee_name = ma.fields.Function(lambda guarantee: guarantee.investee.name)
    reference = ma.fields.String()
    bank_name = ma.fields.String()
    bank_loan_reference = ma.fields.String()
    currency = ma.fields.Constant("EUR")
    bank_loan_amount = MoneyField()
    guaranteed_amount = MoneyField()
    fee_percentage = PercentField(attribute="fee_rate", min_value=None, max_value=None)
    fee_frequency = ma.fields.Enum(Frequency, by_value=True)
    starts_on = Day()
    expires_on = Day()
    called = MoneyField()
    uncalled = MoneyField()
    fees_paid = MoneyField()
    created_at = ma.fields.DateTime()


class GuaranteeDetailSchema(GuaranteeSchema):
    fee_schedule = ma.fields.List(ma.fields.Nested(FeeDueSchema))
    events = ma.fields.List(ma.fields.Nested(GuaranteeEventSchema))


class GuaranteeCallSchema(InstrumentPaymentSchema):
    """The call, and the terms of the loan it becomes."""

    annual_rate = RateField(required=True, data_key="annual_interest_rate")
    number_of_installments = WholeNumberField(required=True, strict=True, validate=ma.validate.Range(min=1, max=600))
    frequency = ma.fields.Enum(Frequency, by_value=True, load_default=Frequency.MONTHLY)
    amortization = ma.fields.Enum(Amortization, by_value=True, load_default=Amortization.ANNUITY)
    grace_periods = WholeNumberField(
        load_default=0, strict=True, data_key="grace_on_principal", validate=ma.validate.Range(min=0, max=599)
    )
    first_due_date = Day(load_default=None, allow_none=True)
    day_count = ma.fields.Enum(DayCount, by_value=True, load_default=DayCount.THIRTY_360)
    subordinated = ma.fields.Boolean(load_default=False)


class GuaranteeCallResultSchema(GuaranteeEventSchema):
    loan_reference = ma.fields.Function(lambda event: event.loan.reference)


class InvesteeExposureSchema(ma.Schema):
    investee_id = ma.fields.Integer()
    investee_name = ma.fields.String(attribute="investee")
    senior_loans = MoneyField(attribute="senior")
    subordinated_loans = MoneyField(attribute="subordinated")
    grant_receivables = MoneyField()
    guarantees_outstanding = MoneyField(attribute="guarantees")
    total = MoneyField()


class FundExposureArgsSchema(ma.Schema):
    as_of = Day(load_default=None, metadata={"description": "YYYY-MM-DD; default today"})


class ExposureTotalsSchema(ma.Schema):
    senior_loans = MoneyField(attribute="senior")
    subordinated_loans = MoneyField(attribute="subordinated")
    grant_receivables = MoneyField()
    guarantees_outstanding = MoneyField(attribute="guarantees")
    total = MoneyField()


class FundExposureSchema(ma.Schema):
    fund_id = ma.fields.Integer()
    as_of = Day()
    currency = ma.fields.Constant("EUR")
    investees = ma.fields.List(ma.fields.Nested(InvesteeExposureSchema))
    totals = ma.fields.Nested(ExposureTotalsSchema)
