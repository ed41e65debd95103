"""impact orientation, Impactpad growth levels, support log; outcome payments assigned to repay a loan

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-02 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "growth_levels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("investee_id", sa.Integer(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "basic", "advanced", "expert", name="growth_level", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", fundapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["investee_id"], ["investees.id"], name=op.f("fk_growth_levels_investee_id_investees"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_growth_levels_recorded_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_growth_levels")),
        sa.UniqueConstraint("investee_id", "from_date", name=op.f("uq_growth_levels_investee_id_from_date")),
    )
    with op.batch_alter_table("growth_levels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_growth_levels_investee_id"), ["investee_id"], unique=False)

    op.create_table(
        "support_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("investee_id", sa.Integer(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "coaching",
                "network",
                "expertise",
                "training",
                "other",
                name="support_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("hours", fundapp.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("given_by_id", sa.Integer(), nullable=True),
        sa.Column("given_by_name", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", fundapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("hours > 0", name=op.f("ck_support_entries_hours_positive")),
        sa.ForeignKeyConstraint(
            ["given_by_id"], ["users.id"], name=op.f("fk_support_entries_given_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["investee_id"], ["investees.id"], name=op.f("fk_support_entries_investee_id_investees"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_support_entries_recorded_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_entries")),
    )
    with op.batch_alter_table("support_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_support_entries_investee_id"), ["investee_id"], unique=False)

    op.create_table(
        "payment_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("investee_id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("share_percent", fundapp.db.ExactDecimal(precision=12, scale=6), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", fundapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("share_percent > 0", name=op.f("ck_payment_assignments_share_positive")),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["outcome_contracts.id"],
            name=op.f("fk_payment_assignments_contract_id_outcome_contracts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_payment_assignments_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["investee_id"],
            ["investees.id"],
            name=op.f("fk_payment_assignments_investee_id_investees"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_payment_assignments_loan_id_loans"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_assignments")),
        sa.UniqueConstraint("contract_id", "investee_id", name=op.f("uq_payment_assignments_contract_id_investee_id")),
    )
    with op.batch_alter_table("payment_assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_assignments_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_assignments_investee_id"), ["investee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_assignments_loan_id"), ["loan_id"], unique=False)

    op.create_table(
        "assignment_payers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("payer_id", sa.Integer(), nullable=False),
        sa.Column("accepted_at", fundapp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"],
            ["users.id"],
            name=op.f("fk_assignment_payers_accepted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["payment_assignments.id"],
            name=op.f("fk_assignment_payers_assignment_id_payment_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["payer_id"],
            ["outcome_payers.id"],
            name=op.f("fk_assignment_payers_payer_id_outcome_payers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_payers")),
        sa.UniqueConstraint("assignment_id", "payer_id", name=op.f("uq_assignment_payers_assignment_id_payer_id")),
    )
    with op.batch_alter_table("assignment_payers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_payers_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignment_payers_payer_id"), ["payer_id"], unique=False)

    with op.batch_alter_table("claim_payer_splits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_amount", fundapp.db.ExactDecimal(precision=18, scale=2), nullable=True))
        batch_op.add_column(sa.Column("repayment_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_claim_payer_splits_repayment_id_loan_events"),
            "loan_events",
            ["repayment_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.add_column("investees", sa.Column("orientation", sa.String(length=32), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN: copying the table (batch mode) would delete the rows that refer to investees on SQLite.
    op.drop_column("investees", "orientation")

    with op.batch_alter_table("claim_payer_splits", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_claim_payer_splits_repayment_id_loan_events"), type_="foreignkey")
        batch_op.drop_column("repayment_id")
        batch_op.drop_column("assigned_amount")

    with op.batch_alter_table("assignment_payers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_payers_payer_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_payers_assignment_id"))

    op.drop_table("assignment_payers")
    with op.batch_alter_table("payment_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_assignments_loan_id"))
        batch_op.drop_index(batch_op.f("ix_payment_assignments_investee_id"))
        batch_op.drop_index(batch_op.f("ix_payment_assignments_contract_id"))

    op.drop_table("payment_assignments")
    with op.batch_alter_table("support_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_entries_investee_id"))

    op.drop_table("support_entries")
    with op.batch_alter_table("growth_levels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_growth_levels_investee_id"))

    op.drop_table("growth_levels")
