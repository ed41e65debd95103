"""Every operation of the OpenAPI document, with real ids of the world in its path: for tests that walk the API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
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
    from fundapp.instruments import conversion
    from fundapp.instruments.models import ConversionTrigger
    from tests.bank_factories import Entry, camt, import_file
    from tests.batch_factories import add_batches
    from tests.conftest import test_files_dir
    from tests.documents_files import PDF
    from tests.equity_factories import add_equity
    from tests.factories import ACTOR, add_outcomes, add_reports

    add_outcomes(db_session, world)
    add_reports(db_session, world)
    made = add_batches(db_session, world)
    statement = import_file(db_session, world.fund_a, camt([Entry("250.00", remittance="Gift")]))
    transaction = db_session.scalar(select(BankTransaction).where(BankTransaction.statement_id == statement.id))
    mandate = db_session.scalar(select(Mandate).where(Mandate.loan_id == world.loan_a.id))
    token = db_session.scalar(select(ApiToken).where(ApiToken.user_id == world.user("admin").id))
    store = LocalFileStore(test_files_dir())
    from tests.web.walk_world import financing_rounds

    financing_round = financing_rounds(db_session, world)
    document = services.attach(db_session, ACTOR, world.loan_a, PDF, "agreement.pdf", "loan_agreement", store, 10**6)
    equity = add_equity(db_session, world)
    terms = {"price_per_share": Decimal("2"), "trigger": ConversionTrigger.MATURITY}
    conversion.set_terms(db_session, ACTOR, world.loan_a, terms)
    grant, guarantee = _instruments_with_events(db_session, world)
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
        "round_id": financing_round.id,
        "application_id": world.application_a.id,
        "participation_id": equity["A"].id,
        "grant_id": grant.id,
        "guarantee_id": guarantee.id,
    }


def _instruments_with_events(db_session: Any, world: Any) -> tuple[Any, Any]:
    """Investee A's voucher clawed back in part and paid on, its guarantee with a fee paid and a call."""
    from datetime import date
    from decimal import Decimal

    from fundapp.instruments import grants, guarantees
    from tests.factories import ACTOR
    from tests.instrument_factories import CALL_TERMS, add_instruments

    made_grants, made_guarantees = add_instruments(db_session, world)
    grant, guarantee = made_grants["A"], made_guarantees["A"]
    grants.decide(db_session, ACTOR, grant, False, date(2026, 1, 5))
    grants.claw_back(db_session, ACTOR, grant, date(2026, 1, 6), Decimal("1000.00"), "not met")
    grants.receive(db_session, ACTOR, grant, date(2026, 1, 20), Decimal("400.00"), "bank")
    guarantees.call(db_session, ACTOR, guarantee, date(2025, 9, 15), Decimal("5000.00"), CALL_TERMS)
    return grant, guarantee


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
