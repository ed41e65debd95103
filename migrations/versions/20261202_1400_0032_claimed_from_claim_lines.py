"""a result is claimed by a line that holds it: outcome_results.claim_line_id is read from claim_lines

Revision ID: 0032
Revises: 0030
Create Date: 2026-12-02 14:00:00

Marking each result of a claim cost more than storing the claim's lines, so whether a result is claimed is now
read from claim_lines (indexed by result_id). The downgrade stores the column again from those lines: a line of a
draft or submitted claim, or an approved line of a decided claim.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0030"
branch_labels = None
depends_on = None

CLAIMING_LINE = """
    SELECT max(claim_lines.id) FROM claim_lines JOIN claims ON claims.id = claim_lines.claim_id
    WHERE claim_lines.result_id = outcome_results.id AND claims.status != 'rejected'
      AND (claim_lines.status != 'rejected' OR claims.status = 'submitted')
"""


def _keeping_lines_results(change: Callable[[], None]) -> None:
    """SQLite changes outcome_results by building it anew; dropping the old table sets each claim line's
    result_id to NULL (ON DELETE SET NULL), so the lines' results are kept aside and put back."""
    if op.get_bind().dialect.name != "sqlite":
        change()
        return
    op.execute("CREATE TEMPORARY TABLE kept_line_results AS SELECT id, result_id FROM claim_lines")
    change()
    op.execute(
        "UPDATE claim_lines SET result_id = (SELECT k.result_id FROM kept_line_results k WHERE k.id = claim_lines.id)"
    )
    op.execute("DROP TABLE kept_line_results")


def upgrade() -> None:
    def change() -> None:
        with op.batch_alter_table("outcome_results", schema=None) as batch_op:
            batch_op.drop_index("ix_outcome_results_contract_status")
            batch_op.drop_constraint("fk_outcome_results_claim_line_id_claim_lines", type_="foreignkey")
            batch_op.drop_column("claim_line_id")
            batch_op.create_index("ix_outcome_results_contract_status", ["contract_id", "status"], unique=False)

    _keeping_lines_results(change)
    with op.batch_alter_table("claim_lines", schema=None) as batch_op:
        batch_op.create_index("ix_claim_lines_result_id", ["result_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("claim_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_lines_result_id")

    def add_column() -> None:
        with op.batch_alter_table("outcome_results", schema=None) as batch_op:
            batch_op.drop_index("ix_outcome_results_contract_status")
            batch_op.add_column(sa.Column("claim_line_id", sa.Integer(), nullable=True))

    def add_key() -> None:
        with op.batch_alter_table("outcome_results", schema=None) as batch_op:
            batch_op.create_foreign_key(
                "fk_outcome_results_claim_line_id_claim_lines",
                "claim_lines",
                ["claim_line_id"],
                ["id"],
                ondelete="SET NULL",
            )
            batch_op.create_index(
                "ix_outcome_results_contract_status", ["contract_id", "status", "claim_line_id"], unique=False
            )

    _keeping_lines_results(add_column)
    op.execute(f"UPDATE outcome_results SET claim_line_id = ({CLAIMING_LINE})")  # noqa: S608 - no input
    _keeping_lines_results(add_key)
