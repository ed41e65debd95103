"""fundapp: the back office of place-based impact funds and of the municipalities that pay for outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Wire configuration, database, auth, blueprints, errors and CLI; nothing else."""
    from flask import Flask

    from fundapp.config import ROOT, load_config

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    settings = load_config(config)
    app.config.update(settings)
    app.config["MAX_CONTENT_LENGTH"] = settings["MAX_UPLOAD_BYTES"] + 64 * 1024
    app.url_map.converters["int"] = _database_int()

    from fundapp import api, cli, db, errors, i18n, models, navigation, security  # noqa: F401 - models: tables
    from fundapp.auth import access

    db.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    access.init_app(app)
    i18n.init_app(app)
    navigation.init_app(app)
    rest = api.init_app(app)
    _register_blueprints(app, rest)
    cli.init_app(app)
    return app


def _database_int() -> type:
    from werkzeug.routing import IntegerConverter

    class DatabaseInt(IntegerConverter):
        """Ids in URLs fit a database integer; anything bigger is simply not found (404)."""

        def __init__(self, map, *args, **kwargs) -> None:
            kwargs.setdefault("max", 2**31 - 1)
            super().__init__(map, *args, **kwargs)

    return DatabaseInt


def _register_blueprints(app: Flask, rest: Any) -> None:
    from fundapp import views as home_views
    from fundapp.auth import api as auth_api
    from fundapp.auth import views as auth_views
    from fundapp.funds import api as funds_api
    from fundapp.funds import views as funds_views
    from fundapp.impact import api as impact_api
    from fundapp.impact import views as impact_views
    from fundapp.investees import api as investees_api
    from fundapp.investees import views as investees_views
    from fundapp.loans import api as loans_api
    from fundapp.loans import impact_link  # noqa: F401 - registers the impact-linked discount
    from fundapp.loans import views as loans_views
    from fundapp.outcomes import contract_api, payer_api, payer_views, results  # noqa: F401 - results: hook
    from fundapp.outcomes import views as outcome_views
    from fundapp.reports import api as reports_api
    from fundapp.reports import views as reports_views
    from fundapp.security import csrf
    from fundapp.validation import MoneyField, PercentField, RatioField

    for field in (MoneyField, PercentField, RatioField):
        rest.register_field(field, "string", "decimal")
    for module in (auth_api, funds_api, investees_api, payer_api, loans_api, impact_api, contract_api, reports_api):
        csrf.exempt(module.blp)
        rest.register_blueprint(module.blp)
    for module in (
        home_views,
        auth_views,
        funds_views,
        investees_views,
        payer_views,
        loans_views,
        impact_views,
        outcome_views,
        reports_views,
    ):
        app.register_blueprint(module.bp)
