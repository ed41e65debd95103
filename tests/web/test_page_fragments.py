"""Parts of a page kept once per version of the data (fundapp/fragments.py): the same HTML as rendered afresh,
new when the data, the date or the language changes, and never one person's part on another's page."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from flask import template_rendered

from fundapp import datacache
from tests.conftest import test_config
from tests.factories import ACTOR, PASSWORD, make_fund, make_investee, make_loan, make_user

SCHEDULE = "loans/_schedule.html"


@pytest.fixture()
def site(tmp_path):
    """An app on a database of its own whose rows are committed: the suite's own transaction has written rows,
    and such a transaction is never served from the cache."""
    from fundapp import create_app, migrate

    url = f"sqlite:///{tmp_path / 'fragments.sqlite3'}"
    migrate.upgrade(url)
    # The parts are what is tested: whole answers (fundapp/kept_answers.py) off, so every request makes its page.
    app = create_app(test_config(DATABASE_URL=url, ANSWER_CACHE_BYTES=0))
    database = app.extensions["fundapp.db"]
    session = database.new_session()
    fund = make_fund(session)
    first, second = make_investee(session, fund), make_investee(session, fund)
    loans = {
        "first": make_loan(session, first, principal=Decimal("12345.67")),
        "second": make_loan(session, second, principal=Decimal("76543.21")),
    }
    users = {
        "first": make_user(session, "investee_member", first.id).email,
        "second": make_user(session, "investee_member", second.id).email,
    }
    session.commit()
    ids = {name: loan.id for name, loan in loans.items()}
    session.close()
    datacache.clear()
    yield app, ids, users
    datacache.clear()
    database.engine.dispose()


def _client(app, email):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303
    return client


def _schedule(client, loan_id, query=""):
    response = client.get(f"/loans/{loan_id}{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return re.search(r'<div class="table-scroll"[^>]*aria-label="[^"]*"><table.*?</table></div>', page, re.S).group(0)


def _fresh(client, loan_id, query=""):
    datacache.clear()
    return _schedule(client, loan_id, query)


def _renders(app):
    seen = []

    def record(sender, template, context, **extra):
        seen.append(template.name)

    template_rendered.connect(record, app)
    return seen, lambda: template_rendered.disconnect(record, app)


def test_a_loans_schedule_is_rendered_once_per_version_of_the_data_and_language(site):
    app, ids, users = site
    client = _client(app, users["first"])
    seen, stop = _renders(app)
    try:
        first = _schedule(client, ids["first"])
        again = _schedule(client, ids["first"])
    finally:
        stop()
    assert seen.count(SCHEDULE) == 1
    assert again == first == _fresh(client, ids["first"])


def test_the_kept_schedule_changes_with_a_repayment_the_date_and_the_language(site):
    app, ids, users = site
    client = _client(app, users["first"])
    before = _schedule(client, ids["first"], "?as_of=2024-06-01")

    from fundapp.loans import services
    from fundapp.loans.models import Loan

    session = app.extensions["fundapp.db"].new_session()
    services.record_repayment(session, ACTOR, session.get(Loan, ids["first"]), date(2024, 2, 15), Decimal("500.00"))
    session.commit()
    session.close()
    after = _schedule(client, ids["first"], "?as_of=2024-06-01")
    assert after != before
    assert "500,00" in after and "500,00" not in before
    assert after == _fresh(client, ids["first"], "?as_of=2024-06-01")

    later = _schedule(client, ids["first"], "?as_of=2025-06-01")
    assert later != after and later == _fresh(client, ids["first"], "?as_of=2025-06-01")

    english = _schedule(client, ids["first"], "?as_of=2025-06-01&lang=en")
    assert "Due date" in english and "Due date" not in later
    assert english == _fresh(client, ids["first"], "?as_of=2025-06-01&lang=en")


def test_one_persons_kept_schedule_never_shows_on_anothers_page(site):
    app, ids, users = site
    first, second = _client(app, users["first"]), _client(app, users["second"])
    mine = _schedule(first, ids["first"])
    assert second.get(f"/loans/{ids['first']}").status_code == 404
    theirs = _schedule(second, ids["second"])
    assert theirs != mine
    assert "76.543,21" in theirs and "12.345,67" not in theirs
    assert "12.345,67" in mine and "76.543,21" not in mine


def _investee_filter(client, fund_id, query=""):
    response = client.get(f"/funds/{fund_id}/loans{query}")
    assert response.status_code == 200
    return re.search(r'<select[^>]*id="investee_id".*?</select>', response.get_data(as_text=True), re.S).group(0)


def test_the_loan_books_investee_filter_is_kept_and_follows_the_choice_the_names_and_the_language(site):
    app, ids, _users = site
    from fundapp.auth.models import Role
    from fundapp.investees import services as investee_services
    from fundapp.loans.models import Loan
    from tests.factories import ADMIN_SCOPE

    session = app.extensions["fundapp.db"].new_session()
    loan = session.get(Loan, ids["first"])
    fund_id, investee = loan.fund_id, loan.investee
    manager = make_user(session, Role.FUND_MANAGER, fund_id).email
    session.commit()
    client = _client(app, manager)
    seen, stop = _renders(app)
    try:
        first = _investee_filter(client, fund_id)
        assert _investee_filter(client, fund_id) == first
    finally:
        stop()
    assert seen.count("loans/_investee_filter.html") == 1
    chosen = _investee_filter(client, fund_id, f"?investee_id={investee.id}")
    assert f'value="{investee.id}" selected' in chosen and " selected" not in first
    english = _investee_filter(client, fund_id, "?lang=en")
    assert '<option value="">All</option>' in english and english != first

    investee_services.update_investee(session, ACTOR, ADMIN_SCOPE, investee, {"name": "Nieuwe Naam BV"})
    session.commit()
    session.close()
    renamed = _investee_filter(client, fund_id)
    assert "Nieuwe Naam BV" in renamed and "Nieuwe Naam BV" not in first
    assert renamed == _fresh_filter(client, fund_id)


def _fresh_filter(client, fund_id):
    datacache.clear()
    return _investee_filter(client, fund_id)


def test_a_loans_kept_history_shows_the_reverse_links_only_to_those_who_may_change_the_loan(site):
    app, ids, users = site
    from fundapp.auth.models import Role
    from fundapp.loans import services
    from fundapp.loans.models import Loan

    session = app.extensions["fundapp.db"].new_session()
    loan = session.get(Loan, ids["first"])
    services.record_repayment(session, ACTOR, loan, date(2024, 2, 15), Decimal("500.00"))
    manager = make_user(session, Role.FUND_MANAGER, loan.fund_id).email
    session.commit()
    session.close()
    reverse = f'href="/loans/{ids["first"]}/events/'
    for _round in range(2):  # the second round is served from the cache
        assert reverse in _client(app, manager).get(f"/loans/{ids['first']}").get_data(as_text=True)
        page = _client(app, users["first"]).get(f"/loans/{ids['first']}").get_data(as_text=True)
        assert reverse not in page and "500,00" in page
