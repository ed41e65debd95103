"""The API of documents: attach to an object, list an object's documents, download one, delete one."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from flask import Response, current_app, request
from werkzeug.utils import secure_filename

from fundapp.api import PagingArgsSchema, make_blueprint, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.db import get_session
from fundapp.documents import services
from fundapp.documents.models import Document
from fundapp.documents.schemas import DocumentDeleteSchema, DocumentSchema, DocumentUploadSchema
from fundapp.documents.storage import FileMissing, files
from fundapp.errors import NotFound

blp = make_blueprint("documents", "Documents: files attached to investees, loans, contracts, results, claims, reports")
DocumentPageSchema = page_schema(DocumentSchema, "DocumentPage")
KIND_PATH = "<any(" + ", ".join(f'"{kind}"' for kind in services.TARGETS) + "):kind>/<int:object_id>/documents"
# Room for the form around the largest file, so an oversized file is refused by name (422), not cut off.
ENVELOPE = 1024 * 1024


def target(action: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Load and authorize the object (or document) before the body is parsed: a stranger gets 404, not a validation error."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            request.max_content_length = current_app.config["MAX_DOCUMENT_BYTES"] + ENVELOPE
            if "document_id" in kwargs:
                services.load_document(get_session(), current_scope(), kwargs["document_id"], action)
            else:
                services.load_target(get_session(), current_scope(), kwargs["kind"], kwargs["object_id"], action)
            return view(*args, **kwargs)

        return guarded

    return decorate


@blp.route("/" + KIND_PATH, methods=["GET"])
@access("login")
@target("view")
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, DocumentPageSchema)
def list_documents(args: dict[str, Any], kind: str, object_id: int) -> Any:
    """The object's documents, every kept version, newest first (deleted ones are left out)."""
    obj = services.load_target(get_session(), current_scope(), kind, object_id)
    items = services.documents_of(get_session(), obj)
    start = (args["page"] - 1) * args["page_size"]
    return page_of(items[start : start + args["page_size"]], len(items), args["page"], args["page_size"])


@blp.route("/" + KIND_PATH, methods=["POST"])
@access("login")
@target("attach")
@blp.arguments(DocumentUploadSchema, location="multipart")
@blp.response(201, DocumentSchema)
def attach_document(upload: dict[str, Any], kind: str, object_id: int) -> Any:
    """Attach a file (multipart `file`, field `kind`). Its type is read from its bytes; a file that is empty,
    too large, of another type than its name says, or not PDF/PNG/JPEG/DOCX/XLSX/ODT answers 422 and nothing is
    kept. The same name again is the next version; the earlier ones stay."""
    session = get_session()
    obj = services.load_target(session, current_scope(), kind, object_id, "attach")
    file = upload["file"]
    limit = current_app.config["MAX_DOCUMENT_BYTES"]
    data = file.read(limit + 1)
    return services.attach(session, current_actor(), obj, data, file.filename or "", upload["kind"], files(), limit)


@blp.route("/documents/<int:document_id>/content", methods=["GET"])
@access("login")
@target("view")
@blp.response(200, content_type="application/octet-stream")
def document_content(document_id: int) -> Any:
    """The file itself, streamed as an attachment with its type (never shown inline)."""
    document = services.load_document(get_session(), current_scope(), document_id)
    return download(document)


def download(document: Document) -> Response:
    try:
        chunks = files().stream(document.sha256)
    except FileMissing as exc:
        raise NotFound("The file of this document is missing from the store.") from exc
    fallback = secure_filename(document.name) or "document"
    response = Response(chunks, mimetype=document.content_type, direct_passthrough=True)
    response.headers["Content-Length"] = str(document.size)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(document.name)}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@blp.route("/documents/<int:document_id>", methods=["DELETE"])
@access("login")
@target("attach")
@blp.arguments(DocumentDeleteSchema)
@blp.response(204)
def delete_document(args: dict[str, Any], document_id: int) -> Any:
    """A soft delete with a reason, kept in the audit trail; the document leaves the lists."""
    session = get_session()
    document = services.load_document(session, current_scope(), document_id, "attach")
    services.delete(session, current_actor(), current_scope(), document, args["reason"])
    return None
