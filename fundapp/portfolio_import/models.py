"""A portfolio workbook uploaded on the page, and what the job that imports it found (``jobs.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fundapp.db import Base, UTCDateTime, utcnow

STATES = ("queued", "running", "done", "failed")


class PortfolioImport(Base):
    """One upload: the workbook (in the file store, by hash), the options, and the job's outcome.

    ``done``: imported, or checked by a dry run (``result``: the counts and differences). ``failed``: the workbook
    has problems and nothing was imported (``result``: the problems by sheet and cell, the marked workbook's hash).
    """

    __tablename__ = "portfolio_imports"
    __table_args__ = (CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    accept_differences: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    # The uploader's language at the upload: the problems and the marked workbook are written in it.
    locale: Mapped[str] = mapped_column(String(5), default="nl")
    state: Mapped[str] = mapped_column(String(10), default="queued")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")
