"""idempotency keys (API and forms) and a repayment booked once per bank reference

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-01 18:55:28.625243
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db

revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None

LIVE_REPAYMENT_WITH_REFERENCE = "kind = 'repayment' AND reference <> '' AND reversed_at IS NULL"


def upgrade() -> None:
    _refuse_existing_double_bookings()
    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('response_body', sa.Text(), nullable=True),
    sa.Column('location', sa.Text(), nullable=True),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_idempotency_keys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_idempotency_keys_user_id_key'))
    )
    op.create_index(
        'uq_loan_events_live_repayment',
        'loan_events',
        ['loan_id', 'on', 'amount', 'reference'],
        unique=True,
        postgresql_where=sa.text(LIVE_REPAYMENT_WITH_REFERENCE),
        sqlite_where=sa.text(LIVE_REPAYMENT_WITH_REFERENCE),
    )


def _refuse_existing_double_bookings() -> None:
    """The unique index cannot be built over double bookings: name them, so that they are reversed first."""
    rows = op.get_bind().execute(
        sa.text(
            'SELECT loan_id, "on", reference, COUNT(*) FROM loan_events'
            f' WHERE {LIVE_REPAYMENT_WITH_REFERENCE}'
            ' GROUP BY loan_id, "on", amount, reference HAVING COUNT(*) > 1 ORDER BY loan_id, "on"'
        )
    ).all()
    if rows:
        found = "; ".join(f"loan id {r[0]}: {r[3]} repayments on {r[1]} with reference {r[2]!r}" for r in rows)
        raise RuntimeError(
            "Some repayments are booked twice (same loan, date, amount and bank reference): "
            f"{found}. Reverse the extra bookings (with the running version), then upgrade again."
        )


def downgrade() -> None:
    op.drop_index('uq_loan_events_live_repayment', table_name='loan_events')
    op.drop_table('idempotency_keys')
