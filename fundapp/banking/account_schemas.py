"""Bank accounts and mandates at the edge: the fields that check an IBAN or a creditor id, and the schemas."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import marshmallow as ma

from fundapp.banking.accounts import AccountError, check_bic, check_creditor_id, check_iban
from fundapp.banking.models import MandateStatus
from fundapp.validation import Day, TrimmedString, typed_in_a_page

Length = ma.validate.Length
# The characters SEPA allows in an identifier such as a mandate id (EPC's Latin character set, no spaces).
SEPA_IDENTIFIER = re.compile(r"[A-Za-z0-9/?:().,'+-]{1,35}")


def _in_reader_language(error: AccountError) -> str:
    """A page shows the check's message in the reader's language; the API gives it in English."""
    if typed_in_a_page():
        from fundapp.i18n import gettext

        return error.in_language(gettext)
    return str(error)


class _CheckedText(TrimmedString):
    check: Callable[[str], str]

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return type(self).check(text)
        except AccountError as exc:
            raise ma.ValidationError(_in_reader_language(exc)) from exc


class IbanField(_CheckedText):
    """An IBAN as typed (spaces, lower case), checked for country, length and check digits; stored compact."""

    check = staticmethod(check_iban)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {}).setdefault("example", "NL91ABNA0417164300")
        super().__init__(**kwargs)


class BicField(_CheckedText):
    check = staticmethod(check_bic)


class CreditorIdField(_CheckedText):
    """A SEPA creditor identifier (NL50ZZZ241234560000), checked with its check digits."""

    check = staticmethod(check_creditor_id)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {}).setdefault("example", "NL50ZZZ241234560000")
        super().__init__(**kwargs)


class BankAccountCreateSchema(ma.Schema):
    iban = IbanField(required=True)
    name = TrimmedString(load_default="", validate=Length(max=140), metadata={"description": "the account's name"})
    bic = BicField(load_default="", metadata={"description": "optional; the bank's BIC"})


class BankAccountSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    iban = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    bic = ma.fields.String()
    fund_id = ma.fields.Integer(allow_none=True)
    investee_id = ma.fields.Integer(allow_none=True)
    payer_id = ma.fields.Integer(allow_none=True)


class MandateIdField(TrimmedString):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not SEPA_IDENTIFIER.fullmatch(text):
            raise ma.ValidationError(
                "Use 1 to 35 letters, digits or / ? : ( ) . , ' + - (no spaces), as SEPA allows in a mandate id."
            )
        return text


class MandateCreateSchema(ma.Schema):
    mandate_id = MandateIdField(required=True, metadata={"example": "SIF-2026-0007"})
    signed_on = Day(required=True)
    iban = IbanField(required=True)
    debtor_name = TrimmedString(
        load_default="", validate=Length(max=140), metadata={"description": "default: the investee's name"}
    )
    bic = BicField(load_default="")


class MandateSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    loan_id = ma.fields.Integer()
    mandate_id = ma.fields.String(required=True)
    signed_on = Day(required=True)
    iban = ma.fields.String(required=True)
    bic = ma.fields.String()
    debtor_name = ma.fields.String()
    status = ma.fields.Enum(MandateStatus, by_value=True, required=True)
    first_collected_on = Day(allow_none=True)
    revoked_at = ma.fields.DateTime(allow_none=True)
