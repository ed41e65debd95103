from __future__ import annotations

import marshmallow as ma

from fundapp.outcomes.models import PayerKind
from fundapp.validation import TrimmedString

Length = ma.validate.Length


class PayerCreateSchema(ma.Schema):
    name = TrimmedString(required=True, validate=Length(min=2, max=200))
    kind = ma.fields.Enum(PayerKind, by_value=True, required=True)
    region = TrimmedString(load_default="", validate=Length(max=120))
    contact_email = ma.fields.Email(load_default="", validate=Length(max=255))
    description = TrimmedString(load_default="", validate=Length(max=5000))

    @ma.pre_load
    def _empty_email(self, data, **_kwargs):
        if isinstance(data, dict) and data.get("contact_email") in (None,):
            data = {**data, "contact_email": ""}
        return data


class PayerSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.Enum(PayerKind, by_value=True)
    region = ma.fields.String()
    contact_email = ma.fields.String()
    description = ma.fields.String()
