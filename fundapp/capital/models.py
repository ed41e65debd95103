from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.db import Base, Money, Rate, UTCDateTime, enum_column, utcnow
from fundapp.funds.models import CapitalSourceKind, Fund


class Investor(Base):
    """Who committed capital to the fund; its share of the fund follows its paid-in capital unless fixed."""

    __tablename__ = "investors"
    __table_args__ = (
        CheckConstraint("commitment >= 0", name="commitment_not_negative"),
        CheckConstraint("fixed_share_percent > 0", name="fixed_share_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CapitalSourceKind] = mapped_column(enum_column(CapitalSourceKind, "investor_kind"))
    commitment: Mapped[Decimal] = mapped_column(Money())
    fixed_share_percent: Mapped[Decimal | None] = mapped_column(Rate())
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    fund: Mapped[Fund] = relationship()
    calls: Mapped[list[CapitalCall]] = relationship(
        back_populates="investor", order_by="(CapitalCall.on, CapitalCall.id)", cascade="all, delete-orphan"
    )
    distributions: Mapped[list[Distribution]] = relationship(
        back_populates="investor", order_by="(Distribution.on, Distribution.id)", cascade="all, delete-orphan"
    )


class CapitalCall(Base):
    """Capital an investor paid in on a date (Dr bank / Cr paid-in capital). Never changed once made."""

    __tablename__ = "capital_calls"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    investor: Mapped[Investor] = relationship(back_populates="calls")

    @property
    def reference(self) -> str:
        return f"CALL-{self.id}"


class DistributionKind(str, enum.Enum):
    RETURN_OF_CAPITAL = "return_of_capital"
    INCOME = "income"
    GAIN = "gain"


class Distribution(Base):
    """Money the fund paid out to an investor on a date (Dr distributions / Cr bank)."""

    __tablename__ = "distributions"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    kind: Mapped[DistributionKind] = mapped_column(enum_column(DistributionKind, "distribution_kind"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    investor: Mapped[Investor] = relationship(back_populates="distributions")

    @property
    def reference(self) -> str:
        return f"DIST-{self.id}"


class FundExpense(Base):
    """A cost the fund paid from its bank account (Dr fund expenses / Cr bank)."""

    __tablename__ = "fund_expenses"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    description: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def reference(self) -> str:
        return f"EXP-{self.id}"


class ProvisionRates(Base):
    """A fund's own loan-loss provision percentages per arrears bucket; a fund without a row uses the defaults."""

    __tablename__ = "provision_rates"

    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), primary_key=True)
    current: Mapped[Decimal] = mapped_column(Rate())
    days_1_30: Mapped[Decimal] = mapped_column(Rate())
    days_31_90: Mapped[Decimal] = mapped_column(Rate())
    over_90: Mapped[Decimal] = mapped_column(Rate())
