"""Issue #14 item 14: orientation, Impactpad growth level over time and the support log, and the fund report's split."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundapp import clock
from fundapp.audit import AuditEntry
from fundapp.auth.policy import Scope, can
from fundapp.errors import Conflict, ValidationFailed
from fundapp.impact.periods import Period
from fundapp.investees import services, support
from fundapp.investees.models import GrowthLevel, Orientation, SupportKind
from fundapp.reports import fund_report
from tests.factories import ACTOR, make_investee, make_loan

D = Decimal


def _level(session, investee, level, on):
    return support.record_growth_level(session, ACTOR, investee, {"level": level, "from_date": on, "note": ""})


def _support(session, investee, on, hours, kind=SupportKind.COACHING, by=""):
    data = {"given_on": on, "kind": kind, "hours": D(hours), "given_by_name": by, "note": ""}
    return support.record_support(session, ACTOR, investee, data)


def test_the_current_growth_level_is_the_latest_entry_from_that_day_or_before(db_session, world):
    investee = world.investee_a
    _level(db_session, investee, GrowthLevel.BASIC, date(2025, 1, 1))
    _level(db_session, investee, GrowthLevel.ADVANCED, date(2026, 3, 1))
    ids = [investee.id, world.investee_b.id]
    assert support.current_levels(db_session, ids, date(2024, 12, 31)) == {}
    assert support.current_levels(db_session, ids, date(2026, 2, 28)) == {investee.id: GrowthLevel.BASIC}
    assert support.current_levels(db_session, ids, date(2026, 3, 1)) == {investee.id: GrowthLevel.ADVANCED}
    history = db_session.scalars(support.growth_query(investee)).all()
    assert [entry.level for entry in history] == [GrowthLevel.ADVANCED, GrowthLevel.BASIC]


def test_two_growth_levels_on_one_day_or_one_still_to_come_are_refused(db_session, world):
    _level(db_session, world.investee_a, GrowthLevel.BASIC, date(2025, 1, 1))
    with pytest.raises(Conflict):
        _level(db_session, world.investee_a, GrowthLevel.EXPERT, date(2025, 1, 1))
    with pytest.raises(ValidationFailed):
        _level(db_session, world.investee_a, GrowthLevel.EXPERT, clock.today() + timedelta(days=1))


def test_support_given_by_the_recorder_or_by_a_named_person_is_logged_and_audited(db_session, world):
    manager = world.user("manager_a")
    mine = support.record_support(
        db_session,
        manager,
        world.investee_a,
        {"given_on": date(2026, 2, 1), "kind": SupportKind.NETWORK, "hours": D("1.5"), "given_by_name": "", "note": ""},
    )
    theirs = _support(db_session, world.investee_a, date(2026, 2, 2), "3", by="Coach Ïsa")
    assert (mine.giver, theirs.giver) == (manager.name, "Coach Ïsa")
    actions = db_session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "SupportEntry")).all()
    assert actions == ["support.recorded", "support.recorded"]


def test_the_fund_manager_sets_the_orientation_and_it_is_audited(db_session, world):
    scope = Scope.of_user(world.user("manager_a"))
    services.update_investee(db_session, ACTOR, scope, world.investee_a, {"orientation": Orientation.FINANCE_FIRST})
    assert world.investee_a.orientation == Orientation.FINANCE_FIRST
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "investee.updated")).all()[-1]
    assert entry.changes["orientation"] == [None, "finance_first"]


def test_growth_and_support_are_for_the_funds_managers_and_the_investee_not_for_a_payer_or_another_fund(
    db_session, world
):
    from tests.factories import add_outcomes

    add_outcomes(db_session, world)  # payer A contracts investee A: its officer sees the investee, not this
    allowed = {role for role, user in world.users.items() if can(Scope.of_user(user), "support", world.investee_a)}
    assert allowed == {"admin", "manager_a", "member_a"}


def test_the_fund_report_splits_investees_outstanding_and_support_hours_by_orientation_and_level(
    app, db_session, world
):
    """Hand-worked (docs/fund_economics.md, "Impact orientation and growth level"):

    investee A  impact first,  level advanced since 2026-03-01 (basic before), loan outstanding on 2026-06-30
    investee C  finance first, level basic,                                    loan outstanding on 2026-06-30
    investee D  not set,       no level,                                       no loan
    support in 2026-Q2: A 2.5 + 1.25 hours, C 4 hours; A's 6 hours of 2026-03-31 fall outside the quarter.
    """
    a = world.investee_a
    c = make_investee(db_session, world.fund_a, name="Investee C")
    make_investee(db_session, world.fund_a, name="Investee D")
    make_loan(db_session, c, principal=D("20000"))
    scope = Scope.of_user(world.user("manager_a"))
    services.update_investee(db_session, ACTOR, scope, a, {"orientation": Orientation.IMPACT_FIRST})
    services.update_investee(db_session, ACTOR, scope, c, {"orientation": Orientation.FINANCE_FIRST})
    _level(db_session, a, GrowthLevel.BASIC, date(2025, 6, 1))
    _level(db_session, a, GrowthLevel.ADVANCED, date(2026, 3, 1))
    _level(db_session, c, GrowthLevel.BASIC, date(2026, 5, 1))
    _support(db_session, a, date(2026, 3, 31), "6")
    _support(db_session, a, date(2026, 4, 2), "2.5")
    _support(db_session, a, date(2026, 6, 30), "1.25", kind=SupportKind.TRAINING)
    _support(db_session, c, date(2026, 5, 12), "4")
    with app.test_request_context("/"):
        report = fund_report.build(db_session, world.fund_a, Period.parse("2026-Q2"), "en", date(2026, 12, 1))
    owed = {row.investee_id: row.outstanding for row in report.loans}
    by_orientation = {
        row.key: (row.investees, row.outstanding, row.support_hours) for row in report.splits.by_orientation
    }
    assert by_orientation == {
        "impact_first": (1, owed[a.id], D("3.75")),
        "finance_first": (1, owed[c.id], D("4")),
        "": (1, D("0"), D("0")),
    }
    by_level = {row.key: (row.investees, row.support_hours) for row in report.splits.by_level}
    assert by_level == {"basic": (1, D("4")), "advanced": (1, D("3.75")), "expert": (0, D("0")), "": (1, D("0"))}
    assert sum(row.outstanding for row in report.splits.by_level) == report.portfolio.outstanding_principal
