from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.db import Base, Money, UTCDateTime, utcnow

if TYPE_CHECKING:
    from fundapp.capital.models import Investor


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

    # Read only: investors are added through their own service (fundapp.capital.services).
    investors: Mapped[list[Investor]] = relationship(order_by="(Investor.name, Investor.id)", viewonly=True)

    @property
    def total_committed(self) -> Decimal:
        return sum((investor.commitment for investor in self.investors), Decimal("0.00"))

    @property
    def total_paid_in(self) -> Decimal:
        return sum((investor.paid_in for investor in self.investors), Decimal("0.00"))
