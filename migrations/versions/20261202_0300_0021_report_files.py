"""report files: the fund report as PDF or workbook, built by a background job

Revision ID: 0021
Revises: 0018
Create Date: 2026-12-02 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db

revision = '0021'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('fund_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('period', sa.String(length=20), nullable=False),
        sa.Column('locale', sa.String(length=10), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('size', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', fundapp.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('pdf', 'xlsx')", name=op.f('ck_report_files_kind')),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_report_files_state')),
        sa.CheckConstraint('progress BETWEEN 0 AND 100', name=op.f('ck_report_files_progress')),
        sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_report_files_fund_id_funds'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(
            ['requested_by_id'], ['users.id'], name=op.f('fk_report_files_requested_by_id_users'), ondelete='SET NULL'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_files')),
    )
    op.create_index(
        'ix_report_files_fund_requested_by', 'report_files', ['fund_id', 'requested_by_id'], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_report_files_fund_requested_by', table_name='report_files')
    op.drop_table('report_files')
