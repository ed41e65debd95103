"""The fund's journal through the API (JSON, CSV for Exact Online or Twinfield, Excel, XAF) and its ledger accounts."""

from __future__ import annotations

from typing import Any

from flask import Response

from fundapp.api import make_blueprint
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load
from fundapp.banking import journal_files, ledger
from fundapp.banking.batch_schemas import JournalArgsSchema, JournalSchema, LedgerAccountsSchema
from fundapp.db import get_session
from fundapp.errors import ValidationFailed
from fundapp.funds.models import Fund

blp = make_blueprint("journal", "The fund's journal for its accounting, and its ledger accounts")


def _files() -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"schema": JournalSchema}}
    for mimetype in journal_files.MIMETYPES.values():
        content.setdefault(mimetype, {"schema": {"type": "string", "format": "binary"}})
    return {"responses": {"200": {"description": "The journal", "content": content}}}


@blp.route("/funds/<int:fund_id>/journal", methods=["GET"])
@access("login", obj=(Fund, "fund_id", "edit"))
@blp.arguments(JournalArgsSchema, location="query")
@blp.doc(**_files())
def fund_journal(args: dict[str, Any], fund_id: int) -> Any:
    """One balanced entry per disbursement, repayment (principal and interest), write-off and recovery of the period."""
    fund = load(get_session(), Fund, fund_id, current_scope(), "edit")
    made = ledger.entries(get_session(), fund.id, args["start"], args["end"])
    if args["format"] == "json":
        return journal_files.document(made)
    data, mimetype, name = journal_files.download(get_session(), fund, made, args)
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/funds/<int:fund_id>/ledger-accounts", methods=["GET"])
@access("login", obj=(Fund, "fund_id", "edit"))
@blp.response(200, LedgerAccountsSchema)
def get_ledger_accounts(fund_id: int) -> Any:
    """The account the journal books each role on: the fund's own, or the RGS default (``default: true``)."""
    return {"accounts": journal_files.accounts(get_session(), fund_id)}


@blp.route("/funds/<int:fund_id>/ledger-accounts", methods=["PUT"])
@access("login", obj=(Fund, "fund_id", "edit"))
@blp.arguments(LedgerAccountsSchema)
@blp.response(200, LedgerAccountsSchema)
def set_ledger_accounts(data: dict[str, Any], fund_id: int) -> Any:
    """Set the fund's accounts; a role left out, or given an empty code, books on the RGS default."""
    fund = load(get_session(), Fund, fund_id, current_scope(), "edit")
    roles = [item["role"].value for item in data["accounts"]]
    if len(roles) != len(set(roles)):
        raise ValidationFailed.field("accounts", "Name each role once.")
    ledger.set_ledger_accounts(
        get_session(), current_actor(), fund, {item["role"].value: item for item in data["accounts"]}
    )
    return {"accounts": journal_files.accounts(get_session(), fund.id)}
