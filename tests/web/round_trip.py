"""Round trips through the pages' forms: post every field as a person types it, read back what was stored.

A FormCase names a form, who fills it in, what they type (every field, none at its default, numbers in
the Dutch interface's format) and how to read the stored object back; the tests assert that each field
came back exactly, and that an unreadable number in any numeric field is refused beside that field
(422) with nothing stored.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from fundapp.db import Base

# The Dutch messages shown beside a number that cannot be read, per kind of field.
MONEY = "Vul een bedrag in, zoals 1234,50."
PERCENT = "Vul een percentage in, zoals 2,5."
NUMBER = "Vul een getal in."
WHOLE = "Dit is geen geldig geheel getal."
UNREADABLE = "12x"


def _world_only(session: Any, world: Any) -> Any:
    return SimpleNamespace(world=world)


@dataclass(frozen=True)
class FormCase:
    name: str
    role: str
    url: Callable[[Any], str]
    typed: Callable[[Any], dict[str, Any]]
    stored: Callable[[Any, Any], dict[str, Any]]
    expected: Callable[[Any], dict[str, Any]]
    numbers: dict[str, str] = field(default_factory=dict)
    setup: Callable[[Any, Any], Any] = _world_only
    ok: tuple[int, ...] = (303,)
    # Inputs of the form deliberately left empty (the spare rows of a rate card), as a regular expression.
    untouched: str = ""

    def __str__(self) -> str:
        return self.name


def field_error(page: str, name: str) -> str | None:
    match = re.search(rf'<p class="error" id="f-{name}-error">([^<]*)</p>', page)
    return html.unescape(match.group(1)) if match else None


def all_errors(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="error"[^>]*>([^<]*)</p>', page)]


def form_inputs(page: str) -> set[str]:
    """The names of the inputs of the page's forms, leaving out the log-out button and the hidden tokens."""
    names: set[str] = set()
    for attributes, body in re.findall(r"<form ([^>]*)>(.*?)</form>", page, re.S):
        if 'method="post"' in attributes and 'action="/logout"' not in attributes:
            names |= set(re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', body))
    return {n for n in names if n not in {"csrf_token", "form_token"} and not n.endswith("__present")}


def footprint(session: Any) -> dict[str, int]:
    """How many rows each table holds: equal before and after means nothing was stored."""
    return {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def _start(case: FormCase, db_session: Any, world: Any, login_as: Any) -> tuple[Any, Any]:
    ctx = case.setup(db_session, world)
    ctx.world = world
    db_session.flush()
    return ctx, login_as(world.user(case.role))


def assert_round_trip(case: FormCase, db_session: Any, world: Any, login_as: Any) -> None:
    ctx, client = _start(case, db_session, world, login_as)
    form = client.get(case.url(ctx))
    assert form.status_code == 200, form.status
    offered = form_inputs(form.get_data(as_text=True))
    typed = {name for name in case.typed(ctx) if not name.endswith("__present")}
    assert typed - offered == set(), "typed into inputs the form does not show"
    assert {n for n in offered - typed if not re.fullmatch(case.untouched, n)} == set(), "inputs left untyped"
    response = client.post(case.url(ctx), data=case.typed(ctx))
    ctx.page = response.get_data(as_text=True)
    assert response.status_code in case.ok, all_errors(ctx.page) or ctx.page[:2000]
    db_session.expire_all()
    assert case.stored(db_session, ctx) == case.expected(ctx)


def assert_unreadable_number_refused(case: FormCase, name: str, db_session: Any, world: Any, login_as: Any) -> None:
    ctx, client = _start(case, db_session, world, login_as)
    before = footprint(db_session)
    response = client.post(case.url(ctx), data={**case.typed(ctx), name: UNREADABLE})
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:2000]
    assert field_error(page, name) == case.numbers[name]
    assert f'value="{UNREADABLE}"' in page or f">{UNREADABLE}</textarea>" in page, "what was typed is kept"
    assert footprint(db_session) == before


def number_params(cases: list[FormCase]) -> list[tuple[FormCase, str]]:
    return [(case, name) for case in cases for name in case.numbers]


def number_ids(cases: list[FormCase]) -> list[str]:
    return [f"{case.name}-{name}" for case in cases for name in case.numbers]
