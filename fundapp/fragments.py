"""Parts of a page rendered once per version of the data (fundapp/datacache.py), language and key.

Only for a part that shows data and nothing of the person who asks: no buttons that depend on a permission, no
form, no CSRF token. Whatever else the part depends on (the object, the date it is shown "on") goes in ``key``;
the language is added here, as the numbers, dates and words of the part are in it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from flask import render_template
from markupsafe import Markup
from sqlalchemy.orm import Session

from fundapp import datacache
from fundapp.i18n import locale_name


def fragment(session: Session, template: str, key: Hashable, context: Callable[[], dict[str, Any]]) -> Markup:
    """``template`` rendered with ``context()`` (read only when not kept); ``key`` must name everything the
    context depends on."""
    return datacache.cached(
        session,
        f"html:{template}",
        (key, locale_name()),
        lambda: Markup(render_template(template, **context())),  # noqa: S704  # our own template, escaped by Jinja
    )
