"""kpi_participants loses investee_id: it repeated the investee of the row's submission (kpi_submissions.investee_id)

Every stored participant row paid for its foreign-key check (50,000 on a large report, on PostgreSQL a fifth of the
time to store them) and an index entry, and nothing read it: the investee is its submission's. The downgrade fills
it in again from the submission.

Revision ID: 0035
Revises: 0033
Create Date: 2026-12-02 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kpi_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_kpi_participants_investee_id")
        batch_op.drop_constraint("fk_kpi_participants_investee_id_investees", type_="foreignkey")
        batch_op.drop_column("investee_id")


def downgrade() -> None:
    with op.batch_alter_table("kpi_participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("investee_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE kpi_participants SET investee_id = (SELECT investee_id FROM kpi_submissions"
        " WHERE kpi_submissions.id = kpi_participants.submission_id)"
    )
    with op.batch_alter_table("kpi_participants", schema=None) as batch_op:
        batch_op.alter_column("investee_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            "fk_kpi_participants_investee_id_investees", "investees", ["investee_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_index("ix_kpi_participants_investee_id", ["investee_id"], unique=False)
