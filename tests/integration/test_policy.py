"""Authorization lives in one place: one rule per (kind of object, action), the same for lists and objects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from fundapp.auth.policy import RULES, Scope, can, permitted_ids, visible
from fundapp.portfolio_import.models import PortfolioImport
from fundapp.reports.models import ReportFile
from tests.equity_factories import add_equity
from tests.factories import add_outcomes, add_reports

ROOT = Path(__file__).resolve().parents[2] / "fundapp"
# Who a user is, read straight off the scope: only the policy does that (the menu picks a single fund's shortcut).
MEMBERSHIP_READ = re.compile(r"\.(payer_ids|fund_ids|investee_ids|contract_ids)\b|\bis_admin\b")
ALLOWED = {"auth/policy", "navigation.py", "demo.py", "demo_world.py", "demo_instruments.py", "auth/access.py"}


def test_no_module_outside_the_policy_decides_by_reading_memberships():
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if any(relative.startswith(allowed) for allowed in ALLOWED):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if MEMBERSHIP_READ.search(line) and "contract.payer_ids" not in line:
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "\n".join(offenders)


@pytest.fixture()
def full_world(db_session, world):
    from tests.bank_factories import Entry, camt, import_file
    from tests.batch_factories import add_batches
    from tests.instrument_factories import add_instruments

    add_outcomes(db_session, world)
    add_reports(db_session, world)
    add_batches(db_session, world)
    add_equity(db_session, world)
    add_instruments(db_session, world)
    import_file(db_session, world.fund_a, camt([Entry("250.00", remittance="Gift")]))
    paid = Entry("80.00", direction="debit", remittance="Uitbetaling")
    import_file(db_session, world.payer_a, camt([paid], account="NL86INGB0002445588"))
    for fund in (world.fund_a, world.fund_b):
        db_session.add(ReportFile(fund_id=fund.id, kind="pdf", period="2026", locale="nl"))
        db_session.add(PortfolioImport(fund_id=fund.id, file_sha256="0" * 64, file_name="portfolio.xlsx"))
    from tests.web.walk_world import financing_rounds

    financing_rounds(db_session, world)
    _assignments(db_session, world)
    db_session.flush()
    return world


def _assignments(db_session, world):
    """Fund A's provider's payments under contract A assigned to its loan, accepted by payer A."""
    from datetime import date
    from decimal import Decimal

    from fundapp.outcomes import assignments

    manager, officer = world.user("manager_a"), world.user("officer_a")
    data = {
        "investee_id": world.investee_a.id,
        "loan_id": world.loan_a.id,
        "share_percent": Decimal("25"),
        "valid_from": date(2026, 1, 1),
    }
    assignments.assign(db_session, manager, Scope.of_user(manager), world.contract_a, data)
    assignments.accept(db_session, officer, Scope.of_user(officer), world.contract_a)


def test_every_rule_gives_the_same_answer_for_a_list_and_for_each_object(db_session, full_world):
    scopes = {role: Scope.of_user(user) for role, user in full_world.users.items()}
    scopes["anonymous"] = Scope.anonymous()
    checked = 0
    for (_kind, action), found in sorted(RULES.items()):
        model = found.model
        objects = db_session.scalars(select(model)).all()
        assert objects, f"the world has no {model.__name__} to check {action} on"
        for role, scope in scopes.items():
            listed = set(db_session.scalars(select(model.id).where(visible(scope, model, action))))
            one_by_one = {obj.id for obj in objects if can(scope, action, obj)}
            assert listed == one_by_one, f"{model.__name__}.{action} as {role}"
            assert permitted_ids(db_session, scope, action, model, [o.id for o in objects]) == listed
            checked += 1
    assert checked >= len(RULES) * len(scopes)


def test_a_payer_officer_sees_a_provider_only_once_both_accepted_a_started_contract(db_session, world):
    from fundapp.investees.models import Investee
    from fundapp.outcomes import contracts
    from tests.factories import ACTOR
    from tests.outcome_factories import make_contract

    officer = Scope.of_user(world.user("officer_b"))
    draft = make_contract(db_session, [(world.payer_b, "100", None)], [world.investee_a], activate=False)
    assert not can(officer, "view", world.investee_a)
    contracts.accept_share(db_session, ACTOR, draft.payers[0])
    assert not can(officer, "view", world.investee_a)
    contracts.accept_provision(db_session, ACTOR, draft.providers[0])
    assert not can(officer, "view", world.investee_a)  # a draft grants nothing, even accepted
    contracts.activate(db_session, ACTOR, draft)
    assert can(officer, "view", world.investee_a)
    assert can(officer, "participants", world.investee_a)
    assert not can(officer, "edit", world.investee_a)
    listed = set(db_session.scalars(select(Investee.id).where(visible(officer, Investee))))
    assert listed == {world.investee_a.id}
