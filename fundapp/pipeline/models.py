"""The pipeline: an enterprise's application for financing, its notes and the investment committee's decision."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.db import Base, Money, UTCDateTime, enum_column, utcnow


class InstrumentKind(str, enum.Enum):
    LOAN = "loan"
    CONVERTIBLE_LOAN = "convertible_loan"
    EQUITY = "equity"
    GRANT = "grant"
    GUARANTEE = "guarantee"


class ApplicationStatus(str, enum.Enum):
    INTAKE = "intake"
    DUE_DILIGENCE = "due_diligence"
    INVESTMENT_COMMITTEE = "investment_committee"
    APPROVED = "approved"
    DECLINED = "declined"


class Vote(str, enum.Enum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"), index=True)
    investee_id: Mapped[int] = mapped_column(ForeignKey("investees.id", ondelete="RESTRICT"), index=True)
    instrument: Mapped[InstrumentKind] = mapped_column(enum_column(InstrumentKind, "application_instrument"))
    amount: Mapped[Decimal] = mapped_column(Money())
    purpose: Mapped[str] = mapped_column(Text)
    impact_case: Mapped[str] = mapped_column(Text)
    status: Mapped[ApplicationStatus] = mapped_column(enum_column(ApplicationStatus, "application_status"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The loan made from the approved application (other instruments are linked when they exist).
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loans.id", ondelete="SET NULL"), unique=True)

    fund = relationship("Fund")
    investee = relationship("Investee")
    loan = relationship("Loan")
    notes: Mapped[list[ApplicationNote]] = relationship(
        back_populates="application", order_by="ApplicationNote.id", cascade="all, delete-orphan"
    )
    decision: Mapped[CommitteeDecision | None] = relationship(back_populates="application", uselist=False)

    @property
    def is_open(self) -> bool:
        return self.status not in (ApplicationStatus.APPROVED, ApplicationStatus.DECLINED)


class ApplicationNote(Base):
    """A dated note on an application. An internal note is the fund's own: the enterprise never sees it."""

    __tablename__ = "application_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=True)

    application: Mapped[Application] = relationship(back_populates="notes")
    author = relationship("User")


class CommitteeDecision(Base):
    """The investment committee's decision on one application: who was there, how each voted, and the outcome."""

    __tablename__ = "committee_decisions"
    __table_args__ = (CheckConstraint("outcome IN ('approved', 'declined')", name="outcome_final"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    decided_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(10))
    conditions: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    application: Mapped[Application] = relationship(back_populates="decision")
    votes: Mapped[list[CommitteeVote]] = relationship(order_by="CommitteeVote.id", cascade="all, delete-orphan")


class CommitteeVote(Base):
    """A member present at the meeting and their vote (an abstention is present and counts for the quorum)."""

    __tablename__ = "committee_votes"
    __table_args__ = (UniqueConstraint("decision_id", "member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("committee_decisions.id", ondelete="CASCADE"), index=True)
    member: Mapped[str] = mapped_column(String(200))
    vote: Mapped[Vote] = mapped_column(enum_column(Vote, "committee_vote"))
