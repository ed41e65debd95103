"""investors with capital calls and distributions, fund expenses, and each fund's provision percentages

Revision ID: 0027
Revises: 0029
Create Date: 2026-12-02 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db

revision = "0027"
down_revision = "0029"
branch_labels = None
depends_on = None

KINDS = ("foundation", "municipality", "province", "eu_fund", "bank", "private_investor", "other")


def _common(table: str) -> list:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["fund_id"], ["funds.id"], name=op.f(f"fk_{table}_fund_id_funds"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _money() -> fundapp.db.ExactDecimal:
    return fundapp.db.ExactDecimal(precision=18, scale=2)


def _flows(table: str, *extra: sa.Column) -> None:
    op.create_table(
        table,
        *_common(table),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("amount", _money(), nullable=False),
        *extra,
        sa.Column("created_at", fundapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f(f"ck_{table}_amount_positive")),
        sa.ForeignKeyConstraint(
            ["investor_id"], ["investors.id"], name=op.f(f"fk_{table}_investor_id_investors"), ondelete="CASCADE"
        ),
    )
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_fund_id"), ["fund_id"], unique=False)
        batch_op.create_index(batch_op.f(f"ix_{table}_investor_id"), ["investor_id"], unique=False)


def upgrade() -> None:
    op.create_table(
        "investors",
        *_common("investors"),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="investor_kind", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("commitment", _money(), nullable=False),
        sa.Column("fixed_share_percent", fundapp.db.ExactDecimal(precision=12, scale=6), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", fundapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("commitment >= 0", name=op.f("ck_investors_commitment_not_negative")),
        sa.CheckConstraint(
            "fixed_share_percent > 0", name=op.f("ck_investors_fixed_share_positive")
        ),
    )
    with op.batch_alter_table("investors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_investors_fund_id"), ["fund_id"], unique=False)
    _flows("capital_calls")
    _flows(
        "distributions",
        sa.Column(
            "kind",
            sa.Enum(
                "return_of_capital",
                "income",
                "gain",
                name="distribution_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
    )
    op.create_table(
        "fund_expenses",
        *_common("fund_expenses"),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("amount", _money(), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("created_at", fundapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_fund_expenses_amount_positive")),
    )
    with op.batch_alter_table("fund_expenses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_expenses_fund_id"), ["fund_id"], unique=False)
    rate = fundapp.db.ExactDecimal(precision=12, scale=6)
    op.create_table(
        "provision_rates",
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("current", rate, nullable=False),
        sa.Column("days_1_30", rate, nullable=False),
        sa.Column("days_31_90", rate, nullable=False),
        sa.Column("over_90", rate, nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["funds.id"], name=op.f("fk_provision_rates_fund_id_funds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("fund_id", name=op.f("pk_provision_rates")),
    )


def downgrade() -> None:
    op.drop_table("provision_rates")
    for table in ("fund_expenses", "distributions", "capital_calls", "investors"):
        op.drop_table(table)
