"""Loans: terms and lifecycle, the events that happen to them, and the derived schedule and allocations.

A loan's events (disbursements, repayments, write-off, recoveries, restructures,
rate changes) are the record; the installments and allocations are derived by
replaying them (fundapp/loans/servicing.py) and stored so that portfolio figures
are aggregated in SQL.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.db import Base, Money, Rate, UTCDateTime, enum_column, utcnow
from fundapp.loans.schedule import Amortization, DayCount, Frequency
from fundapp.loans.servicing import Prepayment


class LoanStatus(str, enum.Enum):
    DRAFT = "draft"
    APPROVED = "approved"
    ACTIVE = "active"
    REPAID = "repaid"
    WRITTEN_OFF = "written_off"
    # Turned into shares (fundapp/instruments): the loan ends without cash.
    CONVERTED = "converted"


class EventKind(str, enum.Enum):
    DISBURSEMENT = "disbursement"
    REPAYMENT = "repayment"
    WRITE_OFF = "write_off"
    RECOVERY = "recovery"
    RESTRUCTURE = "restructure"
    RATE_CHANGE = "rate_change"
    # An accepted difference between a replayed and a fund's own outstanding principal (portfolio import): no cash.
    ADJUSTMENT = "adjustment"


class AllocationKind(str, enum.Enum):
    INSTALLMENT = "installment"
    PREPAYMENT = "prepayment"
    OVERPAYMENT = "overpayment"
    RECOVERY = "recovery"


class Loan(Base):
    __tablename__ = "loans"
    __table_args__ = (
        UniqueConstraint("fund_id", "reference"),
        CheckConstraint("principal > 0", name="principal_positive"),
        CheckConstraint("number_of_installments BETWEEN 1 AND 600", name="installments_range"),
        CheckConstraint("grace_periods >= 0", name="grace_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"), index=True)
    investee_id: Mapped[int] = mapped_column(ForeignKey("investees.id", ondelete="RESTRICT"), index=True)
    reference: Mapped[str] = mapped_column(String(40))
    purpose: Mapped[str] = mapped_column(Text, default="")
    subordinated: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[LoanStatus] = mapped_column(enum_column(LoanStatus, "loan_status"), index=True)
    # terms
    principal: Mapped[Decimal] = mapped_column(Money())
    annual_rate: Mapped[Decimal] = mapped_column(Rate())
    disbursement_date: Mapped[date] = mapped_column(Date)
    first_due_date: Mapped[date | None] = mapped_column(Date)
    number_of_installments: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency, "frequency"))
    amortization: Mapped[Amortization] = mapped_column(enum_column(Amortization, "amortization"))
    grace_periods: Mapped[int] = mapped_column(Integer, default=0)
    day_count: Mapped[DayCount] = mapped_column(enum_column(DayCount, "day_count"))
    installment_multiple: Mapped[Decimal] = mapped_column(Money())
    # lifecycle
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The maker, for maker-checker. A user id without a foreign key: users are deactivated, never deleted, and so
    # SQLite adds and drops the column in place instead of rebuilding loans (which would cascade into its events).
    created_by_id: Mapped[int | None] = mapped_column(Integer)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # derived by the last replay, for lists (the loan book); the events are the record
    disbursed: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    principal_repaid: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    interest_received: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    written_off: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    recovered: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    outstanding_principal: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    written_off_on: Mapped[date | None] = mapped_column(Date)
    repaid_on: Mapped[date | None] = mapped_column(Date)
    # Impact-linked interest: a discount in percentage points once a named indicator meets its target.
    impact_discount_points: Mapped[Decimal | None] = mapped_column(Rate())
    impact_indicator_code: Mapped[str | None] = mapped_column(String(40))
    impact_discount_applied_on: Mapped[date | None] = mapped_column(Date)
    impact_discount_period: Mapped[str | None] = mapped_column(String(7))
    impact_discount_saving: Mapped[Decimal | None] = mapped_column(Money())

    fund = relationship("Fund")
    investee = relationship("Investee")
    events: Mapped[list[LoanEvent]] = relationship(
        back_populates="loan", order_by="(LoanEvent.on, LoanEvent.id)", cascade="all, delete-orphan"
    )
    installments: Mapped[list[LoanInstallment]] = relationship(
        order_by="LoanInstallment.number", cascade="all, delete-orphan"
    )

    @property
    def is_tranched(self) -> bool:
        return sum(1 for e in self.events if e.kind == EventKind.DISBURSEMENT and e.reversed_at is None) > 1

    @property
    def undisbursed(self) -> Decimal:
        return self.principal - self.disbursed


LIVE_REPAYMENT_WITH_REFERENCE = "kind = 'repayment' AND reference <> '' AND reversed_at IS NULL"


class LoanEvent(Base):
    """Something that happened to a loan; never edited, only reversed (with a reason)."""

    __tablename__ = "loan_events"
    __table_args__ = (
        Index("ix_loan_events_loan_id_on", "loan_id", "on"),
        Index("ix_loan_events_fund_kind_on", "fund_id", "kind", "on", "amount", "loan_id"),
        # A bank reference books a repayment once: the same one again is a double booking (a reversed one is not).
        Index(
            "uq_loan_events_live_repayment",
            "loan_id",
            "on",
            "amount",
            "reference",
            unique=True,
            postgresql_where=text(LIVE_REPAYMENT_WITH_REFERENCE),
            sqlite_where=text(LIVE_REPAYMENT_WITH_REFERENCE),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id", ondelete="CASCADE"))
    # The loan's fund, repeated so that portfolio aggregates read one index, not a join.
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind, "loan_event_kind"))
    on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal | None] = mapped_column(Money())
    reference: Mapped[str] = mapped_column(String(120), default="")
    prepayment: Mapped[Prepayment | None] = mapped_column(enum_column(Prepayment, "prepayment_mode"))
    reason: Mapped[str] = mapped_column(Text, default="")
    terms: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reversed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reversal_reason: Mapped[str] = mapped_column(Text, default="")

    loan: Mapped[Loan] = relationship(back_populates="events")
    # Installments in order, then a prepayment or overpayment (no installment) last: the same on every database.
    allocations: Mapped[list[LoanAllocation]] = relationship(
        order_by="(LoanAllocation.installment_number.is_(None), LoanAllocation.installment_number, LoanAllocation.id)",
        viewonly=True,
    )

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None


class LoanInstallment(Base):
    """One installment of the schedule in force (derived)."""

    __tablename__ = "loan_installments"
    __table_args__ = (
        UniqueConstraint("loan_id", "number"),
        Index("ix_loan_installments_loan_id_due_date", "loan_id", "due_date"),
        Index("ix_loan_installments_fund_settled", "fund_id", "settled_on", "due_date", "loan_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id", ondelete="CASCADE"))
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    principal_due: Mapped[Decimal] = mapped_column(Money())
    interest_due: Mapped[Decimal] = mapped_column(Money())
    principal_paid: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    interest_paid: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    balance: Mapped[Decimal] = mapped_column(Money())
    settled_on: Mapped[date | None] = mapped_column(Date)
    settlement: Mapped[str | None] = mapped_column(String(20))

    @property
    def total_due(self) -> Decimal:
        return self.principal_due + self.interest_due

    @property
    def total_paid(self) -> Decimal:
        return self.principal_paid + self.interest_paid

    def state_on(self, day: date) -> str:
        if self.settled_on is not None and self.settled_on <= day:
            return "paid" if self.settlement == "paid" else (self.settlement or "paid")
        if self.due_date < day:
            return "overdue"
        if self.due_date == day:
            return "due"
        return "future"


class LoanAllocation(Base):
    """Where (part of) a payment went: an installment's interest and principal, a prepayment, ... (derived)."""

    __tablename__ = "loan_allocations"
    __table_args__ = (
        Index("ix_loan_allocations_loan_id_paid_on", "loan_id", "paid_on"),
        Index(
            "ix_loan_allocations_fund_paid_on",
            "fund_id",
            "paid_on",
            "kind",
            "principal",
            "interest",
            "amount",
            "loan_id",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id", ondelete="CASCADE"))
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("loan_events.id", ondelete="CASCADE"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[AllocationKind] = mapped_column(enum_column(AllocationKind, "allocation_kind"))
    installment_number: Mapped[int | None] = mapped_column(Integer)
    interest: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    principal: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
