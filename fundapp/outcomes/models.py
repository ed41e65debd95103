from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Text,
    UniqueConstraint,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from fundapp.db import Base, Money, Rate, UTCDateTime, enum_column, utcnow


class ContractStatus(str, enum.Enum):
    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


class ResultStatus(str, enum.Enum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class ClaimStatus(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PARTLY_APPROVED = "partly_approved"
    REJECTED = "rejected"
    PAID = "paid"


class LineStatus(str, enum.Enum):
    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"


class RateCard(Base):
    """A reusable rate card a payer applies to several contracts (each contract keeps its own copy)."""

    __tablename__ = "rate_cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("outcome_payers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    payer = relationship("OutcomePayer")
    items: Mapped[list[RateItemRow]] = relationship(
        primaryjoin="RateCard.id == RateItemRow.rate_card_id",
        cascade="all, delete-orphan",
        order_by="RateItemRow.position",
        lazy="selectin",
    )


class RateItemRow(Base):
    """An item of a rate card or of a contract (exactly one of the two owns it)."""

    __tablename__ = "rate_items"
    __table_args__ = (
        CheckConstraint("(rate_card_id IS NULL) <> (contract_id IS NULL)", name="one_owner"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        UniqueConstraint("rate_card_id", "code"),
        UniqueConstraint("contract_id", "code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rate_card_id: Mapped[int | None] = mapped_column(ForeignKey("rate_cards.id", ondelete="CASCADE"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("outcome_contracts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    price: Mapped[Decimal] = mapped_column(Money())
    price_bands: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    prerequisite: Mapped[str | None] = mapped_column(String(40))
    max_units: Mapped[int | None] = mapped_column(Integer)
    max_amount: Mapped[Decimal | None] = mapped_column(Money())
    evidence: Mapped[str] = mapped_column(Text, default="")
    # A document of this kind must be attached to a result of the item before it can be verified.
    evidence_kind: Mapped[str | None] = mapped_column(String(30))
    indicator_code: Mapped[str | None] = mapped_column(String(40))


class OutcomeContract(Base):
    __tablename__ = "outcome_contracts"
    __table_args__ = (
        # Checks compare with zero only: on SQLite exact decimals are stored as scaled integers.
        CheckConstraint("deadweight_percent >= 0", name="deadweight_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ContractStatus] = mapped_column(enum_column(ContractStatus, "contract_status"), index=True)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    participant_cap: Mapped[Decimal | None] = mapped_column(Money())
    contract_cap: Mapped[Decimal | None] = mapped_column(Money())
    deadweight_percent: Mapped[Decimal] = mapped_column(Rate(), default=Decimal("0"))
    rate_card_id: Mapped[int | None] = mapped_column(ForeignKey("rate_cards.id", ondelete="SET NULL"))
    # A social impact bond: the investor pre-finances the providers and is repaid from outcome payments.
    investor_name: Mapped[str] = mapped_column(String(200), default="")
    investor_capital: Mapped[Decimal | None] = mapped_column(Money())
    investor_max_return_percent: Mapped[Decimal | None] = mapped_column(Rate())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    items: Mapped[list[RateItemRow]] = relationship(
        primaryjoin="OutcomeContract.id == RateItemRow.contract_id",
        cascade="all, delete-orphan",
        order_by="RateItemRow.position",
        lazy="selectin",
    )
    payers: Mapped[list[ContractPayer]] = relationship(
        cascade="all, delete-orphan", order_by="ContractPayer.id", lazy="selectin"
    )
    providers: Mapped[list[ContractProvider]] = relationship(
        cascade="all, delete-orphan", order_by="ContractProvider.id", lazy="selectin"
    )

    @property
    def payer_ids(self) -> set[int]:
        return {p.payer_id for p in self.payers}

    @property
    def provider_ids(self) -> set[int]:
        return {p.investee_id for p in self.providers}


class ContractPayer(Base):
    __tablename__ = "contract_payers"
    __table_args__ = (
        UniqueConstraint("contract_id", "payer_id"),
        CheckConstraint("share_percent > 0", name="share_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("outcome_contracts.id", ondelete="CASCADE"), index=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("outcome_payers.id", ondelete="RESTRICT"), index=True)
    share_percent: Mapped[Decimal] = mapped_column(Rate())
    commitment: Mapped[Decimal | None] = mapped_column(Money())
    # Naming a payer grants nothing: an officer of that payer accepts its share and commitment first.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Closing a shared contract needs an officer of every payer.
    close_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    close_agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    payer = relationship("OutcomePayer", lazy="joined")


class ContractProvider(Base):
    __tablename__ = "contract_providers"
    __table_args__ = (UniqueConstraint("contract_id", "investee_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("outcome_contracts.id", ondelete="CASCADE"), index=True)
    investee_id: Mapped[int] = mapped_column(ForeignKey("investees.id", ondelete="RESTRICT"), index=True)
    # Naming a provider grants nothing: its fund manager or its own member accepts the invitation first.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    investee = relationship("Investee", lazy="joined")


class OutcomeResult(Base):
    """A result to pay for: one participant achieving an item, or a cohort's number of units."""

    __tablename__ = "outcome_results"
    __table_args__ = (
        CheckConstraint("units >= 1", name="units_positive"),
        Index("ix_outcome_results_contract_status", "contract_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("outcome_contracts.id", ondelete="CASCADE"))
    investee_id: Mapped[int] = mapped_column(ForeignKey("investees.id", ondelete="RESTRICT"), index=True)
    item_code: Mapped[str] = mapped_column(String(40))
    participant: Mapped[str | None] = mapped_column(String(64))
    achieved_on: Mapped[date] = mapped_column(Date)
    period: Mapped[str | None] = mapped_column(String(7))
    months_on_benefit: Mapped[int | None] = mapped_column(Integer)
    units: Mapped[int] = mapped_column(Integer, default=1)
    evidence: Mapped[str] = mapped_column(Text, default="")
    source_submission_id: Mapped[int | None] = mapped_column(ForeignKey("kpi_submissions.id", ondelete="SET NULL"))
    status: Mapped[ResultStatus] = mapped_column(enum_column(ResultStatus, "result_status"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contract = relationship("OutcomeContract")
    investee = relationship("Investee")
    if TYPE_CHECKING:
        claim_line_id: int | None  # mapped below, once the claim lines are

    @property
    def is_cohort(self) -> bool:
        return self.participant is None


def _index_of_corrections(name: str, column: str) -> Index:
    """An index of the rows that correct another, kept to those (most rows correct nothing): a lookup of
    ``column = ?``, as the foreign key's check on a delete makes, implies NOT NULL and uses it on both databases."""
    only_corrections = text(f"{column} IS NOT NULL")
    return Index(name, column, postgresql_where=only_corrections, sqlite_where=only_corrections)


class Claim(Base):
    __tablename__ = "claims"
    # Deleting a claim looks for the claims that correct it (the RESTRICT below) by this index, not by a scan.
    __table_args__ = (_index_of_corrections("ix_claims_corrects_claim_id", "corrects_claim_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("outcome_contracts.id", ondelete="CASCADE"), index=True)
    investee_id: Mapped[int] = mapped_column(ForeignKey("investees.id", ondelete="RESTRICT"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    status: Mapped[ClaimStatus] = mapped_column(enum_column(ClaimStatus, "claim_status"), index=True)
    total_gross: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    total_deadweight: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    # What the claim asks of the payers: its lines' payable amounts, lines the payer rejected left out.
    total_payable: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    approved_amount: Mapped[Decimal | None] = mapped_column(Money())
    corrects_claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="RESTRICT"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    # Set once every payer has paid its part (ClaimPayerSplit, which keeps each part's own date and reference):
    # the date of the last part, and the parts' references (cut at the column's length).
    paid_on: Mapped[date | None] = mapped_column(Date)
    payment_reference: Mapped[str] = mapped_column(String(120), default="")
    approvals_required: Mapped[int | None] = mapped_column(Integer)
    # Optimistic lock: two officers deciding at once cannot both succeed.
    version: Mapped[int] = mapped_column(Integer, default=1)

    contract = relationship("OutcomeContract")
    investee = relationship("Investee")
    # Loaded only when a service needs every line: a claim may have 100,000 of them (pages and answers page them).
    # A deleted draft's lines go by the foreign key's ON DELETE CASCADE, in the database: the ORM would load
    # every one of them to delete them one by one.
    lines: Mapped[list[ClaimLine]] = relationship(
        cascade="all, delete-orphan", order_by="ClaimLine.position", passive_deletes=True
    )
    approvals: Mapped[list[ClaimApproval]] = relationship(
        cascade="all, delete-orphan", order_by="ClaimApproval.id", lazy="selectin"
    )
    splits: Mapped[list[ClaimPayerSplit]] = relationship(
        cascade="all, delete-orphan", order_by="ClaimPayerSplit.id", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}


class ClaimLine(Base):
    __tablename__ = "claim_lines"
    # A claim's lines are paged in order of position; a result's line is looked up by result_id.
    __table_args__ = (
        Index("ix_claim_lines_claim_position", "claim_id", "position"),
        Index("ix_claim_lines_result_id", "result_id"),
        # Each line deleted (a draft priced again or discarded: up to 100,000 at once) looks for the lines that
        # correct it; without this index every one of them read the whole table.
        _index_of_corrections("ix_claim_lines_corrects_line_id", "corrects_line_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    result_id: Mapped[int | None] = mapped_column(ForeignKey("outcome_results.id", ondelete="SET NULL"))
    corrects_line_id: Mapped[int | None] = mapped_column(ForeignKey("claim_lines.id", ondelete="RESTRICT"))
    item_code: Mapped[str] = mapped_column(String(40))
    participant: Mapped[str | None] = mapped_column(String(64))
    achieved_on: Mapped[date | None] = mapped_column(Date)
    units: Mapped[int] = mapped_column(Integer)
    units_paid: Mapped[int] = mapped_column(Integer)
    price: Mapped[Decimal] = mapped_column(Money())
    band: Mapped[str | None] = mapped_column(String(20))
    gross: Mapped[Decimal] = mapped_column(Money())
    deadweight: Mapped[Decimal] = mapped_column(Money())
    deductions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    capped_by: Mapped[str | None] = mapped_column(String(40))
    payable: Mapped[Decimal] = mapped_column(Money())
    by_payer: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[LineStatus] = mapped_column(enum_column(LineStatus, "claim_line_status"))
    rejection_reason: Mapped[str] = mapped_column(Text, default="")


def claiming_lines() -> Select[Any]:
    """The lines that hold their result: every line of a draft or submitted claim (a line an officer rejects
    keeps its result until the claim is decided; the result is then rejected too), and each line approved.
    Whether a result is claimed is read from these lines rather than stored on the result: marking 100,000
    results one by one cost more than storing their claim."""
    return (
        select(ClaimLine.id)
        .join(Claim, Claim.id == ClaimLine.claim_id)
        .where(
            Claim.status != ClaimStatus.REJECTED,
            or_(ClaimLine.status != LineStatus.REJECTED, Claim.status == ClaimStatus.SUBMITTED),
        )
    )


# The line that claims the result, None while it is free to claim (at most one: claims of a contract are
# computed one at a time, see claims.compute_claim).
OutcomeResult.claim_line_id = column_property(  # type: ignore[assignment]  # read as int | None
    claiming_lines()
    .where(ClaimLine.result_id == OutcomeResult.id)
    .with_only_columns(func.max(ClaimLine.id))
    .scalar_subquery()
)


class ClaimApproval(Base):
    """An officer's signature on a claim; above the threshold two different officers sign."""

    __tablename__ = "claim_approvals"
    __table_args__ = (UniqueConstraint("claim_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    payer_id: Mapped[int] = mapped_column(ForeignKey("outcome_payers.id", ondelete="RESTRICT"))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user = relationship("User", lazy="joined")


class ClaimPayerSplit(Base):
    """Each payer's part of a claim (by share), and its payment."""

    __tablename__ = "claim_payer_splits"
    __table_args__ = (UniqueConstraint("claim_id", "payer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("outcome_payers.id", ondelete="RESTRICT"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    paid_on: Mapped[date | None] = mapped_column(Date)
    payment_reference: Mapped[str] = mapped_column(String(120), default="")
    # The part of this payment booked as a repayment of the provider's loan (an assignment), and that booking.
    assigned_amount: Mapped[Decimal | None] = mapped_column(Money())
    repayment_id: Mapped[int | None] = mapped_column(ForeignKey("loan_events.id", ondelete="SET NULL"))

    payer = relationship("OutcomePayer", lazy="joined")


class PaymentAssignment(Base):
    """A provider's outcome payments assigned in part to repay its loan (a results fund that lends).

    The loan's fund manager sets it; it applies to a payer's parts once an officer of that payer accepted it.
    """

    __tablename__ = "payment_assignments"
    __table_args__ = (
        UniqueConstraint("contract_id", "investee_id"),
        CheckConstraint("share_percent > 0", name="share_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("outcome_contracts.id", ondelete="CASCADE"), index=True)
    investee_id: Mapped[int] = mapped_column(ForeignKey("investees.id", ondelete="RESTRICT"), index=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id", ondelete="RESTRICT"), index=True)
    share_percent: Mapped[Decimal] = mapped_column(Rate())
    valid_from: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contract = relationship("OutcomeContract")
    investee = relationship("Investee", lazy="joined")
    loan = relationship("Loan", lazy="joined")
    payers: Mapped[list[AssignmentPayer]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", order_by="AssignmentPayer.id", lazy="selectin"
    )


class AssignmentPayer(Base):
    """A payer's consent to pay the assigned part of its payments to the fund."""

    __tablename__ = "assignment_payers"
    __table_args__ = (UniqueConstraint("assignment_id", "payer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("payment_assignments.id", ondelete="CASCADE"), index=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("outcome_payers.id", ondelete="RESTRICT"), index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    payer = relationship("OutcomePayer", lazy="joined")
    assignment: Mapped[PaymentAssignment] = relationship(back_populates="payers")
