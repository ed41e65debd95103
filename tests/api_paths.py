"""Every operation of the OpenAPI document, with real ids of the world in its path: for tests that walk the API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

ROLES = ("admin", "manager_a", "officer_a", "member_a")


def spec(client: Any) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").get_json()


def operations(client: Any) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(METHOD, path template, operation) of every operation in the document."""
    for path, item in spec(client)["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method.upper(), path, operation


def world_ids(db_session: Any, world: Any) -> dict[str, Any]:
    """An existing object for every path parameter: the world with its outcomes and a KPI report."""
    from fundapp.auth.models import ApiToken
    from fundapp.banking.models import BankTransaction, Mandate
    from fundapp.documents import services
    from fundapp.documents.storage import LocalFileStore
    from tests.bank_factories import Entry, camt, import_file
    from tests.batch_factories import add_batches
    from tests.conftest import test_files_dir
    from tests.documents_files import PDF
    from tests.factories import ACTOR, add_outcomes, add_reports

    add_outcomes(db_session, world)
    add_reports(db_session, world)
    made = add_batches(db_session, world)
    statement = import_file(db_session, world.fund_a, camt([Entry("250.00", remittance="Gift")]))
    transaction = db_session.scalar(select(BankTransaction).where(BankTransaction.statement_id == statement.id))
    mandate = db_session.scalar(select(Mandate).where(Mandate.loan_id == world.loan_a.id))
    token = db_session.scalar(select(ApiToken).where(ApiToken.user_id == world.user("admin").id))
    store = LocalFileStore(test_files_dir())
    document = services.attach(db_session, ACTOR, world.loan_a, PDF, "agreement.pdf", "loan_agreement", store, 10**6)
    return {
        "fund_id": world.fund_a.id,
        "source_id": world.fund_a.capital_sources[0].id,
        "investor_id": world.investor_a.id,
        "call_id": world.call_a.id,
        "year": 2024,
        "quarter": 1,
        "fmt": "pdf",
        "investee_id": world.investee_a.id,
        "label_id": world.investee_a.labels[0].id,
        "payer_id": world.payer_a.id,
        "loan_id": world.loan_a.id,
        "event_id": world.repayment_a.id,
        "submission_id": world.submission_a.id,
        "card_id": world.rate_card_a.id,
        "contract_id": world.contract_a.id,
        "result_id": world.result_a.id,
        "claim_id": world.claim_a.id,
        "line_id": world.claim_a.lines[0].id,
        "token_id": token.id if token else 1,
        "batch_id": made["direct_debit"].id,
        "transfer_batch_id": made["transfer"].id,
        "statement_id": statement.id,
        "transaction_id": transaction.id,
        "mandate_id": mandate.id,
        "kind": "loans",  # documents are walked on loan A
        "object_id": world.loan_a.id,
        "document_id": document.id,
    }


# Values for the query parameters an operation requires.
REQUIRED_QUERY = {"period": "2026-Q1", "from": "2024-01-01", "to": "2024-12-31", "as_of": "2024-12-31"}
# Paths whose parameter names an object of a kind the shared name does not: a credit transfer's batch.
PATH_IDS = {"/api/v1/credit-transfer-batches/{batch_id}/pain.001.xml": {"batch_id": "transfer_batch_id"}}


def fill(path: str, ids: dict[str, Any], operation: dict[str, Any] | None = None) -> str:
    """The path with real ids, and the operation's required query parameters when it is given."""
    ids = {**ids, **{name: ids[key] for name, key in PATH_IDS.get(path, {}).items()}}
    url = re.sub(r"\{(\w+)\}", lambda match: str(ids[match.group(1)]), path)
    required = [p["name"] for p in (operation or {}).get("parameters", []) if p["in"] == "query" and p.get("required")]
    return url + ("?" + "&".join(f"{name}={REQUIRED_QUERY[name]}" for name in required) if required else "")
