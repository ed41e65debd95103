"""Co-financing: financing rounds (who brings which instrument and amount) and the participations of a
syndicated loan (who owns which percentage of it).

A party is a fund in fundapp (``fund_id``) or an external co-financier (``party_name`` and ``party_kind``):
a bank, another fund, a province. Instruments of other kinds live elsewhere; a round names only their kind.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.db import Base, Money, Rate, UTCDateTime, enum_column, utcnow

# A fund in fundapp, or an external co-financier with its name and kind: never both, never neither.
PARTY = (
    "(fund_id IS NOT NULL AND party_name = '' AND party_kind IS NULL)"
    " OR (fund_id IS NULL AND party_name <> '' AND party_kind IS NOT NULL)"
)


class PartyKind(str, enum.Enum):
    BANK = "bank"
    OTHER_FUND = "other_fund"
    PROVINCE = "province"
    MUNICIPALITY = "municipality"
    OTHER = "other"


class InstrumentKind(str, enum.Enum):
    LOAN = "loan"
    CONVERTIBLE_LOAN = "convertible_loan"
    EQUITY = "equity"
    GRANT = "grant"
    GUARANTEE = "guarantee"
    OTHER = "other"


class FinancingRound(Base):
    __tablename__ = "financing_rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investee_id: Mapped[int] = mapped_column(ForeignKey("investees.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    investee = relationship("Investee")
    participants: Mapped[list[RoundParticipant]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundParticipant.id", lazy="selectin"
    )

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.participants), Decimal("0.00"))


class RoundParticipant(Base):
    """One party's part of a round: its instrument and amount, optionally the fundapp loan it is."""

    __tablename__ = "round_participants"
    __table_args__ = (
        CheckConstraint(PARTY, name="one_party"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("financing_rounds.id", ondelete="CASCADE"), index=True)
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"), index=True)
    party_name: Mapped[str] = mapped_column(String(200), default="")
    party_kind: Mapped[PartyKind | None] = mapped_column(enum_column(PartyKind, "party_kind"))
    instrument: Mapped[InstrumentKind] = mapped_column(enum_column(InstrumentKind, "instrument_kind"))
    amount: Mapped[Decimal] = mapped_column(Money())
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loans.id", ondelete="SET NULL"))

    round: Mapped[FinancingRound] = relationship(back_populates="participants")
    fund = relationship("Fund", lazy="joined")

    @property
    def party(self) -> str:
        return self.fund.name if self.fund is not None else self.party_name


class LoanParticipation(Base):
    """A party's percentage of a syndicated loan; the loan's own fund (the lead) services it."""

    __tablename__ = "loan_participations"
    __table_args__ = (
        UniqueConstraint("loan_id", "fund_id"),
        CheckConstraint(PARTY, name="one_party"),
        CheckConstraint("percentage > 0", name="percentage_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id", ondelete="CASCADE"), index=True)
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"), index=True)
    party_name: Mapped[str] = mapped_column(String(200), default="")
    party_kind: Mapped[PartyKind | None] = mapped_column(enum_column(PartyKind, "party_kind"))
    percentage: Mapped[Decimal] = mapped_column(Rate())

    fund = relationship("Fund", lazy="joined")

    @property
    def party(self) -> str:
        return self.fund.name if self.fund is not None else self.party_name
