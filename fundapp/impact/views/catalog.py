"""The indicator catalog: the list people search and sort, and a fund's own indicators."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from sqlalchemy import case, or_, select

from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import (
    is_manager_or_admin,
    may_add_shared_indicator,
    visible,
    visible_indicators,
)
from fundapp.db import get_session
from fundapp.funds.models import Fund
from fundapp.i18n import gettext as _
from fundapp.impact import catalog
from fundapp.impact.models import Indicator, TocLevel
from fundapp.impact.schemas import IndicatorCreateSchema
from fundapp.impact.views import bp, locale
from fundapp.labels import options
from fundapp.listing import paginate, sort_by
from fundapp.web import done, handle_form, list_args


@bp.get("/indicators")
@access("login")
def indicators() -> Any:
    session = get_session()
    query = select(Indicator).where(Indicator.active.is_(True), visible_indicators(current_scope()))
    theme = request.args.get("theme") or None
    level = request.args.get("toc_level") or None
    q = (request.args.get("q") or "").strip()[:100]
    if theme:
        query = query.where(Indicator.theme_code == theme)
    if level in {t.value for t in TocLevel}:
        query = query.where(Indicator.toc_level == TocLevel(level))
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(
            or_(Indicator.code.ilike(pattern), Indicator.name_nl.ilike(pattern), Indicator.name_en.ilike(pattern))
        )
    from fundapp.investees.queries import all_themes

    args = list_args("theme")
    query, sort = sort_by(query, _indicator_sorts(), args["sort"], "theme")
    page = paginate(session, query, args["page"], args["page_size"])
    return render_template(
        "impact/indicators.html",
        page=page,
        sort=sort,
        themes=all_themes(session),
        locale=locale(),
        filters={"theme": theme, "toc_level": level, "q": q},
        levels=list(TocLevel),
        can_create=is_manager_or_admin(current_scope()),
    )


def _indicator_sorts() -> dict[str, Any]:
    # The levels in the order of the theory of change, not alphabetically.
    level = case({level: n for n, level in enumerate(TocLevel)}, value=Indicator.toc_level)
    name = Indicator.name_nl if locale() == "nl" else Indicator.name_en
    return {
        "code": Indicator.code,
        "name": name,
        "theme": (Indicator.theme_code, level, Indicator.code),
        "level": (level, Indicator.code),
    }


@bp.route("/indicators/new", methods=["GET", "POST"])
@access("login", check=is_manager_or_admin)
def new_indicator() -> Any:
    session = get_session()
    from fundapp.impact.models import Aggregation, ValueType
    from fundapp.investees.queries import all_themes
    from fundapp.navigation import theme_name

    funds = session.scalars(select(Fund).where(visible(current_scope(), Fund, "add_indicator")).order_by(Fund.name))
    fund_options = [(f.id, f.name) for f in funds]
    fields = [
        {
            "name": "fund_id",
            "label": _("Fund"),
            "options": fund_options,
            "help": _("Leave empty (administrators) for the shared catalog."),
            "required": not may_add_shared_indicator(current_scope()),
        },
        {"name": "code", "label": _("Code"), "required": True, "help": _("Stable, e.g. SIF-LP-BUDDIES")},
        {"name": "name_nl", "label": _("Name (Dutch)"), "required": True},
        {"name": "name_en", "label": _("Name (English)"), "required": True},
        {
            "name": "theme",
            "label": _("Theme"),
            "required": True,
            "options": [(t.code, theme_name(t)) for t in all_themes(session)],
        },
        {
            "name": "toc_level",
            "label": _("Level in the theory of change"),
            "required": True,
            "options": options(list(TocLevel)),
        },
        {
            "name": "unit",
            "label": _("Unit"),
            "required": True,
            "help": _(
                "A unit code (people, households, fte, hours, eur, kg, tco2e, percent, count) is shown in each "
                "reader's language; any other word is shown as typed."
            ),
        },
        {"name": "value_type", "label": _("Value type"), "required": True, "options": options(list(ValueType))},
        {
            "name": "aggregation",
            "label": _("Aggregation across investees and periods"),
            "required": True,
            "options": options(list(Aggregation)),
        },
        {"name": "definition_nl", "label": _("Definition (Dutch)"), "type": "textarea"},
        {"name": "definition_en", "label": _("Definition (English)"), "type": "textarea"},
        {"name": "measurement_nl", "label": _("How to measure (Dutch)"), "type": "textarea"},
        {"name": "measurement_en", "label": _("How to measure (English)"), "type": "textarea"},
    ]

    def save(data: dict[str, Any]) -> Any:
        indicator = catalog.create_indicator(session, current_actor(), current_scope(), data)
        return done(_("Indicator %(code)s added.", code=indicator.code), url_for("impact.indicators"))

    initial = {
        "fund_id": fund_options[0][0] if len(fund_options) == 1 else "",
        "value_type": "integer",
        "aggregation": "sum",
        "toc_level": "output",
    }
    return handle_form(
        IndicatorCreateSchema(),
        initial,
        save,
        "form_page.html",
        title=_("New indicator"),
        fields=fields,
        back=url_for("impact.indicators"),
    )
