"""co-financing: financing rounds (who brings which instrument and amount) and the participations of a syndicated loan

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "financing_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("investee_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", fundapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_financing_rounds_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["investee_id"],
            ["investees.id"],
            name=op.f("fk_financing_rounds_investee_id_investees"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financing_rounds")),
    )
    with op.batch_alter_table("financing_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_financing_rounds_investee_id"), ["investee_id"], unique=False)

    op.create_table(
        "loan_participations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=True),
        sa.Column("party_name", sa.String(length=200), nullable=False),
        sa.Column(
            "party_kind",
            sa.Enum(
                "bank",
                "other_fund",
                "province",
                "municipality",
                "other",
                name="party_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("percentage", fundapp.db.ExactDecimal(precision=12, scale=6), nullable=False),
        sa.CheckConstraint(
            "(fund_id IS NOT NULL AND party_name = '' AND party_kind IS NULL) OR (fund_id IS NULL AND party_name <> '' AND party_kind IS NOT NULL)",
            name=op.f("ck_loan_participations_one_party"),
        ),
        sa.CheckConstraint("percentage > 0", name=op.f("ck_loan_participations_percentage_positive")),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["funds.id"], name=op.f("fk_loan_participations_fund_id_funds"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_loan_participations_loan_id_loans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_participations")),
        sa.UniqueConstraint("loan_id", "fund_id", name=op.f("uq_loan_participations_loan_id_fund_id")),
    )
    with op.batch_alter_table("loan_participations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loan_participations_fund_id"), ["fund_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_loan_participations_loan_id"), ["loan_id"], unique=False)

    op.create_table(
        "round_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=True),
        sa.Column("party_name", sa.String(length=200), nullable=False),
        sa.Column(
            "party_kind",
            sa.Enum(
                "bank",
                "other_fund",
                "province",
                "municipality",
                "other",
                name="party_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "instrument",
            sa.Enum(
                "loan",
                "convertible_loan",
                "equity",
                "grant",
                "guarantee",
                "other",
                name="instrument_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("amount", fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(fund_id IS NOT NULL AND party_name = '' AND party_kind IS NULL) OR (fund_id IS NULL AND party_name <> '' AND party_kind IS NOT NULL)",
            name=op.f("ck_round_participants_one_party"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_round_participants_amount_positive")),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["funds.id"], name=op.f("fk_round_participants_fund_id_funds"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_round_participants_loan_id_loans"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["financing_rounds.id"],
            name=op.f("fk_round_participants_round_id_financing_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_participants")),
    )
    with op.batch_alter_table("round_participants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_round_participants_fund_id"), ["fund_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_round_participants_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("round_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_participants_round_id"))
        batch_op.drop_index(batch_op.f("ix_round_participants_fund_id"))

    op.drop_table("round_participants")
    with op.batch_alter_table("loan_participations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loan_participations_loan_id"))
        batch_op.drop_index(batch_op.f("ix_loan_participations_fund_id"))

    op.drop_table("loan_participations")
    with op.batch_alter_table("financing_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_financing_rounds_investee_id"))

    op.drop_table("financing_rounds")
