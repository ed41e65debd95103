"""A payer's bank pages for its officers: import the payer's statement, its statements, the transactions to look at.

One statement, booking and setting aside are the fund's pages (``views_statements``): they serve the account's
owner, fund or payer. A debit the payer sent as an outcome payment is proposed as that payment; booking it
records the payer's part of the claim as paid.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from fundapp.auth.access import access, current_scope
from fundapp.auth.policy import load
from fundapp.banking.transactions import payer_accounts
from fundapp.banking.views_statements import statements_page, transactions_page, upload_page
from fundapp.db import get_session
from fundapp.payers.models import OutcomePayer

bp = Blueprint("payer_statements", __name__)
# Paying and booking public money is for the payer's own officers (an administrator is not one).
OFFICERS = (OutcomePayer, "payer_id", "pay_claims")


def _payer(payer_id: int) -> OutcomePayer:
    return load(get_session(), OutcomePayer, payer_id, current_scope(), "pay_claims")


@bp.get("/payers/<int:payer_id>/bank-statements")
@access("login", obj=OFFICERS)
def index(payer_id: int) -> Any:
    payer = _payer(payer_id)
    return statements_page(payer, payer_accounts(payer.id), can_edit=True)


@bp.route("/payers/<int:payer_id>/bank-statements/upload", methods=["GET", "POST"])
@access("login", obj=OFFICERS)
def upload(payer_id: int) -> Any:
    return upload_page(_payer(payer_id))


@bp.get("/payers/<int:payer_id>/bank-transactions")
@access("login", obj=OFFICERS)
def transactions(payer_id: int) -> Any:
    payer = _payer(payer_id)
    return transactions_page(payer, payer_accounts(payer.id), can_edit=True)
