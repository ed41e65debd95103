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
    if settings["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client's address as the N proxies in front report it; what a client writes itself is ignored.
        # Not the scheme: believing https turns on Flask-WTF's Referer check against a Host the proxy may rewrite.
        # Replacing wsgi_app is how Flask documents middleware; to mypy it overwrites a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings["TRUSTED_PROXIES"], x_proto=0)  # type: ignore[method-assign]

    from fundapp import api, cli, db, errors, i18n, idempotency, models, navigation, security  # noqa: F401 - models
    from fundapp.auth import access
    from fundapp.documents import storage
    from fundapp.jobs import queue

    db.init_app(app)
    storage.init_app(app)
    queue.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    access.init_app(app)
    idempotency.init_app(app)
    i18n.init_app(app)
    navigation.init_app(app)
    rest = api.init_app(app)
    _register_blueprints(app, rest)
    from fundapp import kept_answers

    kept_answers.init_app(app)  # wraps the views marked @keeps_answers: after every blueprint
    _connect_signals()
    cli.init_app(app)
    return app


def _connect_signals() -> None:
    """Domain events and their listeners, in one place (connecting twice is harmless)."""
    from fundapp.banking.api_statements import too_large_as_statement_problem
    from fundapp.errors import request_too_large
    from fundapp.impact.api import too_large_as_spreadsheet_problem
    from fundapp.impact.signals import submission_approved
    from fundapp.loans import impact_link
    from fundapp.notifications import listeners
    from fundapp.outcomes import results

    submission_approved.connect(results.on_submission_approved)
    submission_approved.connect(impact_link.on_submission_approved)
    request_too_large.connect(too_large_as_spreadsheet_problem)
    request_too_large.connect(too_large_as_statement_problem)
    listeners.connect()


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
    from fundapp.auth import people as people_views
    from fundapp.auth import views as auth_views
    from fundapp.banking import api_accounts as bank_accounts_api
    from fundapp.banking import api_statements as bank_statements_api
    from fundapp.banking import batch_api, batch_views, journal_api, journal_views
    from fundapp.banking import views_accounts as bank_accounts_views
    from fundapp.banking import views_payer_statements as payer_statements_views
    from fundapp.banking import views_statements as bank_statements_views
    from fundapp.capital import api as capital_api
    from fundapp.capital import views as capital_views
    from fundapp.cofinancing import api as cofinancing_api
    from fundapp.cofinancing import views as cofinancing_views
    from fundapp.documents import api as documents_api
    from fundapp.documents import views as documents_views
    from fundapp.funds import api as funds_api
    from fundapp.funds import consolidated_views
    from fundapp.funds import views as funds_views
    from fundapp.impact import api as impact_api
    from fundapp.impact import views as impact_views
    from fundapp.instruments import api as equity_api
    from fundapp.instruments import grant_api, grant_views, guarantee_views
    from fundapp.instruments import views as equity_views
    from fundapp.investees import api as investees_api
    from fundapp.investees import views as investees_views
    from fundapp.jobs import views as jobs_views
    from fundapp.loans import api as loans_api
    from fundapp.loans import views as loans_views
    from fundapp.notifications import views as notification_views
    from fundapp.outcomes import contract_api
    from fundapp.outcomes import views as outcome_views
    from fundapp.payers import api as payer_api
    from fundapp.payers import views as payer_views
    from fundapp.pipeline import api as pipeline_api
    from fundapp.pipeline import views as pipeline_views
    from fundapp.portfolio_import import api as portfolio_api
    from fundapp.portfolio_import import views as portfolio_views
    from fundapp.reports import api as reports_api
    from fundapp.reports import file_views as report_files_views
    from fundapp.reports import views as reports_views
    from fundapp.security import csrf
    from fundapp.validation import DecimalTextField

    rest.register_field(DecimalTextField, "string", "decimal")  # and its subclasses: money, percentages, ratios
    apis = (
        auth_api,
        funds_api,
        investees_api,
        payer_api,
        loans_api,
        impact_api,
        contract_api,
        reports_api,
        capital_api,
    )
    for module in (
        *apis,
        cofinancing_api,
        bank_accounts_api,
        bank_statements_api,
        batch_api,
        journal_api,
        documents_api,
        portfolio_api,
        pipeline_api,
        equity_api,
        grant_api,
    ):
        csrf.exempt(module.blp)
        rest.register_blueprint(module.blp)
    for module in (
        home_views,
        auth_views,
        people_views,
        funds_views,
        capital_views,
        consolidated_views,
        investees_views,
        payer_views,
        loans_views,
        cofinancing_views,
        equity_views,
        impact_views,
        outcome_views,
        reports_views,
        report_files_views,
        bank_accounts_views,
        bank_statements_views,
        payer_statements_views,
        batch_views,
        journal_views,
        notification_views,
        documents_views,
        portfolio_views,
        jobs_views,
        pipeline_views,
        grant_views,
        guarantee_views,
    ):
        app.register_blueprint(module.bp)
