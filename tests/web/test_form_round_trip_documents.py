"""Every field of the documents' and the portfolio import's forms survives the round trip."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from sqlalchemy import select

from fundapp.documents.models import Document
from fundapp.investees.models import Investee
from fundapp.jobs.queue import huey
from fundapp.loans.models import Loan
from tests.documents_files import PDF
from tests.portfolio_factories import simple_workbook
from tests.web.round_trip import FormCase, assert_round_trip

NAME = "overeenkomst – één ü.pdf"


def _document(session, ctx) -> dict:
    row = session.scalar(select(Document).where(Document.attached_to == "loans"))
    return {"object": row.object_id, "name": row.name, "kind": row.kind, "type": row.content_type, "size": row.size}


@pytest.fixture(autouse=True)
def own_queue(app, tmp_path):
    """The jobs the forms queue go to a queue of this test's own (a SQLite file), for ``_imported`` to run."""
    from huey.storage import SqliteStorage

    previous = (huey.app, huey._storage, huey._make_storage)
    huey.bind(app, SqliteStorage("fundapp_round_trip", filename=str(tmp_path / "jobs.sqlite3")))
    try:
        yield huey
    finally:
        huey.app, huey._storage, huey._make_storage = previous


def _imported(session, ctx) -> dict:
    """The page queues the import: run what waits in the queue, as the worker would, then read the loan."""
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
    session.expire_all()
    loan = session.scalar(select(Loan).where(Loan.reference == "OLD-1"))
    investee = session.get(Investee, loan.investee_id)
    return {"fund": loan.fund_id, "principal": loan.principal, "kvk": investee.kvk_number}


CASES = [
    FormCase(
        "attach a document to a loan",
        "manager_a",
        lambda ctx: f"/loans/{ctx.world.loan_a.id}/documents",
        lambda ctx: {"kind": "loan_agreement", "file": (BytesIO(PDF), NAME)},
        _document,
        lambda ctx: {
            "object": ctx.world.loan_a.id,
            "name": NAME,
            "kind": "loan_agreement",
            "type": "application/pdf",
            "size": len(PDF),
        },
    ),
    FormCase(
        "import a portfolio workbook",
        "manager_a",
        lambda ctx: f"/funds/{ctx.world.fund_a.id}/portfolio/import",
        lambda ctx: {
            "file": (BytesIO(simple_workbook("99887711")), "portefeuille – één.xlsx"),
            "accept_differences": "1",
            "reason": "Overstap – cijfers van de accountant ü",
        },
        _imported,
        lambda ctx: {"fund": ctx.world.fund_a.id, "principal": Decimal("10000.00"), "kvk": "99887711"},
        # Checked, the dry run imports nothing: this round trip sends the import itself.
        untouched="dry_run",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_field_of_the_form_is_stored_as_typed(db_session, world, login_as, case):
    assert_round_trip(case, db_session, world, login_as)
