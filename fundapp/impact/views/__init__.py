"""Impact pages: the catalog, an investee's plan and reports, the KPI upload, the review, the reporting list."""

from __future__ import annotations

from flask import Blueprint

from fundapp.auth.access import current_scope
from fundapp.auth.policy import load
from fundapp.db import get_session
from fundapp.investees.models import Investee

bp = Blueprint("impact", __name__)


def locale() -> str:
    from fundapp.i18n import locale_name

    return locale_name()


def investee_of(investee_id: int, action: str = "view") -> Investee:
    return load(get_session(), Investee, investee_id, current_scope(), action)


from fundapp.impact.views import catalog, plans, review, uploads  # noqa: E402, F401 - register the routes
