from __future__ import annotations

from decimal import Decimal

import marshmallow as ma

from fundapp import clock
from fundapp.investees.models import PSO_LEVELS, GrowthLevel, LabelKind, LegalForm, Orientation, SupportKind
from fundapp.validation import Day, DecimalTextField, KvkNumber, RatioField, TrimmedString

Length = ma.validate.Length


class LabelCreateSchema(ma.Schema):
    kind = ma.fields.Enum(LabelKind, by_value=True, required=True)
    level = TrimmedString(load_default="", validate=Length(max=40))
    reference = TrimmedString(load_default="", validate=Length(max=120))
    valid_until = Day(load_default=None, allow_none=True)

    @ma.validates_schema
    def _pso_needs_level(self, data, **_kwargs):
        if data.get("kind") == LabelKind.PSO and data.get("level") not in PSO_LEVELS:
            raise ma.ValidationError(
                "A PSO label needs its level (aspirant, basistrede, trede 1–3 or PSO 30+).", "level"
            )


class LabelSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.Enum(LabelKind, by_value=True)
    level = ma.fields.String()
    reference = ma.fields.String()
    valid_until = Day(allow_none=True)
    lapsed = ma.fields.Method("_lapsed")

    def _lapsed(self, label) -> bool:
        return label.is_lapsed(clock.today())


class InvesteeCreateSchema(ma.Schema):
    fund_id = ma.fields.Integer(required=True, strict=False)
    name = TrimmedString(required=True, validate=Length(min=2, max=200))
    kvk_number = KvkNumber(required=True, metadata={"example": "12345678"})
    legal_form = ma.fields.Enum(LegalForm, by_value=True, required=True)
    municipality = TrimmedString(required=True, validate=Length(min=2, max=120))
    region = TrimmedString(load_default="", validate=Length(max=120))
    website = TrimmedString(load_default="", validate=Length(max=255))
    mission = TrimmedString(load_default="", validate=Length(max=5000))
    problem = TrimmedString(load_default="", validate=Length(max=5000))
    founded_on = Day(load_default=None, allow_none=True)
    orientation = ma.fields.Enum(Orientation, by_value=True, load_default=None, allow_none=True)
    themes = ma.fields.List(ma.fields.String(validate=Length(max=40)), load_default=list)
    sdgs = ma.fields.List(ma.fields.Integer(strict=False, validate=ma.validate.Range(min=1, max=17)), load_default=list)
    labels = ma.fields.List(ma.fields.Nested(LabelCreateSchema), load_default=list)

    @ma.validates("website")
    def _website(self, value, **_kwargs):
        if value and not value.startswith(("http://", "https://")):
            raise ma.ValidationError("Start the website with https://")

    @ma.validates("founded_on")
    def _founded(self, value, **_kwargs):
        if value is not None and value > clock.today():
            raise ma.ValidationError("The founding date cannot be in the future.")

    @ma.validates("sdgs")
    def _unique_sdgs(self, value, **_kwargs):
        if len(set(value)) != len(value):
            raise ma.ValidationError("Each SDG once.")


class InvesteeSchema(ma.Schema):
    id = ma.fields.Integer()
    fund_id = ma.fields.Integer()
    name = ma.fields.String()
    kvk_number = ma.fields.String()
    legal_form = ma.fields.Enum(LegalForm, by_value=True)
    municipality = ma.fields.String()
    region = ma.fields.String()
    website = ma.fields.String()
    mission = ma.fields.String()
    problem = ma.fields.String()
    founded_on = Day(allow_none=True)
    orientation = ma.fields.Enum(Orientation, by_value=True, allow_none=True)
    themes = ma.fields.List(ma.fields.String(), attribute="theme_codes")
    sdgs = ma.fields.List(ma.fields.Integer(), attribute="sdg_numbers")
    labels = ma.fields.List(ma.fields.Nested(LabelSchema))


class InvesteeListArgsSchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100000))
    page_size = ma.fields.Integer(load_default=25, validate=ma.validate.Range(min=1, max=200))
    q = ma.fields.String(load_default=None, validate=Length(max=200))
    fund_id = ma.fields.Integer(load_default=None)
    theme = ma.fields.String(load_default=None, validate=Length(max=40))
    municipality = ma.fields.String(load_default=None, validate=Length(max=120))


class GrowthLevelCreateSchema(ma.Schema):
    level = ma.fields.Enum(GrowthLevel, by_value=True, required=True)
    from_date = Day(required=True)
    note = TrimmedString(load_default="", validate=Length(max=2000))


class GrowthLevelSchema(ma.Schema):
    id = ma.fields.Integer()
    level = ma.fields.Enum(GrowthLevel, by_value=True)
    from_date = Day()
    note = ma.fields.String()
    recorded_by = ma.fields.Function(lambda entry: entry.recorded_by.name if entry.recorded_by else "")


class SupportCreateSchema(ma.Schema):
    given_on = Day(required=True)
    kind = ma.fields.Enum(SupportKind, by_value=True, required=True)
    hours = DecimalTextField(required=True, min_value=Decimal("0.01"), max_value=Decimal("10000"), places=2)
    given_by_name = TrimmedString(
        load_default="",
        validate=Length(max=200),
        metadata={"description": "Who gave it, when not the person recording it (a volunteer coach, a partner)."},
    )
    note = TrimmedString(load_default="", validate=Length(max=2000))


class SupportSchema(ma.Schema):
    id = ma.fields.Integer()
    given_on = Day()
    kind = ma.fields.Enum(SupportKind, by_value=True)
    hours = RatioField(places=2)
    given_by = ma.fields.String(attribute="giver")
    note = ma.fields.String()
