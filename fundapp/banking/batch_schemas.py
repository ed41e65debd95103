"""Payment batches and the journal at the edge: what the API and the pages take and give."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from fundapp.banking.journal_export import CSV_LAYOUTS
from fundapp.banking.models import BatchKind, BatchStatus, LedgerRole
from fundapp.validation import Day, MoneyField, TrimmedString

Length = ma.validate.Length


class CollectionDateSchema(ma.Schema):
    collection_date = Day(required=True, metadata={"example": "2026-03-05"})


class ExecutionDateSchema(ma.Schema):
    execution_date = Day(required=True, metadata={"example": "2026-03-05"})


class BatchListArgsSchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100000))
    page_size = ma.fields.Integer(load_default=25, validate=ma.validate.Range(min=1, max=200))
    kind = ma.fields.Enum(BatchKind, by_value=True, load_default=None)
    status = ma.fields.Enum(BatchStatus, by_value=True, load_default=None)


class PaymentLineSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    end_to_end_id = ma.fields.String(required=True)
    amount = MoneyField(required=True)
    counterparty_name = ma.fields.String(required=True)
    counterparty_iban = ma.fields.String(required=True)
    remittance = ma.fields.String(required=True)
    sequence = ma.fields.String(required=True, metadata={"description": "FRST or RCUR for a direct debit, else empty"})
    loan_id = ma.fields.Integer(
        allow_none=True,
        required=True,
        metadata={
            "description": "the loan collected or paid out; in an outcome payment, the loan an assigned part repays"
        },
    )
    installment_number = ma.fields.Integer(allow_none=True, required=True)
    split_id = ma.fields.Integer(allow_none=True, required=True)
    settled = ma.fields.Function(lambda line: line.settled_transaction_id is not None, required=True)


class BatchSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.Enum(BatchKind, by_value=True, required=True)
    status = ma.fields.Enum(BatchStatus, by_value=True, required=True)
    fund_id = ma.fields.Integer(allow_none=True, required=True)
    payer_id = ma.fields.Integer(allow_none=True, required=True)
    message_id = ma.fields.String(required=True)
    execution_date = Day(required=True, metadata={"description": "the collection date of a direct debit"})
    transactions = ma.fields.Integer(required=True)
    total = MoneyField(required=True)
    currency = ma.fields.Constant("EUR", required=True)
    created_at = ma.fields.DateTime(required=True)


class BatchDetailSchema(BatchSchema):
    lines = ma.fields.List(ma.fields.Nested(PaymentLineSchema), required=True)


class JournalArgsSchema(ma.Schema):
    start = Day(required=True, data_key="from", metadata={"description": "the first day of the period"})
    end = Day(required=True, data_key="to", metadata={"description": "the last day of the period"})
    format = ma.fields.String(
        load_default="json",
        validate=ma.validate.OneOf(("json", "csv", "xlsx", "xaf")),
        metadata={"description": "json, csv (layout: exact or twinfield), xlsx, or xaf (XML Auditfile Financieel 3.2)"},
    )
    layout = ma.fields.String(load_default="exact", validate=ma.validate.OneOf(CSV_LAYOUTS))
    tax_registration = TrimmedString(
        load_default="", validate=Length(max=30), metadata={"description": "VAT or RSIN number, for the XAF file"}
    )

    @ma.validates_schema
    def _period(self, data: dict[str, Any], **_kwargs: Any) -> None:
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise ma.ValidationError("The period ends before it begins.", "to")
        if start and end and (end - start).days > 3660:
            raise ma.ValidationError("Choose a period of at most ten years.", "to")
        if data.get("format") == "xaf" and not data.get("tax_registration"):
            raise ma.ValidationError("Give the fund's VAT or RSIN number for the audit file.", "tax_registration")


class JournalLineSchema(ma.Schema):
    account = ma.fields.String(required=True)
    debit = MoneyField(required=True)
    credit = MoneyField(required=True)


class JournalEntrySchema(ma.Schema):
    date = Day(required=True)
    event = ma.fields.String(required=True)
    reference = ma.fields.String(required=True)
    lines = ma.fields.List(ma.fields.Nested(JournalLineSchema), required=True)


class JournalTotalsSchema(ma.Schema):
    debit = MoneyField(required=True)
    credit = MoneyField(required=True)


class JournalSchema(ma.Schema):
    entries = ma.fields.List(ma.fields.Nested(JournalEntrySchema), required=True)
    totals = ma.fields.Nested(JournalTotalsSchema, required=True)


class LedgerAccountSchema(ma.Schema):
    role = ma.fields.Enum(LedgerRole, by_value=True, required=True)
    code = TrimmedString(load_default="", validate=Length(max=20), metadata={"description": "empty: the default"})
    name = TrimmedString(load_default="", validate=Length(max=120))
    rgs_code = TrimmedString(load_default="", validate=Length(max=40))
    default = ma.fields.Boolean(dump_only=True)


class LedgerAccountsSchema(ma.Schema):
    accounts = ma.fields.List(ma.fields.Nested(LedgerAccountSchema), required=True)


def ledger_form_schema() -> type[ma.Schema]:
    """The ledger-account page's form: code, name and RGS code per role, as flat fields (``bank_code``, ...)."""
    fields: dict[str, Any] = {}
    for role in LedgerRole:
        fields[f"{role.value}_code"] = TrimmedString(load_default="", validate=Length(max=20))
        fields[f"{role.value}_name"] = TrimmedString(load_default="", validate=Length(max=120))
        fields[f"{role.value}_rgs_code"] = TrimmedString(load_default="", validate=Length(max=40))
    return ma.Schema.from_dict(fields, name="LedgerAccountForm")
