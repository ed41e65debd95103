"""Migration 0030 turns each capital source into an investor with an opening capital call, and back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fundapp import migrate
from fundapp.capital import nav
from fundapp.capital.models import CapitalCall, Investor, InvestorKind
from fundapp.db import ExactDecimal, UTCDateTime, make_engine
from tests.integration.test_migrations import scratch_url  # noqa: F401 - the fixture

SOURCES = sa.table(
    "capital_sources",
    sa.column("id", sa.Integer),
    sa.column("fund_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
    sa.column("committed", ExactDecimal(18, 2)),
    sa.column("paid_in", ExactDecimal(18, 2)),
    sa.column("expected_return_percent", ExactDecimal(12, 6)),
    sa.column("term_years", sa.Integer),
    sa.column("notes", sa.Text),
)
FUNDS = sa.table(
    "funds",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("founded_on", sa.Date),
    sa.column("created_at", UTCDateTime()),
)


def _source(id_: int, fund_id: int, name: str, committed: str, paid_in: str, **extra: object) -> dict:
    return {
        "id": id_,
        "fund_id": fund_id,
        "name": name,
        "kind": "foundation",
        "committed": Decimal(committed),
        "paid_in": Decimal(paid_in),
        "expected_return_percent": None,
        "term_years": None,
        "notes": "",
        **extra,
    }


def _world_at_0027(url: str) -> dict[str, int]:
    """Funds A (founded 2020-01-15) and B (loan A disbursed, not founded) from the test world, and a fund C with
    neither, taken back to 0027 with capital sources of their own; the world's investors stay as they were."""
    from tests.factories import make_fund, make_world

    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        world = make_world(session)
        fund_c = make_fund(session, name="Fund C")
        ids = {
            "a": world.fund_b.id,
            "b": world.fund_a.id,
            "c": fund_c.id,
            "investor_a": world.investor_a.id,
            "loan_a_disbursed": world.loan_a.disbursement_date,
        }
        session.commit()
    migrate.downgrade(url, "0027")
    with engine.begin() as connection:
        connection.execute(sa.delete(SOURCES))
        # Fund A is founded; fund B (world fund A, with the disbursed loan) and fund C are not.
        connection.execute(sa.update(FUNDS).where(FUNDS.c.id == ids["a"]).values(founded_on=date(2020, 1, 15)))
        connection.execute(
            sa.update(FUNDS).where(FUNDS.c.id == ids["c"]).values(created_at=datetime(2021, 6, 30, 23, 30, tzinfo=UTC))
        )
        connection.execute(
            sa.insert(SOURCES),
            [
                _source(
                    1001,
                    ids["a"],
                    "Stichting Vermogensfonds",
                    "1000000.00",
                    "250000.55",
                    kind="municipality",
                    expected_return_percent=Decimal("2.5"),
                    term_years=10,
                    notes="since the start",
                ),
                _source(1002, ids["a"], "Maasbank", "750000.00", "0.00", kind="bank"),
                _source(1003, ids["b"], "EFRO", "500000.00", "100000.00", kind="eu_fund"),
                # The id of an investor of the world: this source gets an id of its own.
                _source(ids["investor_a"], ids["c"], "Provincie", "300000.00", "300000.00", kind="province"),
            ],
        )
    engine.dispose()
    return ids


def test_migration_0030_makes_investors_with_opening_calls_from_capital_sources_and_the_nav_counts_them(
    scratch_url,  # noqa: F811
):
    ids = _world_at_0027(scratch_url)
    migrate.upgrade(scratch_url)
    engine = make_engine(scratch_url)
    with Session(engine) as session:
        investors = {i.name: i for i in session.scalars(sa.select(Investor))}
        calls = {c.investor.name: (c.on, c.amount, c.fund_id) for c in session.scalars(sa.select(CapitalCall))}
        cash_c_before = nav.nav(session, ids["c"], date(2021, 6, 29)).cash
        cash_c = nav.nav(session, ids["c"], date(2021, 6, 30)).cash
        bank_a = nav.balances(session, ids["a"], date(2020, 1, 15))["bank"]
    tables = set(sa.inspect(engine).get_table_names())
    engine.dispose()

    kept = investors["Stichting Vermogensfonds"]
    assert (kept.id, kept.fund_id, kept.kind, kept.commitment, kept.notes) == (
        1001,
        ids["a"],
        InvestorKind.MUNICIPALITY,
        Decimal("1000000.00"),
        "since the start",
    )
    assert (kept.expected_return_percent, kept.term_years, kept.fixed_share_percent) == (Decimal("2.5"), 10, None)
    assert (investors["Maasbank"].id, investors["Maasbank"].kind) == (1002, InvestorKind.BANK)
    assert investors["Provincie"].id not in (ids["investor_a"], 1001, 1002, 1003)
    assert investors["Investor A"].id == ids["investor_a"]
    assert calls["Stichting Vermogensfonds"] == (date(2020, 1, 15), Decimal("250000.55"), ids["a"])
    assert calls["EFRO"] == (ids["loan_a_disbursed"], Decimal("100000.00"), ids["b"])
    assert calls["Provincie"] == (date(2021, 6, 30), Decimal("300000.00"), ids["c"])
    assert "Maasbank" not in calls
    assert (cash_c_before, cash_c, bank_a) == (Decimal("0.00"), Decimal("300000.00"), Decimal("250000.55"))
    assert "capital_sources" not in tables


def test_migration_0030_downgrades_to_capital_sources_paid_in_by_calls_and_upgrades_again_without_doubles(
    scratch_url,  # noqa: F811
):
    ids = _world_at_0027(scratch_url)
    migrate.upgrade(scratch_url)
    migrate.downgrade(scratch_url, "0027")
    engine = make_engine(scratch_url)
    with engine.connect() as connection:
        rows = {
            row.name: (row.fund_id, row.kind, row.committed, row.paid_in, row.expected_return_percent, row.term_years)
            for row in connection.execute(sa.select(SOURCES))
        }
    migrate.upgrade(scratch_url)
    with Session(engine) as session:
        names = sorted(session.scalars(sa.select(Investor.name)))
        call_count = session.scalar(sa.select(sa.func.count()).select_from(CapitalCall))
    engine.dispose()
    assert rows["Stichting Vermogensfonds"] == (
        ids["a"],
        "municipality",
        Decimal("1000000.00"),
        Decimal("250000.55"),
        Decimal("2.5"),
        10,
    )
    assert rows["Maasbank"][3] == Decimal("0.00")
    # The world's investors become capital sources too, with their calls as paid-in capital.
    assert rows["Investor A"][2:4] == (Decimal("100000.00"), Decimal("20000.00"))
    assert names == sorted(["Stichting Vermogensfonds", "Maasbank", "EFRO", "Provincie", "Investor A", "Investor B"])
    assert call_count == 5
