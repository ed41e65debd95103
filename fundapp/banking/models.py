"""Money through the bank, stored: accounts, mandates, statements and their transactions, payment batches, the
journal's accounts per fund.

Amounts are ``Money()`` (exact decimals); a bank transaction keeps what the bank wrote, as the bank wrote it.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.db import Base, Money, UTCDateTime, enum_column, utcnow


class BankAccount(Base):
    """An IBAN of a fund, an investee or a payer (exactly one owns it)."""

    __tablename__ = "bank_accounts"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN fund_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN investee_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN payer_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
        UniqueConstraint("fund_id", "iban"),
        UniqueConstraint("investee_id", "iban"),
        UniqueConstraint("payer_id", "iban"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    investee_id: Mapped[int | None] = mapped_column(ForeignKey("investees.id", ondelete="CASCADE"), index=True)
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("outcome_payers.id", ondelete="CASCADE"), index=True)
    iban: Mapped[str] = mapped_column(String(34), index=True)
    bic: Mapped[str] = mapped_column(String(11), default="")
    name: Mapped[str] = mapped_column(String(140), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MandateStatus(str, enum.Enum):
    ACTIVE = "active"
    REVOKED = "revoked"


class Mandate(Base):
    """A SEPA Core direct-debit mandate the investee signed for one loan."""

    __tablename__ = "mandates"
    __table_args__ = (UniqueConstraint("fund_id", "mandate_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id", ondelete="CASCADE"), index=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    mandate_id: Mapped[str] = mapped_column(String(35))
    signed_on: Mapped[date] = mapped_column(Date)
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str] = mapped_column(String(11), default="")
    debtor_name: Mapped[str] = mapped_column(String(140), default="")
    status: Mapped[MandateStatus] = mapped_column(enum_column(MandateStatus, "mandate_status"))
    # FRST until a collection under this mandate has been sent; RCUR after (SEPA Core).
    first_collected_on: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BankStatement(Base):
    """One statement of one of our own accounts, as imported (the file's hash keeps a repeat import visible)."""

    __tablename__ = "bank_statements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_accounts.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(10))
    statement_ref: Mapped[str] = mapped_column(String(80), default="")
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255), default="")
    opening_date: Mapped[date | None] = mapped_column(Date)
    opening_balance: Mapped[Decimal | None] = mapped_column(Money())
    closing_date: Mapped[date | None] = mapped_column(Date)
    closing_balance: Mapped[Decimal | None] = mapped_column(Money())
    transactions_in_file: Mapped[int] = mapped_column(Integer, default=0)
    new_transactions: Mapped[int] = mapped_column(Integer, default=0)
    credits: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    debits: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    account: Mapped[BankAccount] = relationship(lazy="joined")


class TransactionStatus(str, enum.Enum):
    PROPOSED = "proposed"  # a unique match awaits one click
    UNMATCHED = "unmatched"
    BOOKED = "booked"
    SET_ASIDE = "set_aside"


class ProposalKind(str, enum.Enum):
    REPAYMENT = "repayment"
    RECOVERY = "recovery"
    DISBURSEMENT = "disbursement"
    OUTCOME_PAYMENT = "outcome_payment"
    RETURN = "return"  # a returned direct debit: reverses the repayment it had booked


class BankTransaction(Base):
    """One booked movement on one of our accounts, kept as the bank wrote it, and what fundapp made of it."""

    __tablename__ = "bank_transactions"
    __table_args__ = (
        # Importing a statement twice, or overlapping statements, books nothing twice.
        UniqueConstraint("bank_account_id", "identity_key"),
        Index("ix_bank_transactions_account_status", "bank_account_id", "status", "booking_date"),
        Index("ix_bank_transactions_end_to_end_id", "end_to_end_id"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_accounts.id", ondelete="CASCADE"))
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statements.id", ondelete="CASCADE"), index=True)
    identity_key: Mapped[str] = mapped_column(String(64))
    booking_date: Mapped[date] = mapped_column(Date)
    value_date: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    direction: Mapped[str] = mapped_column(String(6))  # credit | debit
    counterparty_name: Mapped[str] = mapped_column(Text, default="")
    counterparty_iban: Mapped[str] = mapped_column(String(64), default="")
    counterparty_bic: Mapped[str] = mapped_column(String(11), default="")
    remittance: Mapped[str] = mapped_column(Text, default="")
    creditor_reference: Mapped[str] = mapped_column(String(64), default="")
    end_to_end_id: Mapped[str] = mapped_column(String(64), default="")
    mandate_id: Mapped[str] = mapped_column(String(64), default="")
    bank_reference: Mapped[str] = mapped_column(String(120), default="")
    return_reason: Mapped[str] = mapped_column(String(10), default="")
    is_reversal: Mapped[bool] = mapped_column(Boolean, default=False)
    raw: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[TransactionStatus] = mapped_column(enum_column(TransactionStatus, "bank_transaction_status"))
    proposal_kind: Mapped[ProposalKind | None] = mapped_column(enum_column(ProposalKind, "bank_proposal_kind"))
    proposal_loan_id: Mapped[int | None] = mapped_column(ForeignKey("loans.id", ondelete="SET NULL"))
    proposal_split_id: Mapped[int | None] = mapped_column(ForeignKey("claim_payer_splits.id", ondelete="SET NULL"))
    proposal_event_id: Mapped[int | None] = mapped_column(ForeignKey("loan_events.id", ondelete="SET NULL"))
    matched_by: Mapped[str] = mapped_column(String(20), default="")  # end_to_end_id | reference | iban_amount
    # Why nothing was proposed, when matching found something but left it for a person (``matching.COLLECTION_MATCHED``).
    unmatched_reason: Mapped[str] = mapped_column(String(40), default="", server_default="")
    booked_event_id: Mapped[int | None] = mapped_column(ForeignKey("loan_events.id", ondelete="SET NULL"))
    booked_split_id: Mapped[int | None] = mapped_column(ForeignKey("claim_payer_splits.id", ondelete="SET NULL"))
    booked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_aside_reason: Mapped[str] = mapped_column(Text, default="")

    account: Mapped[BankAccount] = relationship(lazy="joined")


class BatchKind(str, enum.Enum):
    DIRECT_DEBIT = "direct_debit"  # pain.008: installments collected from investees
    DISBURSEMENTS = "disbursements"  # pain.001: loans paid out
    OUTCOME_PAYMENTS = "outcome_payments"  # pain.001: a payer's approved claims paid


class BatchStatus(str, enum.Enum):
    CREATED = "created"
    DOWNLOADED = "downloaded"
    CANCELLED = "cancelled"


class PaymentBatch(Base):
    """A SEPA file fundapp made for the bank: a direct-debit collection or a batch of credit transfers."""

    __tablename__ = "payment_batches"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN fund_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN payer_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[BatchKind] = mapped_column(enum_column(BatchKind, "payment_batch_kind"))
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("outcome_payers.id", ondelete="CASCADE"), index=True)
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_accounts.id", ondelete="RESTRICT"))
    message_id: Mapped[str] = mapped_column(String(35), unique=True)
    execution_date: Mapped[date] = mapped_column(Date)  # the collection date of a direct debit
    status: Mapped[BatchStatus] = mapped_column(enum_column(BatchStatus, "payment_batch_status"))
    transactions: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    lines: Mapped[list[PaymentLine]] = relationship(
        cascade="all, delete-orphan", order_by="PaymentLine.id", lazy="selectin"
    )


class PaymentLine(Base):
    """One transaction of a batch; its end-to-end id brings the money back to it from the statement."""

    __tablename__ = "payment_lines"
    __table_args__ = (UniqueConstraint("end_to_end_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payment_batches.id", ondelete="CASCADE"), index=True)
    end_to_end_id: Mapped[str] = mapped_column(String(35))
    amount: Mapped[Decimal] = mapped_column(Money())
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loans.id", ondelete="SET NULL"), index=True)
    installment_number: Mapped[int | None] = mapped_column(Integer)
    mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandates.id", ondelete="SET NULL"))
    sequence: Mapped[str] = mapped_column(String(4), default="")  # FRST | RCUR for a direct debit
    split_id: Mapped[int | None] = mapped_column(ForeignKey("claim_payer_splits.id", ondelete="SET NULL"))
    counterparty_name: Mapped[str] = mapped_column(String(140), default="")
    counterparty_iban: Mapped[str] = mapped_column(String(34), default="")
    remittance: Mapped[str] = mapped_column(String(140), default="")
    settled_transaction_id: Mapped[int | None] = mapped_column(ForeignKey("bank_transactions.id", ondelete="SET NULL"))


class LedgerRole(str, enum.Enum):
    BANK = "bank"
    LOANS_RECEIVABLE = "loans_receivable"
    INTEREST_INCOME = "interest_income"
    WRITE_OFF_EXPENSE = "write_off_expense"
    RECOVERIES = "recoveries"
    PROVISION_EXPENSE = "provision_expense"
    LOAN_LOSS_PROVISION = "loan_loss_provision"
    EQUITY_INVESTMENTS = "equity_investments"
    OTHER_RECEIVABLES = "other_receivables"
    PAID_IN_CAPITAL = "paid_in_capital"
    DISTRIBUTIONS = "distributions"
    UNREALISED_RESULT = "unrealised_result"
    REALISED_RESULT = "realised_result"
    DIVIDEND_INCOME = "dividend_income"
    GRANT_EXPENSE = "grant_expense"
    GUARANTEE_FEE_INCOME = "guarantee_fee_income"
    FUND_EXPENSES = "fund_expenses"


class LedgerAccount(Base):
    """A fund's own ledger account for a role in the journal; without one, the RGS default applies."""

    __tablename__ = "ledger_accounts"
    __table_args__ = (UniqueConstraint("fund_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    role: Mapped[LedgerRole] = mapped_column(enum_column(LedgerRole, "ledger_role"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    rgs_code: Mapped[str] = mapped_column(String(40), default="")
