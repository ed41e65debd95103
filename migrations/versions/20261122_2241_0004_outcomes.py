"""result financing: rate cards, outcome contracts with payers and providers, results, claims, approvals, payments

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 22:41:14.908533
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['payer_id'], ['outcome_payers.id'], name=op.f('fk_rate_cards_payer_id_outcome_payers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_cards'))
    )
    with op.batch_alter_table('rate_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_cards_payer_id'), ['payer_id'], unique=False)

    op.create_table('outcome_contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'active', 'closed', name='contract_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('participant_cap', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=True),
    sa.Column('contract_cap', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=True),
    sa.Column('deadweight_percent', fundapp.db.ExactDecimal(precision=12, scale=6), nullable=False),
    sa.Column('rate_card_id', sa.Integer(), nullable=True),
    sa.Column('investor_name', sa.String(length=200), nullable=False),
    sa.Column('investor_capital', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=True),
    sa.Column('investor_max_return_percent', fundapp.db.ExactDecimal(precision=12, scale=6), nullable=True),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('deadweight_percent >= 0', name=op.f('ck_outcome_contracts_deadweight_not_negative')),
    sa.ForeignKeyConstraint(['rate_card_id'], ['rate_cards.id'], name=op.f('fk_outcome_contracts_rate_card_id_rate_cards'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_contracts')),
    sa.UniqueConstraint('reference', name=op.f('uq_outcome_contracts_reference'))
    )
    with op.batch_alter_table('outcome_contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_contracts_status'), ['status'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('investee_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'approved', 'partly_approved', 'rejected', 'paid', name='claim_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('total_gross', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('total_deadweight', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('total_payable', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('approved_amount', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=True),
    sa.Column('corrects_claim_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', fundapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', fundapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('payment_reference', sa.String(length=120), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['outcome_contracts.id'], name=op.f('fk_claims_contract_id_outcome_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['corrects_claim_id'], ['claims.id'], name=op.f('fk_claims_corrects_claim_id_claims'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_claims_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['investee_id'], ['investees.id'], name=op.f('fk_claims_investee_id_investees'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_investee_id'), ['investee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_status'), ['status'], unique=False)

    op.create_table('contract_payers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('share_percent', fundapp.db.ExactDecimal(precision=12, scale=6), nullable=False),
    sa.Column('commitment', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=True),
    sa.CheckConstraint('share_percent > 0', name=op.f('ck_contract_payers_share_positive')),
    sa.ForeignKeyConstraint(['contract_id'], ['outcome_contracts.id'], name=op.f('fk_contract_payers_contract_id_outcome_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['payer_id'], ['outcome_payers.id'], name=op.f('fk_contract_payers_payer_id_outcome_payers'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_payers')),
    sa.UniqueConstraint('contract_id', 'payer_id', name=op.f('uq_contract_payers_contract_id_payer_id'))
    )
    with op.batch_alter_table('contract_payers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_payers_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_payers_payer_id'), ['payer_id'], unique=False)

    op.create_table('contract_providers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('investee_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['outcome_contracts.id'], name=op.f('fk_contract_providers_contract_id_outcome_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['investee_id'], ['investees.id'], name=op.f('fk_contract_providers_investee_id_investees'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_providers')),
    sa.UniqueConstraint('contract_id', 'investee_id', name=op.f('uq_contract_providers_contract_id_investee_id'))
    )
    with op.batch_alter_table('contract_providers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_providers_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_providers_investee_id'), ['investee_id'], unique=False)

    op.create_table('outcome_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('investee_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=40), nullable=False),
    sa.Column('participant', sa.String(length=64), nullable=True),
    sa.Column('achieved_on', sa.Date(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=True),
    sa.Column('months_on_benefit', sa.Integer(), nullable=True),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('source_submission_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'verified', 'rejected', name='result_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', fundapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=False),
    sa.Column('claim_line_id', sa.Integer(), nullable=True),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('units >= 1', name=op.f('ck_outcome_results_units_positive')),
    sa.ForeignKeyConstraint(['contract_id'], ['outcome_contracts.id'], name=op.f('fk_outcome_results_contract_id_outcome_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['investee_id'], ['investees.id'], name=op.f('fk_outcome_results_investee_id_investees'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['source_submission_id'], ['kpi_submissions.id'], name=op.f('fk_outcome_results_source_submission_id_kpi_submissions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_outcome_results_verified_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_results'))
    )
    with op.batch_alter_table('outcome_results', schema=None) as batch_op:
        batch_op.create_index('ix_outcome_results_contract_status', ['contract_id', 'status', 'claim_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcome_results_investee_id'), ['investee_id'], unique=False)

    op.create_table('rate_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rate_card_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('price', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('price_bands', sa.JSON(), nullable=False),
    sa.Column('prerequisite', sa.String(length=40), nullable=True),
    sa.Column('max_units', sa.Integer(), nullable=True),
    sa.Column('max_amount', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('indicator_code', sa.String(length=40), nullable=True),
    sa.CheckConstraint('(rate_card_id IS NULL) <> (contract_id IS NULL)', name=op.f('ck_rate_items_one_owner')),
    sa.CheckConstraint('price >= 0', name=op.f('ck_rate_items_price_not_negative')),
    sa.ForeignKeyConstraint(['contract_id'], ['outcome_contracts.id'], name=op.f('fk_rate_items_contract_id_outcome_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rate_card_id'], ['rate_cards.id'], name=op.f('fk_rate_items_rate_card_id_rate_cards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_items')),
    sa.UniqueConstraint('contract_id', 'code', name=op.f('uq_rate_items_contract_id_code')),
    sa.UniqueConstraint('rate_card_id', 'code', name=op.f('uq_rate_items_rate_card_id_code'))
    )
    with op.batch_alter_table('rate_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_items_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rate_items_rate_card_id'), ['rate_card_id'], unique=False)

    op.create_table('claim_approvals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('approved_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_approvals_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['payer_id'], ['outcome_payers.id'], name=op.f('fk_claim_approvals_payer_id_outcome_payers'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_claim_approvals_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_approvals')),
    sa.UniqueConstraint('claim_id', 'user_id', name=op.f('uq_claim_approvals_claim_id_user_id'))
    )
    with op.batch_alter_table('claim_approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_approvals_claim_id'), ['claim_id'], unique=False)

    op.create_table('claim_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=True),
    sa.Column('corrects_line_id', sa.Integer(), nullable=True),
    sa.Column('item_code', sa.String(length=40), nullable=False),
    sa.Column('participant', sa.String(length=64), nullable=True),
    sa.Column('achieved_on', sa.Date(), nullable=True),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('units_paid', sa.Integer(), nullable=False),
    sa.Column('price', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('band', sa.String(length=20), nullable=True),
    sa.Column('gross', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('deadweight', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('deductions', sa.JSON(), nullable=False),
    sa.Column('capped_by', sa.String(length=40), nullable=True),
    sa.Column('payable', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('by_payer', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('open', 'approved', 'rejected', name='claim_line_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('rejection_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_lines_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['corrects_line_id'], ['claim_lines.id'], name=op.f('fk_claim_lines_corrects_line_id_claim_lines'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['result_id'], ['outcome_results.id'], name=op.f('fk_claim_lines_result_id_outcome_results'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_lines'))
    )
    with op.batch_alter_table('claim_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_lines_claim_id'), ['claim_id'], unique=False)

    op.create_table('claim_payer_splits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('amount', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('payment_reference', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_payer_splits_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['payer_id'], ['outcome_payers.id'], name=op.f('fk_claim_payer_splits_payer_id_outcome_payers'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_payer_splits')),
    sa.UniqueConstraint('claim_id', 'payer_id', name=op.f('uq_claim_payer_splits_claim_id_payer_id'))
    )
    with op.batch_alter_table('claim_payer_splits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_payer_splits_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_payer_splits_payer_id'), ['payer_id'], unique=False)


    # outcome_results and claim_lines point at each other: this key comes once both tables exist.
    with op.batch_alter_table("outcome_results", schema=None) as batch_op:
        batch_op.create_foreign_key("fk_outcome_results_claim_line_id_claim_lines", "claim_lines",
                                    ["claim_line_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("outcome_results", schema=None) as batch_op:
        batch_op.drop_constraint("fk_outcome_results_claim_line_id_claim_lines", type_="foreignkey")
    with op.batch_alter_table('claim_payer_splits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_payer_splits_payer_id'))
        batch_op.drop_index(batch_op.f('ix_claim_payer_splits_claim_id'))

    op.drop_table('claim_payer_splits')
    with op.batch_alter_table('claim_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_lines_claim_id'))

    op.drop_table('claim_lines')
    with op.batch_alter_table('claim_approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_approvals_claim_id'))

    op.drop_table('claim_approvals')
    with op.batch_alter_table('rate_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_items_rate_card_id'))
        batch_op.drop_index(batch_op.f('ix_rate_items_contract_id'))

    op.drop_table('rate_items')
    with op.batch_alter_table('outcome_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_results_investee_id'))
        batch_op.drop_index('ix_outcome_results_contract_status')

    op.drop_table('outcome_results')
    with op.batch_alter_table('contract_providers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_providers_investee_id'))
        batch_op.drop_index(batch_op.f('ix_contract_providers_contract_id'))

    op.drop_table('contract_providers')
    with op.batch_alter_table('contract_payers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_payers_payer_id'))
        batch_op.drop_index(batch_op.f('ix_contract_payers_contract_id'))

    op.drop_table('contract_payers')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claims_status'))
        batch_op.drop_index(batch_op.f('ix_claims_investee_id'))
        batch_op.drop_index(batch_op.f('ix_claims_contract_id'))

    op.drop_table('claims')
    with op.batch_alter_table('outcome_contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_contracts_status'))

    op.drop_table('outcome_contracts')
    with op.batch_alter_table('rate_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_cards_payer_id'))

    op.drop_table('rate_cards')
