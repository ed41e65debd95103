"""contract consent (payers and providers accept before anything is shared) and contract validators

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 19:00:33.544747
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db

OLD_ROLES = ('admin', 'fund_manager', 'payer_officer', 'investee_member')
NEW_ROLES = (*OLD_ROLES, 'validator')
OLD_TARGETS = (
    "(role = 'admin' AND fund_id IS NULL AND payer_id IS NULL AND investee_id IS NULL)"
    " OR (role = 'fund_manager' AND fund_id IS NOT NULL AND payer_id IS NULL AND investee_id IS NULL)"
    " OR (role = 'payer_officer' AND payer_id IS NOT NULL AND fund_id IS NULL AND investee_id IS NULL)"
    " OR (role = 'investee_member' AND investee_id IS NOT NULL AND fund_id IS NULL AND payer_id IS NULL)"
)
NEW_TARGETS = (
    "(role = 'admin' AND fund_id IS NULL AND payer_id IS NULL AND investee_id IS NULL AND contract_id IS NULL)"
    " OR (role = 'fund_manager' AND fund_id IS NOT NULL AND payer_id IS NULL AND investee_id IS NULL"
    " AND contract_id IS NULL)"
    " OR (role = 'payer_officer' AND payer_id IS NOT NULL AND fund_id IS NULL AND investee_id IS NULL"
    " AND contract_id IS NULL)"
    " OR (role = 'investee_member' AND investee_id IS NOT NULL AND fund_id IS NULL AND payer_id IS NULL"
    " AND contract_id IS NULL)"
    " OR (role = 'validator' AND contract_id IS NOT NULL AND fund_id IS NULL AND payer_id IS NULL"
    " AND investee_id IS NULL)"
)


def _role(values):
    return sa.Enum(*values, name='role', native_enum=False, create_constraint=True, length=32)


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contract_payers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted_at', fundapp.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('accepted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('close_agreed_at', fundapp.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('close_agreed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_contract_payers_accepted_by_id_users'), 'users', ['accepted_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_contract_payers_close_agreed_by_id_users'), 'users', ['close_agreed_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('contract_providers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted_at', fundapp.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('accepted_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_contract_providers_accepted_by_id_users'), 'users', ['accepted_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contract_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_memberships_user_id_role_fund_id_payer_id_investee_id'), type_='unique')
        batch_op.create_index(batch_op.f('ix_memberships_contract_id'), ['contract_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_memberships_user_id_role_fund_id_payer_id_investee_id_contract_id'), ['user_id', 'role', 'fund_id', 'payer_id', 'investee_id', 'contract_id'])
        batch_op.create_foreign_key(batch_op.f('fk_memberships_contract_id_outcome_contracts'), 'outcome_contracts', ['contract_id'], ['id'], ondelete='CASCADE')
        batch_op.alter_column('role', existing_type=_role(OLD_ROLES), type_=_role(NEW_ROLES), existing_nullable=False)
        batch_op.drop_constraint(batch_op.f('ck_memberships_target_matches_role'), type_='check')
        batch_op.create_check_constraint('target_matches_role', NEW_TARGETS)

    # Contracts that were already running were agreed by all their parties under the old rules;
    # drafts start again: each named payer and provider accepts before anything is shared.
    for table in ('contract_payers', 'contract_providers'):
        op.execute(
            f"UPDATE {table} SET accepted_at = (SELECT created_at FROM outcome_contracts c WHERE c.id = contract_id)"
            " WHERE contract_id IN (SELECT id FROM outcome_contracts WHERE status <> 'draft')"
        )
    op.execute(
        "UPDATE contract_payers SET close_agreed_at = accepted_at"
        " WHERE contract_id IN (SELECT id FROM outcome_contracts WHERE status = 'closed')"
    )


def downgrade() -> None:
    op.execute("DELETE FROM memberships WHERE role = 'validator'")
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_memberships_target_matches_role'), type_='check')
        batch_op.create_check_constraint('target_matches_role', OLD_TARGETS)
        batch_op.alter_column('role', existing_type=_role(NEW_ROLES), type_=_role(OLD_ROLES), existing_nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_memberships_contract_id_outcome_contracts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_memberships_user_id_role_fund_id_payer_id_investee_id_contract_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_memberships_contract_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_memberships_user_id_role_fund_id_payer_id_investee_id'), ['user_id', 'role', 'fund_id', 'payer_id', 'investee_id'])
        batch_op.drop_column('contract_id')

    with op.batch_alter_table('contract_providers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contract_providers_accepted_by_id_users'), type_='foreignkey')
        batch_op.drop_column('accepted_by_id')
        batch_op.drop_column('accepted_at')

    with op.batch_alter_table('contract_payers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contract_payers_close_agreed_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_contract_payers_accepted_by_id_users'), type_='foreignkey')
        batch_op.drop_column('close_agreed_by_id')
        batch_op.drop_column('close_agreed_at')
        batch_op.drop_column('accepted_by_id')
        batch_op.drop_column('accepted_at')

