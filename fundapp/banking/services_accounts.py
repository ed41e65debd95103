"""Bank accounts and direct-debit mandates: the verbs. They change state and audit; they never commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp import audit, clock
from fundapp.banking.models import BankAccount, Mandate, MandateStatus
from fundapp.db import utcnow
from fundapp.errors import Conflict, InvalidTransition, ValidationFailed
from fundapp.funds.models import Fund
from fundapp.investees.models import Investee
from fundapp.loans.models import Loan, LoanStatus
from fundapp.payers.models import OutcomePayer

Owner = Fund | Investee | OutcomePayer
OWNER_COLUMN = {Fund: "fund_id", Investee: "investee_id", OutcomePayer: "payer_id"}


def owner_column(owner: Owner) -> Any:
    return getattr(BankAccount, OWNER_COLUMN[type(owner)])


def accounts_of(session: Session, owner: Owner) -> list[BankAccount]:
    return list(session.scalars(select(BankAccount).where(owner_column(owner) == owner.id).order_by(BankAccount.id)))


def add_account(session: Session, actor: audit.Who, owner: Owner, data: dict[str, Any]) -> BankAccount:
    """Register an IBAN (checked by the schema) of a fund, an investee or a payer."""
    column = OWNER_COLUMN[type(owner)]
    taken = session.scalar(
        select(BankAccount.id).where(owner_column(owner) == owner.id, BankAccount.iban == data["iban"])
    )
    if taken is not None:
        raise Conflict("This account is already registered here.", [{"field": "iban", "message": "already registered"}])
    account = BankAccount(**{column: owner.id}, iban=data["iban"], name=data.get("name", ""), bic=data.get("bic", ""))
    session.add(account)
    session.flush()
    audit.record(
        session,
        actor,
        "bank_account.added",
        account,
        {column: [None, owner.id], "iban": [None, account.iban], "name": [None, account.name]},
    )
    return account


def add_mandate(session: Session, actor: audit.Who, loan: Loan, data: dict[str, Any]) -> Mandate:
    """A SEPA Core mandate the investee signed for this loan; one active mandate per loan."""
    if loan.status in (LoanStatus.REPAID, LoanStatus.WRITTEN_OFF):
        raise InvalidTransition(
            "A mandate is for collecting the installments of a loan that still runs.",
            [{"field": "status", "message": "Not possible in the loan's current status."}],
        )
    if data["signed_on"] > clock.today():
        raise ValidationFailed.field("signed_on", "A mandate cannot be signed on a date still to come.")
    if session.scalar(
        select(Mandate.id).where(Mandate.fund_id == loan.fund_id, Mandate.mandate_id == data["mandate_id"])
    ):
        raise Conflict(
            "This fund already has a mandate with this id.", [{"field": "mandate_id", "message": "already used"}]
        )
    active = session.scalar(
        select(Mandate.id).where(Mandate.loan_id == loan.id, Mandate.status == MandateStatus.ACTIVE)
    )
    if active is not None:
        raise Conflict(
            "This loan already has an active mandate; revoke it first.",
            [{"field": "mandate_id", "message": "the loan has an active mandate", "mandate": active}],
        )
    mandate = Mandate(
        loan_id=loan.id,
        fund_id=loan.fund_id,
        mandate_id=data["mandate_id"],
        signed_on=data["signed_on"],
        iban=data["iban"],
        bic=data.get("bic") or "",
        debtor_name=data.get("debtor_name") or loan.investee.name[:140],
        status=MandateStatus.ACTIVE,
    )
    session.add(mandate)
    session.flush()
    audit.record(
        session,
        actor,
        "mandate.added",
        mandate,
        {
            "loan_id": [None, loan.id],
            "mandate_id": [None, mandate.mandate_id],
            "signed_on": [None, mandate.signed_on],
            "iban": [None, mandate.iban],
        },
    )
    return mandate


def revoke_mandate(session: Session, actor: audit.Who, mandate: Mandate) -> Mandate:
    """No collection is made under a revoked mandate again (irreversible: a new mandate is a new record)."""
    if mandate.status != MandateStatus.ACTIVE:
        raise InvalidTransition("This mandate was already revoked.")
    mandate.status = MandateStatus.REVOKED
    mandate.revoked_at = utcnow()
    session.flush()
    audit.record(session, actor, "mandate.revoked", mandate, {"status": ["active", "revoked"]})
    return mandate
