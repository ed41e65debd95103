"""Rate cards: the items, prices, bands and caps a payer applies to its contracts."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import acting_payers, is_officer_or_admin, visible
from fundapp.db import get_session
from fundapp.errors import ValidationFailed
from fundapp.listing import paginate
from fundapp.outcomes import contracts
from fundapp.outcomes.contract_schemas import (
    RateCardCreateSchema,
)
from fundapp.outcomes.models import (
    RateCard,
)
from fundapp.outcomes.views import bp
from fundapp.payers.models import OutcomePayer
from fundapp.web import app_error_to_form, done, list_args

ITEM_ROWS = 8


def _parse_bands(text: str) -> list[dict[str, Any]]:
    """'0-11: 1000, 12-35: 1500, 36+: 2000' into price bands."""
    bands = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        months, _sep, price = part.partition(":")
        low, _dash, high = months.strip().rstrip("+").partition("-")
        bands.append({"min_months": int(low), "max_months": int(high) if high else None, "price": price.strip()})
    return bands


def items_from_form(form: Any) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    items, errors = [], {}
    for n in range(ITEM_ROWS):
        code = (form.get(f"item{n}_code") or "").strip()
        if not code:
            continue
        item: dict[str, Any] = {
            "code": code,
            "name": (form.get(f"item{n}_name") or "").strip(),
            "price": (form.get(f"item{n}_price") or "").strip(),
            "prerequisite": (form.get(f"item{n}_prerequisite") or "").strip() or None,
            "evidence": (form.get(f"item{n}_evidence") or "").strip(),
        }
        for key in ("max_units",):
            raw = (form.get(f"item{n}_{key}") or "").strip()
            item[key] = int(raw) if raw.isdigit() else None
        raw_amount = (form.get(f"item{n}_max_amount") or "").strip()
        item["max_amount"] = raw_amount or None
        try:
            item["price_bands"] = _parse_bands(form.get(f"item{n}_bands") or "")
        except ValueError:
            errors[f"item{n}_bands"] = [_("Write bands as 0-11: 1000, 12-35: 1500, 36+: 2000.")]
        items.append(item)
    if not items:
        errors["items"] = [_("Give at least one rate-card item (code, name, price).")]
    return items, errors


def my_payers(session: Any) -> list[OutcomePayer]:
    return list(session.scalars(select(OutcomePayer).where(acting_payers(current_scope())).order_by(OutcomePayer.name)))


@bp.route("/rate-cards", methods=["GET", "POST"])
@access("login", check=is_officer_or_admin)
def rate_cards() -> Any:
    session = get_session()
    scope = current_scope()
    query = select(RateCard).where(visible(scope, RateCard)).order_by(RateCard.name)
    payers = my_payers(session)
    errors: dict[str, list[str]] = {}
    values: Any = {"payer_id": payers[0].id if payers else ""}
    if request.method == "POST":
        values = request.form
        items, errors = items_from_form(request.form)
        if not errors:
            try:
                data = RateCardCreateSchema().load(
                    {
                        "payer_id": request.form.get("payer_id"),
                        "items": items,
                        "name": request.form.get("name", ""),
                        "description": request.form.get("description", ""),
                    }
                )
                card = contracts.create_rate_card(session, current_actor(), scope, data)
            except ma.ValidationError as exc:
                from fundapp.errors import flatten_messages
                from fundapp.web import errors_by_field

                errors = errors_by_field(flatten_messages(exc.messages))
            except ValidationFailed as exc:
                errors = app_error_to_form(exc)
            else:
                return done(_("Rate card %(name)s saved.", name=card.name), url_for("outcomes.rate_cards"))
    args = list_args("name")
    query = query.options(selectinload(RateCard.payer)).order_by(RateCard.id)
    page = paginate(session, query, args["page"], args["page_size"])
    return render_template(
        "outcomes/rate_cards.html",
        page=page,
        cards=page.items,
        payers=payers,
        values=values,
        errors=errors,
        rows=range(ITEM_ROWS),
    ), (422 if errors else 200)
