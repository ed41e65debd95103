"""A real SMTP server (aiosmtpd) on a free local port, and the app's mail sent to it."""

from __future__ import annotations

import email
import socket
from email import policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message


class Received(Message):
    def __init__(self) -> None:
        super().__init__(message_class=email.message.EmailMessage)
        self.mails: list[email.message.EmailMessage] = []

    def handle_message(self, message: Any) -> None:
        self.mails.append(email.message_from_bytes(message.as_bytes(), policy=policy.default))

    def take(self) -> list[email.message.EmailMessage]:
        taken, self.mails = self.mails, []
        return taken


@pytest.fixture
def smtp(app: Any, monkeypatch: Any) -> Any:
    """The server's received mails; the app sends its mail there while the test runs."""
    received = Received()
    with socket.socket() as probe:  # a free port: aiosmtpd does not report the one port 0 gave it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setitem(app.config, "BASE_URL", "https://fundapp.example")
    try:
        yield received
    finally:
        controller.stop()


def text_of(mail: email.message.EmailMessage) -> str:
    return mail.get_body(("plain",)).get_content()


def html_of(mail: email.message.EmailMessage) -> str:
    return mail.get_body(("html",)).get_content()
