"""loans: terms and lifecycle, events (disbursements, repayments, write-offs, ...), derived installments and allocations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 22:18:32.971949
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('loans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('investee_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('subordinated', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'approved', 'active', 'repaid', 'written_off', name='loan_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('principal', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('annual_rate', fundapp.db.ExactDecimal(precision=12, scale=6), nullable=False),
    sa.Column('disbursement_date', sa.Date(), nullable=False),
    sa.Column('first_due_date', sa.Date(), nullable=True),
    sa.Column('number_of_installments', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.Enum('monthly', 'quarterly', 'semiannual', 'annual', name='frequency', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('amortization', sa.Enum('annuity', 'linear', 'bullet', name='amortization', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('grace_periods', sa.Integer(), nullable=False),
    sa.Column('day_count', sa.Enum('30/360', 'ACT/365', 'ACT/360', name='day_count', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('installment_multiple', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('approved_at', fundapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('disbursed', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('principal_repaid', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('interest_received', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('written_off', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('recovered', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('outstanding_principal', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('written_off_on', sa.Date(), nullable=True),
    sa.Column('repaid_on', sa.Date(), nullable=True),
    sa.CheckConstraint('grace_periods >= 0', name=op.f('ck_loans_grace_not_negative')),
    sa.CheckConstraint('number_of_installments BETWEEN 1 AND 600', name=op.f('ck_loans_installments_range')),
    sa.CheckConstraint('principal > 0', name=op.f('ck_loans_principal_positive')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_loans_approved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_loans_fund_id_funds'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['investee_id'], ['investees.id'], name=op.f('fk_loans_investee_id_investees'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loans')),
    sa.UniqueConstraint('fund_id', 'reference', name=op.f('uq_loans_fund_id_reference'))
    )
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loans_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loans_investee_id'), ['investee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loans_status'), ['status'], unique=False)

    op.create_table('loan_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('disbursement', 'repayment', 'write_off', 'recovery', 'restructure', 'rate_change', name='loan_event_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('amount', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=True),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('prepayment', sa.Enum('shorten_term', 'lower_installments', name='prepayment_mode', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=True),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('reversed_at', fundapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reversed_by_id', sa.Integer(), nullable=True),
    sa.Column('reversal_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_loan_events_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_loan_events_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_loan_events_loan_id_loans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['users.id'], name=op.f('fk_loan_events_reversed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_events'))
    )
    with op.batch_alter_table('loan_events', schema=None) as batch_op:
        batch_op.create_index('ix_loan_events_fund_kind_on', ['fund_id', 'kind', 'on', 'amount', 'loan_id'], unique=False)
        batch_op.create_index('ix_loan_events_loan_id_on', ['loan_id', 'on'], unique=False)

    op.create_table('loan_installments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('principal_due', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('interest_due', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('principal_paid', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('interest_paid', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('balance', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('settled_on', sa.Date(), nullable=True),
    sa.Column('settlement', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_loan_installments_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_loan_installments_loan_id_loans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_installments')),
    sa.UniqueConstraint('loan_id', 'number', name=op.f('uq_loan_installments_loan_id_number'))
    )
    with op.batch_alter_table('loan_installments', schema=None) as batch_op:
        batch_op.create_index('ix_loan_installments_fund_settled', ['fund_id', 'settled_on', 'due_date', 'loan_id'], unique=False)
        batch_op.create_index('ix_loan_installments_loan_id_due_date', ['loan_id', 'due_date'], unique=False)

    op.create_table('loan_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('installment', 'prepayment', 'overpayment', 'recovery', name='allocation_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('installment_number', sa.Integer(), nullable=True),
    sa.Column('interest', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('principal', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('amount', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['loan_events.id'], name=op.f('fk_loan_allocations_event_id_loan_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_loan_allocations_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_loan_allocations_loan_id_loans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_allocations'))
    )
    with op.batch_alter_table('loan_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_allocations_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_loan_allocations_fund_paid_on', ['fund_id', 'paid_on', 'kind', 'principal', 'interest', 'amount', 'loan_id'], unique=False)
        batch_op.create_index('ix_loan_allocations_loan_id_paid_on', ['loan_id', 'paid_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('loan_allocations', schema=None) as batch_op:
        batch_op.drop_index('ix_loan_allocations_loan_id_paid_on')
        batch_op.drop_index('ix_loan_allocations_fund_paid_on')
        batch_op.drop_index(batch_op.f('ix_loan_allocations_event_id'))

    op.drop_table('loan_allocations')
    with op.batch_alter_table('loan_installments', schema=None) as batch_op:
        batch_op.drop_index('ix_loan_installments_loan_id_due_date')
        batch_op.drop_index('ix_loan_installments_fund_settled')

    op.drop_table('loan_installments')
    with op.batch_alter_table('loan_events', schema=None) as batch_op:
        batch_op.drop_index('ix_loan_events_loan_id_on')
        batch_op.drop_index('ix_loan_events_fund_kind_on')

    op.drop_table('loan_events')
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loans_status'))
        batch_op.drop_index(batch_op.f('ix_loans_investee_id'))
        batch_op.drop_index(batch_op.f('ix_loans_fund_id'))

    op.drop_table('loans')
