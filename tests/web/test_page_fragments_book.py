"""The loan book's kept parts (fundapp/fragments.py): rendered once per version of the data, the same HTML as
rendered afresh, following the page's own sort, page and filters, and its buttons only for who may edit."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from fundapp import datacache
from tests.factories import ACTOR, make_user
from tests.web.test_page_fragments import _client, _renders, site  # noqa: F401  (site is the fixture)

PARTS = ("loans/_book_summary.html", "loans/_book_loans.html", "instruments/_portfolio.html")


def _manager(app, ids):
    from fundapp.auth.models import Role
    from fundapp.loans.models import Loan

    session = app.extensions["fundapp.db"].new_session()
    fund_id = session.get(Loan, ids["first"]).fund_id
    email = make_user(session, Role.FUND_MANAGER, fund_id).email
    session.commit()
    session.close()
    client = _client(app, email)
    client.get("/")  # the welcome shown once after logging in
    return client, fund_id


def _book(client, fund_id, query=""):
    response = client.get(f"/funds/{fund_id}/loans{query}")
    assert response.status_code == 200
    return re.sub(r'(name="(?:csrf_token|form_token)" value=")[^"]+', r"\1", response.get_data(as_text=True))


def _fresh(client, fund_id, query=""):
    datacache.clear()
    return _book(client, fund_id, query)


def test_the_loan_books_figures_are_rendered_once_per_version_of_the_data_and_follow_a_repayment(site):  # noqa: F811
    app, ids, _users = site
    client, fund_id = _manager(app, ids)
    seen, stop = _renders(app)
    try:
        first = _book(client, fund_id)
        assert _book(client, fund_id) == first
    finally:
        stop()
    assert [seen.count(part) for part in PARTS] == [1, 1, 1]
    assert first == _fresh(client, fund_id)
    assert "12.345,67" in first and "76.543,21" in first

    from fundapp.loans import services
    from fundapp.loans.models import Loan

    session = app.extensions["fundapp.db"].new_session()
    services.record_repayment(session, ACTOR, session.get(Loan, ids["first"]), date(2024, 2, 15), Decimal("500.00"))
    session.commit()
    session.close()
    after = _book(client, fund_id)
    assert after != first
    assert after == _fresh(client, fund_id)


def test_the_kept_loans_of_the_book_follow_its_sort_page_and_filters(site):  # noqa: F811
    app, ids, _users = site
    client, fund_id = _manager(app, ids)
    plain = _book(client, fund_id)
    descending = _book(client, fund_id, "?sort=-principal")
    assert descending.index("76.543,21") < descending.index("12.345,67") and plain.index("12.345,67") < plain.index(
        "76.543,21"
    )
    assert 'aria-sort="descending"' in descending and 'aria-sort="descending"' not in plain
    for query in ("?sort=-principal", "?sort=-principal&page_size=5&page=1", "?status=draft", "?lang=en"):
        kept = _book(client, fund_id, query)  # the language chosen last: it stays chosen
        assert kept != plain
        assert kept == _fresh(client, fund_id, query), query


def test_a_kept_portfolio_part_shows_its_new_buttons_only_to_who_may_edit_the_fund(site, monkeypatch):  # noqa: F811
    app, ids, _users = site
    client, fund_id = _manager(app, ids)
    new_grant = 'href="/grants/new"'
    assert new_grant in _book(client, fund_id)
    from fundapp.loans import views

    allowed = views.can
    monkeypatch.setattr(views, "can", lambda scope, action, obj: action != "edit" and allowed(scope, action, obj))
    assert new_grant not in _book(client, fund_id)
