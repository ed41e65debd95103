from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma

from fundapp.api import PageArgsSchema
from fundapp.impact.models import Aggregation, SubmissionStatus, TocLevel, ValueType
from fundapp.impact.periods import Frequency, Period, PeriodError
from fundapp.validation import Day, DecimalTextField, TrimmedString

Length = ma.validate.Length


class QuantityField(DecimalTextField):
    """A measured value as a decimal string ("12", "3.5"), up to 4 decimals; JSON integers are accepted, floats not."""

    def __init__(self, **kwargs: Any) -> None:
        # Values are stored with 4 decimals in 18 digits.
        bound = Decimal("999999999999.9999")
        super().__init__(min_value=-bound, max_value=bound, places=4, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else f"{Decimal(value).normalize():f}"


class PeriodField(ma.fields.String):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return str(Period.parse(text))
        except PeriodError as exc:
            raise ma.ValidationError(str(exc)) from exc


class IndicatorSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    fund_id = ma.fields.Integer(allow_none=True)
    name_nl = ma.fields.String()
    name_en = ma.fields.String()
    theme = ma.fields.String(attribute="theme_code")
    toc_level = ma.fields.Enum(TocLevel, by_value=True)
    unit = ma.fields.String()
    value_type = ma.fields.Enum(ValueType, by_value=True)
    aggregation = ma.fields.Enum(Aggregation, by_value=True)
    definition_nl = ma.fields.String()
    definition_en = ma.fields.String()
    measurement_nl = ma.fields.String()
    measurement_en = ma.fields.String()
    sdg_targets = ma.fields.List(ma.fields.String())
    iris_metric_id = ma.fields.String(allow_none=True)


class IndicatorCreateSchema(ma.Schema):
    code = TrimmedString(
        required=True,
        validate=[
            Length(min=3, max=40),
            ma.validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9-]*$", error="Use letters, digits and dashes."),
        ],
    )
    fund_id = ma.fields.Integer(load_default=None, allow_none=True)
    name_nl = TrimmedString(required=True, validate=Length(min=2, max=200))
    name_en = TrimmedString(required=True, validate=Length(min=2, max=200))
    theme_code = ma.fields.String(required=True, data_key="theme", validate=Length(max=40))
    toc_level = ma.fields.Enum(TocLevel, by_value=True, required=True)
    unit = TrimmedString(required=True, validate=Length(min=1, max=20))
    value_type = ma.fields.Enum(ValueType, by_value=True, required=True)
    aggregation = ma.fields.Enum(Aggregation, by_value=True, required=True)
    definition_nl = TrimmedString(load_default="", validate=Length(max=5000))
    definition_en = TrimmedString(load_default="", validate=Length(max=5000))
    measurement_nl = TrimmedString(load_default="", validate=Length(max=5000))
    measurement_en = TrimmedString(load_default="", validate=Length(max=5000))
    sdg_targets = ma.fields.List(
        ma.fields.String(validate=ma.validate.Regexp(r"^\d{1,2}\.[0-9a-z]{1,2}$")), load_default=list
    )
    iris_metric_id = TrimmedString(load_default=None, allow_none=True, validate=Length(max=20))


class IndicatorListArgsSchema(PageArgsSchema):
    theme = ma.fields.String(load_default=None)
    toc_level = ma.fields.Enum(TocLevel, by_value=True, load_default=None)


class TargetSchema(ma.Schema):
    period = ma.fields.String()
    target = QuantityField()


class PlanIndicatorSchema(ma.Schema):
    code = ma.fields.Function(lambda pi: pi.indicator.code)
    name_nl = ma.fields.Function(lambda pi: pi.indicator.name_nl)
    name_en = ma.fields.Function(lambda pi: pi.indicator.name_en)
    toc_level = ma.fields.Function(lambda pi: pi.indicator.toc_level.value)
    unit = ma.fields.Function(lambda pi: pi.indicator.unit)
    baseline = QuantityField(allow_none=True)
    baseline_note = ma.fields.String()
    targets = ma.fields.List(ma.fields.Nested(TargetSchema))


class PlanSchema(ma.Schema):
    investee_id = ma.fields.Integer()
    problem = ma.fields.String()
    activities = ma.fields.String()
    outputs = ma.fields.String()
    outcomes = ma.fields.String()
    impact = ma.fields.String()
    frequency = ma.fields.Enum(Frequency, by_value=True)
    first_period = ma.fields.String()
    due_days = ma.fields.Integer()
    indicators = ma.fields.List(ma.fields.Nested(PlanIndicatorSchema))


class PlanSaveSchema(ma.Schema):
    problem = TrimmedString(load_default="", validate=Length(max=5000))
    activities = TrimmedString(load_default="", validate=Length(max=5000))
    outputs = TrimmedString(load_default="", validate=Length(max=5000))
    outcomes = TrimmedString(load_default="", validate=Length(max=5000))
    impact = TrimmedString(load_default="", validate=Length(max=5000))
    frequency = ma.fields.Enum(Frequency, by_value=True, required=True)
    first_period = PeriodField(required=True, metadata={"example": "2026-Q1"})
    due_days = ma.fields.Integer(load_default=30, validate=ma.validate.Range(min=0, max=365))


class PlanIndicatorAddSchema(ma.Schema):
    indicator_code = ma.fields.String(required=True, validate=Length(min=1, max=40))
    baseline = QuantityField(load_default=None, allow_none=True)
    baseline_note = TrimmedString(load_default="", validate=Length(max=200))
    allow_negative = ma.fields.Boolean(load_default=False)
    targets = ma.fields.Dict(
        keys=PeriodField(), values=QuantityField(), load_default=dict, metadata={"example": {"2026-Q1": "12"}}
    )


class TemplateArgsSchema(ma.Schema):
    period = PeriodField(required=True, metadata={"example": "2026-Q1"})


class SubmissionValueSchema(ma.Schema):
    code = ma.fields.Function(lambda v: v.indicator.code)
    value = QuantityField()
    comment = ma.fields.String()


class SubmissionSchema(ma.Schema):
    id = ma.fields.Integer()
    investee_id = ma.fields.Integer()
    period = ma.fields.String()
    version = ma.fields.Integer()
    status = ma.fields.Enum(SubmissionStatus, by_value=True)
    file_name = ma.fields.String()
    participant_count = ma.fields.Integer()
    uploaded_at = ma.fields.DateTime()
    submitted_at = ma.fields.DateTime(allow_none=True)
    reviewed_at = ma.fields.DateTime(allow_none=True)
    return_reason = ma.fields.String()
    warnings = ma.fields.List(ma.fields.Dict())
    values = ma.fields.List(ma.fields.Nested(SubmissionValueSchema))


class ParticipantSchema(ma.Schema):
    reference = ma.fields.String()
    start_date = Day()
    benefit_type = ma.fields.String(allow_none=True)
    months_on_benefit = ma.fields.Integer(allow_none=True)
    hours_per_week = QuantityField(allow_none=True)
    events = ma.fields.List(ma.fields.Dict())


class UploadSchema(ma.Schema):
    period = PeriodField(load_default=None, allow_none=True)


class ReturnSchema(ma.Schema):
    reason = TrimmedString(required=True, validate=Length(min=3, max=2000))


class ReportingStatusSchema(ma.Schema):
    investee_id = ma.fields.Integer()
    investee_name = ma.fields.String()
    period = ma.fields.String()
    due_on = Day()
    state = ma.fields.String()
    submission_id = ma.fields.Integer(allow_none=True)
