"""The pages' money and date filters: remembered texts are the same texts, in each reader's language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency

from fundapp import create_app
from fundapp.i18n import date_filter, money


@pytest.fixture(scope="module")
def app():
    return create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x" * 40})


AMOUNTS = [Decimal("1234.565"), Decimal("1234.5650"), Decimal("-0.004"), Decimal("0"), Decimal("-0.00"), Decimal("7")]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_each_amount_shows_as_babel_formats_it_rounded_half_up_however_often_it_is_asked(app, lang):
    with app.test_request_context(f"/?lang={lang}"):
        for _ in range(2):  # the second time from memory
            shown = [money(amount) for amount in AMOUNTS]
    expected = [
        format_currency(Decimal(text), "EUR", locale=lang)
        for text in ("1234.57", "1234.57", "-0.00", "0.00", "-0.00", "7.00")
    ]
    assert shown == expected


def test_a_remembered_amount_or_day_is_shown_in_the_next_readers_language(app):
    with app.test_request_context("/?lang=nl"):
        dutch = money(Decimal("1234.5")), date_filter(date(2026, 3, 5))
    with app.test_request_context("/?lang=en"):
        english = money(Decimal("1234.5")), date_filter(date(2026, 3, 5))
    assert dutch == ("€\xa01.234,50", "5-3-2026")
    assert english == ("€1,234.50", "5 Mar 2026")


def test_a_moment_keeps_its_time_and_an_iso_day_its_day(app):
    with app.test_request_context("/?lang=nl"):
        assert date_filter(datetime(2026, 1, 5, 10, 3, tzinfo=UTC)).endswith(" 10:03")
        assert date_filter("2026-02-03") == format_date(date(2026, 2, 3), "d-M-yyyy", locale="nl")


def test_a_message_follows_the_requests_language_through_a_forced_locale_and_back(app):
    from flask import render_template_string
    from flask_babel import force_locale, refresh

    from fundapp.i18n import gettext, lazy_gettext, locale_name

    label = lazy_gettext("Loans")
    with app.test_request_context("/?lang=nl"):
        before = gettext("Portfolio"), str(label), render_template_string("{{ _('Loans') }}"), locale_name()
        with force_locale("en"):  # an e-mail in its reader's language, say
            forced = gettext("Portfolio"), str(label), render_template_string("{{ _('Loans') }}"), locale_name()
        after = gettext("Portfolio"), str(label), render_template_string("{{ _('Loans') }}"), locale_name()
        refresh()
        refreshed = gettext("Portfolio"), locale_name()
    assert before == after == ("Portefeuille", "Leningen", "Leningen", "nl")
    assert forced == ("Portfolio", "Loans", "Loans", "en")
    assert refreshed == ("Portefeuille", "nl")


def test_a_message_outside_a_request_is_its_own_text_and_formats_its_variables(app):
    from fundapp.i18n import gettext

    assert gettext("Portfolio") == "Portfolio"
    with app.app_context():
        assert gettext("%(n)s loans", n=3) == "3 loans"
