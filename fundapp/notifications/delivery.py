"""Delivering notifications by e-mail: at once for those who chose so, or in one daily digest.

Run after the commit of what told them (never inside a request): a mail is marked sent in the caller's
transaction only after the server took it, and a refused mail raises, so the job is retried. The jobs send one
mail per transaction (``limit=1``): a refusal half-way never rolls back the record of mails already sent.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fundapp.auth.models import User
from fundapp.db import utcnow
from fundapp.formats import LANGUAGES
from fundapp.i18n import gettext
from fundapp.notifications.kinds import render
from fundapp.notifications.mail import Mail, send
from fundapp.notifications.models import Delivery, Notification

logger = logging.getLogger(__name__)


def _language(user: User, config: Mapping[str, Any]) -> str:
    return user.locale if user.locale in LANGUAGES else config["DEFAULT_LOCALE"]


def _entry(notification: Notification, config: Mapping[str, Any]) -> dict[str, str]:
    subject, text = render(notification.kind, notification.params)
    return {"subject": subject, "text": text, "url": config["BASE_URL"].rstrip("/") + notification.link}


def _pending(delivery: Delivery, limit: int | None = None) -> Any:
    return (
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(Notification.delivery == delivery, Notification.mailed_at.is_(None), User.active.is_(True))
        .order_by(Notification.id)
        .limit(limit)
        # Two workers never mail the same notification (PostgreSQL; SQLite writes one at a time anyway).
        .with_for_update(of=Notification, skip_locked=True)
    )


def deliver_pending(session: Session, config: Mapping[str, Any], now: datetime, limit: int | None = None) -> int:
    """Mails every notification its recipient wants at once and that was not mailed yet (at most ``limit``);
    answers how many were dealt with (sent, or kept in the inbox because the address refuses mail)."""
    handled = 0
    for notification, user in session.execute(_pending(Delivery.EMAIL, limit)).all():
        if not _claim(session, notification, now):
            continue  # another deliverer (a worker, the reminders command) took it
        language = _language(user, config)
        with force_locale(language):
            entry = _entry(notification, config)
            mail = Mail(
                to=user.email,
                subject=entry["subject"],
                text=render_template("mail/notification.txt", entry=entry, user=user),
                html=render_template("mail/notification.html", entry=entry, user=user, language=language),
                language=language,
            )
        _sent(config, mail, [notification])
        handled += 1
    return handled


def _claim(session: Session, notification: Notification, now: datetime) -> bool:
    """Mark it mailed before sending, only if nobody did: on SQLite, where FOR UPDATE does nothing, two
    deliverers cannot both send it. A send that fails rolls the mark back with the transaction."""
    claimed = session.execute(
        update(Notification)
        .where(Notification.id == notification.id, Notification.mailed_at.is_(None))
        .values(mailed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.expire(notification, ["mailed_at"])
    return bool(getattr(claimed, "rowcount", 0) == 1)


def _sent(config: Mapping[str, Any], mail: Mail, notifications: list[Notification]) -> bool:
    """Send; an address the server refuses for good keeps its notifications in the inbox only (so one closed
    mailbox never holds up everyone's mail); any other failure raises, and the job is tried again."""
    try:
        send(config, mail)
    except smtplib.SMTPRecipientsRefused:
        return _kept_in_inbox(mail, notifications)
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code < 500:
            raise
        return _kept_in_inbox(mail, notifications)
    return True


def _kept_in_inbox(mail: Mail, notifications: list[Notification]) -> bool:
    logger.warning(
        "mail to %s refused for good; %s notification(s) kept in the inbox only", mail.to, len(notifications)
    )
    for notification in notifications:
        notification.delivery = Delivery.INBOX
        notification.mailed_at = None
    return False


def send_digests(session: Session, config: Mapping[str, Any], limit: int | None = None) -> int:
    """One mail per user (at most ``limit`` users) with everything they chose to read in the daily digest and
    have not been mailed yet."""
    by_user: dict[int, tuple[User, list[Notification]]] = {}
    for notification, user in session.execute(_pending(Delivery.DIGEST)).all():
        if user.id in by_user or limit is None or len(by_user) < limit:
            by_user.setdefault(user.id, (user, []))[1].append(notification)
    for user, notifications in by_user.values():
        language = _language(user, config)
        with force_locale(language):
            entries = [_entry(n, config) for n in notifications]
            inbox = config["BASE_URL"].rstrip("/") + "/inbox"
            subject = gettext("Your fundapp notifications: %(count)s new", count=len(entries))
            context = {"entries": entries, "user": user, "inbox": inbox, "subject": subject}
            mail = Mail(
                to=user.email,
                subject=subject,
                text=render_template("mail/digest.txt", **context),
                html=render_template("mail/digest.html", language=language, **context),
                language=language,
            )
        if _sent(config, mail, notifications):
            for notification in notifications:
                notification.mailed_at = utcnow()
        session.flush()
    return len(by_user)
