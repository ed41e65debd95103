"""PostgreSQL: a claim's lines are checked against their claim, result and corrected line once per statement

A claim of 100,000 lines is stored with one COPY. PostgreSQL checks a foreign key with a trigger per row: one
lookup and one row lock per line and key, about 0.9 s of such a claim's 2 s on a 2-core machine, whatever else
was done. The same three references (claim_lines.claim_id, .result_id and .corrects_line_id) are now checked
by triggers per statement that do what the foreign keys did, set-wise:
- lines inserted: every claim, result and corrected line they name exists, and is locked FOR KEY SHARE as a
  foreign key locks it (nobody deletes it, or changes its id, before this transaction ends); otherwise the
  statement fails with SQLSTATE 23503 (foreign_key_violation) and the constraint's former name;
- a line's reference changed to another row: the same, for that row;
- claims deleted: their lines go with them (ON DELETE CASCADE);
- results deleted: the lines that claimed them keep their place with no result (ON DELETE SET NULL);
- lines deleted while other lines still correct them: refused (ON DELETE RESTRICT);
- a referenced id changed, or a referenced table truncated while lines still name its rows: refused.
The models keep the foreign keys (SQLite enforces them as they are, at no such cost; fundapp.db names the three
that PostgreSQL checks this way), and tests prove the behaviour on both databases.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-03 11:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None

# (constraint, column, referenced table, ON DELETE)
REFERENCES = (
    ("fk_claim_lines_claim_id_claims", "claim_id", "claims", "CASCADE"),
    ("fk_claim_lines_result_id_outcome_results", "result_id", "outcome_results", "SET NULL"),
    ("fk_claim_lines_corrects_line_id_claim_lines", "corrects_line_id", "claim_lines", "RESTRICT"),
)

MISSING = """
    RAISE foreign_key_violation USING
        MESSAGE = format('insert or update on table "claim_lines" violates foreign key constraint "%s"', {name}),
        DETAIL = format('Key ({column})=(%s) is not present in table "{table}".', {key}),
        TABLE = 'claim_lines', CONSTRAINT = {name};
"""

STILL_REFERENCED = """
    RAISE foreign_key_violation USING
        MESSAGE = format('update or delete on table "{table}" violates foreign key constraint "%s" on table'
                         ' "claim_lines"', {name}),
        DETAIL = format('Key (id)=(%s) is still referenced from table "claim_lines".', {key}),
        TABLE = '{table}', CONSTRAINT = {name};
"""


def _missing(name: str, column: str, table: str, key: str) -> str:
    return MISSING.format(name=f"'{name}'", column=column, table=table, key=key)


def _still_referenced(name: str, table: str, key: str) -> str:
    return STILL_REFERENCED.format(name=f"'{name}'", table=table, key=key)


def _lock_or_fail(name: str, column: str, table: str, ids: str) -> str:
    """Lock the rows of ``table`` whose ids are in the array ``ids`` as a foreign key does (FOR KEY SHARE); fail
    naming one that is missing. A row deleted by a transaction that committed meanwhile is not locked (READ
    COMMITTED) or fails the lock (REPEATABLE READ and above), as with a foreign key."""
    return f"""
    IF {ids} IS NOT NULL THEN
        SELECT count(*) INTO locked FROM (SELECT FROM {table} t WHERE t.id = ANY({ids}) FOR KEY SHARE OF t) x;
        IF locked < (SELECT count(DISTINCT u) FROM unnest({ids}) u) THEN
            SELECT u INTO missing FROM unnest({ids}) u WHERE NOT EXISTS (SELECT FROM {table} t WHERE t.id = u)
                LIMIT 1;
            {_missing(name, column, table, "missing")}
        END IF;
    END IF;"""


# The array of ids each reference's rows are gathered in, in the functions below.
ARRAYS = ("claim_ids", "result_ids", "line_ids")


def _lock_all_or_fail() -> str:
    return "".join(
        _lock_or_fail(name, column, table, ids) for (name, column, table, _on_delete), ids in zip(REFERENCES, ARRAYS)
    )


FUNCTIONS = f"""
CREATE FUNCTION claim_lines_check_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    claim_ids integer[];
    result_ids integer[];
    line_ids integer[];
    locked bigint;
    missing integer;
BEGIN
    SELECT array_agg(DISTINCT claim_id),
           array_agg(result_id) FILTER (WHERE result_id IS NOT NULL),
           array_agg(corrects_line_id) FILTER (WHERE corrects_line_id IS NOT NULL)
      INTO claim_ids, result_ids, line_ids
      FROM inserted_lines;
    {_lock_all_or_fail()}
    RETURN NULL;
END $$;

CREATE FUNCTION claim_lines_check_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    locked bigint;
    missing integer;
    claim_ids integer[] := CASE WHEN NEW.claim_id IS DISTINCT FROM OLD.claim_id THEN ARRAY[NEW.claim_id] END;
    result_ids integer[] := CASE WHEN NEW.result_id IS DISTINCT FROM OLD.result_id
                                  AND NEW.result_id IS NOT NULL THEN ARRAY[NEW.result_id] END;
    line_ids integer[] := CASE WHEN NEW.corrects_line_id IS DISTINCT FROM OLD.corrects_line_id
                                AND NEW.corrects_line_id IS NOT NULL THEN ARRAY[NEW.corrects_line_id] END;
BEGIN
    {_lock_all_or_fail()}
    RETURN NULL;
END $$;

CREATE FUNCTION claim_lines_go_with_claims() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM claim_lines WHERE claim_id IN (SELECT id FROM deleted_claims);
    RETURN NULL;
END $$;

CREATE FUNCTION claim_lines_lose_deleted_results() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE claim_lines SET result_id = NULL WHERE result_id IN (SELECT id FROM deleted_results);
    RETURN NULL;
END $$;

CREATE FUNCTION claim_lines_keep_corrected() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    referenced integer;
BEGIN
    SELECT l.corrects_line_id INTO referenced FROM claim_lines l
     WHERE l.corrects_line_id IN (SELECT id FROM deleted_lines) LIMIT 1;
    IF FOUND THEN
        {_still_referenced(REFERENCES[2][0], "claim_lines", "referenced")}
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION claim_lines_keep_referenced_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'claims' AND EXISTS (SELECT FROM claim_lines WHERE claim_id = OLD.id) THEN
        {_still_referenced(REFERENCES[0][0], "claims", "OLD.id")}
    ELSIF TG_TABLE_NAME = 'outcome_results' AND EXISTS (SELECT FROM claim_lines WHERE result_id = OLD.id) THEN
        {_still_referenced(REFERENCES[1][0], "outcome_results", "OLD.id")}
    ELSIF TG_TABLE_NAME = 'claim_lines' AND EXISTS (SELECT FROM claim_lines WHERE corrects_line_id = OLD.id) THEN
        {_still_referenced(REFERENCES[2][0], "claim_lines", "OLD.id")}
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION claim_lines_no_orphans() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    orphan integer;
BEGIN
    IF TG_TABLE_NAME = 'claims' THEN
        SELECT l.claim_id INTO orphan FROM claim_lines l LIMIT 1;
        IF FOUND THEN {_still_referenced(REFERENCES[0][0], "claims", "orphan")} END IF;
    ELSE
        SELECT l.result_id INTO orphan FROM claim_lines l WHERE l.result_id IS NOT NULL LIMIT 1;
        IF FOUND THEN {_still_referenced(REFERENCES[1][0], "outcome_results", "orphan")} END IF;
    END IF;
    RETURN NULL;
END $$;
"""

TRIGGERS = """
CREATE TRIGGER claim_lines_check_inserted AFTER INSERT ON claim_lines
    REFERENCING NEW TABLE AS inserted_lines FOR EACH STATEMENT EXECUTE FUNCTION claim_lines_check_inserted();
CREATE TRIGGER claim_lines_check_changed AFTER UPDATE ON claim_lines FOR EACH ROW
    WHEN (NEW.claim_id IS DISTINCT FROM OLD.claim_id
          OR (NEW.result_id IS DISTINCT FROM OLD.result_id AND NEW.result_id IS NOT NULL)
          OR (NEW.corrects_line_id IS DISTINCT FROM OLD.corrects_line_id AND NEW.corrects_line_id IS NOT NULL))
    EXECUTE FUNCTION claim_lines_check_changed();
CREATE TRIGGER claim_lines_go_with_claims AFTER DELETE ON claims
    REFERENCING OLD TABLE AS deleted_claims FOR EACH STATEMENT EXECUTE FUNCTION claim_lines_go_with_claims();
CREATE TRIGGER claim_lines_lose_deleted_results AFTER DELETE ON outcome_results
    REFERENCING OLD TABLE AS deleted_results FOR EACH STATEMENT EXECUTE FUNCTION claim_lines_lose_deleted_results();
CREATE TRIGGER claim_lines_keep_corrected AFTER DELETE ON claim_lines
    REFERENCING OLD TABLE AS deleted_lines FOR EACH STATEMENT EXECUTE FUNCTION claim_lines_keep_corrected();
CREATE TRIGGER claim_lines_keep_claim_id AFTER UPDATE ON claims FOR EACH ROW
    WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION claim_lines_keep_referenced_id();
CREATE TRIGGER claim_lines_keep_result_id AFTER UPDATE ON outcome_results FOR EACH ROW
    WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION claim_lines_keep_referenced_id();
CREATE TRIGGER claim_lines_keep_line_id AFTER UPDATE ON claim_lines FOR EACH ROW
    WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION claim_lines_keep_referenced_id();
CREATE TRIGGER claim_lines_no_orphan_claims AFTER TRUNCATE ON claims
    FOR EACH STATEMENT EXECUTE FUNCTION claim_lines_no_orphans();
CREATE TRIGGER claim_lines_no_orphan_results AFTER TRUNCATE ON outcome_results
    FOR EACH STATEMENT EXECUTE FUNCTION claim_lines_no_orphans();
"""

DROP = """
DROP TRIGGER claim_lines_no_orphan_results ON outcome_results;
DROP TRIGGER claim_lines_no_orphan_claims ON claims;
DROP TRIGGER claim_lines_keep_line_id ON claim_lines;
DROP TRIGGER claim_lines_keep_result_id ON outcome_results;
DROP TRIGGER claim_lines_keep_claim_id ON claims;
DROP TRIGGER claim_lines_keep_corrected ON claim_lines;
DROP TRIGGER claim_lines_lose_deleted_results ON outcome_results;
DROP TRIGGER claim_lines_go_with_claims ON claims;
DROP TRIGGER claim_lines_check_changed ON claim_lines;
DROP TRIGGER claim_lines_check_inserted ON claim_lines;
DROP FUNCTION claim_lines_no_orphans();
DROP FUNCTION claim_lines_keep_referenced_id();
DROP FUNCTION claim_lines_keep_corrected();
DROP FUNCTION claim_lines_lose_deleted_results();
DROP FUNCTION claim_lines_go_with_claims();
DROP FUNCTION claim_lines_check_changed();
DROP FUNCTION claim_lines_check_inserted();
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _column, _table, _on_delete in REFERENCES:
        op.drop_constraint(name, "claim_lines", type_="foreignkey")
    op.execute(FUNCTIONS)
    op.execute(TRIGGERS)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(DROP)
    for name, column, table, on_delete in REFERENCES:
        op.create_foreign_key(name, "claim_lines", table, [column], ["id"], ondelete=on_delete)
