from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from sqlalchemy import select

from fundapp import clock
from fundapp.auth import invitations
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.models import Role
from fundapp.auth.policy import can, is_manager_or_admin, load, visible, visible_funds
from fundapp.banking import page_parts as bank_parts
from fundapp.cofinancing import views as cofinancing_views
from fundapp.db import get_session
from fundapp.funds.models import Fund
from fundapp.i18n import gettext as _
from fundapp.instruments import sections as instrument_sections
from fundapp.instruments import views as equity_views
from fundapp.investees import services, support
from fundapp.investees.models import (
    PSO_LEVELS,
    GrowthLevel,
    Investee,
    Label,
    LabelKind,
    LegalForm,
    Orientation,
    SupportKind,
)
from fundapp.investees.queries import SORTABLE, all_themes, investee_query
from fundapp.investees.schemas import (
    GrowthLevelCreateSchema,
    InvesteeCreateSchema,
    LabelCreateSchema,
    SupportCreateSchema,
)
from fundapp.kept_answers import keeps_answers
from fundapp.listing import paginate, sort_by
from fundapp.web import done, handle_form, list_args

bp = Blueprint("investees", __name__, url_prefix="/investees")


def _form_context(investee: Investee | None) -> dict[str, Any]:
    session = get_session()
    funds = session.scalars(select(Fund).where(visible(current_scope(), Fund, "edit")).order_by(Fund.name)).all()
    from fundapp.navigation import theme_name

    return {
        "investee": investee,
        "fund_options": [(f.id, f.name) for f in funds],
        "theme_options": [(t.code, theme_name(t)) for t in all_themes(session)],
        "legal_forms": list(LegalForm),
        "orientations": list(Orientation),
    }


@bp.get("/")
@access("login")
@keeps_answers
def index() -> Any:
    args = list_args("name")
    fund_id = request.args.get("fund_id", type=int)
    theme = request.args.get("theme") or None
    municipality = request.args.get("municipality") or None
    query = investee_query(current_scope(), args["q"], fund_id, theme, municipality)
    query, sort = sort_by(query, SORTABLE, args["sort"], "name")
    page = paginate(get_session(), query, args["page"], args["page_size"])
    session = get_session()
    funds = session.scalars(select(Fund).where(visible_funds(current_scope())).order_by(Fund.name)).all()
    return render_template(
        "investees/list.html",
        page=page,
        sort=sort,
        q=args["q"] or "",
        funds=funds,
        themes=all_themes(session),
        filters={"fund_id": fund_id, "theme": theme, "municipality": municipality or ""},
        can_create=is_manager_or_admin(current_scope()),
    )


@bp.get("/<int:investee_id>")
@access("login")
def detail(investee_id: int) -> Any:
    investee = load(get_session(), Investee, investee_id, current_scope())
    sees_support = can(current_scope(), "support", investee)
    return render_template(
        "investees/detail.html",
        investee=investee,
        today=clock.today(),
        can_edit=can(current_scope(), "edit", investee),
        growth_levels=get_session().scalars(support.growth_query(investee)).all() if sees_support else None,
        support_log=get_session().scalars(support.support_query(investee)).all() if sees_support else None,
        **bank_parts.owner(get_session(), current_scope(), investee),
        **cofinancing_views.investee_part(current_scope(), investee),
        **equity_views.investee_section(investee),
        **instrument_sections.investee(get_session(), current_scope(), investee),
        **invitations.people_section(
            get_session(),
            current_scope(),
            Role.INVESTEE_MEMBER,
            investee,
            url_for("people.invite_investee_member", investee_id=investee.id),
            _("Members"),
        ),
    )


def _investee_values(investee: Investee) -> Any:
    from werkzeug.datastructures import MultiDict

    values = MultiDict(
        {
            "fund_id": investee.fund_id,
            "name": investee.name,
            "kvk_number": investee.kvk_number,
            "legal_form": investee.legal_form.value,
            "municipality": investee.municipality,
            "region": investee.region,
            "website": investee.website,
            "mission": investee.mission,
            "problem": investee.problem,
            "founded_on": investee.founded_on.isoformat() if investee.founded_on else "",
            "orientation": investee.orientation.value if investee.orientation else "",
        }
    )
    for code in investee.theme_codes:
        values.add("themes", code)
    for sdg in investee.sdg_numbers:
        values.add("sdgs", str(sdg))
    return values


@bp.route("/new", methods=["GET", "POST"])
@access("login", check=is_manager_or_admin)
def create() -> Any:
    scope = current_scope()

    def save(data: dict[str, Any]) -> Any:
        investee = services.create_investee(get_session(), current_actor(), scope, data)
        return done(_("Investee created."), url_for("investees.detail", investee_id=investee.id))

    from werkzeug.datastructures import MultiDict

    initial = MultiDict({"fund_id": request.args.get("fund_id", "")})
    return handle_form(InvesteeCreateSchema(), initial, save, "investees/form.html", **_form_context(None))


@bp.route("/<int:investee_id>/edit", methods=["GET", "POST"])
@access("login")
def edit(investee_id: int) -> Any:
    investee = load(get_session(), Investee, investee_id, current_scope(), "edit")

    def save(data: dict[str, Any]) -> Any:
        services.update_investee(get_session(), current_actor(), current_scope(), investee, data)
        return done(_("Investee saved."), url_for("investees.detail", investee_id=investee.id))

    return handle_form(
        InvesteeCreateSchema(), _investee_values(investee), save, "investees/form.html", **_form_context(investee)
    )


def _label_context(investee: Investee, label: Label | None) -> dict[str, Any]:
    return {"investee": investee, "label": label, "kinds": list(LabelKind), "pso_levels": PSO_LEVELS}


@bp.route("/<int:investee_id>/labels/new", methods=["GET", "POST"])
@access("login")
def add_label(investee_id: int) -> Any:
    investee = load(get_session(), Investee, investee_id, current_scope(), "edit")

    def save(data: dict[str, Any]) -> Any:
        services.add_label(get_session(), current_actor(), investee, data)
        return done(_("Label added."), url_for("investees.detail", investee_id=investee.id))

    return handle_form(LabelCreateSchema(), {}, save, "investees/label_form.html", **_label_context(investee, None))


@bp.route("/labels/<int:label_id>/edit", methods=["GET", "POST"])
@access("login")
def edit_label(label_id: int) -> Any:
    label = load(get_session(), Label, label_id, current_scope(), "edit")
    values = {
        "kind": label.kind.value,
        "level": label.level,
        "reference": label.reference,
        "valid_until": label.valid_until.isoformat() if label.valid_until else "",
    }

    def save(data: dict[str, Any]) -> Any:
        services.update_label(get_session(), current_actor(), label, data)
        return done(_("Label saved."), url_for("investees.detail", investee_id=label.investee_id))

    return handle_form(
        LabelCreateSchema(), values, save, "investees/label_form.html", **_label_context(label.investee, label)
    )


@bp.route("/labels/<int:label_id>/delete", methods=["GET", "POST"])
@access("login")
def delete_label(label_id: int) -> Any:
    label = load(get_session(), Label, label_id, current_scope(), "edit")
    if request.method == "POST":
        investee_id = label.investee_id
        services.remove_label(get_session(), current_actor(), label)
        return done(_("Label removed."), url_for("investees.detail", investee_id=investee_id))
    return render_template(
        "confirm.html",
        title=_("Remove label"),
        question=_("Remove this label from %(name)s?", name=label.investee.name),
        action=url_for("investees.delete_label", label_id=label.id),
        back=url_for("investees.detail", investee_id=label.investee_id),
        button=_("Remove label"),
    )


@bp.route("/<int:investee_id>/growth-levels/new", methods=["GET", "POST"])
@access("login")
def add_growth_level(investee_id: int) -> Any:
    investee = load(get_session(), Investee, investee_id, current_scope(), "edit")

    def save(data: dict[str, Any]) -> Any:
        support.record_growth_level(get_session(), current_actor(), investee, data)
        return done(_("Growth level recorded."), url_for("investees.detail", investee_id=investee.id))

    return handle_form(
        GrowthLevelCreateSchema(),
        {"from_date": clock.today().isoformat()},
        save,
        "investees/growth_level_form.html",
        investee=investee,
        levels=list(GrowthLevel),
    )


@bp.route("/<int:investee_id>/support/new", methods=["GET", "POST"])
@access("login")
def add_support(investee_id: int) -> Any:
    investee = load(get_session(), Investee, investee_id, current_scope(), "edit")

    def save(data: dict[str, Any]) -> Any:
        support.record_support(get_session(), current_actor(), investee, data)
        return done(_("Support recorded."), url_for("investees.detail", investee_id=investee.id))

    return handle_form(
        SupportCreateSchema(),
        {"given_on": clock.today().isoformat()},
        save,
        "investees/support_form.html",
        investee=investee,
        kinds=list(SupportKind),
    )
