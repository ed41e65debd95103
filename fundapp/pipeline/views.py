"""Pipeline pages: the applications by stage, one application with its notes and actions, the forms."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from sqlalchemy import select

from fundapp import clock
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import can, is_provider_side, load, visible, visible_funds
from fundapp.db import get_session
from fundapp.funds.models import Fund
from fundapp.i18n import gettext as _
from fundapp.i18n import lazy_gettext as _l
from fundapp.i18n import money
from fundapp.instruments.grant_views import grant_fields
from fundapp.instruments.guarantee_views import guarantee_fields
from fundapp.instruments.views import conversion_term_fields, participation_fields
from fundapp.investees.models import Investee
from fundapp.listing import int_arg, paginate
from fundapp.loans.views import DEFAULT_TERMS, loan_fields
from fundapp.messages import N_
from fundapp.pipeline import instrument_schemas, instruments, queries, services
from fundapp.pipeline.models import Application, ApplicationStatus, InstrumentKind, Vote
from fundapp.pipeline.schemas import MEMBER_ROWS, ApplicationCreateSchema, DecisionFormSchema
from fundapp.web import done, handle_form, list_args, no_longer

bp = Blueprint("pipeline", __name__)

STATUS = {
    "intake": _l("intake"),
    "due_diligence": _l("due diligence"),
    "investment_committee": _l("investment committee"),
    "approved": _l("approved"),
    "declined": _l("declined"),
}
INSTRUMENT = {
    "loan": _l("loan"),
    "convertible_loan": _l("convertible loan"),
    "equity": _l("equity participation"),
    "grant": _l("grant or voucher"),
    "guarantee": _l("guarantee"),
}
# The page of the instrument made from an application, by its kind.
PAGES = {
    InstrumentKind.LOAN: ("loans.detail", "loan_id"),
    InstrumentKind.CONVERTIBLE_LOAN: ("loans.detail", "loan_id"),
    InstrumentKind.EQUITY: ("equity.detail", "participation_id"),
    InstrumentKind.GRANT: ("grants.detail", "grant_id"),
    InstrumentKind.GUARANTEE: ("guarantees.detail", "guarantee_id"),
}
VOTE = {"for": _l("for"), "against": _l("against"), "abstain": _l("abstained")}
OUTCOME = {"approved": _l("approved"), "declined": _l("declined")}
MOVES = {
    "start_due_diligence": (_l("Start due diligence"), _l("Due diligence started.")),
    "refer_to_committee": (_l("Refer to the investment committee"), _l("Referred to the investment committee.")),
    "decline": (_l("Decline"), _l("Application declined.")),
}
LABELS = {"status": STATUS, "instrument": INSTRUMENT, "vote": VOTE, "outcome": OUTCOME, "moves": MOVES}


@bp.get("/applications")
@access("login")
def index() -> Any:
    session = get_session()
    scope = current_scope()
    args = list_args("id")
    fund_id = int_arg(request.args, "fund_id", 0, 0) or None
    wanted = request.args.get("status", "")
    status = ApplicationStatus(wanted) if wanted in STATUS else None
    query = queries.pipeline_query(scope, fund_id, status).order_by(*queries.BY_STAGE)
    page = paginate(session, query, args["page"], args["page_size"])
    funds = session.scalars(select(Fund).where(visible_funds(scope)).order_by(Fund.name)).all()
    return render_template(
        "pipeline/list.html",
        page=page,
        funds=funds,
        fund_id=fund_id,
        status=status.value if status else "",
        labels=LABELS,
        may_apply=session.scalar(select(Investee.id).where(visible(scope, Investee, "apply")).limit(1)) is not None,
    )


@bp.route("/applications/new", methods=["GET", "POST"])
@access("login", check=is_provider_side)
def create() -> Any:
    session = get_session()
    scope = current_scope()
    investees = session.scalars(select(Investee).where(visible(scope, Investee, "apply")).order_by(Investee.name))
    choices = [(i.id, i.name) for i in investees]

    def save(data: dict[str, Any]) -> Any:
        investee = load(session, Investee, data.pop("investee_id"), scope, "apply")
        application = services.create_application(session, current_actor(), investee, data)
        return done(_("Application received."), url_for("pipeline.detail", application_id=application.id))

    fields = [
        {"name": "investee_id", "label": _("Enterprise"), "required": True, "options": choices},
        {
            "name": "instrument",
            "label": _("Instrument"),
            "required": True,
            "options": [(k.value, INSTRUMENT[k.value]) for k in InstrumentKind],
        },
        {"name": "amount", "label": _("Amount (EUR)"), "required": True, "attrs": {"inputmode": "decimal"}},
        {"name": "purpose", "label": _("Purpose"), "type": "textarea", "required": True},
        {
            "name": "impact_case",
            "label": _("Impact case"),
            "type": "textarea",
            "required": True,
            "help": _("What changes for whom, and how you will show it."),
        },
    ]
    values = {"investee_id": request.args.get("investee_id", ""), "instrument": "loan"}
    return handle_form(
        ApplicationCreateSchema(),
        values,
        save,
        "form_page.html",
        title=_("New application"),
        fields=fields,
        back=url_for("pipeline.index"),
        submit=_("Send application"),
    )


@bp.get("/applications/<int:application_id>")
@access("login", obj=(queries.Application, "application_id", "view"))
def detail(application_id: int) -> Any:
    application = queries.load_application(get_session(), current_scope(), application_id)
    return _detail_page(application)


def _detail_page(application: Any, errors: dict[str, list[str]] | None = None) -> Any:
    """The application's page; with ``errors``, the note just sent is refused beside its field (422)."""
    scope = current_scope()
    full = can(scope, "edit", application)
    page = render_template(
        "pipeline/detail.html",
        application=queries.Seen(application, full),
        notes=queries.notes_seen(get_session(), application, full),
        full=full,
        moves=[m for m in services.MANUAL_ACTIONS if (application.status, m) in services.TRANSITIONS] if full else [],
        may_decide=full and application.status == ApplicationStatus.INVESTMENT_COMMITTEE,
        may_make=full and application.status == ApplicationStatus.APPROVED and application.made_id is None,
        made_page=instrument_page(application) if application.made_id else None,
        labels=LABELS,
        errors=errors or {},
        values=request.form if errors else {},
    )
    return (page, 422) if errors else page


@bp.route("/applications/<int:application_id>/move", methods=["GET", "POST"])
@access("login", obj=(queries.Application, "application_id", "edit"))
def move(application_id: int) -> Any:
    application = queries.load_application(get_session(), current_scope(), application_id, "edit")
    step = (request.form.get("action") if request.method == "POST" else request.args.get("action")) or ""
    back = url_for("pipeline.detail", application_id=application.id)
    if request.method == "POST":
        services.move(get_session(), current_actor(), application, step)  # refuses any step not in MOVES
        return done(str(MOVES[step][1]), back)
    if step not in MOVES or (application.status, step) not in services.TRANSITIONS:
        why = _("This application is in %(stage)s: that step does not apply.", stage=STATUS[application.status.value])
        return done(why, back, "warning")
    return render_template(
        "confirm.html",
        title=MOVES[step][0],
        button=MOVES[step][0],
        button_class="danger" if step == "decline" else "primary",
        question=_(
            "%(step)s: the application of %(name)s for %(amount)s?",
            step=MOVES[step][0],
            name=application.investee.name,
            amount=money(application.amount),
        ),
        hidden={"action": step},
        action=url_for("pipeline.move", application_id=application.id),
        back=back,
    )


@bp.post("/applications/<int:application_id>/notes")
@access("login", obj=(queries.Application, "application_id", "note"))
def add_note(application_id: int) -> Any:
    session = get_session()
    scope = current_scope()
    application = queries.load_application(session, scope, application_id, "note")
    back = url_for("pipeline.detail", application_id=application.id)
    text = request.form.get("text", "").strip()
    if len(text) < 2:
        return _detail_page(application, {"text": [N_("Write a note of at least two characters.")]})
    internal = request.form.get("internal") == "on" and can(scope, "edit", application)
    services.add_note(session, current_actor(), application, text[:10000], internal)
    return done(_("Note added."), back + "#notes")


@bp.route("/applications/<int:application_id>/decision", methods=["GET", "POST"])
@access("login", obj=(queries.Application, "application_id", "edit"))
def decision(application_id: int) -> Any:
    application = queries.load_application(get_session(), current_scope(), application_id, "edit")
    back = url_for("pipeline.detail", application_id=application.id)
    before_committee = application.status == ApplicationStatus.INVESTMENT_COMMITTEE
    why = None if before_committee else _("Only an application before the investment committee gets its decision.")
    if gone := no_longer(why, back):
        return gone

    def save(data: dict[str, Any]) -> Any:
        services.record_decision(get_session(), current_actor(), application, data)
        return done(_("The committee's decision is recorded."), back)

    return handle_form(
        DecisionFormSchema(),
        {"decided_on": clock.today().isoformat()},
        save,
        "pipeline/decision.html",
        application=application,
        rows=range(MEMBER_ROWS),
        votes=[(v.value, VOTE[v.value]) for v in Vote],
        outcomes=list(OUTCOME.items()),
        back=back,
        labels=LABELS,
    )


def _form_of(kind: InstrumentKind, application: Application) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The fields of the instrument's own create form, and their values taken from the application."""
    today = clock.today().isoformat()
    amount = application.amount
    if kind in (InstrumentKind.LOAN, InstrumentKind.CONVERTIBLE_LOAN):
        fields = loan_fields(new=True) + (conversion_term_fields() if kind == InstrumentKind.CONVERTIBLE_LOAN else [])
        return fields, {
            **DEFAULT_TERMS,
            "principal": amount,
            "purpose": application.purpose,
            "disbursement_date": today,
        }
    if kind == InstrumentKind.EQUITY:
        return participation_fields(), {"date": today, "amount_paid": amount, "note": application.purpose}
    if kind == InstrumentKind.GRANT:
        conditions = application.decision.conditions if application.decision else ""
        values = {"kind": "grant", "amount": amount, "paid_on": today, "period_from": today, "conditions": conditions}
        return grant_fields(None), values
    return guarantee_fields(None), {"guaranteed_amount": amount, "fee_frequency": "quarterly", "starts_on": today}


def instrument_page(application: Application) -> str:
    endpoint, key = PAGES[application.instrument]
    made: dict[str, Any] = {key: application.made_id}
    return url_for(endpoint, **made)


@bp.route("/applications/<int:application_id>/instrument", methods=["GET", "POST"])
@access("login", obj=(queries.Application, "application_id", "edit"))
def make_instrument(application_id: int) -> Any:
    session = get_session()
    application = queries.load_application(session, current_scope(), application_id, "edit")
    back = url_for("pipeline.detail", application_id=application.id)
    may = application.status == ApplicationStatus.APPROVED and application.made_id is None
    if gone := no_longer(None if may else _("An instrument is made once, from an approved application."), back):
        return gone
    instruments.check_may_follow(application)  # a form sent again after the instrument was made: 409
    kind = application.instrument
    what = INSTRUMENT[kind.value]

    def save(data: dict[str, Any]) -> Any:
        instruments.make_instrument(session, current_actor(), application, data)
        return done(
            _("Created from the application: the %(instrument)s.", instrument=what), instrument_page(application)
        )

    fields, values = _form_of(kind, application)
    intro = _(
        "For %(name)s: the investment committee approved %(amount)s.",
        name=application.investee.name,
        amount=money(application.amount),
    )
    conditions = application.decision.conditions if application.decision else ""
    return handle_form(
        instrument_schemas.SCHEMAS[kind](),
        values,
        save,
        "form_page.html",
        title=_("Application %(number)s: create the %(instrument)s", number=application.id, instrument=what),
        intro=intro,
        warning=_("The committee's conditions: %(conditions)s", conditions=conditions) if conditions else None,
        fields=fields,
        back=back,
        back_label=_("Application %(number)s", number=application.id),
        submit=_("Create the %(instrument)s", instrument=what),
    )
