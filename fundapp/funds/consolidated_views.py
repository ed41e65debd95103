"""The consolidated page: the funds a fund manager manages, side by side and in total."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from fundapp.auth.access import access, current_scope
from fundapp.auth.policy import managed_fund_ids
from fundapp.db import get_session
from fundapp.funds.consolidated import consolidated
from fundapp.i18n import locale_name
from fundapp.web import as_of_arg

bp = Blueprint("consolidated", __name__, url_prefix="/consolidated")


@bp.get("/")
@access("login", check=lambda scope: scope.is_fund_manager)
def page() -> Any:
    """Open to every fund manager (one fund: that fund and its total); the menu shows it to managers of several."""
    view = consolidated(get_session(), managed_fund_ids(current_scope()), as_of_arg(), locale_name())
    return render_template("funds/consolidated.html", view=view)
