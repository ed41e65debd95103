"""An investee's impact page: its theory of change, indicators, targets and reports."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from sqlalchemy import select

from fundapp import clock
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import (
    can,
)
from fundapp.db import get_session
from fundapp.errors import ValidationFailed
from fundapp.i18n import gettext as _
from fundapp.impact import catalog, plans
from fundapp.impact.models import Indicator, Submission
from fundapp.impact.periods import Frequency, Period
from fundapp.impact.schemas import PlanIndicatorAddSchema, PlanSaveSchema
from fundapp.impact.views import bp, investee_of, locale
from fundapp.investees.models import Investee
from fundapp.kept_answers import keeps_answers
from fundapp.labels import options
from fundapp.listing import paginate
from fundapp.web import done, handle_form, list_args


@bp.get("/investees/<int:investee_id>/impact")
@access("login", obj=(Investee, "investee_id", "view"))
@keeps_answers
def investee_impact(investee_id: int) -> Any:
    session = get_session()
    investee = investee_of(investee_id)
    plan = plans.plan_of(session, investee)
    status = plans.reporting_status(session, [investee], clock.today()) if plan else []
    args = list_args("period")
    submissions = paginate(
        session,
        select(Submission)
        .where(Submission.investee_id == investee.id)
        .order_by(Submission.period.desc(), Submission.version.desc()),
        args["page"],
        args["page_size"],
    )
    scope = current_scope()
    periods = _template_periods(plan) if plan else []
    return render_template(
        "impact/investee.html",
        investee=investee,
        plan=plan,
        status=status,
        submissions=submissions,
        periods=periods,
        locale=locale(),
        can_edit=can(scope, "edit", investee),
        can_report=can(scope, "report", investee),
    )


def _template_periods(plan: Any) -> list[str]:
    current = Period.containing(clock.today(), plan.frequency)
    first = Period.parse(plan.first_period)
    recent = [current.previous(), current, current.next()]
    return [str(p) for p in recent if p >= first or p.start >= first.start]


@bp.route("/investees/<int:investee_id>/impact/plan", methods=["GET", "POST"])
@access("login", obj=(Investee, "investee_id", "edit"))
def edit_plan(investee_id: int) -> Any:
    session = get_session()
    investee = investee_of(investee_id, "edit")
    plan = plans.plan_of(session, investee)
    values: dict[str, Any] = {
        "frequency": Frequency.QUARTERLY.value,
        "first_period": str(Period.containing(clock.today(), Frequency.QUARTERLY)),
        "due_days": 30,
        "problem": investee.problem,
    }
    if plan is not None:
        values = {f: getattr(plan, f) for f in plans.TOC_FIELDS} | {
            "frequency": plan.frequency.value,
            "first_period": plan.first_period,
            "due_days": plan.due_days,
        }
    fields = [
        {"name": "problem", "label": _("Problem"), "type": "textarea", "help": _("What social or ecological problem?")},
        {"name": "activities", "label": _("Activities"), "type": "textarea"},
        {
            "name": "outputs",
            "label": _("Outputs"),
            "type": "textarea",
            "help": _("What the activities directly deliver."),
        },
        {"name": "outcomes", "label": _("Outcomes"), "type": "textarea", "help": _("The change for the target group.")},
        {"name": "impact", "label": _("Impact"), "type": "textarea", "help": _("The lasting change in the city.")},
        {"name": "frequency", "label": _("Reporting"), "required": True, "options": options(list(Frequency))},
        {
            "name": "first_period",
            "label": _("First period"),
            "required": True,
            "help": _("e.g. 2026-Q1, 2026-H1, 2026"),
        },
        {"name": "due_days", "label": _("Days after the period to report"), "attrs": {"inputmode": "numeric"}},
    ]

    def save(data: dict[str, Any]) -> Any:
        plans.save_plan(session, current_actor(), investee, data)
        return done(_("Impact plan saved."), url_for("impact.investee_impact", investee_id=investee.id))

    return handle_form(
        PlanSaveSchema(),
        values,
        save,
        "form_page.html",
        title=_("Theory of change and reporting"),
        fields=fields,
        back=url_for("impact.investee_impact", investee_id=investee.id),
        back_label=investee.name,
    )


@bp.route("/investees/<int:investee_id>/impact/indicators/new", methods=["GET", "POST"])
@access("login", obj=(Investee, "investee_id", "edit"))
def add_plan_indicator(investee_id: int) -> Any:
    session = get_session()
    investee = investee_of(investee_id, "edit")
    plan = plans.plan_of(session, investee)
    if plan is None:
        raise ValidationFailed(_("Save the theory of change first."))
    chosen = {pi.indicator_id for pi in plan.indicators}
    choices = [
        (i.code, f"{i.code} · {i.name(locale())}")
        for i in catalog.catalog_for_fund(session, investee.fund_id)
        if i.id not in chosen
    ]
    fields = [
        {"name": "indicator_code", "label": _("Indicator"), "required": True, "options": choices},
        {"name": "baseline", "label": _("Baseline (nulmeting)"), "attrs": {"inputmode": "decimal"}},
        {"name": "baseline_note", "label": _("Baseline source or date")},
    ]

    def save(data: dict[str, Any]) -> Any:
        indicator = session.scalar(select(Indicator).where(Indicator.code == data["indicator_code"]))
        if indicator is None:
            raise ValidationFailed.field("indicator_code", _("Choose an indicator from the list."))
        plans.add_indicator(
            session, current_actor(), plan, indicator, data["baseline"], data["baseline_note"], data["allow_negative"]
        )
        return done(_("Indicator added to the plan."), url_for("impact.investee_impact", investee_id=investee.id))

    return handle_form(
        PlanIndicatorAddSchema(),
        {},
        save,
        "form_page.html",
        title=_("Add an indicator"),
        fields=fields,
        back=url_for("impact.investee_impact", investee_id=investee.id),
    )


@bp.route("/investees/<int:investee_id>/impact/indicators/<code>/target", methods=["GET", "POST"])
@access("login", obj=(Investee, "investee_id", "edit"))
def set_target(investee_id: int, code: str) -> Any:
    import marshmallow as ma

    from fundapp.impact.schemas import PeriodField, QuantityField

    session = get_session()
    investee = investee_of(investee_id, "edit")
    plan = plans.plan_of(session, investee)
    if plan is None:
        raise ValidationFailed(_("Save the theory of change first."))
    item = plans.find_plan_indicator(plan, code)
    schema = ma.Schema.from_dict({"period": PeriodField(required=True), "target": QuantityField(required=True)})()
    fields = [
        {"name": "period", "label": _("Period"), "required": True, "help": _("e.g. 2026-Q1")},
        {"name": "target", "label": _("Target"), "required": True, "attrs": {"inputmode": "decimal"}},
    ]

    def save(data: dict[str, Any]) -> Any:
        plans.set_target(session, current_actor(), item, data["period"], data["target"])
        return done(_("Target saved."), url_for("impact.investee_impact", investee_id=investee.id))

    period = str(Period.containing(clock.today(), plan.frequency))
    return handle_form(
        schema,
        {"period": period},
        save,
        "form_page.html",
        title=_("Target for %(name)s", name=item.indicator.name(locale())),
        fields=fields,
        back=url_for("impact.investee_impact", investee_id=investee.id),
    )
