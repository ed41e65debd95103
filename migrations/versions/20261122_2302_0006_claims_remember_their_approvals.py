"""claims remember how many signatures they need, fixed when submitted

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 23:02:14.447836
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approvals_required', sa.Integer(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_column('approvals_required')

