"""Portfolio workbooks for the import tests: written with the export's own writer, rows by column key."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fundapp.portfolio_import import layout
from fundapp.portfolio_import.export import build_workbook


def investee_row(kvk_number: str, name: str = "Buurtbakkerij BV") -> dict[str, Any]:
    return {"name": name, "kvk_number": kvk_number, "legal_form": "bv", "municipality": "Rotterdam"}


def loan_row(reference: str, kvk_number: str, **overrides: Any) -> dict[str, Any]:
    row = {
        "reference": reference,
        "kvk_number": kvk_number,
        "principal": Decimal("10000.00"),
        "annual_rate": Decimal("6"),
        "disbursement_date": date(2024, 1, 15),
        "number_of_installments": 24,
        "frequency": "monthly",
        "amortization": "annuity",
        "subordinated": "no",
    }
    return row | overrides


def repayment_row(loan_reference: str, day: date, amount: str, reference: str = "") -> dict[str, Any]:
    return {"loan_reference": loan_reference, "date": day, "amount": Decimal(amount), "bank_reference": reference}


def outstanding_row(loan_reference: str, day: date, amount: str) -> dict[str, Any]:
    return {"loan_reference": loan_reference, "cut_over_date": day, "outstanding_principal": Decimal(amount)}


def workbook(
    investees: list[dict[str, Any]] = (),  # type: ignore[assignment]
    loans: list[dict[str, Any]] = (),  # type: ignore[assignment]
    repayments: list[dict[str, Any]] = (),  # type: ignore[assignment]
    outstanding: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> bytes:
    return build_workbook(
        {
            layout.INVESTEES: list(investees),
            layout.LOANS: list(loans),
            layout.REPAYMENTS: list(repayments),
            layout.OUTSTANDING: list(outstanding),
        }
    )


def simple_workbook(kvk_number: str, outstanding_principal: str = "9606.79") -> bytes:
    """One investee, one 10,000 loan at 6 % over 24 months, its first installment paid (443.21)."""
    return workbook(
        [investee_row(kvk_number)],
        [loan_row("OLD-1", kvk_number)],
        [repayment_row("OLD-1", date(2024, 2, 15), "443.21", "bank 1")],
        [outstanding_row("OLD-1", date(2024, 3, 1), outstanding_principal)],
    )
