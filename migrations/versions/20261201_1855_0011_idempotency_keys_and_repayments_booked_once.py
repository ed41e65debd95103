"""a repayment booked once per bank reference

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-01 18:55:28.625243
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db

revision = '0011'
down_revision = '0007'
branch_labels = None
depends_on = None

LIVE_REPAYMENT_WITH_REFERENCE = "kind = 'repayment' AND reference <> '' AND reversed_at IS NULL"


def upgrade() -> None:
    _refuse_existing_double_bookings()
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
