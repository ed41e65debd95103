"""links mailed to users: invitations and password resets, stored as hashes, used once

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-02 02:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db

revision = '0020'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('user_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('invitation', 'password_reset', name='token_purpose', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', fundapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_user_tokens_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_tokens_token_hash'))
    )
    with op.batch_alter_table('user_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_user_tokens_user_id_purpose', ['user_id', 'purpose'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('user_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_user_tokens_user_id_purpose')
    op.drop_table('user_tokens')
