"""The home page (each role's own dashboard), language switch and the browsable API docs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from fundapp import clock
from fundapp.auth.access import access, current_scope
from fundapp.auth.policy import never, sees_the_whole_system, visible_funds, visible_investees, visible_payers
from fundapp.db import get_session
from fundapp.funds.models import Fund
from fundapp.investees.models import Investee
from fundapp.kept_answers import keeps_answers
from fundapp.payers.models import OutcomePayer

bp = Blueprint("home", __name__)


@bp.get("/")
@access("public")
@keeps_answers
def index() -> Any:
    """Each role's dashboard: portfolio and impact for managers, claims and budget for officers, what is due for
    investees, results to verify for validators, counts for administrators; every count leads to the list of
    exactly those items; a fixed number of queries per panel (fundapp/reports/dashboards.py)."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))

    from fundapp.i18n import locale_name
    from fundapp.reports import dashboard_validator, dashboards, texts

    scope = current_scope()
    session = get_session()
    today, locale, words = clock.today(), locale_name(), _chart_words()
    counts = {
        name: 0 if never(clause) else session.scalar(select(func.count()).select_from(model).where(clause))
        for name, model, clause in (
            ("funds", Fund, visible_funds(scope)),
            ("investees", Investee, visible_investees(scope)),
            ("payers", OutcomePayer, visible_payers(scope)),
        )
    }
    return render_template(
        "home.html",
        counts=counts,
        scope=scope,
        admin=dashboards.admin_counts(session) if sees_the_whole_system(scope) else None,
        funds=dashboards.fund_panels(session, scope, today, words, locale),
        payers=dashboards.payer_panels(session, scope, words, locale),
        investees=dashboards.investee_panels(session, scope, today, words, locale),
        validations=dashboard_validator.validator_panels(session, scope),
        t=texts,
    )


def _chart_words() -> dict[str, Any]:
    from fundapp.i18n import gettext as _
    from fundapp.reports import texts

    return {
        "names": texts.chart_names(),
        "bucket": texts.bucket,
        "buckets": _("Outstanding by days past due"),
        "outstanding": _("Outstanding"),
        "budget": _("Budget use"),
        "budget_parts": texts.budget_parts(),
        "achieved": _("Actual as a percentage of target"),
    }


@bp.get("/language/<lang>")
@access("public")
def language(lang: str) -> Any:
    from fundapp.i18n import COOKIE, LANGUAGES

    target = request.referrer if request.referrer and request.referrer.startswith(request.host_url) else "/"
    response = redirect(target, code=303)
    if lang in LANGUAGES:
        response.set_cookie(
            COOKIE,
            lang,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["ENV"] == "production",
        )
    return response


@bp.get("/api/v1/docs")
@access("public")
def api_docs() -> Any:
    """The OpenAPI document rendered as a plain page: no CDN, no script."""
    spec = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    operations = []
    for path, methods in sorted(spec.get("paths", {}).items()):
        for method, operation in methods.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                operations.append({"path": path, "method": method.upper(), "op": operation})
    schemas = spec.get("components", {}).get("schemas", {})
    return render_template("api_docs.html", spec=spec, operations=operations, schemas=schemas)


@bp.get("/health")
@access("public")
def health() -> Any:
    from sqlalchemy import text

    get_session().execute(text("SELECT 1"))
    return {"status": "ok"}
