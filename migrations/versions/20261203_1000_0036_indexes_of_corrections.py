"""the lines and claims that correct another are indexed

claim_lines.corrects_line_id and claims.corrects_claim_id refer to their own table (ON DELETE RESTRICT), so
deleting a row looks for the rows that correct it. Without an index each such look read the whole table: a
draft claim of 100,000 lines priced again or discarded read the table 100,000 times (hours, where it now takes
a fraction of a second). Partial indexes (only the rows that correct another): a lookup of ``column = ?``
implies NOT NULL, so both databases use them for the check, and the many lines that correct nothing cost no
index entry when a claim is stored.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

INDEXES = (
    ("claim_lines", "ix_claim_lines_corrects_line_id", "corrects_line_id"),
    ("claims", "ix_claims_corrects_claim_id", "corrects_claim_id"),
)


def upgrade() -> None:
    for table, name, column in INDEXES:
        only_corrections = sa.text(f"{column} IS NOT NULL")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                name, [column], unique=False, postgresql_where=only_corrections, sqlite_where=only_corrections
            )


def downgrade() -> None:
    for table, name, _column in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
