"""Listeners of domain events: each tells the event's recipients, inside the transaction of the change itself.

No mail is sent here: ``fundapp.notifications.delivery.deliver_pending`` does that after the commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp import clock
from fundapp.banking.models import BankAccount, BankStatement, BankTransaction, TransactionStatus
from fundapp.investees.models import Investee
from fundapp.money import ZERO
from fundapp.notifications.events import link, managers_of, members_of, notify, officers_of, recipients
from fundapp.outcomes.models import Claim, OutcomeContract, OutcomeResult


def _claim_params(claim: Claim, amount: Any) -> dict[str, Any]:
    return {
        "investee": claim.investee.name,
        "period": claim.period,
        "contract": claim.contract.name,
        "amount": str(amount),
    }


def _provider_side(session: Session, investee: Investee) -> list[int]:
    return recipients(session, members_of(investee.id), managers_of(investee.fund_id))


def on_claim_submitted(claim: Claim, session: Session, **_: Any) -> None:
    payers = [row.payer_id for row in claim.contract.payers if row.accepted_at is not None]
    path = link("outcomes.claim_detail", claim_id=claim.id)
    params = _claim_params(claim, claim.total_payable)
    notify(session, recipients(session, officers_of(payers)), "claim_submitted", claim, path, params, clock.today())


def on_claim_decided(claim: Claim, session: Session, **_: Any) -> None:
    params = _claim_params(claim, claim.approved_amount or claim.total_payable)
    params["decision"] = claim.status.value
    path = link("outcomes.claim_detail", claim_id=claim.id)
    users = _provider_side(session, claim.investee)
    notify(session, users, "claim_decided", claim, path, params, clock.today())


def on_claim_paid(claim: Claim, session: Session, **_: Any) -> None:
    paid = sum((split.amount for split in claim.splits), ZERO)
    path = link("outcomes.claim_detail", claim_id=claim.id)
    users = _provider_side(session, claim.investee)
    notify(session, users, "claim_paid", claim, path, _claim_params(claim, paid), clock.today())


def on_result_rejected(result: OutcomeResult, session: Session, **_: Any) -> None:
    params = {
        "contract": result.contract.name,
        "item": result.item_code,
        "participant": result.participant or "a cohort",
        "reason": result.rejection_reason or "no reason given",
    }
    path = link("outcomes.result_list", status="rejected")
    users = _provider_side(session, result.investee)
    notify(session, users, "result_rejected", result, path, params, clock.today())


def on_contract_created(contract: OutcomeContract, session: Session, **_: Any) -> None:
    """Every party that has not accepted is invited: a payer's officers, a provider's members and fund managers."""
    path = link("outcomes.contract_detail", contract_id=contract.id)
    day = clock.today()
    base = {"contract": contract.name, "reference": contract.reference}
    for row in contract.payers:
        if row.accepted_at is None:
            users = recipients(session, officers_of([row.payer_id]))
            params = {**base, "party": row.payer.name}
            notify(session, users, "contract_invitation", contract, path, params, day, f"-payer{row.payer_id}")
    for provider in contract.providers:
        if provider.accepted_at is None:
            users = _provider_side(session, provider.investee)
            params = {**base, "party": provider.investee.name}
            variant = f"-provider{provider.investee_id}"
            notify(session, users, "contract_invitation", contract, path, params, day, variant)


def on_statement_imported(statement: BankStatement, session: Session, **_: Any) -> None:
    """Transactions left unmatched wait for the account owner's people: a fund's managers, a payer's officers."""
    count = session.scalar(
        select(func.count(BankTransaction.id)).where(
            BankTransaction.statement_id == statement.id, BankTransaction.status == TransactionStatus.UNMATCHED
        )
    )
    if not count:
        return
    account = session.get(BankAccount, statement.bank_account_id)
    assert account is not None
    if account.fund_id is not None:
        users = recipients(session, managers_of(account.fund_id))
        path = link("bank_statements.detail", statement_id=statement.id)
    elif account.payer_id is not None:
        users = recipients(session, officers_of([account.payer_id]))
        path = link("payer_statements.transactions", payer_id=account.payer_id, status="open")
    else:
        return
    params = {"account": account.iban, "count": count, "file": statement.file_name or statement.statement_ref}
    notify(session, users, "statement_unmatched", statement, path, params, clock.today())


def connect() -> None:
    """Called by ``create_app`` (connecting twice is harmless)."""
    from fundapp.banking.signals import statement_imported
    from fundapp.outcomes import signals

    signals.claim_submitted.connect(on_claim_submitted)
    signals.claim_decided.connect(on_claim_decided)
    signals.claim_paid.connect(on_claim_paid)
    signals.result_rejected.connect(on_result_rejected)
    signals.contract_created.connect(on_contract_created)
    statement_imported.connect(on_statement_imported)
