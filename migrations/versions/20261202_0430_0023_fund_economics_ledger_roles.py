"""the journal's chart grows the roles of the fund's own events and its instruments beside the loan

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

OLD_ROLES = (
    'bank', 'loans_receivable', 'interest_income', 'write_off_expense', 'recoveries', 'provision_expense',
    'loan_loss_provision',
)
NEW_ROLES = (
    *OLD_ROLES, 'equity_investments', 'other_receivables', 'paid_in_capital', 'distributions', 'unrealised_result',
    'realised_result', 'dividend_income', 'grant_expense', 'guarantee_fee_income', 'fund_expenses',
)

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def _role(values):
    return sa.Enum(*values, name='ledger_role', native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    with op.batch_alter_table('ledger_accounts', schema=None) as batch_op:
        batch_op.alter_column('role', existing_type=_role(OLD_ROLES), type_=_role(NEW_ROLES), existing_nullable=False)


def downgrade() -> None:
    op.execute(f"DELETE FROM ledger_accounts WHERE role NOT IN {OLD_ROLES!r}")
    with op.batch_alter_table('ledger_accounts', schema=None) as batch_op:
        batch_op.alter_column('role', existing_type=_role(NEW_ROLES), type_=_role(OLD_ROLES), existing_nullable=False)
