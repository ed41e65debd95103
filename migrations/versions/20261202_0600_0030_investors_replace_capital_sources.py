"""investors replace capital sources: each capital source becomes an investor with an opening capital call

Revision ID: 0030
Revises: 0031
Create Date: 2026-12-02 06:00:00

A capital source's paid-in capital becomes one capital call of that amount, dated the fund's founding date, else
the date of its first (not reversed) loan disbursement, else the day the fund was created. An investor keeps the
capital source's id where no investor has it yet, so the deprecated /capital-sources API paths find it again. A
capital source whose id is an investor of the same fund and name (what this migration's downgrade left) is that
investor already: it is not added twice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

import fundapp.db

revision = "0030"
down_revision = "0031"
branch_labels = None
depends_on = None

KINDS = ("foundation", "municipality", "province", "eu_fund", "bank", "private_investor", "other")


def _money() -> fundapp.db.ExactDecimal:
    return fundapp.db.ExactDecimal(precision=18, scale=2)


def _rate() -> fundapp.db.ExactDecimal:
    return fundapp.db.ExactDecimal(precision=12, scale=6)


def _now() -> fundapp.db.UTCDateTime:
    return fundapp.db.UTCDateTime(timezone=True)


SOURCES = sa.table(
    "capital_sources",
    sa.column("id", sa.Integer),
    sa.column("fund_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
    sa.column("committed", _money()),
    sa.column("paid_in", _money()),
    sa.column("expected_return_percent", _rate()),
    sa.column("term_years", sa.Integer),
    sa.column("notes", sa.Text),
)
INVESTORS = sa.table(
    "investors",
    sa.column("id", sa.Integer),
    sa.column("fund_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
    sa.column("commitment", _money()),
    sa.column("fixed_share_percent", _rate()),
    sa.column("expected_return_percent", _rate()),
    sa.column("term_years", sa.Integer),
    sa.column("notes", sa.Text),
    sa.column("created_at", _now()),
)
CALLS = sa.table(
    "capital_calls",
    sa.column("fund_id", sa.Integer),
    sa.column("investor_id", sa.Integer),
    sa.column("on", sa.Date),
    sa.column("amount", _money()),
    sa.column("created_at", _now()),
)
FUNDS = sa.table(
    "funds", sa.column("id", sa.Integer), sa.column("founded_on", sa.Date), sa.column("created_at", _now())
)
EVENTS = sa.table(
    "loan_events",
    sa.column("fund_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("on", sa.Date),
    sa.column("reversed_at", _now()),
)


def _opening_days(connection: sa.Connection) -> dict[int, date]:
    first = (
        sa.select(sa.func.min(EVENTS.c.on))
        .where(EVENTS.c.fund_id == FUNDS.c.id, EVENTS.c.kind == "disbursement", EVENTS.c.reversed_at.is_(None))
        .scalar_subquery()
    )
    days = {}
    for fund_id, founded_on, disbursed_on, created_at in connection.execute(
        sa.select(FUNDS.c.id, FUNDS.c.founded_on, first, FUNDS.c.created_at)
    ):
        # SQLite answers the subquery's MIN() as text: it no longer knows the column's type.
        if isinstance(disbursed_on, str):
            disbursed_on = date.fromisoformat(disbursed_on)
        days[fund_id] = founded_on or disbursed_on or created_at.date()
    return days


def _reset_id_sequence(connection: sa.Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('investors', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM investors"
        )


def upgrade() -> None:
    op.add_column("investors", sa.Column("expected_return_percent", _rate(), nullable=True))
    op.add_column("investors", sa.Column("term_years", sa.Integer(), nullable=True))
    connection = op.get_bind()
    sources = connection.execute(sa.select(SOURCES).order_by(SOURCES.c.id)).mappings().all()
    taken = {
        row.id: (row.fund_id, row.name)
        for row in connection.execute(sa.select(INVESTORS.c.id, INVESTORS.c.fund_id, INVESTORS.c.name))
    }
    sources = [s for s in sources if taken.get(s["id"]) != (s["fund_id"], s["name"])]
    days = _opening_days(connection) if sources else {}
    now = datetime.now(UTC)

    def investor(source: sa.RowMapping) -> dict:
        return {
            "fund_id": source["fund_id"],
            "name": source["name"],
            "kind": source["kind"],
            "commitment": source["committed"],
            "fixed_share_percent": None,
            "expected_return_percent": source["expected_return_percent"],
            "term_years": source["term_years"],
            "notes": source["notes"],
            "created_at": now,
        }

    ids = {}
    for source in (s for s in sources if s["id"] not in taken):
        connection.execute(sa.insert(INVESTORS).values(id=source["id"], **investor(source)))
        ids[source["id"]] = source["id"]
    _reset_id_sequence(connection)
    for source in (s for s in sources if s["id"] in taken):
        ids[source["id"]] = connection.execute(
            sa.insert(INVESTORS).values(**investor(source)).returning(INVESTORS.c.id)
        ).scalar_one()
    for source in sources:
        if source["paid_in"] and source["paid_in"] > 0:
            connection.execute(
                sa.insert(CALLS).values(
                    fund_id=source["fund_id"],
                    investor_id=ids[source["id"]],
                    on=days[source["fund_id"]],
                    amount=source["paid_in"],
                    created_at=now,
                )
            )
    with op.batch_alter_table("capital_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capital_sources_fund_id"))
    op.drop_table("capital_sources")


def downgrade() -> None:
    op.create_table(
        "capital_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="capital_source_kind", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("committed", _money(), nullable=False),
        sa.Column("paid_in", _money(), nullable=False),
        sa.Column("expected_return_percent", _rate(), nullable=True),
        sa.Column("term_years", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.CheckConstraint("committed >= 0", name=op.f("ck_capital_sources_committed_not_negative")),
        sa.CheckConstraint("paid_in >= 0", name=op.f("ck_capital_sources_paid_in_not_negative")),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["funds.id"], name=op.f("fk_capital_sources_fund_id_funds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capital_sources")),
    )
    with op.batch_alter_table("capital_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_capital_sources_fund_id"), ["fund_id"], unique=False)
    connection = op.get_bind()
    paid = sa.select(sa.func.sum(CALLS.c.amount)).where(CALLS.c.investor_id == INVESTORS.c.id).scalar_subquery()
    for row in connection.execute(sa.select(INVESTORS, paid.label("paid_in")).order_by(INVESTORS.c.id)).mappings():
        connection.execute(
            sa.insert(SOURCES).values(
                id=row["id"],
                fund_id=row["fund_id"],
                name=row["name"],
                kind=row["kind"],
                committed=row["commitment"],
                paid_in=row["paid_in"] or 0,
                expected_return_percent=row["expected_return_percent"],
                term_years=row["term_years"],
                notes=row["notes"],
            )
        )
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('capital_sources', 'id'), COALESCE(MAX(id), 0) + 1, false) "
            "FROM capital_sources"
        )
    # Not a batch: on SQLite it would copy the investors into a new table and drop the old one, and with it (ON
    # DELETE CASCADE) every capital call and distribution.
    for column in ("term_years", "expected_return_percent"):
        op.execute(f"ALTER TABLE investors DROP COLUMN {column}")
