"""grants and vouchers (with clawbacks and payments received), guarantees (with fees and calls that become loans)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-02 04:17:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('investee_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('grant', 'voucher', name='grant_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('amount', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=False),
    sa.Column('period_to', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('paid', 'met', 'not_met', name='grant_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('clawed_back', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('received', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_grants_amount_positive')),
    sa.CheckConstraint('period_to >= period_from', name=op.f('ck_grants_period_ordered')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_grants_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_grants_fund_id_funds'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['investee_id'], ['investees.id'], name=op.f('fk_grants_investee_id_investees'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grants')),
    sa.UniqueConstraint('fund_id', 'reference', name=op.f('uq_grants_fund_id_reference'))
    )
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grants_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_investee_id'), ['investee_id'], unique=False)

    op.create_table('guarantees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('investee_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('bank_name', sa.String(length=120), nullable=False),
    sa.Column('bank_loan_reference', sa.String(length=60), nullable=False),
    sa.Column('bank_loan_amount', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('guaranteed_amount', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('fee_rate', fundapp.db.ExactDecimal(precision=12, scale=6), nullable=False),
    sa.Column('fee_frequency', sa.Enum('monthly', 'quarterly', 'semiannual', 'annual', name='fee_frequency', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('called', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('fees_paid', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('expires_on > starts_on', name=op.f('ck_guarantees_period_ordered')),
    sa.CheckConstraint('guaranteed_amount > 0', name=op.f('ck_guarantees_guaranteed_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_guarantees_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_guarantees_fund_id_funds'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['investee_id'], ['investees.id'], name=op.f('fk_guarantees_investee_id_investees'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guarantees')),
    sa.UniqueConstraint('fund_id', 'reference', name=op.f('uq_guarantees_fund_id_reference'))
    )
    with op.batch_alter_table('guarantees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guarantees_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guarantees_investee_id'), ['investee_id'], unique=False)

    op.create_table('grant_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('clawback', 'receipt', name='grant_event_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('amount', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_grant_events_amount_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_grant_events_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_grant_events_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_events_grant_id_grants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_events'))
    )
    with op.batch_alter_table('grant_events', schema=None) as batch_op:
        batch_op.create_index('ix_grant_events_fund_on', ['fund_id', 'on'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_events_grant_id'), ['grant_id'], unique=False)

    op.create_table('guarantee_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guarantee_id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('fee_payment', 'call', name='guarantee_event_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('amount', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=True),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_guarantee_events_amount_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_guarantee_events_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_guarantee_events_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['guarantee_id'], ['guarantees.id'], name=op.f('fk_guarantee_events_guarantee_id_guarantees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_guarantee_events_loan_id_loans'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guarantee_events'))
    )
    with op.batch_alter_table('guarantee_events', schema=None) as batch_op:
        batch_op.create_index('ix_guarantee_events_fund_on', ['fund_id', 'on'], unique=False)
        batch_op.create_index(batch_op.f('ix_guarantee_events_guarantee_id'), ['guarantee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guarantee_events_loan_id'), ['loan_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('guarantee_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guarantee_events_loan_id'))
        batch_op.drop_index(batch_op.f('ix_guarantee_events_guarantee_id'))
        batch_op.drop_index('ix_guarantee_events_fund_on')

    op.drop_table('guarantee_events')
    with op.batch_alter_table('grant_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_events_grant_id'))
        batch_op.drop_index('ix_grant_events_fund_on')

    op.drop_table('grant_events')
    with op.batch_alter_table('guarantees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guarantees_investee_id'))
        batch_op.drop_index(batch_op.f('ix_guarantees_fund_id'))

    op.drop_table('guarantees')
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grants_investee_id'))
        batch_op.drop_index(batch_op.f('ix_grants_fund_id'))

    op.drop_table('grants')
