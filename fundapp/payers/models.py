"""Outcome payers: the municipalities and provinces that pay for verified results."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fundapp.db import Base, UTCDateTime, enum_column, utcnow


class PayerKind(str, enum.Enum):
    MUNICIPALITY = "municipality"
    PROVINCE = "province"
    NATIONAL = "national"
    OTHER = "other"


class OutcomePayer(Base):
    """A municipality or province that pays for verified results."""

    __tablename__ = "outcome_payers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[PayerKind] = mapped_column(enum_column(PayerKind, "payer_kind"))
    region: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
