"""The inbox (newest first, mark read) and each user's preferences per kind of notification."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from fundapp.auth.access import access, current_actor
from fundapp.db import get_session, utcnow
from fundapp.errors import NotFound
from fundapp.i18n import gettext as _
from fundapp.listing import paginate
from fundapp.messages import N_
from fundapp.notifications import unread
from fundapp.notifications.kinds import KINDS, render
from fundapp.notifications.models import Delivery, Notification, NotificationPreference
from fundapp.web import done, list_args

bp = Blueprint("notifications", __name__)


def unread_count() -> int:
    """The header's count of unread notifications: the one read with the browser's session when the page only
    shows (fundapp/notifications/unread.py), otherwise one query; none for a visitor."""
    from flask_login import current_user

    if not current_user.is_authenticated:
        return 0
    session = get_session()
    if request.method in ("GET", "HEAD"):
        known = unread.kept(session, current_user.id)
        if known is not None:
            return known
    return session.scalar(select(unread.count_of(current_user.id))) or 0


@bp.get("/inbox")
@access("login")
def inbox() -> Any:
    args = list_args("-created")
    query = select(Notification).where(Notification.user_id == current_actor().id).order_by(Notification.id.desc())
    page = paginate(get_session(), query, args["page"], args["page_size"])
    rows = [(n, *render(n.kind, n.params)) for n in page.items]
    return render_template("notifications/inbox.html", page=page, rows=rows)


@bp.post("/inbox/<int:notification_id>/read")
@access("login")
def mark_read(notification_id: int) -> Any:
    session = get_session()
    notification = session.get(Notification, notification_id)
    # Another user's notification is as absent as one that never was.
    if notification is None or notification.user_id != current_actor().id:
        raise NotFound("There is no such notification.")
    if notification.read_at is None:
        notification.read_at = utcnow()
    return done(_("Marked as read."), url_for("notifications.inbox"))


@bp.post("/inbox/read-all")
@access("login")
def mark_all_read() -> Any:
    get_session().execute(
        update(Notification)
        .where(Notification.user_id == current_actor().id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return done(_("All notifications are marked as read."), url_for("notifications.inbox"))


def _modes(session: Session, user_id: int) -> dict[str, Delivery]:
    rows = session.execute(
        select(NotificationPreference.kind, NotificationPreference.mode).where(
            NotificationPreference.user_id == user_id
        )
    ).all()
    chosen = dict(rows)
    return {kind: chosen.get(kind, Delivery.EMAIL) for kind in KINDS}


@bp.get("/account/notifications")
@access("login")
def preferences() -> Any:
    modes = _modes(get_session(), current_actor().id)
    values = {kind: mode.value for kind, mode in modes.items()}
    return render_template("notifications/preferences.html", kinds=KINDS, values=values, errors={})


@bp.post("/account/notifications")
@access("login")
def save_preferences() -> Any:
    session = get_session()
    user_id = current_actor().id
    chosen: dict[str, Delivery] = {}
    errors: dict[str, list[str]] = {}
    for kind in KINDS:
        try:
            chosen[kind] = Delivery(request.form.get(kind) or "")
        except ValueError:
            errors[kind] = [N_("Choose e-mail at once, daily digest or inbox only.")]
    if errors:
        page = render_template("notifications/preferences.html", kinds=KINDS, values=request.form, errors=errors)
        return page, 422
    session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user_id))
    session.add_all(
        NotificationPreference(user_id=user_id, kind=kind, mode=mode)
        for kind, mode in chosen.items()
        if mode != Delivery.EMAIL
    )
    return done(_("Your notification preferences are saved."), url_for("notifications.preferences"))
