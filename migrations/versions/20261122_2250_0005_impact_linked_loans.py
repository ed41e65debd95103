"""impact-linked loans: a discount in percentage points earned when a named indicator meets its target

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 22:50:53.046713
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('impact_discount_points', fundapp.db.ExactDecimal(precision=12, scale=6), nullable=True))
        batch_op.add_column(sa.Column('impact_indicator_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('impact_discount_applied_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('impact_discount_period', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('impact_discount_saving', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.drop_column('impact_discount_saving')
        batch_op.drop_column('impact_discount_period')
        batch_op.drop_column('impact_discount_applied_on')
        batch_op.drop_column('impact_indicator_code')
        batch_op.drop_column('impact_discount_points')

