"""Payment batch pages: a fund's direct debits and disbursements, a payer's outcome payments; make, fetch, cancel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import Blueprint, Response, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from fundapp import clock
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load
from fundapp.banking import batch_queries, batches, sepa
from fundapp.banking.batch_schemas import CollectionDateSchema, ExecutionDateSchema
from fundapp.banking.models import BatchKind, BatchStatus, PaymentBatch, PaymentLine
from fundapp.db import get_session
from fundapp.errors import ValidationFailed
from fundapp.funds.models import Fund
from fundapp.i18n import gettext as _
from fundapp.listing import paginate
from fundapp.money import ZERO
from fundapp.payers.models import OutcomePayer
from fundapp.validation import Day
from fundapp.web import done, list_args, load_form

bp = Blueprint("batches", __name__)


def _list(owner: Any, owner_filter: Any, template_args: dict[str, Any]) -> Any:
    session = get_session()
    args = list_args("-id")
    query = select(PaymentBatch).options(lazyload(PaymentBatch.lines)).where(owner_filter)
    page = paginate(session, query.order_by(PaymentBatch.id.desc()), args["page"], args["page_size"])
    ids = [batch.id for batch in page.items]
    settled = dict(
        session.execute(
            select(PaymentLine.batch_id, func.count())
            .where(PaymentLine.batch_id.in_(ids), PaymentLine.settled_transaction_id.is_not(None))
            .group_by(PaymentLine.batch_id)
        ).all()
    )
    return render_template("banking/batches.html", owner=owner, page=page, settled=settled, **template_args)


@bp.get("/funds/<int:fund_id>/payment-batches")
@access("login", obj=(Fund, "fund_id", "edit"))
def fund_batches(fund_id: int) -> Any:
    fund = load(get_session(), Fund, fund_id, current_scope(), "edit")
    account = batches.own_account(get_session(), fund_id=fund.id)
    return _list(
        fund,
        PaymentBatch.fund_id == fund.id,
        {"back": url_for("funds.detail", fund_id=fund.id), "account": account, "is_fund": True},
    )


@bp.get("/payers/<int:payer_id>/payment-batches")
@access("login", obj=(OutcomePayer, "payer_id", "pay_claims"))
def payer_batches(payer_id: int) -> Any:
    payer = load(get_session(), OutcomePayer, payer_id, current_scope(), "pay_claims")
    account = batches.own_account(get_session(), payer_id=payer.id)
    return _list(
        payer,
        PaymentBatch.payer_id == payer.id,
        {"back": url_for("payers.detail", payer_id=payer.id), "account": account, "is_fund": False},
    )


def _chosen_date(name: str) -> tuple[dt.date, list[str]]:
    """The date asked for (?collection_date=), today without one; a date that cannot be read keeps today."""
    text = (request.form.get(name) if request.method == "POST" else request.args.get(name)) or ""
    if not text.strip():
        return clock.today(), []
    try:
        return Day().deserialize(text.strip()), []
    except ma.ValidationError as exc:
        return clock.today(), [str(message) for message in exc.messages]


def _new_batch(
    *,
    field: str,
    schema: ma.Schema,
    preview: Callable[[dt.date], list[Any]],
    create: Callable[[dt.date], PaymentBatch],
    **page: Any,
) -> Any:
    """The confirm page of a new batch: what goes in on the chosen date, its total; a POST makes the batch."""
    day, errors = _chosen_date(field)
    problems: dict[str, list[str]] = {field: errors} if errors else {}
    if request.method == "POST" and not problems:
        form = load_form(schema)
        problems = form.errors
        if form.ok:
            try:
                batch = create(form.loaded[field])
                message = _("Batch made: %(count)s payments, %(total)s.", count=batch.transactions, total=_money(batch))
                return done(message, url_for("batches.detail", batch_id=batch.id))
            except batches.BatchRefused as exc:
                problems = {exc.field_name: [exc.banking.in_language(_) if exc.banking else _(exc.message)]}
    try:
        items = preview(day)
    except sepa.SepaError as error:
        items, problems = [], {**problems, "file": [error.in_language(_)]}
    payable = [item for item in items if getattr(item, "payable", True)]
    total = sum((_amount(item) for item in payable), ZERO)
    status = 422 if problems else 200
    return render_template(
        "banking/batch_new.html", field=field, day=day, items=items, total=total, errors=problems, **page
    ), status


def _amount(item: Any) -> Any:
    return item.line.amount if isinstance(item, batch_queries.Collection) else item.amount


def _money(batch: PaymentBatch) -> str:
    from fundapp.i18n import money

    return money(batch.total)


@bp.route("/funds/<int:fund_id>/direct-debit-batches/new", methods=["GET", "POST"])
@access("login", obj=(Fund, "fund_id", "edit"))
def new_direct_debit(fund_id: int) -> Any:
    session = get_session()
    fund = load(session, Fund, fund_id, current_scope(), "edit")
    return _new_batch(
        field="collection_date",
        schema=CollectionDateSchema(),
        preview=lambda day: batch_queries.collections(session, fund.id, day, _(batch_queries.COLLECTION_TEXT)),
        create=lambda day: batches.create_direct_debit_batch(session, current_actor(), fund, day, _),
        title=_("New direct debit"),
        intro=_("Every installment due by the collection date and unpaid, for loans with an active mandate."),
        date_label=_("Collection date"),
        back=url_for("batches.fund_batches", fund_id=fund.id),
        kind=BatchKind.DIRECT_DEBIT,
    )


@bp.route("/funds/<int:fund_id>/credit-transfer-batches/new", methods=["GET", "POST"])
@access("login", obj=(Fund, "fund_id", "edit"))
def new_disbursements(fund_id: int) -> Any:
    session = get_session()
    fund = load(session, Fund, fund_id, current_scope(), "edit")
    return _new_batch(
        field="execution_date",
        schema=ExecutionDateSchema(),
        preview=lambda _day: batch_queries.disbursements(session, fund.id, _(batch_queries.DISBURSEMENT_TEXT)),
        create=lambda day: batches.create_disbursement_batch(session, current_actor(), fund, day, _),
        title=_("New disbursement transfer"),
        intro=_("The approved loans not yet disbursed, each paid in full to its investee's account."),
        date_label=_("Execution date"),
        back=url_for("batches.fund_batches", fund_id=fund.id),
        kind=BatchKind.DISBURSEMENTS,
    )


@bp.route("/payers/<int:payer_id>/credit-transfer-batches/new", methods=["GET", "POST"])
@access("login", obj=(OutcomePayer, "payer_id", "pay_claims"))
def new_outcome_payments(payer_id: int) -> Any:
    session = get_session()
    payer = load(session, OutcomePayer, payer_id, current_scope(), "pay_claims")
    return _new_batch(
        field="execution_date",
        schema=ExecutionDateSchema(),
        preview=lambda day: batch_queries.outcome_payments(
            session, payer.id, _(batch_queries.OUTCOME_TEXT), _(batch_queries.ASSIGNED_TEXT), on=day
        ),
        create=lambda day: batches.create_outcome_payment_batch(session, current_actor(), payer, day, _),
        title=_("New outcome payment transfer"),
        intro=_(
            "Your part of every approved claim not yet paid, each paid to the provider's account; a part you accepted"
            " to assign to a loan goes to the loan's fund."
        ),
        date_label=_("Execution date"),
        back=url_for("batches.payer_batches", payer_id=payer.id),
        kind=BatchKind.OUTCOME_PAYMENTS,
    )


def _batch(batch_id: int, action: str = "view") -> PaymentBatch:
    return load(get_session(), PaymentBatch, batch_id, current_scope(), action)


def _back(batch: PaymentBatch) -> str:
    if batch.fund_id is not None:
        return url_for("batches.fund_batches", fund_id=batch.fund_id)
    return url_for("batches.payer_batches", payer_id=batch.payer_id)


@bp.get("/payment-batches/<int:batch_id>")
@access("login", obj=(PaymentBatch, "batch_id", "view"))
def detail(batch_id: int) -> Any:
    batch = _batch(batch_id)
    return render_template(
        "banking/batch.html",
        batch=batch,
        back=_back(batch),
        settled=batches.settled_count(batch),
        BatchStatus=BatchStatus,
        BatchKind=BatchKind,
    )


@bp.get("/payment-batches/<int:batch_id>/file")
@access("login", obj=(PaymentBatch, "batch_id", "view"))
def download(batch_id: int) -> Any:
    batch = _batch(batch_id)
    try:
        built = batches.payment_file(get_session(), batch)
    except batches.BatchRefused as exc:
        raise ValidationFailed(exc.banking.in_language(_) if exc.banking else _(exc.message)) from exc
    return Response(
        built.xml,
        mimetype="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{built.message_id}.xml"'},
    )


@bp.route("/payment-batches/<int:batch_id>/cancel", methods=["GET", "POST"])
@access("login", obj=(PaymentBatch, "batch_id", "edit"))
def cancel(batch_id: int) -> Any:
    batch = _batch(batch_id, "edit")
    back = url_for("batches.detail", batch_id=batch.id)
    if request.method == "POST":
        batches.cancel_batch(get_session(), current_actor(), batch)
        return done(_("Batch cancelled: what it held waits for a new batch."), back)
    warning = None
    if batch.status == BatchStatus.DOWNLOADED:
        warning = _("The file has been downloaded: if you sent it to the bank, cancel it there as well.")
    return render_template(
        "confirm.html",
        title=_("Cancel batch"),
        button=_("Cancel batch"),
        question=_(
            "Cancel this batch of %(count)s payments, %(total)s? Its file is then no longer offered.",
            count=batch.transactions,
            total=_money(batch),
        ),
        warning=warning,
        action=url_for("batches.cancel", batch_id=batch.id),
        back=back,
    )
