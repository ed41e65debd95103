"""The journal as the API and the pages hand it out: the JSON document and the downloads, and the accounts per role."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename

from fundapp import clock
from fundapp.banking import journal_export, ledger, xaf
from fundapp.banking.journal import JournalEntry
from fundapp.banking.models import LedgerAccount, LedgerRole
from fundapp.funds.models import Fund

MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xaf": "application/xml",
}


def document(entries: tuple[JournalEntry, ...]) -> dict[str, Any]:
    return journal_export.as_document(entries)


def json_file(fund: Fund, entries: tuple[JournalEntry, ...], args: dict[str, Any]) -> tuple[bytes, str, str]:
    return journal_export.to_json(entries).encode("utf-8"), "application/json", f"{_stem(fund, args)}.json"


def _stem(fund: Fund, args: dict[str, Any]) -> str:
    name = f"journal-{fund.name}-{args['start'].isoformat()}-{args['end'].isoformat()}"
    return secure_filename(name) or "journal"


def download(
    session: Session, fund: Fund, entries: tuple[JournalEntry, ...], args: dict[str, Any], language: str = "nl"
) -> tuple[bytes, str, str]:
    """The file's bytes, its content type and its name, for ``args`` (format, layout, start, end, ...)."""
    start, end, kind, stem = args["start"], args["end"], args["format"], _stem(fund, args)
    if kind == "csv":
        text = journal_export.to_csv(entries, args["layout"])
        return text.encode("utf-8"), f"{MIMETYPES['csv']}; charset=utf-8", f"{stem}-{args['layout']}.csv"
    if kind == "xlsx":
        return journal_export.to_xlsx(entries, language), MIMETYPES["xlsx"], f"{stem}.xlsx"
    administration = xaf.Administration(
        company_name=fund.name,
        tax_registration=args["tax_registration"],
        fiscal_year=str(start.year) if start.year == end.year else f"{start.year}-{end.year}",
        start=start,
        end=end,
    )
    data = xaf.to_xaf(entries, administration, chart=ledger.chart_for(session, fund.id), created_on=clock.today())
    return data, MIMETYPES["xaf"], f"{stem}.xaf"


def accounts(session: Session, fund_id: int) -> list[dict[str, Any]]:
    """Each role's account, the fund's own or the default (``default``), in the order of the roles."""
    chart = ledger.chart_for(session, fund_id)
    own = set(session.scalars(select(LedgerAccount.role).where(LedgerAccount.fund_id == fund_id)))
    rows = []
    for role in LedgerRole:
        account = getattr(chart, role.value)
        rows.append(
            {
                "role": role,
                "code": account.code,
                "name": account.name,
                "rgs_code": account.rgs_code or "",
                "default": role not in own,
            }
        )
    return rows
