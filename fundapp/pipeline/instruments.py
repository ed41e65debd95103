"""The instrument an approved application asks for, made once from it and linked both ways.

Each kind is made by its own service (a loan as a draft, with conversion terms when convertible; an equity
participation; a grant or voucher; a guarantee), for the application's investee; what it commits may not exceed
the amount the committee approved.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.errors import Conflict, ValidationFailed
from fundapp.instruments import conversion, grants, guarantees
from fundapp.instruments import services as equity
from fundapp.loans import services as loans
from fundapp.messages import N_
from fundapp.money import round_cent
from fundapp.pipeline.models import Application, ApplicationStatus, InstrumentKind

K = InstrumentKind
# The application's column that links the instrument of each kind.
LINK = {
    K.LOAN: "loan_id",
    K.CONVERTIBLE_LOAN: "loan_id",
    K.EQUITY: "participation_id",
    K.GRANT: "grant_id",
    K.GUARANTEE: "guarantee_id",
}
# The field that holds what the instrument commits, to hold against the approved amount.
AMOUNT = {
    K.LOAN: "principal",
    K.CONVERTIBLE_LOAN: "principal",
    K.EQUITY: "amount_paid",
    K.GRANT: "amount",
    K.GUARANTEE: "guaranteed_amount",
}


def check_may_follow(application: Application) -> None:
    """An instrument is made from an approved application, once."""
    if application.status != ApplicationStatus.APPROVED:
        raise Conflict(N_("An instrument is made only from an approved application."), code="not_approved")
    if application.made_id is not None:
        raise Conflict(N_("An instrument was already made from this application."), code="already_made")


def committed(kind: InstrumentKind, data: dict[str, Any]) -> Decimal:
    if kind == K.EQUITY:
        return data.get("amount_paid") or round_cent(data["shares"] * data["price_per_share"])
    return data[AMOUNT[kind]]


def make_instrument(session: Session, actor: audit.Who, application: Application, data: dict[str, Any]) -> Any:
    """The instrument the application asks for, from the data its own create schema loaded; linked and audited."""
    check_may_follow(application)
    kind = application.instrument
    if committed(kind, data) > application.amount:
        raise ValidationFailed.field(AMOUNT[kind], N_("More than the amount the committee approved."))
    data = dict(data)
    investee = application.investee
    made: Any
    if kind in (K.LOAN, K.CONVERTIBLE_LOAN):
        terms = {name: data.pop(name, None) for name in conversion.TERM_FIELDS}
        made = loans.create_loan(session, actor, investee, data)
        if kind == K.CONVERTIBLE_LOAN:
            conversion.set_terms(session, actor, made, terms)
    elif kind == K.EQUITY:
        made = equity.create_participation(session, actor, investee, data)
    elif kind == K.GRANT:
        made = grants.create_grant(session, actor, investee, data)
    else:
        made = guarantees.create_guarantee(session, actor, investee, data)
    setattr(application, LINK[kind], made.id)
    session.flush()
    audit.record(
        session,
        actor,
        "application.instrument_made",
        application,
        {"instrument": [None, kind.value], LINK[kind]: [None, made.id]},
    )
    return made
