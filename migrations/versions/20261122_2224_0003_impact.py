"""impact: indicator catalog (seeded), impact plans with baselines and targets, KPI submissions and participants

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 22:24:20.842592
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=True),
    sa.Column('name_nl', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('theme_code', sa.String(length=40), nullable=False),
    sa.Column('toc_level', sa.Enum('output', 'outcome', 'impact', name='toc_level', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('value_type', sa.Enum('integer', 'decimal', 'percentage', name='value_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('aggregation', sa.Enum('sum', 'average', 'latest', name='aggregation', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('definition_nl', sa.Text(), nullable=False),
    sa.Column('definition_en', sa.Text(), nullable=False),
    sa.Column('measurement_nl', sa.Text(), nullable=False),
    sa.Column('measurement_en', sa.Text(), nullable=False),
    sa.Column('sdg_targets', sa.JSON(), nullable=False),
    sa.Column('iris_metric_id', sa.String(length=20), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_indicators_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_code'], ['themes.code'], name=op.f('fk_indicators_theme_code_themes'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators')),
    sa.UniqueConstraint('code', name=op.f('uq_indicators_code'))
    )
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicators_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicators_theme_code'), ['theme_code'], unique=False)

    op.create_table('impact_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('investee_id', sa.Integer(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('activities', sa.Text(), nullable=False),
    sa.Column('outputs', sa.Text(), nullable=False),
    sa.Column('outcomes', sa.Text(), nullable=False),
    sa.Column('impact', sa.Text(), nullable=False),
    sa.Column('frequency', sa.Enum('quarterly', 'half_yearly', 'yearly', name='reporting_frequency', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('first_period', sa.String(length=7), nullable=False),
    sa.Column('due_days', sa.Integer(), nullable=False),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['investee_id'], ['investees.id'], name=op.f('fk_impact_plans_investee_id_investees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impact_plans')),
    sa.UniqueConstraint('investee_id', name=op.f('uq_impact_plans_investee_id'))
    )
    op.create_table('kpi_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('investee_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'approved', 'returned', 'superseded', name='submission_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('template_version', sa.String(length=10), nullable=False),
    sa.Column('participant_count', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', fundapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', fundapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['investee_id'], ['investees.id'], name=op.f('fk_kpi_submissions_investee_id_investees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_kpi_submissions_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_kpi_submissions_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_submissions')),
    sa.UniqueConstraint('investee_id', 'period', 'version', name=op.f('uq_kpi_submissions_investee_id_period_version'))
    )
    with op.batch_alter_table('kpi_submissions', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_submissions_investee_period', ['investee_id', 'period'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_submissions_status'), ['status'], unique=False)

    op.create_table('kpi_participant_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('achieved_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['kpi_submissions.id'], name=op.f('fk_kpi_participant_events_submission_id_kpi_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_participant_events'))
    )
    with op.batch_alter_table('kpi_participant_events', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_participant_events_submission_code', ['submission_id', 'code'], unique=False)
        batch_op.create_index('ix_kpi_participant_events_submission_reference', ['submission_id', 'reference'], unique=False)

    op.create_table('kpi_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('investee_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('benefit_type', sa.String(length=20), nullable=True),
    sa.Column('months_on_benefit', sa.Integer(), nullable=True),
    sa.Column('hours_per_week', fundapp.db.ExactDecimal(precision=18, scale=4), nullable=True),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.CheckConstraint('months_on_benefit IS NULL OR months_on_benefit >= 0', name=op.f('ck_kpi_participants_months_not_negative')),
    sa.ForeignKeyConstraint(['investee_id'], ['investees.id'], name=op.f('fk_kpi_participants_investee_id_investees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['kpi_submissions.id'], name=op.f('fk_kpi_participants_submission_id_kpi_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_participants')),
    sa.UniqueConstraint('submission_id', 'reference', name=op.f('uq_kpi_participants_submission_id_reference'))
    )
    with op.batch_alter_table('kpi_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_participants_investee_id'), ['investee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_participants_submission_id'), ['submission_id'], unique=False)

    op.create_table('kpi_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('value', fundapp.db.ExactDecimal(precision=18, scale=4), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_kpi_values_indicator_id_indicators'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['submission_id'], ['kpi_submissions.id'], name=op.f('fk_kpi_values_submission_id_kpi_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_values')),
    sa.UniqueConstraint('submission_id', 'indicator_id', name=op.f('uq_kpi_values_submission_id_indicator_id'))
    )
    with op.batch_alter_table('kpi_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_values_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_values_submission_id'), ['submission_id'], unique=False)

    op.create_table('plan_indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('baseline', fundapp.db.ExactDecimal(precision=18, scale=4), nullable=True),
    sa.Column('baseline_note', sa.String(length=200), nullable=False),
    sa.Column('allow_negative', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_plan_indicators_indicator_id_indicators'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['plan_id'], ['impact_plans.id'], name=op.f('fk_plan_indicators_plan_id_impact_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_indicators')),
    sa.UniqueConstraint('plan_id', 'indicator_id', name=op.f('uq_plan_indicators_plan_id_indicator_id'))
    )
    with op.batch_alter_table('plan_indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_indicators_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_indicator_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('target', fundapp.db.ExactDecimal(precision=18, scale=4), nullable=False),
    sa.ForeignKeyConstraint(['plan_indicator_id'], ['plan_indicators.id'], name=op.f('fk_plan_targets_plan_indicator_id_plan_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_targets')),
    sa.UniqueConstraint('plan_indicator_id', 'period', name=op.f('uq_plan_targets_plan_indicator_id_period'))
    )
    with op.batch_alter_table('plan_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_targets_plan_indicator_id'), ['plan_indicator_id'], unique=False)


    # Reference data: the shared indicator catalog as it stood when this migration was written
    # (later catalog changes get their own data migration).
    from fundapp.impact.catalog import seed_rows

    columns = [sa.column(name, sa.JSON() if name == "sdg_targets" else None) for name in seed_rows()[0]]
    indicators = sa.table("indicators", *columns)
    op.bulk_insert(indicators, seed_rows())


def downgrade() -> None:
    with op.batch_alter_table('plan_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_targets_plan_indicator_id'))

    op.drop_table('plan_targets')
    with op.batch_alter_table('plan_indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_indicators_plan_id'))

    op.drop_table('plan_indicators')
    with op.batch_alter_table('kpi_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_values_submission_id'))
        batch_op.drop_index(batch_op.f('ix_kpi_values_indicator_id'))

    op.drop_table('kpi_values')
    with op.batch_alter_table('kpi_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_participants_submission_id'))
        batch_op.drop_index(batch_op.f('ix_kpi_participants_investee_id'))

    op.drop_table('kpi_participants')
    with op.batch_alter_table('kpi_participant_events', schema=None) as batch_op:
        batch_op.drop_index('ix_kpi_participant_events_submission_reference')
        batch_op.drop_index('ix_kpi_participant_events_submission_code')

    op.drop_table('kpi_participant_events')
    with op.batch_alter_table('kpi_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_submissions_status'))
        batch_op.drop_index('ix_kpi_submissions_investee_period')

    op.drop_table('kpi_submissions')
    op.drop_table('impact_plans')
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicators_theme_code'))
        batch_op.drop_index(batch_op.f('ix_indicators_fund_id'))

    op.drop_table('indicators')
