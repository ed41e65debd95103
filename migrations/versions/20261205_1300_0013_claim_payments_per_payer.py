"""a claim's payable total leaves its rejected lines out; results rejected in a claim carry the officer's reason;
a claim's payment reference lists each payer's reference

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

FIXED_REASON = 'rejected in the claim by the payer'
REJECTED_PAYABLE = (
    "COALESCE((SELECT SUM(l.payable) FROM claim_lines l WHERE l.claim_id = claims.id AND l.status = 'rejected'), 0)"
)
LINE_REASON = (
    "(SELECT l.rejection_reason FROM claim_lines l WHERE l.result_id = outcome_results.id AND l.status = 'rejected'"
    " ORDER BY l.id DESC LIMIT 1)"
)


def upgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.alter_column(
            'payment_reference', existing_type=sa.String(length=120), type_=sa.Text(), existing_nullable=False
        )
    # Scaled integers on SQLite, NUMERIC on PostgreSQL: either way the sum and the difference are exact.
    op.execute(f"UPDATE claims SET total_payable = total_payable - {REJECTED_PAYABLE}")
    op.execute(
        f"UPDATE outcome_results SET rejection_reason = {LINE_REASON} "
        f"WHERE status = 'rejected' AND rejection_reason = '{FIXED_REASON}' AND {LINE_REASON} IS NOT NULL"
    )


def downgrade() -> None:
    op.execute(
        f"UPDATE outcome_results SET rejection_reason = '{FIXED_REASON}' "
        f"WHERE status = 'rejected' AND rejection_reason = {LINE_REASON}"
    )
    op.execute(f"UPDATE claims SET total_payable = total_payable + {REJECTED_PAYABLE}")
    op.execute("UPDATE claims SET payment_reference = SUBSTR(payment_reference, 1, 120)")
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.alter_column(
            'payment_reference', existing_type=sa.Text(), type_=sa.String(length=120), existing_nullable=False
        )
