"""Equity participations (shares the fund holds in an investee), their events, and a loan's conversion terms.

A participation is bought for cash or comes from a convertible loan (``loan_id``). Its events are the record
(valuation, dividend, exit); what the journal needs of each (the change of carrying value, the cost and
carrying value of the shares sold) is worked out when the event is recorded and stored beside it, so that
the journal of a period is read in one query per table. Events are recorded in date order.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.db import Base, ExactDecimal, Money, Rate, UTCDateTime, enum_column, utcnow


def Price() -> ExactDecimal:  # noqa: N802 - reads like a type in model declarations
    """A price per share: six decimals, so that a discounted price (1.60) or a cap (0.8333) is kept exactly."""
    return ExactDecimal(18, 6)


class EquityEventKind(str, enum.Enum):
    VALUATION = "valuation"
    DIVIDEND = "dividend"
    EXIT = "equity_exit"


class ValuationMethod(str, enum.Enum):
    COST = "cost"
    FINANCING_ROUND = "financing_round"
    MULTIPLES = "multiples"
    DCF = "dcf"
    OTHER = "other"


class ConversionTrigger(str, enum.Enum):
    QUALIFIED_ROUND = "qualified_round"
    MATURITY = "maturity"
    SALE = "sale"
    OTHER = "other"


class EquityParticipation(Base):
    __tablename__ = "equity_participations"
    __table_args__ = (
        CheckConstraint("shares > 0", name="shares_positive"),
        CheckConstraint("price_per_share > 0", name="price_positive"),
        CheckConstraint("cost > 0", name="cost_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"), index=True)
    investee_id: Mapped[int] = mapped_column(ForeignKey("investees.id", ondelete="RESTRICT"), index=True)
    on: Mapped[date] = mapped_column(Date)
    shares: Mapped[int] = mapped_column(Integer)
    price_per_share: Mapped[Decimal] = mapped_column(Price())
    cost: Mapped[Decimal] = mapped_column(Money())
    # A participation from a conversion: the loan, and what of it was converted (no cash moved).
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loans.id", ondelete="RESTRICT"), index=True)
    converted_principal: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    converted_interest: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    round_price: Mapped[Decimal | None] = mapped_column(Price())
    # A full conversion ends the loan: from its date the loan's principal is here, not outstanding.
    ends_loan: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    fund = relationship("Fund")
    investee = relationship("Investee")
    loan = relationship("Loan")
    events: Mapped[list[EquityEvent]] = relationship(
        back_populates="participation", order_by="(EquityEvent.on, EquityEvent.id)", cascade="all, delete-orphan"
    )


class EquityEvent(Base):
    """A valuation, a dividend or an exit; never edited."""

    __tablename__ = "equity_events"
    __table_args__ = (Index("ix_equity_events_fund_on", "fund_id", "on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participation_id: Mapped[int] = mapped_column(ForeignKey("equity_participations.id", ondelete="CASCADE"))
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    kind: Mapped[EquityEventKind] = mapped_column(enum_column(EquityEventKind, "equity_event_kind"))
    on: Mapped[date] = mapped_column(Date)
    # valuation
    value_per_share: Mapped[Decimal | None] = mapped_column(Price())
    method: Mapped[ValuationMethod | None] = mapped_column(enum_column(ValuationMethod, "valuation_method"))
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    # dividend: the amount received; exit: the proceeds
    amount: Mapped[Decimal | None] = mapped_column(Money())
    shares_sold: Mapped[int | None] = mapped_column(Integer)
    # derived when recorded (see the module's docstring): signed change of carrying value at a valuation;
    # at an exit, the cost and the carrying value of the shares sold
    carrying_change: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    cost_sold: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    carrying_sold: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    participation: Mapped[EquityParticipation] = relationship(back_populates="events")


class ConversionTerms(Base):
    """How a loan converts into shares: a fixed price, or a discount on the round's price, and an optional cap."""

    __tablename__ = "conversion_terms"
    __table_args__ = (
        CheckConstraint("price_per_share IS NOT NULL OR discount_percent IS NOT NULL", name="price_or_discount"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id", ondelete="CASCADE"), unique=True)
    price_per_share: Mapped[Decimal | None] = mapped_column(Price())
    discount_percent: Mapped[Decimal | None] = mapped_column(Rate())
    cap: Mapped[Decimal | None] = mapped_column(Price())
    trigger: Mapped[ConversionTrigger] = mapped_column(enum_column(ConversionTrigger, "conversion_trigger"))
    trigger_text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    loan = relationship("Loan")
