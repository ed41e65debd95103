"""flask commands: database migrations, users, demo data, audit."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from fundapp import audit

db_cli = AppGroup("db", help="Database migrations (Alembic).")
users_cli = AppGroup("users", help="Users and their roles.")
demo_cli = AppGroup("demo", help="Demo data.")
audit_cli = AppGroup("audit", help="The audit trail.")
backup_cli = AppGroup("backup", help="Backup and restore of the whole database (SQLite and PostgreSQL alike).")


@backup_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def backup_create(file: str) -> None:
    """Write the whole database to FILE (gzipped JSON lines)."""
    from fundapp import backup
    from fundapp.db import get_db
    from fundapp.documents.storage import files

    engine = get_db().engine
    with open(file, "wb") as out, engine.connect() as connection, connection.begin():
        counts = backup.create(connection, out, files())
    stored = counts.pop(backup.FILES, 0)
    click.echo(f"Backed up {sum(counts.values())} rows of {len(counts)} tables and {stored} files to {file}.")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def backup_restore(file: str) -> None:
    """Load FILE into this (empty, migrated) database, in one transaction."""
    from fundapp import backup
    from fundapp.db import get_db
    from fundapp.documents.storage import files

    engine = get_db().engine
    try:
        with open(file, "rb") as source, engine.connect() as connection, connection.begin():
            counts = backup.restore(connection, source, files())
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    stored = counts.pop(backup.FILES, 0)
    click.echo(f"Restored {sum(counts.values())} rows of {len(counts)} tables and {stored} files from {file}.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    from fundapp import migrate

    _ensure_sqlite_dir(current_app.config["DATABASE_URL"])
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo("Database is up to date.")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (e.g. base)."""
    from fundapp import migrate

    migrate.downgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database downgraded to {revision}.")


def _ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite:///") and ":memory:" not in url:
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


ROLE_TARGETS = {
    "fund_manager": "fund",
    "payer_officer": "payer",
    "investee_member": "investee",
    "validator": "contract",
}


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "fund_manager", "payer_officer", "investee_member", "validator"]),
)
@click.option("--fund", "fund_id", type=int, help="Fund id (for a fund manager).")
@click.option("--payer", "payer_id", type=int, help="Outcome payer id (for a payer officer).")
@click.option("--investee", "investee_id", type=int, help="Investee id (for an investee member).")
@click.option("--contract", "contract_id", type=int, help="Outcome contract id (for an independent validator).")
@click.option("--name", default="", help="Display name.")
@click.option(
    "--password",
    help="Password; prompted for (hidden, twice) when not given. For the first administrator, demos and tests: "
    "real users are invited (users invite) and choose their own.",
)
def users_create(
    email: str,
    role: str,
    fund_id: int | None,
    payer_id: int | None,
    investee_id: int | None,
    contract_id: int | None,
    name: str,
    password: str | None,
) -> None:
    """Create a user with one role and a password (bootstrap: the first administrator; invite everyone else)."""
    from fundapp.auth.models import Role
    from fundapp.auth.services import create_user
    from fundapp.db import session_scope
    from fundapp.errors import AppError

    targets = {"fund": fund_id, "payer": payer_id, "investee": investee_id, "contract": contract_id}
    wanted = ROLE_TARGETS.get(role)
    extra = [f"--{k}" for k, v in targets.items() if v is not None and k != wanted]
    if extra:
        raise click.UsageError(f"{', '.join(extra)} does not go with --role {role}.")
    if wanted and targets[wanted] is None:
        raise click.UsageError(f"--role {role} needs --{wanted} ID.")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with session_scope() as session:
            user = create_user(
                session,
                audit.Actor.system("cli"),
                email,
                password,
                Role(role),
                targets[wanted] if wanted else None,
                name=name,
                min_length=current_app.config["PASSWORD_MIN_LENGTH"],
            )
            user_id = user.id
    except AppError as exc:
        details = "; ".join(f"{d.get('field')}: {d.get('message')}" for d in exc.details if isinstance(d, dict))
        raise click.ClickException(f"{exc.message} {details}".strip()) from exc
    click.echo(f"Created user {email} (id {user_id}) as {role}.")


@users_cli.command("invite")
@click.argument("email")
@click.option("--investee", "investee_id", type=int, help="Investee id: invite a member of it.")
@click.option("--payer", "payer_id", type=int, help="Outcome payer id: invite an officer of it.")
@click.option("--fund", "fund_id", type=int, help="Fund id: invite a manager of it.")
@click.option("--contract", "contract_id", type=int, help="Outcome contract id: invite its independent validator.")
@click.option(
    "--role",
    type=click.Choice(["admin", "fund_manager", "payer_officer", "investee_member", "validator"]),
    help="Only needed for an administrator (no --investee/--payer/--fund/--contract); else it follows from the id.",
)
@click.option("--name", default="", help="Display name.")
@click.option("--language", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
def users_invite(
    email: str,
    investee_id: int | None,
    payer_id: int | None,
    fund_id: int | None,
    contract_id: int | None,
    role: str | None,
    name: str,
    language: str,
) -> None:
    """Mail EMAIL an invitation link with which they set their own password."""
    from fundapp.auth import invitations
    from fundapp.auth.models import Role
    from fundapp.db import session_scope
    from fundapp.errors import AppError

    targets = {"fund": fund_id, "payer": payer_id, "investee": investee_id, "contract": contract_id}
    given = [k for k, v in targets.items() if v is not None]
    if len(given) > 1:
        raise click.UsageError("Give one of --investee, --payer, --fund or --contract.")
    implied = {target: r for r, target in ROLE_TARGETS.items()}
    wanted = implied[given[0]] if given else "admin" if role == "admin" else None
    if wanted is None:
        raise click.UsageError("Give --investee ID, --payer ID, --fund ID or --contract ID (or --role admin).")
    if role is not None and role != wanted:
        raise click.UsageError(f"--role {role} does not go with --{given[0] if given else 'role'}.")
    try:
        with session_scope() as session:
            invitations.invite(
                session,
                audit.Actor.system("cli"),
                Role(wanted),
                targets[given[0]] if given else None,
                email,
                name,
                language,
            )
    except AppError as exc:
        details = "; ".join(f"{d.get('field')}: {d.get('message')}" for d in exc.details if isinstance(d, dict))
        raise click.ClickException(f"{exc.message} {details}".strip()) from exc
    click.echo(f"Invitation mailed to {email} ({wanted}).")


@users_cli.command("list")
def users_list() -> None:
    """List users and their roles."""
    from sqlalchemy import select

    from fundapp.auth.models import User
    from fundapp.db import session_scope

    with session_scope() as session:
        for user in session.scalars(select(User).order_by(User.email)):
            roles = ", ".join(
                m.role.value + (f":{m.fund_id or m.payer_id or m.investee_id}" if m.role.value != "admin" else "")
                for m in user.memberships
            )
            click.echo(f"{user.id:>4}  {user.email:<40} {roles}")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database already has data.")
def demo_load(if_empty: bool) -> None:
    """Fill an empty database with a believable demo world."""
    from fundapp.db import session_scope
    from fundapp.demo import DatabaseNotEmpty, load_demo

    try:
        with session_scope() as session:
            summary = load_demo(session)
    except DatabaseNotEmpty as exc:
        if if_empty:
            click.echo("The database already has data; demo data not loaded.")
            return
        raise click.ClickException(str(exc)) from exc
    click.echo(summary)


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check the hash chain of the audit trail; name the first broken entry."""
    from fundapp.db import session_scope

    with session_scope() as session:
        report = audit.verify_chain(session)
    if report.ok:
        click.echo(f"Audit trail intact: {report.checked} entries checked.")
        return
    raise click.ClickException(
        f"Audit trail broken at entry {report.first_broken_id}: {report.reason} ({report.checked} entries before it are intact)."
    )


def init_app(app: Flask) -> None:
    from fundapp.jobs.cli import jobs_cli
    from fundapp.notifications.cli import reminders_cli
    from fundapp.portfolio_import.cli import import_cli

    for group in (db_cli, users_cli, demo_cli, audit_cli, backup_cli, import_cli, jobs_cli, reminders_cli):
        app.cli.add_command(group)
