"""an index to page through a claim's lines in order of position (it also serves every look-up by claim)

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claim_lines', schema=None) as batch_op:
        batch_op.create_index('ix_claim_lines_claim_position', ['claim_id', 'position'], unique=False)
        batch_op.drop_index('ix_claim_lines_claim_id')


def downgrade() -> None:
    with op.batch_alter_table('claim_lines', schema=None) as batch_op:
        batch_op.create_index('ix_claim_lines_claim_id', ['claim_id'], unique=False)
        batch_op.drop_index('ix_claim_lines_claim_position')
