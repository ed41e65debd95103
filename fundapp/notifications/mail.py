"""E-mail out: over SMTP when FUNDAPP_SMTP_URL is set, else as .eml files in the outbox folder.

The outbox keeps the demo working offline: every mail fundapp would send is a file a person can open.
SMTP URL forms: ``smtp://host:25`` (STARTTLS when the server offers it), ``smtp://user:pass@host:587``,
``smtps://user:pass@host:465`` (TLS from the first byte).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from fundapp.config import ROOT


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    language: str = "nl"


def build_message(mail: Mail, sender: str) -> EmailMessage:
    """A multipart/alternative message: plain text first, HTML as the richer part."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=_domain(sender))
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    message["Content-Language"] = mail.language  # after the body: setting content clears Content-* headers
    return message


def send(config: Mapping[str, Any], mail: Mail) -> None:
    """Send one mail: SMTP if configured, else write it to the outbox. Raises on a refused delivery."""
    message = build_message(mail, config["MAIL_FROM"])
    url = config.get("SMTP_URL") or ""
    if url:
        _send_smtp(url, message)
    else:
        _write_outbox(outbox_dir(config), message)


def outbox_dir(config: Mapping[str, Any]) -> Path:
    return Path(config.get("OUTBOX_DIR") or ROOT / "instance" / "outbox")


def _send_smtp(url: str, message: EmailMessage) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ValueError(f"FUNDAPP_SMTP_URL must look like smtp://host:port, not {parts.scheme}://…")
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if parts.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, timeout=30, context=context)
    else:
        smtp = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=30)
    with smtp:
        if parts.scheme == "smtp":
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)


def _write_outbox(folder: Path, message: EmailMessage) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    ident = message["Message-ID"].strip("<>").split("@")[0]
    target = folder / f"{stamp}-{ident}.eml"
    partial = target.with_suffix(".part")
    partial.write_bytes(bytes(message))
    partial.replace(target)  # a reader never sees half a mail


def _domain(sender: str) -> str:
    address = sender.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "localhost"
