"""a KPI report's participant row carries its outcome events and no longer its investee

kpi_participants.events (JSON, [[code, "YYYY-MM-DD"], ...] in sheet order) replaces the table
kpi_participant_events, a row per event: each stored event cost a foreign-key check and two index entries, most of
the time to store a large report on PostgreSQL. kpi_participants.investee_id goes: it repeated the investee of the
row's submission (kpi_submissions.investee_id), cost every row a foreign-key check and an index entry, and nothing
read it. The downgrade builds both again from what is kept.

Revision ID: 0035
Revises: 0033
Create Date: 2026-12-02 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0033"
branch_labels = None
depends_on = None

# Each participant's events in the order they were stored (their ids), as a JSON array of [code, day] pairs.
EVENTS_OF_ROW = {
    "postgresql": "SELECT json_agg(json_build_array(e.code, to_char(e.achieved_on, 'YYYY-MM-DD')) ORDER BY e.id)",
    # SQLite aggregates in the order it reads: by the (submission_id, reference) index, then by id.
    "sqlite": "SELECT json_group_array(json_array(e.code, e.achieved_on))",
}
# And back: a row per event, in the participants' order and the events' order within each.
EVENT_ROWS = {
    "postgresql": "SELECT p.submission_id, p.reference, e.value ->> 0, (e.value ->> 1)::date"
    " FROM kpi_participants p, json_array_elements(p.events) WITH ORDINALITY AS e(value, n) ORDER BY p.id, e.n",
    "sqlite": "SELECT p.submission_id, p.reference, json_extract(e.value, '$[0]'), json_extract(e.value, '$[1]')"
    " FROM kpi_participants p, json_each(p.events) AS e ORDER BY p.id, e.key",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("kpi_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_kpi_participants_investee_id")
        batch_op.drop_constraint("fk_kpi_participants_investee_id_investees", type_="foreignkey")
        batch_op.drop_column("investee_id")
        batch_op.add_column(sa.Column("events", sa.JSON(), nullable=True))
    none = "'[]'::json" if dialect == "postgresql" else "'[]'"
    op.execute(
        f"UPDATE kpi_participants SET events = COALESCE(({EVENTS_OF_ROW[dialect]} FROM kpi_participant_events e"
        " WHERE e.submission_id = kpi_participants.submission_id AND e.reference = kpi_participants.reference),"
        f" {none})"
    )
    with op.batch_alter_table("kpi_participants", schema=None) as batch_op:
        batch_op.alter_column("events", existing_type=sa.JSON(), nullable=False)
    op.drop_table("kpi_participant_events")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "kpi_participant_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("achieved_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["kpi_submissions.id"],
            name=op.f("fk_kpi_participant_events_submission_id_kpi_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_participant_events")),
    )
    with op.batch_alter_table("kpi_participant_events", schema=None) as batch_op:
        batch_op.create_index("ix_kpi_participant_events_submission_reference", ["submission_id", "reference"])
    op.execute(
        "INSERT INTO kpi_participant_events (submission_id, reference, code, achieved_on) " + EVENT_ROWS[dialect]
    )
    with op.batch_alter_table("kpi_participants", schema=None) as batch_op:
        batch_op.drop_column("events")
        batch_op.add_column(sa.Column("investee_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE kpi_participants SET investee_id = (SELECT investee_id FROM kpi_submissions"
        " WHERE kpi_submissions.id = kpi_participants.submission_id)"
    )
    with op.batch_alter_table("kpi_participants", schema=None) as batch_op:
        batch_op.alter_column("investee_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            "fk_kpi_participants_investee_id_investees", "investees", ["investee_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_index("ix_kpi_participants_investee_id", ["investee_id"], unique=False)
