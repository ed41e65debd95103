"""every instrument from an approved application: the application links to its equity participation, grant or
guarantee (a loan or convertible loan was already linked by loan_id)

Revision ID: 0031
Revises: 0027
Create Date: 2026-12-02 07:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0027"
branch_labels = None
depends_on = None

LINKS = (
    ("participation_id", "equity_participations"),
    ("grant_id", "grants"),
    ("guarantee_id", "guarantees"),
)


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        for column, table in LINKS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_applications_{column}_{table}"), table, [column], ["id"], ondelete="SET NULL"
            )
            batch_op.create_unique_constraint(batch_op.f(f"uq_applications_{column}"), [column])


def downgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        for column, table in reversed(LINKS):
            batch_op.drop_constraint(batch_op.f(f"uq_applications_{column}"), type_="unique")
            batch_op.drop_constraint(batch_op.f(f"fk_applications_{column}_{table}"), type_="foreignkey")
            batch_op.drop_column(column)
