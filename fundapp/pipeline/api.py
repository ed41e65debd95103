from __future__ import annotations

from typing import Any

from fundapp.api import make_blueprint, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import can, is_provider_side, load, permitted_ids
from fundapp.db import get_session
from fundapp.investees.models import Investee
from fundapp.listing import paginate
from fundapp.pipeline import queries, services
from fundapp.pipeline.models import Application
from fundapp.pipeline.schemas import (
    ApplicationCreateSchema,
    ApplicationListArgsSchema,
    ApplicationSchema,
    DecisionCreateSchema,
    NoteCreateSchema,
    NoteSchema,
    TransitionSchema,
)

blp = make_blueprint("pipeline", "Applications for financing, their notes and the investment committee's decision")
ApplicationPageSchema = page_schema(ApplicationSchema, "ApplicationPage")
NotePageSchema = page_schema(NoteSchema, "ApplicationNotePage")


@blp.route("/applications", methods=["GET"])
@access("login")
@blp.arguments(ApplicationListArgsSchema, location="query")
@blp.response(200, ApplicationPageSchema)
def list_applications(args: dict[str, Any]) -> Any:
    scope = current_scope()
    query = queries.pipeline_query(scope, args["fund_id"], args["status"])
    session = get_session()
    page = paginate(session, query.order_by(Application.id), args["page"], args["page_size"])
    full = permitted_ids(session, scope, "edit", Application, [a.id for a in page.items])
    items = [queries.Seen(a, a.id in full) for a in page.items]
    return page_of(items, page.total, page.page, page.page_size)


@blp.route("/applications", methods=["POST"])
@access("login", check=is_provider_side)
@blp.arguments(ApplicationCreateSchema)
@blp.response(201, ApplicationSchema)
def create_application(data: dict[str, Any]) -> Any:
    session = get_session()
    investee = load(session, Investee, data.pop("investee_id"), current_scope(), "apply")
    application = services.create_application(session, current_actor(), investee, data)
    return queries.seen(current_scope(), application)


def _application(application_id: int, action: str = "view") -> Application:
    return queries.load_application(get_session(), current_scope(), application_id, action)


@blp.route("/applications/<int:application_id>", methods=["GET"])
@access("login", obj=(Application, "application_id", "view"))
@blp.response(200, ApplicationSchema)
def get_application(application_id: int) -> Any:
    return queries.seen(current_scope(), _application(application_id))


@blp.route("/applications/<int:application_id>/transitions", methods=["POST"])
@access("login", obj=(Application, "application_id", "edit"))
@blp.arguments(TransitionSchema)
@blp.response(200, ApplicationSchema)
def move_application(data: dict[str, Any], application_id: int) -> Any:
    application = _application(application_id, "edit")
    services.move(get_session(), current_actor(), application, data["action"])
    return queries.seen(current_scope(), application)


@blp.route("/applications/<int:application_id>/notes", methods=["GET"])
@access("login", obj=(Application, "application_id", "view"))
@blp.response(200, NotePageSchema)
def list_notes(application_id: int) -> Any:
    application = _application(application_id)
    notes = queries.notes_seen(get_session(), application, can(current_scope(), "edit", application))
    return page_of(notes, len(notes), 1, max(len(notes), 1))


@blp.route("/applications/<int:application_id>/notes", methods=["POST"])
@access("login", obj=(Application, "application_id", "note"))
@blp.arguments(NoteCreateSchema)
@blp.response(201, NoteSchema)
def add_note(data: dict[str, Any], application_id: int) -> Any:
    application = _application(application_id, "note")
    # The enterprise's own notes are for the fund to read: never internal.
    internal = data["internal"] and can(current_scope(), "edit", application)
    return services.add_note(get_session(), current_actor(), application, data["text"], internal)


@blp.route("/applications/<int:application_id>/decision", methods=["POST"])
@access("login", obj=(Application, "application_id", "edit"))
@blp.arguments(DecisionCreateSchema)
@blp.response(201, ApplicationSchema)
def record_decision(data: dict[str, Any], application_id: int) -> Any:
    application = _application(application_id, "edit")
    services.record_decision(get_session(), current_actor(), application, data)
    return queries.seen(current_scope(), application)
