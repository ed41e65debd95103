"""flask reminders run [--date YYYY-MM-DD]: the day's reminders, then the mails they and earlier events call for."""

from __future__ import annotations

from datetime import date
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

reminders_cli = AppGroup("reminders", help="Reminders and notification mail.")


@reminders_cli.command("run")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), help="As of this day (default: today).")
def run(day: object | None) -> None:
    """Run the reminders as of a day (catch-up after downtime); running again for that day sends nothing."""
    from fundapp import clock
    from fundapp.db import session_scope, utcnow
    from fundapp.notifications.delivery import deliver_pending, send_digests
    from fundapp.notifications.reminders import run_reminders

    as_of: date = day.date() if day is not None else clock.today()  # type: ignore[attr-defined]
    with session_scope() as session:
        counts = run_reminders(session, as_of)
    for kind, count in sorted(counts.items()):
        click.echo(f"{kind}: {count}")
    click.echo(f"reminders: {sum(counts.values())}")
    # One mail per transaction: a refusal half-way keeps the record of the mails already sent.
    click.echo(f"mails sent: {_one_by_one(lambda s: deliver_pending(s, current_app.config, utcnow(), limit=1))}")
    click.echo(f"digests sent: {_one_by_one(lambda s: send_digests(s, current_app.config, limit=1))}")


def _one_by_one(send_one: Any) -> int:
    from fundapp.db import session_scope

    sent = 0
    while True:
        with session_scope() as session:
            if not send_one(session):
                return sent
        sent += 1
