"""Later areas (loans, impact, outcomes) add their demo data here, in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

EXTENSIONS: list[Callable[..., str]] = []


def run_all(session: Session, **world: Any) -> str:
    return "".join(extension(session, **world) for extension in EXTENSIONS)
