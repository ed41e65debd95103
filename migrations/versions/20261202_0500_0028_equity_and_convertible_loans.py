"""equity participations with their events, a loan's conversion terms, and a loan may be converted into shares

Revision ID: 0028
Revises: 0026
Create Date: 2026-12-02 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db

OLD_STATUSES = ("draft", "approved", "active", "repaid", "written_off")
NEW_STATUSES = (*OLD_STATUSES, "converted")

revision = "0028"
down_revision = "0026"
branch_labels = None
depends_on = None


def _status(values):
    return sa.Enum(*values, name="loan_status", native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=_status(OLD_STATUSES), type_=_status(NEW_STATUSES), existing_nullable=False
        )
    op.create_table(
        "conversion_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("price_per_share", fundapp.db.ExactDecimal(precision=18, scale=6), nullable=True),
        sa.Column("discount_percent", fundapp.db.ExactDecimal(precision=12, scale=6), nullable=True),
        sa.Column("cap", fundapp.db.ExactDecimal(precision=18, scale=6), nullable=True),
        sa.Column(
            "trigger",
            sa.Enum(
                "qualified_round",
                "maturity",
                "sale",
                "other",
                name="conversion_trigger",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("trigger_text", sa.Text(), nullable=False),
        sa.Column("updated_at", fundapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "price_per_share IS NOT NULL OR discount_percent IS NOT NULL",
            name=op.f("ck_conversion_terms_price_or_discount"),
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_conversion_terms_loan_id_loans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversion_terms")),
        sa.UniqueConstraint("loan_id", name=op.f("uq_conversion_terms_loan_id")),
    )
    op.create_table(
        "equity_participations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("investee_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("shares", sa.Integer(), nullable=False),
        sa.Column("price_per_share", fundapp.db.ExactDecimal(precision=18, scale=6), nullable=False),
        sa.Column("cost", fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=True),
        sa.Column("converted_principal", fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("converted_interest", fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("round_price", fundapp.db.ExactDecimal(precision=18, scale=6), nullable=True),
        sa.Column("ends_loan", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", fundapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("cost > 0", name=op.f("ck_equity_participations_cost_positive")),
        sa.CheckConstraint("price_per_share > 0", name=op.f("ck_equity_participations_price_positive")),
        sa.CheckConstraint("shares > 0", name=op.f("ck_equity_participations_shares_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_equity_participations_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["funds.id"], name=op.f("fk_equity_participations_fund_id_funds"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["investee_id"],
            ["investees.id"],
            name=op.f("fk_equity_participations_investee_id_investees"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_equity_participations_loan_id_loans"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equity_participations")),
    )
    with op.batch_alter_table("equity_participations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_equity_participations_fund_id"), ["fund_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_equity_participations_investee_id"), ["investee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_equity_participations_loan_id"), ["loan_id"], unique=False)

    op.create_table(
        "equity_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participation_id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "valuation",
                "dividend",
                "equity_exit",
                name="equity_event_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("value_per_share", fundapp.db.ExactDecimal(precision=18, scale=6), nullable=True),
        sa.Column(
            "method",
            sa.Enum(
                "cost",
                "financing_round",
                "multiples",
                "dcf",
                "other",
                name="valuation_method",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("amount", fundapp.db.ExactDecimal(precision=18, scale=2), nullable=True),
        sa.Column("shares_sold", sa.Integer(), nullable=True),
        sa.Column("carrying_change", fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("cost_sold", fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("carrying_sold", fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", fundapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_equity_events_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["funds.id"], name=op.f("fk_equity_events_fund_id_funds"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participation_id"],
            ["equity_participations.id"],
            name=op.f("fk_equity_events_participation_id_equity_participations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equity_events")),
    )
    with op.batch_alter_table("equity_events", schema=None) as batch_op:
        batch_op.create_index("ix_equity_events_fund_on", ["fund_id", "on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("equity_events", schema=None) as batch_op:
        batch_op.drop_index("ix_equity_events_fund_on")

    op.drop_table("equity_events")
    with op.batch_alter_table("equity_participations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_equity_participations_loan_id"))
        batch_op.drop_index(batch_op.f("ix_equity_participations_investee_id"))
        batch_op.drop_index(batch_op.f("ix_equity_participations_fund_id"))

    op.drop_table("equity_participations")
    op.drop_table("conversion_terms")
    # A converted loan was active when it converted: it goes back to that status with the shares gone.
    op.execute("UPDATE loans SET status = 'active' WHERE status = 'converted'")
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=_status(NEW_STATUSES), type_=_status(OLD_STATUSES), existing_nullable=False
        )
