"""Words the reports share (page, PDF, workbook), in the reader's language."""

from __future__ import annotations

from typing import Any

from fundapp.i18n import gettext as _
from fundapp.impact.catalog_data import BENEFIT_TYPES
from fundapp.labels import label


def chart_names() -> tuple[str, str, str]:
    return _("Actual"), _("Target"), _("Baseline")


def budget_parts() -> tuple[str, str, str, str, str]:
    """The parts of a payer's budget bar, and the word for the whole."""
    return (
        _("Paid"),
        _("Approved but unpaid"),
        _("Awaiting approval"),
        _("Not yet claimed"),
        _("Commitment"),
    )


def situation(code: str, locale: str) -> str:
    if code == "doelgroepregister":
        return "Doelgroepregister (banenafspraak)" if locale == "nl" else "Target-group register (banenafspraak)"
    found = next((row for row in BENEFIT_TYPES if row[0] == code), None)
    if found is None:
        return code
    return found[1] if locale == "nl" else found[2]


def basis(choice: Any) -> str:
    if choice.basis == "default":
        return _(
            "No table for %(asked)s: the Utrecht table is used as the reference (the origin of the method).",
            asked=choice.asked or "–",
        )
    if choice.basis == "municipality":
        return _("The table of the labour-market region of the municipality %(asked)s.", asked=choice.asked)
    return _("The table of the region %(asked)s.", asked=choice.asked)


def not_valued(reason: str) -> str:
    return {
        "no_table": _("no bouwblokken table valid on the date"),
        "situation_not_in_table": _("situation before not in the table (e.g. another benefit)"),
        "no_hours": _("no hours a week recorded"),
    }.get(reason, reason)


def level(code: str) -> str:
    return label(code)


def rule(code: str) -> str:
    return label(code)


def status(code: str) -> str:
    return label(code)


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def bucket(name: str) -> str:
    return label(name) if name == "current" else _("%(range)s days", range=name)
