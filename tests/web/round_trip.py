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
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

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
    # An edit form: shown again after saving, and sent back as it is shown, it changes nothing.
    resaved: bool = False

    def __str__(self) -> str:
        return self.name


def field_error(page: str, name: str) -> str | None:
    match = re.search(rf'<p class="utrecht-form-field-error-message[^"]*" id="f-{name}-error">([^<]*)</p>', page)
    return html.unescape(match.group(1)) if match else None


def all_errors(page: str) -> list[str]:
    return [
        html.unescape(m) for m in re.findall(r'<p class="utrecht-form-field-error-message[^"]*"[^>]*>([^<]*)</p>', page)
    ]


def form_inputs(page: str) -> set[str]:
    """The names of the inputs of the page's forms, leaving out the log-out button and the hidden tokens."""
    names: set[str] = set()
    for attributes, body in re.findall(r"<form ([^>]*)>(.*?)</form>", page, re.S):
        if 'method="post"' in attributes and 'action="/logout"' not in attributes:
            names |= set(re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', body))
    return {n for n in names if n not in {"csrf_token", "form_token"} and not n.endswith("__present")}


class _FormReader(HTMLParser):
    """What a browser sends for the page's post forms as they are shown (the log-out button left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.in_form = False
        self.textarea: str | None = None
        self.select: str | None = None
        self.multiple = False
        self.options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.in_form = a.get("method") == "post" and a.get("action") != "/logout"
        elif not self.in_form or not (a.get("name") or tag == "option"):
            return
        elif tag == "input" and a.get("type") not in ("file", "checkbox"):
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.fields.append((a["name"], a.get("value") or "on"))
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields.append((a["name"], ""))
        elif tag == "select":
            self.select, self.multiple, self.options = a["name"], "multiple" in a, []
        elif tag == "option" and self.select:
            self.options.append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected]
            if not chosen and not self.multiple and self.options:
                chosen = [self.options[0][0]]
            self.fields += [(self.select, value) for value in chosen]
            self.select = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.fields[-1] = (self.textarea, self.fields[-1][1] + data)


def shown_form(page: str) -> MultiDict:
    reader = _FormReader()
    reader.feed(page)
    return MultiDict(reader.fields)


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
    if case.resaved:
        shown = shown_form(client.get(case.url(ctx)).get_data(as_text=True))
        response = client.post(case.url(ctx), data=shown)
        assert response.status_code in case.ok, all_errors(response.get_data(as_text=True))
        db_session.expire_all()
        assert case.stored(db_session, ctx) == case.expected(ctx), "saved again unchanged, the form changed it"


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
