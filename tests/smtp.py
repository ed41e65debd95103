"""A real SMTP server for a test (aiosmtpd), and what a test reads in the mails it received."""

from __future__ import annotations

import email
import re
import socket
import threading
from collections.abc import Iterator
from email import policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message


class Inbox(Message):
    """The mails that arrived. Reading them first runs the jobs waiting in the queue, as a worker would: the
    app hands its mails to the job queue, and the queue's ``send_mail`` delivers them here over SMTP."""

    def __init__(self, queue: Any = None) -> None:
        super().__init__(message_class=email.message.EmailMessage)
        self.arrived: list[email.message.EmailMessage] = []
        self.queue = queue
        self.reader = threading.get_ident()
        self.refuse: set[str] = set()  # addresses the server refuses for good (550)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def handle_message(self, message):  # type: ignore[no-untyped-def]
        self.arrived.append(email.message_from_bytes(message.as_bytes(), policy=policy.default))

    @property
    def received(self) -> list[email.message.EmailMessage]:
        # Only for the test's own reads: aiosmtpd's thread looks the handler's attributes over too.
        if self.queue is not None and threading.get_ident() == self.reader:
            while (task := self.queue.dequeue()) is not None:
                self.queue.execute(task)
        return self.arrived

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.received if address in m["To"]]


def serve(app: Any, monkeypatch: pytest.MonkeyPatch, queue: Any = None) -> Iterator[Inbox]:
    """The ``inbox`` fixture: the app sends its mails over SMTP to this server for the test."""
    received = Inbox(queue)
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
