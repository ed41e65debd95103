"""A real SMTP server for a test (aiosmtpd), and what a test reads in the mails it received."""

from __future__ import annotations

import email
import re
import socket
from collections.abc import Iterator
from email import policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__(message_class=email.message.EmailMessage)
        self.received: list[email.message.EmailMessage] = []

    def handle_message(self, message):  # type: ignore[no-untyped-def]
        self.received.append(email.message_from_bytes(message.as_bytes(), policy=policy.default))

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.received if address in m["To"]]


def serve(app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """The ``inbox`` fixture: the app sends its mails over SMTP to this server for the test."""
    received = Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd does not report the one port 0 gave it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{port}")
    try:
        yield received
    finally:
        controller.stop()


def text_of(message: email.message.EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: email.message.EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def link_in(message: email.message.EmailMessage) -> str:
    """The path of the one link in the mail's text (the base URL stripped)."""
    [url] = re.findall(r"https?://\S+/(?:invitation|password/reset)/\S+", text_of(message))
    return "/" + url.split("/", 3)[3]
