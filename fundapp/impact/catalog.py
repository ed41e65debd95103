"""The indicator catalog: the shared seed and the funds' own indicators."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.auth.policy import Scope, can, may_add_shared_indicator
from fundapp.errors import Conflict, Forbidden, ValidationFailed
from fundapp.funds.models import Fund
from fundapp.impact.models import Indicator
from fundapp.investees.models import Theme


def seed_rows() -> list[dict[str, Any]]:
    """The shared catalog as rows (used by the migration that creates the catalog, and by tests)."""
    from fundapp.impact.catalog_data import INDICATORS

    return [
        {
            "code": i.code,
            "fund_id": None,
            "name_nl": i.name_nl,
            "name_en": i.name_en,
            "theme_code": i.theme,
            "toc_level": i.toc_level,
            "unit": i.unit,
            "value_type": i.value_type,
            "aggregation": i.aggregation,
            "definition_nl": i.definition_nl,
            "definition_en": i.definition_en,
            "measurement_nl": i.measurement_nl,
            "measurement_en": i.measurement_en,
            "sdg_targets": list(i.sdg_targets),
            "iris_metric_id": i.iris_metric_id,
            "active": True,
        }
        for i in INDICATORS
    ]


def catalog_for_fund(session: Session, fund_id: int) -> list[Indicator]:
    return list(
        session.scalars(
            select(Indicator)
            .where(Indicator.active.is_(True), or_(Indicator.fund_id.is_(None), Indicator.fund_id == fund_id))
            .order_by(Indicator.theme_code, Indicator.code)
        )
    )


def create_indicator(session: Session, actor: audit.Who, scope: Scope, data: dict[str, Any]) -> Indicator:
    fund_id = data.get("fund_id")
    if fund_id is None and not may_add_shared_indicator(scope):
        raise Forbidden(
            "Only an administrator adds to the shared catalog; choose your fund.",
            [{"field": "fund_id", "message": "required"}],
        )
    fund = session.get(Fund, fund_id) if fund_id is not None else None
    if fund_id is not None and (fund is None or not can(scope, "add_indicator", fund)):
        raise Forbidden(
            "You can add indicators only to a fund you manage.", [{"field": "fund_id", "message": "not yours"}]
        )
    if session.get(Theme, data["theme_code"]) is None:
        raise ValidationFailed.field("theme_code", f"Unknown theme: {data['theme_code']}.")
    code = data["code"].strip().upper()
    if session.scalar(select(func.count()).select_from(Indicator).where(Indicator.code == code)):
        raise Conflict("An indicator with this code already exists.", [{"field": "code", "message": "already exists"}])
    indicator = Indicator(**{**data, "code": code})
    session.add(indicator)
    session.flush()
    audit.record(session, actor, "indicator.created", indicator, {k: [None, v] for k, v in data.items()})
    return indicator
