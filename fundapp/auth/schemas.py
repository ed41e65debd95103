from __future__ import annotations

import marshmallow as ma

from fundapp.auth.models import Role


class TokenRequestSchema(ma.Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(min=3, max=255))
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(min=1, max=1000))
    name = ma.fields.String(load_default="", validate=ma.validate.Length(max=100))


class TokenCreatedSchema(ma.Schema):
    token = ma.fields.String(required=True)
    id = ma.fields.Integer()
    expires_at = ma.fields.DateTime(allow_none=True)


class TokenSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    prefix = ma.fields.String()
    created_at = ma.fields.DateTime()
    expires_at = ma.fields.DateTime(allow_none=True)
    revoked_at = ma.fields.DateTime(allow_none=True)
    last_used_at = ma.fields.DateTime(allow_none=True)


class MembershipSchema(ma.Schema):
    role = ma.fields.Enum(Role, by_value=True)
    fund_id = ma.fields.Integer(allow_none=True)
    payer_id = ma.fields.Integer(allow_none=True)
    investee_id = ma.fields.Integer(allow_none=True)


class MeSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    name = ma.fields.String()
    memberships = ma.fields.List(ma.fields.Nested(MembershipSchema))
