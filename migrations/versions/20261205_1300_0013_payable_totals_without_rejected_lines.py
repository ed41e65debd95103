"""a claim's payable total leaves its rejected lines out; results rejected in a claim carry their line's reason

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 13:00:00
"""

from __future__ import annotations

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
