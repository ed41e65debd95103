"""The pages of documents: an object's documents (attach, download, delete), linked from the object's page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import can, permitted_ids
from fundapp.db import get_session
from fundapp.documents import services
from fundapp.documents.api import ENVELOPE, KIND_PATH, download
from fundapp.documents.models import KINDS, Document
from fundapp.documents.storage import files
from fundapp.errors import AppError, ValidationFailed
from fundapp.i18n import gettext as _
from fundapp.investees.models import Investee
from fundapp.messages import DOCUMENT_TOO_LARGE
from fundapp.outcomes.models import OutcomeResult
from fundapp.web import done

bp = Blueprint("documents", __name__)


@bp.app_template_global("document_kinds")
def document_kinds() -> list[tuple[str, str]]:
    """The kinds of document, in the reader's words (for the pages' choices and labels)."""
    return [(k, _(services.KIND_LABELS[k])) for k in KINDS]


def title_and_back(kind: str, obj: Any) -> tuple[str, str]:
    """How the page names the object, and the page of the object itself."""
    if kind == "investees":
        return obj.name, url_for("investees.detail", investee_id=obj.id)
    if kind == "loans":
        return _("Loan %(reference)s", reference=obj.reference), url_for("loans.detail", loan_id=obj.id)
    if kind == "outcome-contracts":
        return obj.name, url_for("outcomes.contract_detail", contract_id=obj.id)
    if kind == "outcome-results":
        what = obj.participant or obj.period
        return _("Result %(item)s · %(what)s", item=obj.item_code, what=what), url_for(
            "outcomes.result_list", contract_id=obj.contract_id, status=""
        )
    if kind == "applications":
        return _("Application %(number)s", number=obj.id), url_for("pipeline.detail", application_id=obj.id)
    if kind == "claims":
        return _("Claim %(period)s", period=obj.period), url_for("outcomes.claim_detail", claim_id=obj.id)
    return _("KPI report %(period)s", period=obj.period), url_for("impact.submission", submission_id=obj.id)


@bp.get("/" + KIND_PATH)
@access("login")
def object_documents(kind: str, object_id: int) -> Any:
    obj = services.load_target(get_session(), current_scope(), kind, object_id)
    return _page(kind, obj)


@bp.post("/" + KIND_PATH)
@access("login")
def attach(kind: str, object_id: int) -> Any:
    session = get_session()
    obj = services.load_target(session, current_scope(), kind, object_id, "attach")
    try:
        return _attach(session, kind, obj)
    except AppError as exc:
        return _page(kind, obj, exc.details[0]["message"] if exc.details else exc.message)


def _page(kind: str, obj: Any, problem: str = "") -> Any:
    title, back = title_and_back(kind, obj)
    return render_template(
        "documents/list.html",
        kind=kind,
        obj=obj,
        title=title,
        back=back,
        documents=services.documents_of(get_session(), obj),
        kinds=document_kinds(),
        kind_labels=services.KIND_LABELS,
        may_attach=can(current_scope(), services.TARGETS[kind].attach, obj),
        may_delete=lambda document: services.may_delete(current_scope(), document),
        problem=problem,
        chosen_kind=request.form.get("kind", "other"),
    ), (422 if problem else 200)


def _attach(session: Any, kind: str, obj: Any) -> Any:
    limit = current_app.config["MAX_DOCUMENT_BYTES"]
    request.max_content_length = limit + ENVELOPE
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge as exc:
        too_large = DOCUMENT_TOO_LARGE % {"mb": limit // (1024 * 1024)}
        raise ValidationFailed.field("file", too_large) from exc
    if upload is None:
        raise ValidationFailed.field("file", _("Choose the file to attach."))
    document_kind = request.form.get("kind", "")
    data = upload.read(limit + 1)
    document = services.attach(
        session, current_actor(), obj, data, upload.filename or "", document_kind, files(), limit
    )
    return done(
        _("%(name)s attached (version %(version)s).", name=document.name, version=document.version),
        url_for("documents.object_documents", kind=kind, object_id=obj.id),
    )


@bp.get("/documents/<int:document_id>/download")
@access("login")
def document_download(document_id: int) -> Any:
    return download(services.load_document(get_session(), current_scope(), document_id))


@bp.post("/documents/<int:document_id>/delete")
@access("login")
def document_delete(document_id: int) -> Any:
    session = get_session()
    document = services.load_document(session, current_scope(), document_id, "attach")
    back = url_for("documents.object_documents", kind=document.attached_to, object_id=document.object_id)
    reason = request.form.get("reason", "").strip()
    if len(reason) < 2:
        return done(_("Say why the document is deleted."), back, "error")
    services.delete(session, current_actor(), current_scope(), document, reason[:2000])
    return done(_("%(name)s deleted.", name=document.name), back)


def evidence_of(results: list[Any]) -> dict[int, list[Document]]:
    """The documents beside each result on a page of results, in two queries: the verifier reads them there.
    A participant's evidence only for those who pass the participant rule of its provider or may verify it."""
    session = get_session()
    allowed = permitted_ids(session, current_scope(), "participants", Investee, {r.investee_id for r in results})
    verifiable = permitted_ids(session, current_scope(), "verify", OutcomeResult, {r.id for r in results})
    shown = [r.id for r in results if r.participant is None or r.investee_id in allowed or r.id in verifiable]
    found: dict[int, list[Document]] = {result_id: [] for result_id in shown}  # a key: the user may see them
    if not shown:
        return found
    for document in session.scalars(
        select(Document)
        .where(
            Document.attached_to == "outcome-results",
            Document.object_id.in_(shown),
            Document.deleted_at.is_(None),
        )
        .order_by(Document.uploaded_at.desc(), Document.id.desc())
    ):
        found.setdefault(document.object_id, []).append(document)
    return found
