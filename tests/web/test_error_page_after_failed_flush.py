"""An error page after a failed flush (a conflict, a duplicate) renders for a logged-in user: its header reads the
unread count from the database, which must not be the request's failed transaction (that gave a 500)."""

from __future__ import annotations

from flask import g
from flask_login import login_user
from sqlalchemy.exc import IntegrityError

from fundapp.db import get_session
from fundapp.errors import _from_unexpected
from fundapp.investees.models import Investee


def test_the_conflict_page_renders_after_a_failed_flush_with_the_header_s_unread_count(app, world):
    user = world.user("manager_a")
    with app.test_request_context("/", headers={"Accept": "text/html"}):
        session = get_session()
        login_user(session.get(type(user), user.id))
        session.add(Investee(fund_id=world.fund_a.id, name="Dubbel BV", kvk_number=world.investee_a.kvk_number))
        try:
            session.flush()
        except IntegrityError as exc:
            page, status = _from_unexpected(exc)
        assert status == 409
        assert "Dit botst met gegevens die al bestaan." in page
        assert "Uitloggen" in page or "Log out" in page, "the header of a logged-in user"
        assert g.db_session is session
