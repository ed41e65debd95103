"""a loan event may be an adjustment: an accepted difference in outstanding principal at a portfolio import

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

OLD_KINDS = ('disbursement', 'repayment', 'write_off', 'recovery', 'restructure', 'rate_change')
NEW_KINDS = (*OLD_KINDS, 'adjustment')

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def _kind(values):
    return sa.Enum(*values, name='loan_event_kind', native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    with op.batch_alter_table('loan_events', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=_kind(OLD_KINDS), type_=_kind(NEW_KINDS), existing_nullable=False)


def downgrade() -> None:
    op.execute("DELETE FROM loan_events WHERE kind = 'adjustment'")
    with op.batch_alter_table('loan_events', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=_kind(NEW_KINDS), type_=_kind(OLD_KINDS), existing_nullable=False)
