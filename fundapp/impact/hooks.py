"""What happens when a KPI submission is approved: later areas register here (e.g. outcome results)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

ON_APPROVED: list[Callable[[Session, Any, Any], None]] = []


def run_on_approved(session: Session, actor: Any, submission: Any) -> None:
    for hook in ON_APPROVED:
        hook(session, actor, submission)
