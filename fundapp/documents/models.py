"""A document attached to an investee, a loan, a contract, a result, a claim or a KPI submission."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fundapp.db import Base, UTCDateTime, utcnow

KINDS = ("loan_agreement", "kvk_extract", "payslip", "contract", "other")


class Document(Base):
    """One version of a file: a new upload of the same name on the same object is the next version, and the
    older ones stay. Deleting only marks the row (with a reason); the bytes live in the file store by hash."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("size > 0", name="size_positive"),
        Index("ix_documents_attached", "attached_to", "object_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attached_to: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    deleted_reason: Mapped[str] = mapped_column(Text, default="")
