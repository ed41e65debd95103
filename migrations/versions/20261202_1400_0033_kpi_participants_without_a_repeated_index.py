"""kpi_participants without the index on submission_id alone: the unique (submission_id, reference) index starts
with that column and serves every look-up by submission (and the cascade from kpi_submissions); the repeated
index only cost every stored participant row one more index entry

Revision ID: 0033
Revises: 0030
Create Date: 2026-12-02 14:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0033"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kpi_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_kpi_participants_submission_id")


def downgrade() -> None:
    with op.batch_alter_table("kpi_participants", schema=None) as batch_op:
        batch_op.create_index("ix_kpi_participants_submission_id", ["submission_id"], unique=False)
