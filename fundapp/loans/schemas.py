from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma

from fundapp.loans.models import AllocationKind, EventKind, LoanStatus
from fundapp.loans.schedule import Amortization, DayCount, Frequency
from fundapp.loans.servicing import Prepayment
from fundapp.validation import Day, MoneyField, PercentField, RatioField, TrimmedString

Length = ma.validate.Length


class RateField(PercentField):
    """An annual rate in percent: a decimal string ("12", "4.75") or a JSON integer."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return super()._deserialize(value, attr, data, **kwargs)


class MultipleField(MoneyField):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        amount = super()._deserialize(value, attr, data, **kwargs)
        if amount <= 0:
            raise ma.ValidationError("Use a positive multiple such as 0.01, 1 or 5.")
        return amount


class TermsSchema(ma.Schema):
    """Loan terms, named as in the public schedule-preview contract."""

    principal = MoneyField(required=True, min_value=Decimal("0.01"), metadata={"example": "5000.00"})
    annual_rate = RateField(required=True, data_key="annual_interest_rate", metadata={"example": "12"})
    disbursement_date = Day(required=True)
    first_due_date = Day(load_default=None, allow_none=True)
    number_of_installments = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1, max=600))
    frequency = ma.fields.Enum(Frequency, by_value=True, load_default=Frequency.MONTHLY)
    amortization = ma.fields.Enum(Amortization, by_value=True, load_default=Amortization.ANNUITY)
    grace_periods = ma.fields.Integer(
        load_default=0, strict=True, data_key="grace_on_principal", validate=ma.validate.Range(min=0, max=599)
    )
    day_count = ma.fields.Enum(DayCount, by_value=True, load_default=DayCount.THIRTY_360)
    installment_multiple = MultipleField(load_default=Decimal("0.01"), min_value=Decimal("0.01"), places=2)

    @ma.validates_schema
    def _coherent(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, str] = {}
        n, g = data.get("number_of_installments"), data.get("grace_periods")
        if n is not None and g is not None and g >= n:
            errors["grace_on_principal"] = "Grace must be shorter than the number of installments."
        first, start = data.get("first_due_date"), data.get("disbursement_date")
        if first is not None and start is not None and first <= start:
            errors["first_due_date"] = "The first due date must come after the disbursement date."
        if errors:
            raise ma.ValidationError(errors)


class InstallmentSchema(ma.Schema):
    number = ma.fields.Integer()
    due_date = Day()
    principal = MoneyField()
    interest = MoneyField()
    total = MoneyField()
    balance = MoneyField()


class SchedulePreviewSchema(ma.Schema):
    installments = ma.fields.List(ma.fields.Nested(InstallmentSchema), required=True)
    total_principal = MoneyField(required=True)
    total_interest = MoneyField(required=True)


class ImpactDiscountMixin(ma.Schema):
    impact_discount_points = RateField(load_default=None, allow_none=True, max_value=Decimal("20"))
    impact_indicator_code = TrimmedString(load_default=None, allow_none=True, validate=Length(max=40))

    @ma.validates_schema
    def _both_or_neither(self, data: dict[str, Any], **_kwargs: Any) -> None:
        points, code = data.get("impact_discount_points"), data.get("impact_indicator_code")
        if points and not code:
            raise ma.ValidationError("Name the indicator whose target earns the discount.", "impact_indicator_code")
        if code and not points:
            raise ma.ValidationError("Give the discount in percentage points.", "impact_discount_points")


class LoanCreateSchema(TermsSchema, ImpactDiscountMixin):
    investee_id = ma.fields.Integer(required=True, strict=False)
    reference = TrimmedString(load_default=None, allow_none=True, validate=Length(max=40))
    purpose = TrimmedString(load_default="", validate=Length(max=2000))
    subordinated = ma.fields.Boolean(load_default=False)


class LoanUpdateSchema(TermsSchema, ImpactDiscountMixin):
    purpose = TrimmedString(validate=Length(max=2000))
    subordinated = ma.fields.Boolean()


class LoanSchema(ma.Schema):
    id = ma.fields.Integer()
    fund_id = ma.fields.Integer()
    investee_id = ma.fields.Integer()
    investee_name = ma.fields.Function(lambda loan: loan.investee.name)
    reference = ma.fields.String()
    purpose = ma.fields.String()
    subordinated = ma.fields.Boolean()
    status = ma.fields.Enum(LoanStatus, by_value=True)
    currency = ma.fields.Constant("EUR")
    principal = MoneyField()
    annual_interest_rate = PercentField(attribute="annual_rate", min_value=None, max_value=None)
    disbursement_date = Day()
    first_due_date = Day(allow_none=True)
    number_of_installments = ma.fields.Integer()
    frequency = ma.fields.Enum(Frequency, by_value=True)
    amortization = ma.fields.Enum(Amortization, by_value=True)
    grace_on_principal = ma.fields.Integer(attribute="grace_periods")
    day_count = ma.fields.Enum(DayCount, by_value=True)
    installment_multiple = MoneyField()
    disbursed = MoneyField()
    outstanding_principal = MoneyField()
    principal_repaid = MoneyField()
    interest_received = MoneyField()
    written_off = MoneyField()
    recovered = MoneyField()
    written_off_on = Day(allow_none=True)
    repaid_on = Day(allow_none=True)
    approved_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    impact_discount_points = PercentField(allow_none=True, min_value=None, max_value=None)
    impact_indicator_code = ma.fields.String(allow_none=True)
    impact_discount_applied_on = Day(allow_none=True)
    impact_discount_period = ma.fields.String(allow_none=True)
    impact_discount_saving = MoneyField(allow_none=True)


class ScheduleLineSchema(ma.Schema):
    number = ma.fields.Integer()
    due_date = Day()
    principal = MoneyField(attribute="principal_due")
    interest = MoneyField(attribute="interest_due")
    total = MoneyField(attribute="total_due")
    principal_paid = MoneyField()
    interest_paid = MoneyField()
    balance = MoneyField()
    settled_on = Day(allow_none=True)
    state = ma.fields.String()


class AllocationSchema(ma.Schema):
    kind = ma.fields.Enum(AllocationKind, by_value=True)
    installment_number = ma.fields.Integer(allow_none=True)
    interest = MoneyField()
    principal = MoneyField()
    amount = MoneyField()


class EventSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.Enum(EventKind, by_value=True)
    date = Day(attribute="on")
    amount = MoneyField(allow_none=True)
    reference = ma.fields.String()
    prepayment = ma.fields.Enum(Prepayment, by_value=True, allow_none=True)
    reason = ma.fields.String()
    terms = ma.fields.Dict(allow_none=True)
    reversed = ma.fields.Boolean(attribute="is_reversed")
    reversal_reason = ma.fields.String()
    allocations = ma.fields.List(ma.fields.Nested(AllocationSchema))


class LoanDetailSchema(LoanSchema):
    as_of = Day()
    days_past_due = ma.fields.Integer()
    arrears_bucket = ma.fields.String()
    amount_overdue = MoneyField()
    schedule = ma.fields.List(ma.fields.Nested(ScheduleLineSchema))
    events = ma.fields.List(ma.fields.Nested(EventSchema))


class AsOfSchema(ma.Schema):
    as_of = Day(load_default=None)


class LoanListArgsSchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100000))
    page_size = ma.fields.Integer(load_default=25, validate=ma.validate.Range(min=1, max=200))
    fund_id = ma.fields.Integer(load_default=None)
    investee_id = ma.fields.Integer(load_default=None)
    status = ma.fields.Enum(LoanStatus, by_value=True, load_default=None)


class DisbursementSchema(ma.Schema):
    date = Day(required=True)
    amount = MoneyField(required=True, min_value=Decimal("0.01"))
    reference = TrimmedString(load_default="", validate=Length(max=120))


class RepaymentSchema(DisbursementSchema):
    prepayment = ma.fields.Enum(Prepayment, by_value=True, load_default=Prepayment.LOWER_INSTALLMENTS)


class ReasonSchema(ma.Schema):
    reason = TrimmedString(required=True, validate=Length(min=3, max=2000))


class WriteOffSchema(ReasonSchema):
    date = Day(required=True)


class RestructureSchema(ma.Schema):
    date = Day(required=True)
    reason = TrimmedString(required=True, validate=Length(min=3, max=2000))
    number_of_installments = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1, max=600))
    annual_rate = RateField(load_default=None, allow_none=True, data_key="annual_interest_rate")
    frequency = ma.fields.Enum(Frequency, by_value=True, load_default=None, allow_none=True)
    amortization = ma.fields.Enum(Amortization, by_value=True, load_default=None, allow_none=True)
    grace_periods = ma.fields.Integer(
        load_default=0, strict=True, data_key="grace_on_principal", validate=ma.validate.Range(min=0, max=599)
    )
    first_due_date = Day(load_default=None, allow_none=True)


class PortfolioArgsSchema(ma.Schema):
    as_of = Day(load_default=None, metadata={"description": "YYYY-MM-DD; default today"})


class BucketSchema(ma.Schema):
    loans = ma.fields.Integer()
    outstanding = MoneyField()


class PortfolioSchema(ma.Schema):
    fund_id = ma.fields.Integer()
    as_of = Day()
    currency = ma.fields.Constant("EUR")
    loans = ma.fields.Integer()
    active_loans = ma.fields.Integer()
    disbursed = MoneyField()
    outstanding_principal = MoneyField()
    principal_received = MoneyField()
    interest_received = MoneyField()
    recoveries = MoneyField()
    written_off = MoneyField()
    par30 = RatioField()
    par90 = RatioField()
    arrears_buckets = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Nested(BucketSchema), attribute="buckets"
    )
    xirr = RatioField(allow_none=True)
