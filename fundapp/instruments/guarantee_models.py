"""Guarantees: the fund stands surety for part of an investee's loan from a bank, for a fee, until expiry.

A call is paid to the bank and becomes a loan of the fund to the investee (``GuaranteeEvent.loan``), serviced as
any loan; the guarantee keeps the call only as the link to that loan and to cap later calls.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.db import Base, Money, Rate, UTCDateTime, enum_column, utcnow
from fundapp.instruments import fees
from fundapp.loans.schedule import Frequency


class GuaranteeEventKind(str, enum.Enum):
    FEE_PAYMENT = "fee_payment"
    CALL = "call"


class Guarantee(Base):
    __tablename__ = "guarantees"
    __table_args__ = (
        UniqueConstraint("fund_id", "reference"),
        CheckConstraint("guaranteed_amount > 0", name="guaranteed_positive"),
        CheckConstraint("expires_on > starts_on", name="period_ordered"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"), index=True)
    investee_id: Mapped[int] = mapped_column(ForeignKey("investees.id", ondelete="RESTRICT"), index=True)
    reference: Mapped[str] = mapped_column(String(40))
    bank_name: Mapped[str] = mapped_column(String(120))
    bank_loan_reference: Mapped[str] = mapped_column(String(60), default="")
    bank_loan_amount: Mapped[Decimal] = mapped_column(Money())
    guaranteed_amount: Mapped[Decimal] = mapped_column(Money())
    fee_rate: Mapped[Decimal] = mapped_column(Rate())
    fee_frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency, "fee_frequency"))
    starts_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    called: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    fees_paid: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    fund = relationship("Fund")
    investee = relationship("Investee")
    events: Mapped[list[GuaranteeEvent]] = relationship(
        back_populates="guarantee", order_by="(GuaranteeEvent.on, GuaranteeEvent.id)", cascade="all, delete-orphan"
    )

    @property
    def uncalled(self) -> Decimal:
        return self.guaranteed_amount - self.called

    @property
    def fee_schedule(self) -> list[fees.FeeDue]:
        """The fees with what the fee payments settled, oldest first."""
        planned = fees.fee_schedule(
            self.guaranteed_amount, self.fee_rate, self.fee_frequency, self.starts_on, self.expires_on
        )
        return fees.settle(planned, (e.amount for e in self.events if e.kind == GuaranteeEventKind.FEE_PAYMENT))


class GuaranteeEvent(Base):
    """A fee paid by the investee, or a call paid to the bank (with the loan it became); never edited."""

    __tablename__ = "guarantee_events"
    __table_args__ = (
        Index("ix_guarantee_events_fund_on", "fund_id", "on"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guarantee_id: Mapped[int] = mapped_column(ForeignKey("guarantees.id", ondelete="CASCADE"), index=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    kind: Mapped[GuaranteeEventKind] = mapped_column(enum_column(GuaranteeEventKind, "guarantee_event_kind"))
    on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    reference: Mapped[str] = mapped_column(String(120), default="")
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loans.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    guarantee: Mapped[Guarantee] = relationship(back_populates="events")
    loan = relationship("Loan")
