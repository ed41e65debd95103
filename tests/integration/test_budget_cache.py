"""A contract's budget (pages and API) is worked out once per version of the data, and follows every change."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import event

from fundapp import datacache
from fundapp.audit import Actor, record
from fundapp.outcomes import budget as budgets
from fundapp.outcomes.models import OutcomeContract
from tests.factories import make_contract, make_fund, make_investee, make_payer


def _statements(engine, run):
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        return run(), seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_contracts_budget_is_kept_per_version_of_the_data_and_follows_an_audited_change(tmp_path):
    from fundapp import migrate
    from fundapp.db import Database

    url = f"sqlite:///{tmp_path / 'budget.sqlite3'}"
    migrate.upgrade(url)
    database = Database(url)
    session = database.new_session()
    contract = make_contract(session, make_payer(session), [make_investee(session, make_fund(session))])
    session.commit()
    datacache.clear()
    try:
        reader = database.new_session()
        shown = reader.get(OutcomeContract, contract.id)
        first, cold = _statements(database.engine, lambda: budgets.budget(reader, shown))
        again, warm = _statements(database.engine, lambda: budgets.budget(reader, shown))
        assert again == first == budgets.budgets_of(reader, [shown])[shown.id]
        assert not any("claim" in statement for statement in warm) and any("claim" in s for s in cold)
        reader.close()

        writer = database.new_session()
        changed = writer.get(OutcomeContract, contract.id)
        changed.contract_cap = Decimal("123456.78")
        record(writer, Actor.system("test"), "contract.changed", str(changed.id), entity_type="contract")
        writer.commit()
        writer.close()

        reader = database.new_session()
        shown = reader.get(OutcomeContract, contract.id)
        after = budgets.budget(reader, shown)
        assert after.contract.committed == Decimal("123456.78") != first.contract.committed
        assert after == budgets.budgets_of(reader, [shown])[shown.id]
        reader.close()
    finally:
        session.close()
        datacache.clear()
        database.engine.dispose()
