from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.db import Base, UTCDateTime, enum_column, utcnow


class Role(str, enum.Enum):
    ADMIN = "admin"
    FUND_MANAGER = "fund_manager"
    PAYER_OFFICER = "payer_officer"
    INVESTEE_MEMBER = "investee_member"
    # An independent validator of one outcome contract's results (e.g. an accountant named in the contract).
    VALIDATOR = "validator"


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return bool(self.active)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(Base):
    """What a user is: admin, manager of a fund, officer of a payer, member of an investee, validator of a contract."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "fund_id", "payer_id", "investee_id", "contract_id"),
        CheckConstraint(
            "(role = 'admin' AND fund_id IS NULL AND payer_id IS NULL AND investee_id IS NULL AND contract_id IS NULL)"
            " OR (role = 'fund_manager' AND fund_id IS NOT NULL AND payer_id IS NULL AND investee_id IS NULL"
            " AND contract_id IS NULL)"
            " OR (role = 'payer_officer' AND payer_id IS NOT NULL AND fund_id IS NULL AND investee_id IS NULL"
            " AND contract_id IS NULL)"
            " OR (role = 'investee_member' AND investee_id IS NOT NULL AND fund_id IS NULL AND payer_id IS NULL"
            " AND contract_id IS NULL)"
            " OR (role = 'validator' AND contract_id IS NOT NULL AND fund_id IS NULL AND payer_id IS NULL"
            " AND investee_id IS NULL)",
            name="target_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("outcome_payers.id", ondelete="CASCADE"), index=True)
    investee_id: Mapped[int | None] = mapped_column(ForeignKey("investees.id", ondelete="CASCADE"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("outcome_contracts.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship(back_populates="memberships")


class LoginFailure(Base):
    """A failed login from an address on an account (an email, known or not): too many slow that address down."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_address_at", "address", "at"),
        Index("ix_login_failures_account_at", "account", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    account: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UserSession(Base):
    """A browser session; the cookie carries a random id, only its SHA-256 is stored, so logging out ends it."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    user: Mapped[User] = relationship(lazy="joined")  # one query per request finds both


class ApiToken(Base):
    """An API token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class TokenPurpose(str, enum.Enum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"


class UserToken(Base):
    """A link mailed to a user (an invitation, a password reset): only its SHA-256 is stored; it works once."""

    __tablename__ = "user_tokens"
    __table_args__ = (Index("ix_user_tokens_user_id_purpose", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose, "token_purpose"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
