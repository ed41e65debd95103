"""What making an instrument from an approved application takes (the instrument's own create fields, its investee
being the application's) and gives (the instrument made, with its address)."""

from __future__ import annotations

import marshmallow as ma

from fundapp.instruments.grant_schemas import GrantCreateSchema, GrantSchema, GuaranteeCreateSchema, GuaranteeSchema
from fundapp.instruments.schemas import (
    ConversionTermsSchema,
    EquityParticipationCreateSchema,
    EquityParticipationSchema,
)
from fundapp.loans.schemas import LoanCreateSchema, LoanSchema
from fundapp.pipeline.models import InstrumentKind

NOT_ASKED = ("investee_id",)


class LoanFromApplicationSchema(LoanCreateSchema):
    class Meta:
        exclude = NOT_ASKED


class ConvertibleLoanFromApplicationSchema(LoanFromApplicationSchema, ConversionTermsSchema):
    """A loan's terms and how it converts into shares (a price per share, a discount on the round's price, or both)."""

    class Meta:
        exclude = NOT_ASKED


class EquityFromApplicationSchema(EquityParticipationCreateSchema):
    class Meta:
        exclude = NOT_ASKED


class GrantFromApplicationSchema(GrantCreateSchema):
    class Meta:
        exclude = NOT_ASKED


class GuaranteeFromApplicationSchema(GuaranteeCreateSchema):
    class Meta:
        exclude = NOT_ASKED


SCHEMAS: dict[InstrumentKind, type[ma.Schema]] = {
    InstrumentKind.LOAN: LoanFromApplicationSchema,
    InstrumentKind.CONVERTIBLE_LOAN: ConvertibleLoanFromApplicationSchema,
    InstrumentKind.EQUITY: EquityFromApplicationSchema,
    InstrumentKind.GRANT: GrantFromApplicationSchema,
    InstrumentKind.GUARANTEE: GuaranteeFromApplicationSchema,
}


class InstrumentMadeSchema(ma.Schema):
    """The instrument made: its kind (the application's), id and API address, and the instrument itself under the
    key of its kind (the others are null)."""

    application_id = ma.fields.Integer(required=True)
    kind = ma.fields.Enum(InstrumentKind, by_value=True, required=True)
    id = ma.fields.Integer(required=True)
    url = ma.fields.String(required=True, metadata={"description": "the instrument's address in this API"})
    loan = ma.fields.Nested(LoanSchema, allow_none=True, metadata={"description": "a loan or convertible loan"})
    conversion_terms = ma.fields.Nested(ConversionTermsSchema, allow_none=True)
    equity_participation = ma.fields.Nested(EquityParticipationSchema, allow_none=True)
    grant = ma.fields.Nested(GrantSchema, allow_none=True)
    guarantee = ma.fields.Nested(GuaranteeSchema, allow_none=True)
