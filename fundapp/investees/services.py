"""Investees and their labels: the verbs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.auth.policy import Scope, can
from fundapp.errors import Conflict, Forbidden, ValidationFailed
from fundapp.funds.models import Fund
from fundapp.investees.models import Investee, InvesteeSdg, Label, Theme


def _themes(session: Session, codes: list[str]) -> list[Theme]:
    wanted = sorted(set(codes))
    found = list(session.scalars(select(Theme).where(Theme.code.in_(wanted)))) if wanted else []
    unknown = sorted(set(wanted) - {theme.code for theme in found})
    if unknown:
        raise ValidationFailed.field("themes", f"Unknown theme: {', '.join(unknown)}.")
    return found


def _check_kvk_unique(session: Session, kvk: str, exclude_id: int | None = None) -> None:
    query = select(Investee.id).where(Investee.kvk_number == kvk)
    if exclude_id is not None:
        query = query.where(Investee.id != exclude_id)
    if session.scalar(query) is not None:
        raise Conflict(
            "An investee with this KvK number already exists.",
            [{"field": "kvk_number", "message": "already registered"}],
        )


def _check_fund(session: Session, scope: Scope, fund_id: int) -> None:
    if session.get(Fund, fund_id) is None:
        raise ValidationFailed.field("fund_id", f"There is no fund with id {fund_id}.")
    if not can(scope, "edit", session.get(Fund, fund_id)):
        raise Forbidden(
            "You can only add investees to a fund you manage.", [{"field": "fund_id", "message": "not your fund"}]
        )


def create_investee(session: Session, actor: audit.Who, scope: Scope, data: dict[str, Any]) -> Investee:
    data = dict(data)
    _check_fund(session, scope, data["fund_id"])
    _check_kvk_unique(session, data["kvk_number"])
    themes = _themes(session, data.pop("themes", []))
    sdgs = sorted(set(data.pop("sdgs", [])))
    labels = data.pop("labels", [])
    investee = Investee(**data)
    investee.themes = themes
    investee.sdgs = [InvesteeSdg(sdg=n) for n in sdgs]
    investee.labels = [Label(**label) for label in labels]
    session.add(investee)
    session.flush()
    audit.record(
        session,
        actor,
        "investee.created",
        investee,
        {
            **{k: [None, v] for k, v in data.items()},
            "themes": [None, [t.code for t in themes]],
            "sdgs": [None, sdgs],
            "labels": [None, labels],
        },
    )
    return investee


def update_investee(
    session: Session, actor: audit.Who, scope: Scope, investee: Investee, data: dict[str, Any]
) -> Investee:
    data = dict(data)
    changes: dict[str, Any] = {}
    if "fund_id" in data and data["fund_id"] != investee.fund_id:
        _check_fund(session, scope, data["fund_id"])
    if "kvk_number" in data:
        _check_kvk_unique(session, data["kvk_number"], exclude_id=investee.id)
    if "themes" in data:
        themes = _themes(session, data.pop("themes"))
        old = investee.theme_codes
        new = sorted(t.code for t in themes)
        if old != new:
            investee.themes = themes
            changes["themes"] = [old, new]
    if "sdgs" in data:
        old_sdgs = investee.sdg_numbers
        new_sdgs = sorted(set(data.pop("sdgs")))
        if old_sdgs != new_sdgs:
            keep = {row.sdg: row for row in investee.sdgs}
            investee.sdgs = [keep.get(n) or InvesteeSdg(sdg=n) for n in new_sdgs]
            changes["sdgs"] = [old_sdgs, new_sdgs]
    data.pop("labels", None)
    changes.update(audit.apply_changes(investee, data))
    if changes:
        session.flush()
        audit.record(session, actor, "investee.updated", investee, changes)
    return investee


def add_label(session: Session, actor: audit.Who, investee: Investee, data: dict[str, Any]) -> Label:
    label = Label(investee=investee, **data)
    session.add(label)
    session.flush()
    audit.record(
        session,
        actor,
        "label.added",
        label,
        {"investee_id": [None, investee.id], **{k: [None, v] for k, v in data.items()}},
    )
    return label


def update_label(session: Session, actor: audit.Who, label: Label, data: dict[str, Any]) -> Label:
    changes = audit.apply_changes(label, data)
    if changes:
        session.flush()
        audit.record(session, actor, "label.updated", label, changes)
    return label


def remove_label(session: Session, actor: audit.Who, label: Label) -> None:
    audit.record(
        session,
        actor,
        "label.removed",
        label,
        {"kind": [label.kind, None], "level": [label.level, None], "valid_until": [label.valid_until, None]},
    )
    session.delete(label)
    session.flush()
