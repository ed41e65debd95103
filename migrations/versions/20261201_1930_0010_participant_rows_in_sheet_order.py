"""an index to page through a report's participant rows in sheet order

Revision ID: 0010
Revises: 0011
Create Date: 2026-12-01 19:30:00
"""

from __future__ import annotations

from alembic import op

revision = '0010'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('kpi_participants', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_participants_submission_row', ['submission_id', 'row'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('kpi_participants', schema=None) as batch_op:
        batch_op.drop_index('ix_kpi_participants_submission_row')
