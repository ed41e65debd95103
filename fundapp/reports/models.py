"""A report file built in the background (the fund report as PDF or workbook): asked for, built, kept by hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fundapp.db import Base, UTCDateTime, utcnow

KINDS = ("pdf", "xlsx")
STATES = ("queued", "running", "done", "failed")


class ReportFile(Base):
    """One request for a file: its state and progress while the job builds it, then the stored bytes' hash."""

    __tablename__ = "report_files"
    __table_args__ = (
        CheckConstraint("kind IN ('pdf', 'xlsx')", name="kind"),
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
        Index("ix_report_files_fund_requested_by", "fund_id", "requested_by_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(20))  # as the report page names it: 2026, 2026-H1, 2026-Q1
    locale: Mapped[str] = mapped_column(String(10))  # the language of the one who asked
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
