"""Deleting a row makes the database look up the rows that refer to it (to refuse, cascade or set NULL). Without
an index on the referring columns each look reads the whole referring table: deleting a draft claim's 100,000
lines read claim_lines 100,000 times. Every foreign key into a table fundapp deletes rows from has an index that
leads with its columns."""

from __future__ import annotations

import fundapp.models  # noqa: F401
from fundapp.db import Base

# The tables fundapp's code deletes rows from (grep "delete(" in fundapp/): a draft claim priced again or
# discarded, a loan's schedule rebuilt, sessions, throttles, idempotency keys and preferences expired or reset.
DELETED = {
    "claims",
    "claim_lines",
    "loan_installments",
    "loan_allocations",
    "loan_participations",
    "user_sessions",
    "login_failures",
    "idempotency_keys",
    "notification_preferences",
    "ledger_accounts",
    "labels",
}


# Tables whose rows would go with a deleted row's (ON DELETE CASCADE) but never do: a claim's payer splits are
# made when it is approved, and only a draft claim is ever deleted.
NEVER_DELETED = {"claim_payer_splits"}


def _tables_deleted_from() -> set[str]:
    """DELETED and every table whose rows go with theirs (ON DELETE CASCADE), however deep."""
    deleted = set(DELETED)
    while True:
        more = (
            {
                table.name
                for table in Base.metadata.sorted_tables
                for key in table.foreign_key_constraints
                if key.ondelete == "CASCADE" and key.referred_table.name in deleted
            }
            - deleted
            - NEVER_DELETED
        )
        if not more:
            return deleted
        deleted |= more


def _leading_columns(table) -> set[tuple[str, ...]]:
    """Every run of columns an index (or the primary key, or a unique constraint) of the table leads with."""
    keyed = [tuple(column.name for column in index.columns) for index in table.indexes]
    keyed += [
        tuple(column.name for column in constraint.columns)
        for constraint in table.constraints
        if constraint.__class__.__name__ in ("PrimaryKeyConstraint", "UniqueConstraint")
    ]
    return {columns[:length] for columns in keyed for length in range(1, len(columns) + 1)}


def test_the_listed_tables_are_tables():
    assert set(Base.metadata.tables) >= DELETED | NEVER_DELETED


def test_every_foreign_key_into_a_table_rows_are_deleted_from_has_an_index():
    deleted = _tables_deleted_from()
    unindexed = [
        f"{table.name}.{','.join(column.name for column in key.columns)} -> {key.referred_table.name}"
        for table in Base.metadata.sorted_tables
        for key in table.foreign_key_constraints
        if key.referred_table.name in deleted
        and tuple(column.name for column in key.columns) not in _leading_columns(table)
    ]
    assert unindexed == []
