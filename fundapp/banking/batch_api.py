"""Payment batches through the API: direct debits (pain.008) and credit transfers (pain.001)."""

from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from fundapp.api import make_blueprint, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load
from fundapp.banking import batches
from fundapp.banking.batch_schemas import (
    BatchDetailSchema,
    BatchListArgsSchema,
    BatchSchema,
    CollectionDateSchema,
    ExecutionDateSchema,
)
from fundapp.banking.models import BatchKind, PaymentBatch
from fundapp.db import get_session
from fundapp.errors import NotFound
from fundapp.funds.models import Fund
from fundapp.i18n import gettext
from fundapp.listing import paginate
from fundapp.payers.models import OutcomePayer

blp = make_blueprint(
    "batches", "Payment batches: direct debits (pain.008.001.02) and credit transfers (pain.001.001.03)"
)
BatchPageSchema = page_schema(BatchSchema, "PaymentBatchPage")
XML = "application/xml"
FILE = {"type": "string", "format": "binary"}


def _batch(batch_id: int, action: str, kinds: tuple[BatchKind, ...]) -> PaymentBatch:
    batch = load(get_session(), PaymentBatch, batch_id, current_scope(), action)
    if batch.kind not in kinds:
        raise NotFound("There is no such batch of this kind.")
    return batch


def _xml(batch: PaymentBatch) -> Response:
    built = batches.payment_file(get_session(), batch)
    name = f"{built.message_id}.xml"
    return Response(built.xml, mimetype=XML, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _page(args: dict[str, Any], owner: Any) -> dict[str, Any]:
    query = select(PaymentBatch).options(lazyload(PaymentBatch.lines)).where(owner)
    for name in ("kind", "status"):
        if args[name] is not None:
            query = query.where(getattr(PaymentBatch, name) == args[name])
    page = paginate(get_session(), query.order_by(PaymentBatch.id.desc()), args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/funds/<int:fund_id>/payment-batches", methods=["GET"])
@access("login", obj=(Fund, "fund_id", "edit"))
@blp.arguments(BatchListArgsSchema, location="query")
@blp.response(200, BatchPageSchema)
def list_fund_batches(args: dict[str, Any], fund_id: int) -> Any:
    """The fund's direct-debit and disbursement batches, newest first."""
    return _page(args, PaymentBatch.fund_id == fund_id)


@blp.route("/payers/<int:payer_id>/payment-batches", methods=["GET"])
@access("login", obj=(OutcomePayer, "payer_id", "pay_claims"))
@blp.arguments(BatchListArgsSchema, location="query")
@blp.response(200, BatchPageSchema)
def list_payer_batches(args: dict[str, Any], payer_id: int) -> Any:
    """The payer's outcome-payment batches, newest first."""
    return _page(args, PaymentBatch.payer_id == payer_id)


@blp.route("/funds/<int:fund_id>/direct-debit-batches", methods=["POST"])
@access("login", obj=(Fund, "fund_id", "edit"))
@blp.arguments(CollectionDateSchema)
@blp.response(201, BatchSchema)
def create_direct_debit_batch(data: dict[str, Any], fund_id: int) -> Any:
    """Collect every installment due by the date and unpaid, for loans with an active mandate (FRST, then RCUR)."""
    fund = load(get_session(), Fund, fund_id, current_scope(), "edit")
    return batches.create_direct_debit_batch(get_session(), current_actor(), fund, data["collection_date"], gettext)


@blp.route("/funds/<int:fund_id>/credit-transfer-batches", methods=["POST"])
@access("login", obj=(Fund, "fund_id", "edit"))
@blp.arguments(ExecutionDateSchema)
@blp.response(201, BatchSchema)
def create_disbursement_batch(data: dict[str, Any], fund_id: int) -> Any:
    """Pay out the fund's approved loans not yet disbursed, to their investees' accounts."""
    fund = load(get_session(), Fund, fund_id, current_scope(), "edit")
    return batches.create_disbursement_batch(get_session(), current_actor(), fund, data["execution_date"], gettext)


@blp.route("/payers/<int:payer_id>/credit-transfer-batches", methods=["POST"])
@access("login", obj=(OutcomePayer, "payer_id", "pay_claims"))
@blp.arguments(ExecutionDateSchema)
@blp.response(201, BatchSchema)
def create_outcome_payment_batch(data: dict[str, Any], payer_id: int) -> Any:
    """Pay the payer's own parts of approved claims, to the providers' accounts."""
    payer = load(get_session(), OutcomePayer, payer_id, current_scope(), "pay_claims")
    return batches.create_outcome_payment_batch(get_session(), current_actor(), payer, data["execution_date"], gettext)


@blp.route("/payment-batches/<int:batch_id>", methods=["GET"])
@access("login", obj=(PaymentBatch, "batch_id", "view"))
@blp.response(200, BatchDetailSchema)
def get_batch(batch_id: int) -> Any:
    """The batch with its lines and which of them the statement has settled."""
    return _batch(batch_id, "view", tuple(BatchKind))


@blp.route("/payment-batches/<int:batch_id>/cancel", methods=["POST"])
@access("login", obj=(PaymentBatch, "batch_id", "edit"))
@blp.response(200, BatchSchema)
def cancel_batch(batch_id: int) -> Any:
    """Cancel a batch none of whose money has been booked: what it held waits again (a mandate's FRST too)."""
    return batches.cancel_batch(get_session(), current_actor(), _batch(batch_id, "edit", tuple(BatchKind)))


@blp.route("/direct-debit-batches/<int:batch_id>/pain.008.xml", methods=["GET"])
@access("login", obj=(PaymentBatch, "batch_id", "view"))
@blp.response(200, FILE, content_type=XML)
def direct_debit_file(batch_id: int) -> Any:
    """The pain.008.001.02 file for the bank, validated against the ISO schema."""
    return _xml(_batch(batch_id, "view", (BatchKind.DIRECT_DEBIT,)))


@blp.route("/credit-transfer-batches/<int:batch_id>/pain.001.xml", methods=["GET"])
@access("login", obj=(PaymentBatch, "batch_id", "view"))
@blp.response(200, FILE, content_type=XML)
def credit_transfer_file(batch_id: int) -> Any:
    """The pain.001.001.03 file for the bank, validated against the ISO schema."""
    return _xml(_batch(batch_id, "view", (BatchKind.DISBURSEMENTS, BatchKind.OUTCOME_PAYMENTS)))
