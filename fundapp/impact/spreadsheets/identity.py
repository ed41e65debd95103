"""The template's identity: which investee and period it was made for, signed with HMAC-SHA256.

The signature lets the validator tell a template the app made from one whose hidden
sheet was edited; the identity lets it refuse another investee's or period's file.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass


@dataclass(frozen=True)
class TemplateIdentity:
    template_version: str
    investee_id: str  # kept as text: it is compared and signed as written in the sheet
    kvk_number: str
    period: str

    def as_rows(self, secret: bytes) -> list[tuple[str, str]]:
        """The key/value rows of the hidden identity sheet, the signature last."""
        return [
            ("template_version", self.template_version),
            ("investee_id", self.investee_id),
            ("kvk_number", self.kvk_number),
            ("period", self.period),
            ("signature", sign(self, secret)),
        ]


def _payload(identity: TemplateIdentity) -> bytes:
    # One field per line with a fixed prefix: no two different identities give the same bytes.
    fields = (
        "fundapp-kpi-template",
        identity.template_version,
        identity.investee_id,
        identity.kvk_number,
        identity.period,
    )
    return "\n".join(fields).encode("utf-8")


def sign(identity: TemplateIdentity, secret: bytes) -> str:
    return hmac.new(secret, _payload(identity), hashlib.sha256).hexdigest()


def signature_is_valid(identity: TemplateIdentity, signature: str, secret: bytes) -> bool:
    return hmac.compare_digest(sign(identity, secret), signature.strip().lower())
