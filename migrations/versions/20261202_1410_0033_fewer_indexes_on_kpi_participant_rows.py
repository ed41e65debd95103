"""fewer indexes on a KPI report's participant rows and events, each of which every stored row paid for

kpi_participants loses its index on submission_id alone: the unique (submission_id, reference) index starts with
that column and serves every look-up by submission (and the cascade from kpi_submissions).
kpi_participant_events loses its (submission_id, code) index: approving a report reads all its events of the
contracts' codes once, through the (submission_id, reference) index that pages of participants use.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-02 14:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kpi_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_kpi_participants_submission_id")
    with op.batch_alter_table("kpi_participant_events", schema=None) as batch_op:
        batch_op.drop_index("ix_kpi_participant_events_submission_code")


def downgrade() -> None:
    with op.batch_alter_table("kpi_participant_events", schema=None) as batch_op:
        batch_op.create_index("ix_kpi_participant_events_submission_code", ["submission_id", "code"], unique=False)
    with op.batch_alter_table("kpi_participants", schema=None) as batch_op:
        batch_op.create_index("ix_kpi_participants_submission_id", ["submission_id"], unique=False)
