"""documents attached to investees, loans, contracts, results, claims and KPI reports; evidence kinds of rate items

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('attached_to', sa.String(length=30), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('deleted_at', fundapp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('deleted_by_id', sa.Integer(), nullable=True),
        sa.Column('deleted_reason', sa.Text(), nullable=False),
        sa.CheckConstraint('size > 0', name=op.f('ck_documents_size_positive')),
        sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_documents_deleted_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_documents_uploaded_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    )
    op.create_index('ix_documents_attached', 'documents', ['attached_to', 'object_id'], unique=False)
    op.create_index(op.f('ix_documents_sha256'), 'documents', ['sha256'], unique=False)
    with op.batch_alter_table('rate_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_kind', sa.String(length=30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('rate_items', schema=None) as batch_op:
        batch_op.drop_column('evidence_kind')
    op.drop_index(op.f('ix_documents_sha256'), table_name='documents')
    op.drop_index('ix_documents_attached', table_name='documents')
    op.drop_table('documents')
