"""Schemas for contracts, rate cards, results, claims and the public simulation contract."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma

from fundapp.documents.models import KINDS
from fundapp.outcomes.models import ClaimStatus, ContractStatus, LineStatus, ResultStatus
from fundapp.validation import Day, MoneyField, PercentField, TrimmedString, WholeNumberField

Length = ma.validate.Length


class BandSchema(ma.Schema):
    min_months = WholeNumberField(required=True, strict=True, validate=ma.validate.Range(min=0, max=1200))
    max_months = WholeNumberField(
        load_default=None, allow_none=True, strict=True, validate=ma.validate.Range(min=0, max=1200)
    )
    price = MoneyField(required=True)


class ItemSchema(ma.Schema):
    code = TrimmedString(required=True, validate=Length(min=1, max=40))
    name = TrimmedString(required=True, validate=Length(min=1, max=200))
    price = MoneyField(required=True)
    max_units = WholeNumberField(load_default=None, allow_none=True, strict=True, validate=ma.validate.Range(min=0))
    max_amount = MoneyField(load_default=None, allow_none=True)
    prerequisite = TrimmedString(load_default=None, allow_none=True, validate=Length(max=40))
    price_bands = ma.fields.List(ma.fields.Nested(BandSchema), load_default=None, allow_none=True)


class SimPayerSchema(ma.Schema):
    name = TrimmedString(required=True, validate=Length(min=1, max=200))
    share_percent = PercentField(required=True, min_value=None, max_value=None)
    commitment = MoneyField(load_default=None, allow_none=True)


class SimResultSchema(ma.Schema):
    item = TrimmedString(required=True, validate=Length(min=1, max=40))
    participant = TrimmedString(load_default=None, allow_none=True, validate=Length(max=64))
    achieved_on = Day(load_default=None, allow_none=True)
    months_on_benefit = ma.fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=ma.validate.Range(min=0, max=1200)
    )
    units = ma.fields.Integer(load_default=None, allow_none=True, strict=True, validate=ma.validate.Range(min=1))

    @ma.validates_schema
    def _one_kind(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("participant") and data.get("units") not in (None, 1):
            raise ma.ValidationError(
                "A participant result is one unit; a cohort result has units and no participant.", "units"
            )
        if not data.get("participant") and data.get("units") is None:
            raise ma.ValidationError("Give either a participant or a number of units.", "participant")


class SimulationSchema(ma.Schema):
    currency = ma.fields.String(load_default="EUR", validate=ma.validate.OneOf(["EUR"]))
    contract_cap = MoneyField(load_default=None, allow_none=True)
    participant_cap = MoneyField(load_default=None, allow_none=True)
    deadweight_percent = PercentField(load_default=Decimal("0"))
    payers = ma.fields.List(ma.fields.Nested(SimPayerSchema), required=True, validate=Length(min=1, max=20))
    items = ma.fields.List(ma.fields.Nested(ItemSchema), required=True, validate=Length(min=1, max=200))
    results = ma.fields.List(ma.fields.Nested(SimResultSchema), load_default=list, validate=Length(max=200_000))


class SimLineSchema(ma.Schema):
    item = ma.fields.String()
    participant = ma.fields.String(allow_none=True)
    units = ma.fields.Integer()
    price = MoneyField()
    gross = MoneyField()
    deadweight = MoneyField()
    payable = MoneyField()
    capped_by = ma.fields.String(allow_none=True)


class PayerAmountSchema(ma.Schema):
    name = ma.fields.String()
    amount = MoneyField()


class SimulationResultSchema(ma.Schema):
    lines = ma.fields.List(ma.fields.Nested(SimLineSchema), required=True)
    total_gross = MoneyField(required=True)
    total_payable = MoneyField(required=True)
    by_payer = ma.fields.List(ma.fields.Nested(PayerAmountSchema), required=True)


# --- stored contracts -------------------------------------------------------------------------


class ItemRowSchema(ItemSchema):
    evidence = TrimmedString(load_default="", validate=Length(max=2000))
    evidence_kind = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.OneOf(KINDS),
        metadata={"description": "a document of this kind must be attached to a result before it is verified"},
    )
    indicator_code = TrimmedString(load_default=None, allow_none=True, validate=Length(max=40))


class RateCardCreateSchema(ma.Schema):
    payer_id = ma.fields.Integer(required=True)
    name = TrimmedString(required=True, validate=Length(min=2, max=200))
    description = TrimmedString(load_default="", validate=Length(max=5000))
    items = ma.fields.List(ma.fields.Nested(ItemRowSchema), required=True, validate=Length(min=1, max=200))


class ItemOutSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    price = MoneyField()
    price_bands = ma.fields.List(ma.fields.Dict())
    prerequisite = ma.fields.String(allow_none=True)
    max_units = ma.fields.Integer(allow_none=True)
    max_amount = MoneyField(allow_none=True)
    evidence = ma.fields.String()
    evidence_kind = ma.fields.String(allow_none=True)
    indicator_code = ma.fields.String(allow_none=True)


class RateCardSchema(ma.Schema):
    id = ma.fields.Integer()
    payer_id = ma.fields.Integer()
    name = ma.fields.String()
    description = ma.fields.String()
    currency = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(ItemOutSchema))


class ContractPayerInSchema(ma.Schema):
    payer_id = ma.fields.Integer(required=True)
    share_percent = PercentField(required=True, min_value=None, max_value=None)
    commitment = MoneyField(load_default=None, allow_none=True)


class ContractCreateSchema(ma.Schema):
    name = TrimmedString(required=True, validate=Length(min=2, max=200))
    reference = TrimmedString(required=True, validate=Length(min=2, max=60))
    description = TrimmedString(load_default="", validate=Length(max=5000))
    currency = ma.fields.String(load_default="EUR", validate=ma.validate.OneOf(["EUR"]))
    valid_from = Day(required=True)
    valid_until = Day(required=True)
    participant_cap = MoneyField(load_default=None, allow_none=True)
    contract_cap = MoneyField(load_default=None, allow_none=True)
    deadweight_percent = PercentField(load_default=Decimal("0"))
    payers = ma.fields.List(ma.fields.Nested(ContractPayerInSchema), required=True, validate=Length(min=1, max=20))
    providers = ma.fields.List(ma.fields.Integer(), load_default=list, metadata={"description": "investee ids"})
    rate_card_id = ma.fields.Integer(load_default=None, allow_none=True)
    items = ma.fields.List(ma.fields.Nested(ItemRowSchema), load_default=None, allow_none=True)
    investor_name = TrimmedString(load_default="", validate=Length(max=200))
    investor_capital = MoneyField(load_default=None, allow_none=True)
    investor_max_return_percent = PercentField(load_default=None, allow_none=True)

    @ma.validates_schema
    def _dates_and_items(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            raise ma.ValidationError("The contract must end after it starts.", "valid_until")
        if not data.get("items") and not data.get("rate_card_id"):
            raise ma.ValidationError("Give the rate-card items, or a rate card to apply.", "items")


class ContractPayerSchema(ma.Schema):
    payer_id = ma.fields.Integer()
    name = ma.fields.Function(lambda p: p.payer.name)
    share_percent = PercentField(min_value=None, max_value=None)
    commitment = MoneyField(allow_none=True)
    accepted_at = ma.fields.DateTime(allow_none=True)
    close_agreed_at = ma.fields.DateTime(allow_none=True)


class ContractProviderSchema(ma.Schema):
    investee_id = ma.fields.Integer()
    name = ma.fields.Function(lambda p: p.investee.name)
    accepted_at = ma.fields.DateTime(allow_none=True)


class ProviderDirectorySchema(ma.Schema):
    """What any officer may see of an enterprise, to name it as a provider: its public register entry."""

    id = ma.fields.Integer()
    name = ma.fields.String()
    kvk_number = ma.fields.String()
    municipality = ma.fields.String()


class ContractSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    reference = ma.fields.String()
    description = ma.fields.String()
    status = ma.fields.Enum(ContractStatus, by_value=True)
    currency = ma.fields.String()
    valid_from = Day()
    valid_until = Day()
    participant_cap = MoneyField(allow_none=True)
    contract_cap = MoneyField(allow_none=True)
    deadweight_percent = PercentField(min_value=None, max_value=None)
    payers = ma.fields.List(ma.fields.Nested(ContractPayerSchema))
    providers = ma.fields.List(ma.fields.Nested(ContractProviderSchema))
    items = ma.fields.List(ma.fields.Nested(ItemOutSchema))
    investor_name = ma.fields.String()
    investor_capital = MoneyField(allow_none=True)
    investor_max_return_percent = PercentField(allow_none=True, min_value=None, max_value=None)


class ResultCreateSchema(ma.Schema):
    investee_id = ma.fields.Integer(required=True)
    item = TrimmedString(required=True, validate=Length(min=1, max=40))
    participant = TrimmedString(load_default=None, allow_none=True, validate=Length(min=1, max=64))
    achieved_on = Day(load_default=None, allow_none=True)
    period = ma.fields.String(load_default=None, allow_none=True, validate=Length(max=7))
    months_on_benefit = WholeNumberField(
        load_default=None, allow_none=True, validate=ma.validate.Range(min=0, max=1200)
    )
    units = WholeNumberField(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=100000))
    evidence = TrimmedString(required=True, validate=Length(min=2, max=2000))


class ResultSchema(ma.Schema):
    id = ma.fields.Integer()
    contract_id = ma.fields.Integer()
    investee_id = ma.fields.Integer()
    item = ma.fields.String(attribute="item_code")
    participant = ma.fields.String(allow_none=True)
    achieved_on = Day()
    period = ma.fields.String(allow_none=True)
    months_on_benefit = ma.fields.Integer(allow_none=True)
    units = ma.fields.Integer()
    evidence = ma.fields.String()
    status = ma.fields.Enum(ResultStatus, by_value=True)
    rejection_reason = ma.fields.String()
    claimed = ma.fields.Function(lambda r: r.claim_line_id is not None)
    source_submission_id = ma.fields.Integer(allow_none=True)


class DecisionReasonSchema(ma.Schema):
    reason = TrimmedString(required=True, validate=Length(min=3, max=2000))


class ClaimCreateSchema(ma.Schema):
    investee_id = ma.fields.Integer(required=True)
    period = ma.fields.String(required=True, validate=Length(min=4, max=7), metadata={"example": "2026-Q1"})


class ClaimLineSchema(ma.Schema):
    id = ma.fields.Integer()
    result_id = ma.fields.Integer(allow_none=True)
    item = ma.fields.String(attribute="item_code")
    participant = ma.fields.String(allow_none=True)
    achieved_on = Day(allow_none=True)
    units = ma.fields.Integer()
    units_paid = ma.fields.Integer()
    price = MoneyField(min_value=None)
    band = ma.fields.String(allow_none=True)
    gross = MoneyField(min_value=None)
    deadweight = MoneyField(min_value=None)
    deductions = ma.fields.List(ma.fields.Raw())
    capped_by = ma.fields.String(allow_none=True)
    payable = MoneyField(min_value=None)
    by_payer = ma.fields.List(ma.fields.Raw())
    status = ma.fields.Enum(LineStatus, by_value=True)
    rejection_reason = ma.fields.String()


class ApprovalSchema(ma.Schema):
    user = ma.fields.Function(lambda a: a.user.email)
    payer_id = ma.fields.Integer()
    approved_at = ma.fields.DateTime()


class SplitSchema(ma.Schema):
    payer_id = ma.fields.Integer()
    name = ma.fields.Function(lambda s: s.payer.name)
    amount = MoneyField(min_value=None)
    paid_on = Day(allow_none=True)
    payment_reference = ma.fields.String()
    assigned_amount = MoneyField(
        allow_none=True, metadata={"description": "The part of this payment booked as a repayment of the loan."}
    )


LINES_SHOWN = 1000  # lines in the answer of one claim; all of them come a page at a time from GET .../lines


class ClaimSummarySchema(ma.Schema):
    """A claim without its lines (a list holds many claims, a claim may have 100,000 lines)."""

    id = ma.fields.Integer()
    contract_id = ma.fields.Integer()
    investee_id = ma.fields.Integer()
    period = ma.fields.String()
    status = ma.fields.Enum(ClaimStatus, by_value=True)
    currency = ma.fields.Function(lambda c: c.contract.currency)
    total_gross = MoneyField(min_value=None)
    total_deadweight = MoneyField(min_value=None)
    total_payable = MoneyField(min_value=None)
    approved_amount = MoneyField(allow_none=True, min_value=None)
    corrects_claim_id = ma.fields.Integer(allow_none=True)
    submitted_at = ma.fields.DateTime(allow_none=True)
    decided_at = ma.fields.DateTime(allow_none=True)
    rejection_reason = ma.fields.String()
    paid_on = Day(allow_none=True)
    payment_reference = ma.fields.String()
    approvals = ma.fields.List(ma.fields.Nested(ApprovalSchema))
    approvals_needed = ma.fields.Integer()
    splits = ma.fields.List(ma.fields.Nested(SplitSchema))
    lines_total = ma.fields.Integer(metadata={"description": "how many lines the claim has"})
    lines_url = ma.fields.String(metadata={"description": "where all its lines come, a page at a time"})


class ClaimSchema(ClaimSummarySchema):
    lines = ma.fields.List(
        ma.fields.Nested(ClaimLineSchema),
        metadata={
            "description": f"the first {LINES_SHOWN:,} lines by position; when lines_total is larger, get them all "
            "a page at a time from lines_url"
        },
    )


class LineDecisionSchema(ma.Schema):
    reason = TrimmedString(required=True, validate=Length(min=3, max=2000))


class PaymentSchema(ma.Schema):
    paid_on = Day(required=True)
    reference = TrimmedString(required=True, validate=Length(min=2, max=120))


class CorrectionSchema(ma.Schema):
    line_ids = ma.fields.List(ma.fields.Integer(), required=True, validate=Length(min=1))
    reason = TrimmedString(required=True, validate=Length(min=3, max=2000))
