"""The inbox: one row per user and event, and each user's choice of how to hear of each kind."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fundapp.db import Base, UTCDateTime, enum_column, utcnow


class Delivery(str, enum.Enum):
    EMAIL = "email"  # a mail at once
    DIGEST = "digest"  # in one mail a day
    INBOX = "inbox"  # only in the inbox


class Notification(Base):
    """What a user is told of. ``key`` (kind, object, day) is unique per user, so telling again inserts nothing.

    The text is not stored: ``params`` are, and the text is rendered in the reader's language when read or mailed.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_notifications_user_read", "user_id", "read_at"),
        Index("ix_notifications_delivery_mailed", "delivery", "mailed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(160))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(Integer)
    link: Mapped[str] = mapped_column(String(255))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The user's preference when the event happened: changing it later does not mail what was only in the inbox.
    delivery: Mapped[Delivery] = mapped_column(enum_column(Delivery, "notification_delivery"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NotificationPreference(Base):
    """How a user hears of one kind of event; no row means at once by e-mail."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    mode: Mapped[Delivery] = mapped_column(enum_column(Delivery, "notification_delivery"))
