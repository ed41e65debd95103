from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from fundapp.documents.models import KINDS
from fundapp.validation import TrimmedString


class DocumentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": list(KINDS)})
    content_type = ma.fields.String(required=True)
    size = ma.fields.Integer(required=True)
    sha256 = ma.fields.String(required=True)
    uploaded_at = ma.fields.DateTime(required=True)


class DocumentUploadSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))
    file = Upload(
        required=True,
        metadata={"description": "PDF, PNG, JPEG, DOCX, XLSX or ODT; its type is read from its bytes"},
    )


class DocumentDeleteSchema(ma.Schema):
    reason = TrimmedString(required=True, validate=ma.validate.Length(min=2, max=2000))
