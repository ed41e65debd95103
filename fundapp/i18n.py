"""Language and locale: Dutch by default, English on request; numbers, money and dates in the reader's locale."""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import flask_babel
from babel import Locale
from babel.numbers import format_currency, format_decimal, format_percent
from flask import Flask, current_app, g, request
from flask.globals import _cv_app
from flask_babel import Babel, format_datetime, get_locale
from flask_babel.speaklater import LazyString

from fundapp.formats import DATE_PATTERNS, LANGUAGES, format_day, unit_words
from fundapp.money import round_cent, round_places, to_decimal

COOKIE = "fundapp_lang"


def select_locale() -> str:
    wanted = request.args.get("lang") if request else None
    if wanted in LANGUAGES:
        g.set_lang_cookie = wanted
        return wanted
    cookie = request.cookies.get(COOKIE) if request else None
    if cookie in LANGUAGES:
        return cookie
    from flask_login import current_user

    try:
        user_locale = getattr(current_user, "locale", None) if current_user.is_authenticated else None
    except Exception:  # the database may be down while rendering an error page
        user_locale = None
    if user_locale in LANGUAGES:
        return user_locale
    return current_app.config["DEFAULT_LOCALE"]


def locale_name() -> str:
    state = _babel_state()
    return _kept(state)[3] if state is not None else str(get_locale() or "nl")


def translations() -> Any:
    """The request's catalog: flask-babel's, found once per request (and again when its locale or domain changes).

    flask-babel finds it afresh on every message, through several context lookups and the locale's name: a page
    translates some fifty. Kept on flask-babel's own per-request state, keyed by the very locale and domain
    objects it holds, so ``force_locale`` (which sets another locale object) and ``refresh`` (which drops it) are
    followed.
    """
    state = _babel_state()
    return _kept(state)[2] if state is not None else flask_babel.get_translations()


def gettext(string: str, **variables: Any) -> str:
    """flask-babel's ``gettext``, through the kept catalog."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """A message translated when it is shown (form labels, names made at import time)."""
    return LazyString(gettext, string, **variables)


def _babel_state() -> Any:
    """flask-babel's per-request state once it has chosen the locale; None before (its own path then)."""
    context = _cv_app.get(None)
    state = getattr(context.g, "_flask_babel", None) if context is not None else None
    return state if state is not None and getattr(state, "babel_locale", None) is not None else None


_KEPT = "fundapp_kept"


def _kept(state: Any) -> tuple[Any, Any, Any, str]:
    locale = state.babel_locale
    kept = getattr(state, _KEPT, None)
    if kept is None or kept[0] is not locale or kept[1] is not getattr(state, "babel_domain", None):
        catalog = flask_babel.get_translations()  # sets the request's domain when not set yet
        kept = (locale, getattr(state, "babel_domain", None), catalog, str(locale))
        setattr(state, _KEPT, kept)
    return kept


@functools.lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    """A locale by its name, parsed once (babel parses a name on every number it formats)."""
    return Locale.parse(name)


# Babel rounds half-even (125.025 -> 125,02); each filter rounds half-up by fundapp.money first, so a
# page, a PDF and the API show the same figure.


def money(amount: Any, currency: str = "EUR") -> str:
    """An amount in the reader's locale (€ 1.234,56), half-up to the cent."""
    if amount is None or amount == "":
        return "–"
    if type(amount) is Decimal and amount.is_finite() and amount:  # remembered by value (-0 equals 0: not these)
        return _decimal_currency(amount, currency, locale_name())
    return _currency(str(round_cent(to_decimal(amount))), currency, locale_name())


@functools.lru_cache(maxsize=8192)
def _decimal_currency(amount: Decimal, currency: str, locale: str) -> str:
    return _currency(str(round_cent(amount)), currency, locale)


@functools.lru_cache(maxsize=8192)
def _currency(amount: str, currency: str, locale: str) -> str:
    """Babel's formatting of an amount (its text: -0.00 is not 0.00), remembered: a loan's page shows hundreds."""
    return format_currency(Decimal(amount), currency, locale=locale)


def number(value: Any, places: int | None = None) -> str:
    """A number in the reader's locale, half-up to ``places`` decimals (to at most 3 when not given)."""
    if value is None or value == "":
        return "–"
    value = to_decimal(value)
    if places is not None:
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(round_places(value, places), format=pattern, locale=_locale(locale_name()))
    return format_decimal(round_places(value, 3), locale=_locale(locale_name()))  # the locale's pattern shows up to 3


def percent(value: Any, places: int = 1) -> str:
    """A percentage given in percent points (12.5 -> 12,5 %), half-up to ``places`` decimals."""
    if value is None or value == "":
        return "–"
    pattern = "#,##0" + ("." + "0" * places if places else "") + " %"
    return format_percent(round_places(to_decimal(value), places) / 100, format=pattern, locale=_locale(locale_name()))


def date_filter(value: date | datetime | str | None, fmt: str = "short") -> str:
    """A date (or a moment, with its time) in the reader's language; ``fmt`` "long" for running text.

    An ISO date text (as the API's rows carry it) is shown the same way.
    """
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value)
    lang = locale_name()
    if isinstance(value, datetime):
        return format_datetime(value, DATE_PATTERNS[fmt][lang] + " HH:mm")
    return format_day(value, lang, fmt)


def unit_label(code: str | None, locale: str | None = None) -> str:
    """An indicator's unit in the reader's words (``locale`` when given, else the request's); unknown codes as stored."""
    return unit_words(code, locale or locale_name())


def translate(message: Any) -> str:
    """A message made elsewhere (a service's error) in the reader's language, when the catalog knows it.

    Plain gettext, no %-formatting of the message itself: a message that holds a '%' is shown as it is;
    a library message with numbers in it is translated through its template (fundapp.messages).
    """
    from fundapp.messages import localized

    text = str(message)
    return localized(text, gettext, lambda day: date_filter(day, "long")) if text else text


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LOCALE"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path + "/translations"))
    Babel(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # jinja's i18n extension, as flask-babel
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters.update(
        money=money, number=number, percent=percent, date=date_filter, translate=translate, unit=unit_label
    )

    @app.after_request
    def _remember_language(response: Any) -> Any:
        lang = g.get("set_lang_cookie")
        if lang:
            response.set_cookie(
                COOKIE,
                lang,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                httponly=True,
                secure=app.config["ENV"] == "production",
            )
        return response
