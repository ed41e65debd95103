from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, url_for
from sqlalchemy import select

from fundapp.auth import invitations
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.models import Role
from fundapp.auth.policy import can, load, visible_payers
from fundapp.banking import page_parts as bank_parts
from fundapp.db import get_session
from fundapp.i18n import gettext as _
from fundapp.listing import paginate, search_clause, sort_by
from fundapp.payers import services
from fundapp.payers.models import OutcomePayer, PayerKind
from fundapp.payers.schemas import PayerCreateSchema
from fundapp.web import done, handle_form, list_args

bp = Blueprint("payers", __name__, url_prefix="/payers")
SORTABLE = {"name": OutcomePayer.name, "kind": OutcomePayer.kind, "region": OutcomePayer.region}


@bp.get("/")
@access("login")
def index() -> Any:
    args = list_args("name")
    query = select(OutcomePayer).where(visible_payers(current_scope()))
    clause = search_clause([OutcomePayer.name, OutcomePayer.region], args["q"])
    if clause is not None:
        query = query.where(clause)
    query, sort = sort_by(query, SORTABLE, args["sort"], "name")
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return render_template("payers/list.html", page=page, sort=sort, q=args["q"] or "")


@bp.get("/<int:payer_id>")
@access("login")
def detail(payer_id: int) -> Any:
    payer = load(get_session(), OutcomePayer, payer_id, current_scope())
    return render_template(
        "payers/detail.html",
        payer=payer,
        can_edit=can(current_scope(), "edit", payer),
        **bank_parts.owner(get_session(), current_scope(), payer),
        **invitations.people_section(
            get_session(),
            current_scope(),
            Role.PAYER_OFFICER,
            payer,
            url_for("people.invite_payer_officer", payer_id=payer.id),
            _("Officers"),
        ),
    )


@bp.route("/new", methods=["GET", "POST"])
@access("admin")
def create() -> Any:
    def save(data: dict[str, Any]) -> Any:
        payer = services.create_payer(get_session(), current_actor(), data)
        return done(_("Outcome payer created."), url_for("payers.detail", payer_id=payer.id))

    return handle_form(
        PayerCreateSchema(),
        {"kind": PayerKind.MUNICIPALITY.value},
        save,
        "payers/form.html",
        payer=None,
        kinds=list(PayerKind),
    )


@bp.route("/<int:payer_id>/edit", methods=["GET", "POST"])
@access("login")
def edit(payer_id: int) -> Any:
    payer = load(get_session(), OutcomePayer, payer_id, current_scope(), "edit")
    values = {
        "name": payer.name,
        "kind": payer.kind.value,
        "region": payer.region,
        "contact_email": payer.contact_email,
        "description": payer.description,
    }

    def save(data: dict[str, Any]) -> Any:
        services.update_payer(get_session(), current_actor(), payer, data)
        return done(_("Outcome payer saved."), url_for("payers.detail", payer_id=payer.id))

    return handle_form(PayerCreateSchema(), values, save, "payers/form.html", payer=payer, kinds=list(PayerKind))
