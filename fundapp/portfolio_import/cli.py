"""flask import portfolio FILE --fund ID: the web upload's checks and import, from the command line."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup

import_cli = AppGroup("import", help="Bring existing data into fundapp.")


@import_cli.command("portfolio")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--fund", "fund_id", type=int, required=True, help="The id of the fund to import into.")
@click.option("--dry-run", is_flag=True, help="Check and replay every loan; import nothing.")
@click.option("--accept-differences", is_flag=True, help="Book each outstanding-principal difference as an adjustment.")
@click.option("--reason", default="", help="Why the differences are accepted (required with --accept-differences).")
@click.option(
    "--marked", type=click.Path(dir_okay=False, writable=True), help="Write the workbook with problems marked."
)
def import_portfolio_command(
    file: str, fund_id: int, dry_run: bool, accept_differences: bool, reason: str, marked: str | None
) -> None:
    """Import a filled portfolio workbook into a fund, all or nothing; every problem is listed by sheet and cell."""
    from fundapp import audit
    from fundapp.db import session_scope
    from fundapp.funds.models import Fund
    from fundapp.portfolio_import.service import PortfolioInvalid, import_portfolio

    with open(file, "rb") as source:
        data = source.read()
    try:
        with session_scope() as session:
            fund = session.get(Fund, fund_id)
            if fund is None:
                raise click.ClickException(f"There is no fund {fund_id}.")
            result = import_portfolio(
                session,
                audit.Actor.system("cli import"),
                fund,
                data,
                dry_run=dry_run,
                accept_differences=accept_differences,
                reason=reason,
            )
    except PortfolioInvalid as invalid:
        for problem in invalid.problems:
            place = f"{problem.sheet}!{problem.cell}" if problem.cell else (problem.sheet or "file")
            click.echo(f"{place}: {problem.message}", err=True)
        if marked:
            _write_marked(data, invalid.problems, marked)
        raise click.ClickException(f"{len(invalid.problems)} problems; nothing was imported.") from invalid
    for d in result.differences:
        click.echo(
            f"{d.loan_reference}: fund {d.fund_figure}, replayed {d.replayed}, difference {d.difference}"
            + ("" if dry_run else " (booked as an adjustment)")
        )
    verb = "Would import" if dry_run else "Imported"
    click.echo(f"{verb} {result.investees} investees, {result.loans} loans and {result.repayments} repayments.")


def _write_marked(data: bytes, problems: list[Any], path: str) -> None:
    from fundapp.impact.spreadsheets import CellProblem, mark_errors

    try:
        marked = mark_errors(data, [CellProblem(p.sheet, p.cell, p.message) for p in problems], "en")
    except ValueError:
        click.echo("The file cannot be marked (it is not a workbook that can safely be opened).", err=True)
        return
    with open(path, "wb") as out:
        out.write(marked)
    click.echo(f"The workbook with the problems marked: {path}", err=True)
