"""Grants and vouchers: money paid on conditions for a period, no repayment; a clawback when the conditions are not met.

The grant is paid when it is recorded. Its events (a clawback, the payments received on it) are the record; the
grant's ``clawed_back`` and ``received`` are their sums, kept for lists and the exposure per investee.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.db import Base, Money, UTCDateTime, enum_column, utcnow


class GrantKind(str, enum.Enum):
    GRANT = "grant"
    VOUCHER = "voucher"


class GrantStatus(str, enum.Enum):
    PAID = "paid"
    MET = "met"
    NOT_MET = "not_met"


class GrantEventKind(str, enum.Enum):
    CLAWBACK = "clawback"
    RECEIPT = "receipt"


class Grant(Base):
    __tablename__ = "grants"
    __table_args__ = (
        UniqueConstraint("fund_id", "reference"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("period_to >= period_from", name="period_ordered"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"), index=True)
    investee_id: Mapped[int] = mapped_column(ForeignKey("investees.id", ondelete="RESTRICT"), index=True)
    reference: Mapped[str] = mapped_column(String(40))
    kind: Mapped[GrantKind] = mapped_column(enum_column(GrantKind, "grant_kind"))
    amount: Mapped[Decimal] = mapped_column(Money())
    paid_on: Mapped[date] = mapped_column(Date)
    conditions: Mapped[str] = mapped_column(Text, default="")
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    status: Mapped[GrantStatus] = mapped_column(enum_column(GrantStatus, "grant_status"))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    clawed_back: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    received: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    fund = relationship("Fund")
    investee = relationship("Investee")
    events: Mapped[list[GrantEvent]] = relationship(
        back_populates="grant", order_by="(GrantEvent.on, GrantEvent.id)", cascade="all, delete-orphan"
    )

    @property
    def receivable(self) -> Decimal:
        """What the investee still owes of the clawback."""
        return self.clawed_back - self.received


class GrantEvent(Base):
    """A clawback of (part of) the grant, or a payment received on it; never edited."""

    __tablename__ = "grant_events"
    __table_args__ = (
        Index("ix_grant_events_fund_on", "fund_id", "on"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    # The grant's fund, repeated so that the journal of a period reads one index.
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    kind: Mapped[GrantEventKind] = mapped_column(enum_column(GrantEventKind, "grant_event_kind"))
    on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    grant: Mapped[Grant] = relationship(back_populates="events")
