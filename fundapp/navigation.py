"""The navigation that fits the role, and template helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, request, url_for

from fundapp import clock
from fundapp.auth.policy import Scope, is_manager_or_admin, is_officer_or_admin, is_provider_side, sees_results
from fundapp.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: Any
    visible: Callable[[Scope], bool]
    url_kwargs: Callable[[Scope], dict[str, Any]] | None = None


def _investee_like(scope: Scope) -> bool:
    return scope.is_admin or scope.is_fund_manager or scope.is_investee_member or scope.is_payer_officer


NAV: list[NavEntry] = [
    NavEntry("home.index", _l("Dashboard"), lambda s: True),
    NavEntry("funds.index", _l("Funds"), is_manager_or_admin),
    NavEntry("consolidated.page", _l("All my funds"), lambda s: len(s.fund_ids) > 1),
    NavEntry("investees.index", _l("Investees"), _investee_like),
    NavEntry("payers.index", _l("Outcome payers"), is_officer_or_admin),
    NavEntry("pipeline.index", _l("Pipeline"), is_provider_side),
    NavEntry(
        "loans.loan_book",
        _l("Portfolio"),
        lambda s: len(s.fund_ids) == 1,
        lambda s: {"fund_id": next(iter(s.fund_ids))},
    ),
    NavEntry(
        "loans.investee_loans",
        _l("My loans"),
        lambda s: len(s.investee_ids) == 1 and not s.is_admin,
        lambda s: {"investee_id": next(iter(s.investee_ids))},
    ),
    NavEntry(
        "bank_statements.transactions",
        _l("Bank"),
        lambda s: len(s.fund_ids) == 1,
        lambda s: {"fund_id": next(iter(s.fund_ids))},
    ),
    NavEntry(
        "payer_statements.transactions",
        _l("Bank"),
        lambda s: len(s.payer_ids) == 1 and not s.fund_ids,
        lambda s: {"payer_id": next(iter(s.payer_ids))},
    ),
    NavEntry(
        "impact.reporting",
        _l("Impact reporting"),
        lambda s: len(s.fund_ids) == 1,
        lambda s: {"fund_id": next(iter(s.fund_ids))},
    ),
    NavEntry(
        "impact.investee_impact",
        _l("My impact"),
        lambda s: len(s.investee_ids) == 1 and not s.is_admin,
        lambda s: {"investee_id": next(iter(s.investee_ids))},
    ),
    NavEntry("outcomes.contract_list", _l("Contracts"), lambda s: True),
    NavEntry("outcomes.claim_list", _l("Claims"), lambda s: True),
    NavEntry("outcomes.result_list", _l("Results"), sees_results),
    NavEntry("reports.index", _l("Reports"), lambda s: True),
    NavEntry("impact.indicators", _l("Indicators"), is_manager_or_admin),
    NavEntry("loans.preview", _l("Schedule calculator"), is_manager_or_admin),
    NavEntry("jobs.failures", _l("Background jobs"), lambda s: s.is_admin),
]


# Pages whose address lies under no menu entry's own: the entries they belong under, the first one shown wins
# (a loan under the fund's portfolio, an investee's own loans, or else the funds).
SECTIONS: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"^/loans/(?!preview)"), ("loans.loan_book", "loans.investee_loans", "funds.index")),
    (re.compile(r"^/kpi-submissions/"), ("impact.investee_impact", "impact.reporting", "investees.index")),
    (re.compile(r"^/investees/\d+/(?:kpi|impact)/"), ("impact.investee_impact",)),
    (re.compile(r"^/rate-cards"), ("outcomes.contract_list",)),
]


def nav_items() -> list[dict[str, Any]]:
    from fundapp.auth.access import current_scope

    scope = current_scope()
    items: list[dict[str, Any]] = []
    for entry in NAV:
        if not entry.visible(scope):
            continue
        url = url_for(entry.endpoint, **(entry.url_kwargs(scope) if entry.url_kwargs else {}))
        items.append({"url": url, "label": str(entry.label), "active": False, "endpoint": entry.endpoint})
    current = _current(items, request.path)
    if current is not None:
        current["active"] = True
    return items


def _current(items: list[dict[str, Any]], path: str) -> dict[str, Any] | None:
    """One current entry: the one whose address the path is or starts with (the longest), else the section's."""
    matches = [
        i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"].rstrip("/") + "/"))
    ]
    own = max(matches, key=lambda i: len(i["url"]), default=None)
    if own is not None and own["url"].rstrip("/") == path.rstrip("/"):
        return own
    by_endpoint = {i["endpoint"]: i for i in items}
    for pattern, endpoints in SECTIONS:
        if pattern.match(path):
            section = next((by_endpoint[e] for e in endpoints if e in by_endpoint), None)
            if section is not None:
                return section
    return own


def url_with(**changes: Any) -> str:
    # Sort and page links are made on the list's own (routed) page.
    assert request.endpoint is not None
    args: dict[str, Any] = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


SDG_NAMES_EN = (
    "No poverty",
    "Zero hunger",
    "Good health and well-being",
    "Quality education",
    "Gender equality",
    "Clean water and sanitation",
    "Affordable and clean energy",
    "Decent work and economic growth",
    "Industry, innovation and infrastructure",
    "Reduced inequalities",
    "Sustainable cities and communities",
    "Responsible consumption and production",
    "Climate action",
    "Life below water",
    "Life on land",
    "Peace, justice and strong institutions",
    "Partnerships for the goals",
)
SDG_NAMES_NL = (
    "Geen armoede",
    "Geen honger",
    "Goede gezondheid en welzijn",
    "Kwaliteitsonderwijs",
    "Gendergelijkheid",
    "Schoon water en sanitair",
    "Betaalbare en duurzame energie",
    "Eerlijk werk en economische groei",
    "Industrie, innovatie en infrastructuur",
    "Ongelijkheid verminderen",
    "Duurzame steden en gemeenschappen",
    "Verantwoorde consumptie en productie",
    "Klimaatactie",
    "Leven in het water",
    "Leven op het land",
    "Vrede, justitie en sterke publieke diensten",
    "Partnerschap om doelstellingen te bereiken",
)


def sdg_name(number: int) -> str:
    from fundapp.i18n import locale_name

    names = SDG_NAMES_NL if locale_name() == "nl" else SDG_NAMES_EN
    return names[number - 1] if 1 <= number <= 17 else str(number)


def sdg_options() -> list[tuple[int, str]]:
    return [(n, f"{n}. {sdg_name(n)}") for n in range(1, 18)]


def theme_name(theme: Any) -> str:
    from fundapp.i18n import locale_name

    return theme.name_nl if locale_name() == "nl" else theme.name_en


def init_app(app: Flask) -> None:
    from fundapp.auth.access import current_scope
    from fundapp.i18n import locale_name
    from fundapp.labels import label, options
    from fundapp.notifications.views import unread_count
    from fundapp.web import field_labels, remember_label

    app.jinja_env.globals.update(
        nav_items=nav_items,
        unread_count=unread_count,
        url_with=url_with,
        current_locale=locale_name,
        enum_label=label,
        enum_options=options,
        current_scope=current_scope,
        theme_name=theme_name,
        sdg_name=sdg_name,
        sdg_options=sdg_options,
        today=clock.today,
        remember_label=remember_label,
        field_labels=field_labels,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["zip"] = lambda first, second: zip(first, second, strict=False)
