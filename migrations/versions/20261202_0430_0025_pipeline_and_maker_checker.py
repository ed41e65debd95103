"""pipeline: applications, their notes and the investment committee's decision; maker-checker on disbursements

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db


revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("investee_id", sa.Integer(), nullable=False),
        sa.Column(
            "instrument",
            sa.Enum(
                "loan",
                "convertible_loan",
                "equity",
                "grant",
                "guarantee",
                name="application_instrument",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("amount", fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("impact_case", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "intake",
                "due_diligence",
                "investment_committee",
                "approved",
                "declined",
                name="application_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", fundapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("loan_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_applications_amount_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_applications_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["funds.id"], name=op.f("fk_applications_fund_id_funds"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["investee_id"], ["investees.id"], name=op.f("fk_applications_investee_id_investees"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_applications_loan_id_loans"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("loan_id", name=op.f("uq_applications_loan_id")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applications_fund_id"), ["fund_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_investee_id"), ["investee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_status"), ["status"], unique=False)

    op.create_table(
        "application_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("written_at", fundapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_notes_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_application_notes_author_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_notes")),
    )
    with op.batch_alter_table("application_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_application_notes_application_id"), ["application_id"], unique=False)

    op.create_table(
        "committee_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("recorded_at", fundapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("outcome IN ('approved', 'declined')", name=op.f("ck_committee_decisions_outcome_final")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_committee_decisions_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_committee_decisions_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_decisions")),
        sa.UniqueConstraint("application_id", name=op.f("uq_committee_decisions_application_id")),
    )
    op.create_table(
        "committee_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=200), nullable=False),
        sa.Column(
            "vote",
            sa.Enum(
                "for", "against", "abstain", name="committee_vote", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["committee_decisions.id"],
            name=op.f("fk_committee_votes_decision_id_committee_decisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_votes")),
        sa.UniqueConstraint("decision_id", "member", name=op.f("uq_committee_votes_decision_id_member")),
    )
    with op.batch_alter_table("committee_votes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_committee_votes_decision_id"), ["decision_id"], unique=False)

    # In place, never through a batch: SQLite would rebuild funds and loans, and dropping a table that rows refer
    # to deletes (cascades into) those rows. ALTER TABLE ... DROP COLUMN needs SQLite 3.35 or later.
    op.add_column(
        "funds", sa.Column("disbursement_threshold", fundapp.db.ExactDecimal(precision=18, scale=2), nullable=True)
    )
    op.add_column("loans", sa.Column("created_by_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("loans", "created_by_id")
    op.drop_column("funds", "disbursement_threshold")

    with op.batch_alter_table("committee_votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_committee_votes_decision_id"))

    op.drop_table("committee_votes")
    op.drop_table("committee_decisions")
    with op.batch_alter_table("application_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_notes_application_id"))

    op.drop_table("application_notes")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_status"))
        batch_op.drop_index(batch_op.f("ix_applications_investee_id"))
        batch_op.drop_index(batch_op.f("ix_applications_fund_id"))

    op.drop_table("applications")
