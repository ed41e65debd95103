"""Statements and bank transactions at the edge: the import's answer, the transaction list, booking."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest.fields import Upload

from fundapp.banking.models import TransactionStatus
from fundapp.loans.schemas import EventSchema
from fundapp.validation import Day, MoneyField, TrimmedString


class StatementFileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "a camt.053 (001.02-001.13) or MT940 statement file"})


class StatementSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    format = ma.fields.String(required=True, metadata={"enum": ["camt.053", "mt940"]})
    account = ma.fields.String(required=True, metadata={"description": "the fund's IBAN the statement is of"})
    file_name = ma.fields.String()
    statement_ref = ma.fields.String()
    imported_at = ma.fields.DateTime()
    opening_date = Day(allow_none=True)
    opening_balance = MoneyField(allow_none=True, min_value=None)
    closing_date = Day(allow_none=True)
    closing_balance = MoneyField(allow_none=True, min_value=None)
    transactions = ma.fields.Integer(required=True, metadata={"description": "every booked movement in the file"})
    new = ma.fields.Integer(required=True)
    duplicates = ma.fields.Integer(required=True, metadata={"description": "imported before: stored once"})
    credits = MoneyField(required=True)
    debits = MoneyField(required=True)
    matched = ma.fields.Integer(required=True, metadata={"description": "new ones proposed or booked"})
    unmatched = ma.fields.Integer(required=True)
    booked = ma.fields.Integer()
    warnings = ma.fields.List(ma.fields.String(), required=True)


class ProposalSchema(ma.Schema):
    kind = ma.fields.String(
        required=True, metadata={"enum": ["repayment", "recovery", "disbursement", "outcome_payment", "return"]}
    )
    loan_id = ma.fields.Integer(allow_none=True, required=True)
    loan_reference = ma.fields.String(allow_none=True)
    event_id = ma.fields.Integer(allow_none=True, metadata={"description": "a return: the repayment it reverses"})
    split_id = ma.fields.Integer(allow_none=True)
    matched_by = ma.fields.String(metadata={"enum": ["end_to_end_id", "reference", "iban_amount", "manual"]})


class BankTransactionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    statement_id = ma.fields.Integer()
    booking_date = Day(required=True)
    value_date = Day(allow_none=True)
    amount = MoneyField(required=True)
    currency = ma.fields.Constant("EUR")
    direction = ma.fields.String(required=True, metadata={"enum": ["credit", "debit"]})
    counterparty_name = ma.fields.String(required=True)
    counterparty_iban = ma.fields.String(required=True)
    remittance = ma.fields.String(required=True)
    creditor_reference = ma.fields.String()
    end_to_end_id = ma.fields.String(required=True)
    mandate_id = ma.fields.String()
    bank_reference = ma.fields.String()
    return_reason = ma.fields.String()
    is_reversal = ma.fields.Boolean()
    status = ma.fields.Enum(TransactionStatus, by_value=True, required=True)
    proposal = ma.fields.Nested(ProposalSchema, allow_none=True, required=True)
    booked_event_id = ma.fields.Integer(allow_none=True)
    set_aside_reason = ma.fields.String()
    unmatched_reason = ma.fields.String(
        metadata={
            "enum": ["", "collection_matched", "assigned_unpaid"],
            "description": "why it was left for a person: collection_matched, another credit of the statement "
            "has the collection's end-to-end id and was matched to it; assigned_unpaid, a payer's transfer of "
            "an assigned outcome payment, linked to the loan's repayment once the payer records its payment",
        }
    )


class TransactionListArgsSchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100000))
    page_size = ma.fields.Integer(load_default=25, validate=ma.validate.Range(min=1, max=200))
    status = ma.fields.Enum(TransactionStatus, by_value=True, load_default=None)
    statement_id = ma.fields.Integer(load_default=None)


class BookSchema(ma.Schema):
    loan_id = ma.fields.Integer(
        load_default=None, allow_none=True, metadata={"description": "for an unmatched credit: the loan it paid"}
    )


class SetAsideSchema(ma.Schema):
    reason = TrimmedString(required=True, validate=ma.validate.Length(min=3, max=2000))


class BookedSchema(EventSchema):
    """The event a booked transaction became: a repayment or recovery, the repayment a return reversed, or the
    payment of a credit transfer (without a loan event for an outcome payment)."""

    id = ma.fields.Integer(allow_none=True)
    # Wider than a loan event's kinds: a return, or the payment of a credit transfer.
    kind = ma.fields.String(  # type: ignore[assignment]
        metadata={"enum": ["repayment", "recovery", "return", "disbursement", "outcome_payment"]}
    )
    transaction_id = ma.fields.Integer(required=True)
    loan_id = ma.fields.Integer(allow_none=True)
    split_id = ma.fields.Integer(allow_none=True)


def proposal_of(tx: Any, references: dict[int, str]) -> dict[str, Any] | None:
    if tx.proposal_kind is None:
        return None
    return {
        "kind": tx.proposal_kind.value,
        "loan_id": tx.proposal_loan_id,
        "loan_reference": references.get(tx.proposal_loan_id) if tx.proposal_loan_id else None,
        "event_id": tx.proposal_event_id,
        "split_id": tx.proposal_split_id,
        "matched_by": tx.matched_by,
    }
