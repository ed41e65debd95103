"""The append-only, hash-chained audit trail: who changed what, from what, to what, when.

Every service that changes state calls ``record()``. Each entry carries the
hash of the previous one, so ``verify_chain()`` finds any entry that was
altered or removed after the fact.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, Union

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, event, insert, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from fundapp.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from fundapp.auth.models import User

GENESIS = "0" * 64


# Entries that change no figure (fundapp/datacache.py): API tokens issued or revoked. A council meeting's logins
# (each app asks for a token) would otherwise have every process work out every figure again. The data version is
# the last other entry, found through a partial index of those: without it, finding it stepped back over every
# token entry since (6,000 after a few load runs: 2.9 ms on every request, growing with each login).
SEEN = "entity_type <> 'ApiToken'"


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_seen_id", "id", postgresql_where=text(SEEN), sqlite_where=text(SEEN)),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def entry_hash(
    prev_hash: str, at: datetime, actor: str, action: str, entity_type: str, entity_id: str, changes: dict[str, Any]
) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(), actor, action, entity_type, entity_id, changes],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _last_hash(session: Session) -> str:
    # Always read the chain's head (no cache): a rolled-back savepoint must not leave a stale head behind.
    if session.get_bind().dialect.name == "postgresql":
        # Serialise writers so that the chain stays a chain under concurrency.
        session.execute(text("SELECT pg_advisory_xact_lock(724100)"))
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    return last or GENESIS


@dataclass(frozen=True)
class Actor:
    """Who acts: a user (id and email) or the system (a CLI command, a migration)."""

    id: int | None
    label: str

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(None, label)


# Who a service acts for: a logged-in user, or the system (CLI, demo, a job).
Who = Union["User", Actor]


def actor_of(user: Any) -> Actor:
    if user is None or getattr(user, "id", None) is None:
        return Actor.system()
    return Actor(user.id, user.email)


def record(
    session: Session,
    actor: Actor | Any,
    action: str,
    entity: Any,
    changes: dict[str, Any] | None = None,
    entity_type: str | None = None,
) -> AuditEntry:
    """Append one entry. ``entity`` is a model instance (flushed, so it has an id) or an id."""
    if not isinstance(actor, Actor):
        actor = actor_of(actor)
    if hasattr(entity, "__tablename__"):
        if getattr(entity, "id", None) is None:
            session.flush()
        entity_type = entity_type or type(entity).__name__
        entity_id = str(entity.id)
    else:
        entity_id = str(entity)
    assert entity_type, "entity_type is needed when entity is an id"
    clean = to_jsonable(changes or {})
    prev = _last_hash(session)
    at = utcnow()
    digest = entry_hash(prev, at, actor.label, action, entity_type, entity_id, clean)
    entry = AuditEntry(
        at=at,
        actor_id=actor.id,
        actor=actor.label,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=clean,
        prev_hash=prev,
        hash=digest,
    )
    session.add(entry)
    session.flush()
    return entry


def record_many(session: Session, actor: Actor | Any, entries: list[tuple[str, str, int, dict[str, Any]]]) -> None:
    """Append one entry per (action, entity type, entity id, changes), chained exactly as ``record()`` chains them
    one by one, with one read of the chain's head and one insert: an import of thousands of rows records them all."""
    if not entries:
        return
    if not isinstance(actor, Actor):
        actor = actor_of(actor)
    prev = _last_hash(session)
    rows = []
    for action, entity_type, id_, changes in entries:
        at, entity_id, clean = utcnow(), str(id_), to_jsonable(changes)
        digest = entry_hash(prev, at, actor.label, action, entity_type, entity_id, clean)
        rows.append(
            {
                "at": at,
                "actor_id": actor.id,
                "actor": actor.label,
                "action": action,
                "entity_type": entity_type,
                "entity_id": entity_id,
                "changes": clean,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    session.execute(insert(AuditEntry), rows)


def apply_changes(obj: Any, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Set attributes and return {field: [old, new]} for those that really changed."""
    changed: dict[str, list[Any]] = {}
    for key, new in data.items():
        old = getattr(obj, key)
        if old != new:
            setattr(obj, key, new)
            changed[key] = [to_jsonable(old), to_jsonable(new)]
    return changed


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        columns = (
            AuditEntry.id,
            AuditEntry.prev_hash,
            AuditEntry.at,
            AuditEntry.actor,
            AuditEntry.action,
            AuditEntry.entity_type,
            AuditEntry.entity_id,
            AuditEntry.changes,
            AuditEntry.hash,
        )
        # Plain rows, not ORM objects: the caller's session is left exactly as it was.
        rows = session.execute(
            select(*columns).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            return ChainReport(checked, None, None)
        for entry in rows:
            if entry.prev_hash != prev:
                return ChainReport(
                    checked, entry.id, "its link to the previous entry is broken (an entry was removed or altered)"
                )
            expected = entry_hash(
                entry.prev_hash, entry.at, entry.actor, entry.action, entry.entity_type, entry.entity_id, entry.changes
            )
            if expected != entry.hash:
                return ChainReport(checked, entry.id, "its content does not match its hash (it was altered)")
            prev = entry.hash
            checked += 1
            last_id = entry.id


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("the audit trail is append-only")
