from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.db import Base, Money, Rate, UTCDateTime, enum_column, utcnow


class Fund(Base):
    """A place-based impact fund (e.g. Social Impact Fund Rotterdam)."""

    __tablename__ = "funds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    region: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    founded_on: Mapped[date | None] = mapped_column(Date)
    # SEPA creditor identifier, for collecting installments by direct debit (e.g. NL50ZZZ241234560000).
    creditor_id: Mapped[str | None] = mapped_column(String(35))
    # Book a statement's exact matches (by end-to-end id or loan reference, for the amount due) without a click.
    auto_book_exact_matches: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Maker-checker: a loan's disbursements above this total need a second person (None: no second person needed).
    disbursement_threshold: Mapped[Decimal | None] = mapped_column(Money())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    capital_sources: Mapped[list[CapitalSource]] = relationship(
        back_populates="fund", cascade="all, delete-orphan", order_by="CapitalSource.id", lazy="selectin"
    )

    @property
    def total_committed(self) -> Decimal:
        return sum((source.committed for source in self.capital_sources), Decimal("0.00"))

    @property
    def total_paid_in(self) -> Decimal:
        return sum((source.paid_in for source in self.capital_sources), Decimal("0.00"))


class CapitalSourceKind(str, enum.Enum):
    FOUNDATION = "foundation"
    MUNICIPALITY = "municipality"
    PROVINCE = "province"
    EU_FUND = "eu_fund"
    BANK = "bank"
    PRIVATE_INVESTOR = "private_investor"
    OTHER = "other"


class CapitalSource(Base):
    """Who put money into the fund: committed, paid in, expected return."""

    __tablename__ = "capital_sources"
    __table_args__ = (
        CheckConstraint("committed >= 0", name="committed_not_negative"),
        CheckConstraint("paid_in >= 0", name="paid_in_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CapitalSourceKind] = mapped_column(enum_column(CapitalSourceKind, "capital_source_kind"))
    committed: Mapped[Decimal] = mapped_column(Money())
    paid_in: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    expected_return_percent: Mapped[Decimal | None] = mapped_column(Rate())
    term_years: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")

    fund: Mapped[Fund] = relationship(back_populates="capital_sources")
