"""Impact measurement: the indicator catalog, impact plans (theory of change, baselines, targets) and KPI submissions."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.db import Base, Quantity, UTCDateTime, enum_column, utcnow
from fundapp.impact.periods import Frequency


class TocLevel(str, enum.Enum):
    OUTPUT = "output"
    OUTCOME = "outcome"
    IMPACT = "impact"


class ValueType(str, enum.Enum):
    INTEGER = "integer"
    DECIMAL = "decimal"
    PERCENTAGE = "percentage"


class Aggregation(str, enum.Enum):
    SUM = "sum"
    AVERAGE = "average"
    LATEST = "latest"


class SubmissionStatus(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"
    SUPERSEDED = "superseded"


class Indicator(Base):
    """A catalog entry. fund_id NULL: the shared catalog; otherwise a fund's own indicator."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    name_nl: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    theme_code: Mapped[str] = mapped_column(ForeignKey("themes.code", ondelete="RESTRICT"), index=True)
    toc_level: Mapped[TocLevel] = mapped_column(enum_column(TocLevel, "toc_level"))
    unit: Mapped[str] = mapped_column(String(20))
    value_type: Mapped[ValueType] = mapped_column(enum_column(ValueType, "value_type"))
    aggregation: Mapped[Aggregation] = mapped_column(enum_column(Aggregation, "aggregation"))
    definition_nl: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")
    measurement_nl: Mapped[str] = mapped_column(Text, default="")
    measurement_en: Mapped[str] = mapped_column(Text, default="")
    sdg_targets: Mapped[list[str]] = mapped_column(JSON, default=list)
    iris_metric_id: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    theme = relationship("Theme")

    def name(self, locale: str) -> str:
        return self.name_nl if locale == "nl" else self.name_en

    def definition(self, locale: str) -> str:
        return self.definition_nl if locale == "nl" else self.definition_en

    def measurement(self, locale: str) -> str:
        return self.measurement_nl if locale == "nl" else self.measurement_en

    @property
    def sdgs(self) -> list[int]:
        return sorted({int(target.split(".")[0]) for target in self.sdg_targets or []})


class ImpactPlan(Base):
    """An investee's theory of change, chosen indicators and reporting schedule."""

    __tablename__ = "impact_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investee_id: Mapped[int] = mapped_column(ForeignKey("investees.id", ondelete="CASCADE"), unique=True)
    problem: Mapped[str] = mapped_column(Text, default="")
    activities: Mapped[str] = mapped_column(Text, default="")
    outputs: Mapped[str] = mapped_column(Text, default="")
    outcomes: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str] = mapped_column(Text, default="")
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency, "reporting_frequency"))
    first_period: Mapped[str] = mapped_column(String(7))
    due_days: Mapped[int] = mapped_column(Integer, default=30)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    investee = relationship("Investee")
    indicators: Mapped[list[PlanIndicator]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanIndicator.position", lazy="selectin"
    )


class PlanIndicator(Base):
    __tablename__ = "plan_indicators"
    __table_args__ = (UniqueConstraint("plan_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("impact_plans.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    baseline: Mapped[Decimal | None] = mapped_column(Quantity())
    baseline_note: Mapped[str] = mapped_column(String(200), default="")
    allow_negative: Mapped[bool] = mapped_column(Boolean, default=False)

    plan: Mapped[ImpactPlan] = relationship(back_populates="indicators")
    indicator: Mapped[Indicator] = relationship(lazy="joined")
    targets: Mapped[list[PlanTarget]] = relationship(
        cascade="all, delete-orphan", order_by="PlanTarget.period", lazy="selectin"
    )

    def target_for(self, period: str) -> Decimal | None:
        return next((t.target for t in self.targets if t.period == period), None)


class PlanTarget(Base):
    __tablename__ = "plan_targets"
    __table_args__ = (UniqueConstraint("plan_indicator_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_indicator_id: Mapped[int] = mapped_column(ForeignKey("plan_indicators.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    target: Mapped[Decimal] = mapped_column(Quantity())


class Submission(Base):
    """One version of an investee's KPI report for a period."""

    __tablename__ = "kpi_submissions"
    __table_args__ = (
        UniqueConstraint("investee_id", "period", "version"),
        Index("ix_kpi_submissions_investee_period", "investee_id", "period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investee_id: Mapped[int] = mapped_column(ForeignKey("investees.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[SubmissionStatus] = mapped_column(enum_column(SubmissionStatus, "submission_status"), index=True)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
    template_version: Mapped[str] = mapped_column(String(10), default="")
    participant_count: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    return_reason: Mapped[str] = mapped_column(Text, default="")
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)

    investee = relationship("Investee")
    values: Mapped[list[SubmissionValue]] = relationship(
        cascade="all, delete-orphan", order_by="SubmissionValue.row", lazy="selectin"
    )


class SubmissionValue(Base):
    __tablename__ = "kpi_values"
    __table_args__ = (UniqueConstraint("submission_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("kpi_submissions.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="RESTRICT"), index=True)
    value: Mapped[Decimal] = mapped_column(Quantity())
    comment: Mapped[str] = mapped_column(Text, default="")
    row: Mapped[int] = mapped_column(Integer, default=0)

    indicator: Mapped[Indicator] = relationship(lazy="joined")


class Participant(Base):
    """A participant row of a submission: pseudonymous reference, never a BSN or a name."""

    __tablename__ = "kpi_participants"
    __table_args__ = (
        UniqueConstraint("submission_id", "reference"),
        # A report's rows are listed a page at a time in sheet order.
        Index("ix_kpi_participants_submission_row", "submission_id", "row"),
        CheckConstraint("months_on_benefit IS NULL OR months_on_benefit >= 0", name="months_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No index of its own: the unique (submission_id, reference) index serves look-ups by submission.
    submission_id: Mapped[int] = mapped_column(ForeignKey("kpi_submissions.id", ondelete="CASCADE"))
    # No investee_id: the row's investee is its submission's (one foreign-key check less per stored row).
    reference: Mapped[str] = mapped_column(String(64))
    start_date: Mapped[date] = mapped_column(Date)
    benefit_type: Mapped[str | None] = mapped_column(String(20))
    months_on_benefit: Mapped[int | None] = mapped_column(Integer)
    hours_per_week: Mapped[Decimal | None] = mapped_column(Quantity())
    row: Mapped[int] = mapped_column(Integer, default=0)
    # Its outcome events in sheet order, each [code, "YYYY-MM-DD"]: an indicator or a rate-card item achieved on a
    # day. Kept on the row rather than a row each in a table of their own, which cost every stored event a
    # foreign-key check and two index entries, the most of a large report's time to store on PostgreSQL.
    events: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
