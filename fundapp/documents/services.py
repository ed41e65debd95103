"""Attaching, listing and deleting documents; who may do so follows the object they are attached to.

A document is attached to one object of the kinds in ``TARGETS``. Seeing it needs the object's "view" rule,
attaching or deleting its ``attach`` rule (``fundapp/auth/policy``). Participant evidence (the documents of a
result about a participant and of a KPI report, which lists participants) further needs the participant-row rule
of the investee, which no administrator passes, or, for a result, the rule of who verifies it: the verifier
(a payer's officer or the contract's validator) sees the evidence beside the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.auth.policy import Scope, attached_it, can, load
from fundapp.db import utcnow
from fundapp.documents.intake import Refused, examine
from fundapp.documents.models import KINDS, Document
from fundapp.documents.storage import FileStore
from fundapp.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fundapp.impact.models import Submission
from fundapp.investees.models import Investee
from fundapp.loans.models import Loan
from fundapp.messages import N_
from fundapp.outcomes.models import Claim, OutcomeContract, OutcomeResult
from fundapp.pipeline.models import Application

KIND_LABELS = {
    "loan_agreement": N_("Loan agreement"),
    "kvk_extract": N_("KvK extract"),
    "payslip": N_("Payslip"),
    "contract": N_("Contract"),
    "other": N_("Other"),
}


@dataclass(frozen=True)
class Target:
    model: Any
    attach: str  # the object's rule for attaching and deleting
    participants_of: Callable[[Any], int | None] = lambda obj: None  # the investee whose participant rule applies
    verifiers: str = ""  # the object's rule whose holders see its participant evidence too: they verify with it
    # Several parties' object (payers, providers, a validator): each attaches, but takes away only what it attached.
    shared: bool = False


TARGETS: dict[str, Target] = {
    "investees": Target(Investee, "report"),
    "loans": Target(Loan, "edit"),
    "outcome-contracts": Target(OutcomeContract, "view", shared=True),
    "outcome-results": Target(
        OutcomeResult, "view", lambda r: r.investee_id if r.participant else None, "verify", shared=True
    ),
    "claims": Target(Claim, "view", shared=True),
    "kpi-submissions": Target(Submission, "submit", lambda s: s.investee_id),
    "applications": Target(Application, "note"),
}
KIND_OF_MODEL = {target.model: kind for kind, target in TARGETS.items()}


def _allowed(session: Session, scope: Scope, target: Target, obj: Any) -> bool:
    investee_id = target.participants_of(obj)
    if investee_id is None or (target.verifiers and can(scope, target.verifiers, obj)):
        return True
    investee = session.get(Investee, investee_id)
    return investee is not None and can(scope, "participants", investee)


def load_target(session: Session, scope: Scope, kind: str, object_id: int, action: str = "view") -> Any:
    """The object documents are attached to: 404 for what the user may not see (its participant evidence
    included), 403 for what they may see but not attach to."""
    target = TARGETS.get(kind)
    if target is None:
        raise NotFound("Not found, or not yours to see.")
    obj = load(session, target.model, object_id, scope, "view")
    if not _allowed(session, scope, target, obj):
        raise NotFound("Not found, or not yours to see.")
    if action != "view":
        load(session, target.model, object_id, scope, target.attach)
    return obj


def load_document(session: Session, scope: Scope, document_id: int, action: str = "view") -> Document:
    document = session.get(Document, document_id)
    if document is None or document.deleted_at is not None:
        raise NotFound("Not found, or not yours to see.")
    load_target(session, scope, document.attached_to, document.object_id, action)
    return document


def documents_of(session: Session, obj: Any) -> list[Document]:
    """The live documents of an object, every version, newest first."""
    return list(
        session.scalars(
            select(Document)
            .where(
                Document.attached_to == KIND_OF_MODEL[type(obj)],
                Document.object_id == obj.id,
                Document.deleted_at.is_(None),
            )
            .order_by(Document.uploaded_at.desc(), Document.id.desc())
        )
    )


def attach(
    session: Session, actor: audit.Who, obj: Any, data: bytes, name: str, kind: str, store: FileStore, max_bytes: int
) -> Document:
    """Keep the file if its bytes are an accepted type that agrees with its name; otherwise refuse, storing nothing."""
    if kind not in KINDS:
        choices = f"Must be one of: {', '.join(KINDS)}."  # marshmallow's words, translated through its template
        raise ValidationFailed.field("kind", choices)
    try:
        verdict = examine(data, name, max_bytes)
    except Refused as exc:
        raise ValidationFailed.field("file", str(exc)) from exc
    attached_to = KIND_OF_MODEL[type(obj)]
    previous = session.scalar(
        select(func.max(Document.version)).where(
            Document.attached_to == attached_to, Document.object_id == obj.id, Document.name == verdict.name
        )
    )
    document = Document(
        attached_to=attached_to,
        object_id=obj.id,
        name=verdict.name,
        kind=kind,
        content_type=verdict.content_type,
        size=len(data),
        sha256=store.put(data),
        version=(previous or 0) + 1,
        uploaded_at=utcnow(),
        uploaded_by_id=getattr(actor, "id", None),
    )
    session.add(document)
    session.flush()
    audit.record(
        session,
        actor,
        "document.attached",
        document,
        {
            "attached_to": [None, f"{attached_to}/{obj.id}"],
            "name": [None, document.name],
            "kind": [None, kind],
            "sha256": [None, document.sha256],
            "version": [None, document.version],
        },
    )
    return document


NOT_YOURS = N_(
    "Only who attached this document (or an administrator) may delete it: the other parties of the contract rely on it."
)


def may_delete(scope: Scope, document: Document) -> bool:
    """Besides the object's attach rule: on an object several parties share (a contract, a result, a claim), the
    person who attached the document, or an administrator; a verifier cannot take away a provider's evidence."""
    return not TARGETS[document.attached_to].shared or attached_it(scope, document.uploaded_by_id)


def delete(session: Session, actor: audit.Who, scope: Scope, document: Document, reason: str) -> Document:
    """A soft delete: the row and the bytes stay (the audit trail refers to them), the document leaves every list."""
    if not may_delete(scope, document):
        raise Forbidden(NOT_YOURS)
    if document.deleted_at is not None:
        raise Conflict("This document was already deleted.")
    document.deleted_at = utcnow()
    document.deleted_by_id = getattr(actor, "id", None)
    document.deleted_reason = reason
    session.flush()
    audit.record(session, actor, "document.deleted", document, {"deleted": [False, True], "reason": [None, reason]})
    return document


def has_evidence(session: Session, result: OutcomeResult, kind: str) -> bool:
    found = session.scalar(
        select(Document.id)
        .where(
            Document.attached_to == "outcome-results",
            Document.object_id == result.id,
            Document.kind == kind,
            Document.deleted_at.is_(None),
        )
        .limit(1)
    )
    return found is not None
