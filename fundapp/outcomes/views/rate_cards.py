"""Rate cards: the items, prices, bands and caps a payer applies to its contracts."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import acting_payers, is_officer_or_admin, visible
from fundapp.db import get_session
from fundapp.errors import ValidationFailed
from fundapp.i18n import gettext as _
from fundapp.listing import paginate
from fundapp.outcomes import contracts
from fundapp.outcomes.models import RateCard
from fundapp.outcomes.views import bp
from fundapp.outcomes.views.contract_forms import ITEM_ROWS, load_rate_card_form, service_errors
from fundapp.payers.models import OutcomePayer
from fundapp.web import done, list_args


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
        form, rows = load_rate_card_form(request.form)
        errors = form.errors
        if form.ok:
            try:
                card = contracts.create_rate_card(session, current_actor(), scope, form.loaded)
            except ValidationFailed as exc:
                errors = service_errors(exc, rows)
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
