from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from fundapp.auth.policy import Scope, visible, visible_investees
from fundapp.investees.models import Investee, Theme, investee_themes
from fundapp.listing import search_clause

SORTABLE = {
    "name": Investee.name,
    "municipality": Investee.municipality,
    "kvk": Investee.kvk_number,
    "created": Investee.created_at,
}
# A list shows each investee's themes, SDGs and labels: three queries for the page, not three per row.
TAGS = (selectinload(Investee.themes), selectinload(Investee.sdgs), selectinload(Investee.labels))


def investee_query(
    scope: Scope,
    q: str | None = None,
    fund_id: int | None = None,
    theme: str | None = None,
    municipality: str | None = None,
) -> Select[Any]:
    query = select(Investee).options(*TAGS).where(visible_investees(scope))
    clause = search_clause([Investee.name, Investee.kvk_number, Investee.municipality], q)
    if clause is not None:
        query = query.where(clause)
    if fund_id is not None:
        query = query.where(Investee.fund_id == fund_id)
    if theme:
        query = query.where(
            Investee.id.in_(select(investee_themes.c.investee_id).where(investee_themes.c.theme_code == theme))
        )
    if municipality:
        query = query.where(func.lower(Investee.municipality) == municipality.strip().lower())
    return query


def all_themes(session: Any) -> list[Theme]:
    return list(session.scalars(select(Theme).order_by(Theme.code)))


def editable_investees(session: Any, scope: Scope) -> list[tuple[int, str]]:
    """(id, name) of the investees the scope may edit (give a loan, grant, guarantee or participation), by name:
    the edit rule in the query, not a check per investee."""
    query = select(Investee.id, Investee.name).where(visible_investees(scope), visible(scope, Investee, "edit"))
    return [(row.id, row.name) for row in session.execute(query.order_by(Investee.name))]
