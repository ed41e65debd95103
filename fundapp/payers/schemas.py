from __future__ import annotations

import marshmallow as ma

from fundapp.payers.models import PayerKind
from fundapp.validation import TrimmedString

Length = ma.validate.Length


class PayerCreateSchema(ma.Schema):
    name = TrimmedString(required=True, validate=Length(min=2, max=200))
    kind = ma.fields.Enum(PayerKind, by_value=True, required=True)
    region = TrimmedString(load_default="", validate=Length(max=120))
    contact_email = TrimmedString(load_default="", allow_none=True, validate=Length(max=255))
    description = TrimmedString(load_default="", validate=Length(max=5000))

    @ma.validates("contact_email")
    def _email_or_empty(self, value, **_kwargs):
        # Optional: empty means "no contact address"; anything else must be an email address.
        if value:
            ma.validate.Email(error="Enter a valid email address.")(value)

    @ma.post_load
    def _none_is_empty(self, data, **_kwargs):
        if "contact_email" in data and data["contact_email"] is None:
            data["contact_email"] = ""
        return data


class PayerSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.Enum(PayerKind, by_value=True)
    region = ma.fields.String()
    contact_email = ma.fields.String()
    description = ma.fields.String()
