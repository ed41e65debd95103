"""The journal page (a period's entries, totals and their reconciliation with the portfolio, the downloads) and
the fund's ledger accounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma
from flask import Blueprint, Response, render_template, request, url_for

from fundapp import clock
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load
from fundapp.banking import journal_files, ledger
from fundapp.banking.batch_schemas import JournalArgsSchema, ledger_form_schema
from fundapp.banking.journal import totals
from fundapp.banking.models import LedgerRole
from fundapp.db import get_session
from fundapp.errors import ValidationFailed
from fundapp.funds.models import Fund
from fundapp.i18n import gettext as _
from fundapp.i18n import locale_name
from fundapp.web import done, handle_form

bp = Blueprint("journal", __name__)


def _quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    """The quarter before the one of ``today``: the period a bookkeeper closes next."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    end = dt.date(today.year, first_month, 1) - dt.timedelta(days=1)
    return dt.date(end.year, end.month - 2, 1), end


def _args() -> dict[str, Any]:
    """The period and format asked for in the query; the last full quarter without them."""
    start, end = _quarter(clock.today())
    wanted = {"from": start.isoformat(), "to": end.isoformat(), "format": "csv", **request.args.to_dict()}
    try:
        return JournalArgsSchema().load(wanted, unknown=ma.EXCLUDE)
    except ma.ValidationError as exc:
        raise ValidationFailed.from_messages(exc.messages) from exc


@bp.get("/funds/<int:fund_id>/journal")
@access("login", obj=(Fund, "fund_id", "edit"))
def journal(fund_id: int) -> Any:
    session = get_session()
    fund = load(session, Fund, fund_id, current_scope(), "edit")
    args = _args()
    made = ledger.entries(session, fund.id, args["start"], args["end"])
    debit, credit = totals(made)
    chart = ledger.chart_for(session, fund.id)
    return render_template(
        "banking/journal.html",
        fund=fund,
        start=args["start"],
        end=args["end"],
        entries=made,
        debit=debit,
        credit=credit,
        names={account.code: account.name for account in chart.accounts()},
        reconciliation=ledger.reconcile(session, fund.id, args["start"], args["end"], made),
    )


@bp.get("/funds/<int:fund_id>/journal/download")
@access("login", obj=(Fund, "fund_id", "edit"))
def download(fund_id: int) -> Any:
    session = get_session()
    fund = load(session, Fund, fund_id, current_scope(), "edit")
    args = _args()
    made = ledger.entries(session, fund.id, args["start"], args["end"])
    if args["format"] == "json":
        data, mimetype, name = journal_files.json_file(fund, made, args)
    else:
        data, mimetype, name = journal_files.download(session, fund, made, args, locale_name())
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _field_names() -> list[tuple[LedgerRole, str, str, str]]:
    return [(role, f"{role.value}_code", f"{role.value}_name", f"{role.value}_rgs_code") for role in LedgerRole]


@bp.route("/funds/<int:fund_id>/ledger-accounts", methods=["GET", "POST"])
@access("login", obj=(Fund, "fund_id", "edit"))
def ledger_accounts(fund_id: int) -> Any:
    session = get_session()
    fund = load(session, Fund, fund_id, current_scope(), "edit")
    values: dict[str, Any] = {}
    for row in journal_files.accounts(session, fund.id):
        if not row["default"]:
            role = row["role"].value
            values.update(
                {f"{role}_code": row["code"], f"{role}_name": row["name"], f"{role}_rgs_code": row["rgs_code"]}
            )

    def save(data: dict[str, Any]) -> Any:
        chosen = {
            role.value: {"code": data[code], "name": data[name], "rgs_code": data[rgs]}
            for role, code, name, rgs in _field_names()
        }
        ledger.set_ledger_accounts(session, current_actor(), fund, chosen)
        return done(_("Ledger accounts saved."), url_for("journal.ledger_accounts", fund_id=fund.id))

    return handle_form(
        ledger_form_schema()(),
        values,
        save,
        "banking/ledger_accounts.html",
        fund=fund,
        roles=_field_names(),
        defaults={role.value: getattr(ledger.journal.DEFAULT_CHART, role.value) for role in LedgerRole},
    )
