"""Paging, sorting and searching lists, the same way for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.page_size))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def search_clause(columns: list[Any], q: str | None) -> Any:
    if not q:
        return None
    # The user's text is literal: % and _ are not wildcards.
    literal_text = q.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{literal_text}%"
    return or_(*[func.lower(column).like(pattern, escape="\\") for column in columns])


def paginate(session: Session, query: Select, page: int, page_size: int) -> Page:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(session.scalars(query.limit(page_size).offset((page - 1) * page_size)).unique())
    return Page(items, total, page, page_size)


def paginate_list(rows: list[Any], page: int, page_size: int) -> Page:
    """A page of rows computed in Python (a status per investee and period), for lists SQL cannot page."""
    start = (page - 1) * page_size
    return Page(rows[start : start + page_size], len(rows), page, page_size)


def sort_by(query: Select, sortable: dict[str, Any], sort: str | None, default: str) -> tuple[Select, str]:
    """Apply ?sort=name or ?sort=-name from a whitelist; answers the sort actually used.

    A key may name several columns (theme, then level, then code). Rows that tie keep one order from page to page:
    the listed entity's id comes last.
    """
    key = sort if sort and sort.lstrip("-") in sortable else default
    columns = sortable[key.lstrip("-")]
    columns = list(columns) if isinstance(columns, tuple | list) else [columns]
    entity = query.column_descriptions[0].get("entity")
    if entity is not None and hasattr(entity, "id"):
        columns.append(entity.id)
    descending = key.startswith("-")
    return query.order_by(*(_direction(column, descending) for column in columns)), key


def _direction(column: Any, descending: bool) -> Any:
    ordered = column.desc() if descending else column.asc()
    # Empty values (a draft's submission date) come last either way, on SQLite as on PostgreSQL.
    return ordered.nulls_last() if getattr(getattr(column, "expression", None), "nullable", False) else ordered


def int_arg(args: Any, name: str, default: int, low: int = 1, high: int = 1_000_000) -> int:
    try:
        value = int(args.get(name, default))
    except (TypeError, ValueError):
        return default
    return min(max(value, low), high)
