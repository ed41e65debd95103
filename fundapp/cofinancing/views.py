"""Co-financing pages: the rounds a user's funds take part in, a round, a round's form, a loan's participations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, render_template, url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from fundapp import labels
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import Scope, can, fund_choices, is_manager_or_admin, load
from fundapp.cofinancing import services
from fundapp.cofinancing.models import FinancingRound, InstrumentKind, PartyKind
from fundapp.cofinancing.queries import round_query
from fundapp.cofinancing.schemas import FORM_ROWS, ParticipationsFormSchema, RoundFormSchema
from fundapp.db import get_session
from fundapp.funds.models import Fund
from fundapp.i18n import lazy_gettext as _l
from fundapp.investees.models import Investee
from fundapp.listing import paginate
from fundapp.loans.models import Loan
from fundapp.web import _, done, handle_form, list_args

bp = Blueprint("cofinancing", __name__)

labels.register(
    {
        "other_fund": _l("Other fund (SIF)"),
        "loan": _l("Loan"),
        "convertible_loan": _l("Convertible loan"),
        "equity": _l("Equity"),
        "guarantee": _l("Guarantee"),
    }
)


def _choices() -> dict[str, Any]:
    """Any fund may be named as a party (its name only); the kinds of co-financier and instrument."""
    funds = get_session().execute(select(Fund.id, Fund.name).order_by(Fund.name)).all()
    return {
        "fund_options": [(str(fund_id), name) for fund_id, name in funds],
        "party_kinds": list(PartyKind),
        "instruments": list(InstrumentKind),
        "rows": range(1, FORM_ROWS + 1),
    }


def investee_part(scope: Scope, investee: Investee) -> dict[str, Any]:
    """The investee page's rounds: those the user may see."""
    rounds = get_session().scalars(round_query(scope, investee_id=investee.id)).all()
    return {"financing_rounds": rounds, "can_add_round": is_manager_or_admin(scope)}


def loan_part(scope: Scope, loan: Loan) -> dict[str, Any]:
    return {"participations": services.participations_of(get_session(), loan)}


@bp.get("/financing-rounds/")
@access("login")
def index() -> Any:
    args = list_args("date")
    page = paginate(get_session(), round_query(current_scope()), args["page"], args["page_size"])
    return render_template("cofinancing/list.html", page=page)


@bp.get("/financing-rounds/<int:round_id>")
@access("login", obj=(FinancingRound, "round_id", "view"))
def detail(round_id: int) -> Any:
    financing_round = load(get_session(), FinancingRound, round_id, current_scope())
    return render_template(
        "cofinancing/detail.html",
        round=financing_round,
        sees_investee=can(current_scope(), "view", financing_round.investee),
    )


@bp.route("/investees/<int:investee_id>/financing-rounds/new", methods=["GET", "POST"])
@access("login", obj=(Investee, "investee_id", "view"), check=is_manager_or_admin)
def create(investee_id: int) -> Any:
    scope = current_scope()
    investee = load(get_session(), Investee, investee_id, scope)

    def save(data: dict[str, Any]) -> Any:
        financing_round = services.create_round(get_session(), current_actor(), scope, investee, data)
        return done(_("Financing round recorded."), url_for("cofinancing.detail", round_id=financing_round.id))

    own = get_session().scalar(select(Fund.id).where(fund_choices(scope)).order_by(Fund.name).limit(1))
    initial = MultiDict({"fund_id_1": str(own or ""), "instrument_1": InstrumentKind.LOAN.value})
    return handle_form(RoundFormSchema(), initial, save, "cofinancing/form.html", investee=investee, **_choices())


@bp.route("/loans/<int:loan_id>/participations", methods=["GET", "POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
def participations(loan_id: int) -> Any:
    loan = load(get_session(), Loan, loan_id, current_scope(), "edit")

    def save(data: dict[str, Any]) -> Any:
        services.set_participations(get_session(), current_actor(), loan, data["participations"])
        return done(_("Participations saved."), url_for("loans.detail", loan_id=loan.id))

    initial: dict[str, Any] = {}
    for i, row in enumerate(services.participations_of(get_session(), loan), start=1):
        initial |= {
            f"fund_id_{i}": str(row.fund_id or ""),
            f"party_name_{i}": row.party_name,
            f"party_kind_{i}": row.party_kind.value if row.party_kind else "",
            f"percentage_{i}": row.percentage.normalize(),
        }
    if not initial:
        initial = {"fund_id_1": str(loan.fund_id), "percentage_1": Decimal(100)}
    return handle_form(
        ParticipationsFormSchema(), MultiDict(initial), save, "cofinancing/participations.html", loan=loan, **_choices()
    )
