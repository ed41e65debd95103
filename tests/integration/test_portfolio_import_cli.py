"""flask import portfolio FILE --fund ID [--dry-run]: the same checks and import as the web upload."""

from __future__ import annotations

from openpyxl import load_workbook
from sqlalchemy import func, select

from fundapp.loans.models import Loan
from tests.factories import kvk, make_fund
from tests.portfolio_factories import simple_workbook


def _loans(db_session, fund) -> int:
    return db_session.scalar(select(func.count()).select_from(Loan).where(Loan.fund_id == fund.id))


def _file(tmp_path, data: bytes) -> str:
    path = tmp_path / "portfolio.xlsx"
    path.write_bytes(data)
    return str(path)


def test_a_dry_run_prints_what_it_would_import_and_the_import_then_imports_it(app, db_session, tmp_path):
    fund = make_fund(db_session)
    db_session.flush()
    runner = app.test_cli_runner()
    file = _file(tmp_path, simple_workbook(kvk()))
    dry = runner.invoke(args=["import", "portfolio", file, "--fund", str(fund.id), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would import 1 investees, 1 loans and 1 repayments." in dry.output
    assert _loans(db_session, fund) == 0
    done = runner.invoke(args=["import", "portfolio", file, "--fund", str(fund.id)])
    assert done.exit_code == 0, done.output
    assert _loans(db_session, fund) == 1


def test_a_difference_is_printed_with_its_cell_and_both_figures_and_nothing_is_imported(app, db_session, tmp_path):
    fund = make_fund(db_session)
    db_session.flush()
    file = _file(tmp_path, simple_workbook(kvk(), "9000.00"))
    marked = tmp_path / "marked.xlsx"
    result = app.test_cli_runner().invoke(
        args=["import", "portfolio", file, "--fund", str(fund.id), "--marked", str(marked)]
    )
    assert result.exit_code == 1
    assert "outstanding!C2" in result.output and "9606.79" in result.output and "-606.79" in result.output
    assert "nothing was imported" in result.output
    assert "-606.79" in load_workbook(marked)["outstanding"]["C2"].comment.text
    assert _loans(db_session, fund) == 0
