"""E-mail goes over real SMTP (an aiosmtpd server started here) or, without SMTP, into the outbox folder."""

from __future__ import annotations

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from fundapp.notifications.mail import Mail, send


class _Inbox(Message):
    def __init__(self) -> None:
        super().__init__(message_class=email.message.EmailMessage)
        self.received: list[email.message.EmailMessage] = []

    def handle_message(self, message):  # type: ignore[no-untyped-def]
        self.received.append(message)


@pytest.fixture
def smtp_server():
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd does not report the one port 0 gave it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


MAIL = Mail(
    to="Sanne <sanne@example.nl>",
    subject="Je KPI-rapportage is over 14 dagen verschuldigd",
    text="Beste Sanne,\n\nLever je rapportage in vóór 1 januari.",
    html="<p>Beste Sanne,</p><p>Lever je rapportage in vóór 1 januari.</p>",
)


def test_a_mail_arrives_at_a_real_smtp_server_with_text_and_html_parts(smtp_server):
    inbox, port = smtp_server
    send({"SMTP_URL": f"smtp://127.0.0.1:{port}", "MAIL_FROM": "Fonds <fonds@example.nl>"}, MAIL)
    [message] = inbox.received
    assert message["To"] == "Sanne <sanne@example.nl>"
    assert message["From"] == "Fonds <fonds@example.nl>"
    assert message["Content-Language"] == "nl"
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert "vóór 1 januari" in parsed.get_body(("plain",)).get_content()
    assert "<p>Beste Sanne,</p>" in parsed.get_body(("html",)).get_content()


def test_without_smtp_the_mail_is_an_eml_file_in_the_outbox(tmp_path):
    send({"SMTP_URL": "", "MAIL_FROM": "fonds@example.nl", "OUTBOX_DIR": str(tmp_path)}, MAIL)
    [file] = tmp_path.iterdir()
    assert file.suffix == ".eml"
    parsed = email.message_from_bytes(file.read_bytes(), policy=policy.default)
    assert parsed["Subject"] == MAIL.subject
    assert "vóór 1 januari" in parsed.get_body(("plain",)).get_content()


def test_a_server_that_refuses_makes_the_send_fail_so_the_job_can_retry():
    with pytest.raises(OSError):
        send({"SMTP_URL": "smtp://127.0.0.1:1", "MAIL_FROM": "fonds@example.nl"}, MAIL)


def test_a_url_that_is_not_smtp_is_refused_by_name():
    with pytest.raises(ValueError, match="smtp://host:port"):
        send({"SMTP_URL": "http://mail.example.nl", "MAIL_FROM": "fonds@example.nl"}, MAIL)
