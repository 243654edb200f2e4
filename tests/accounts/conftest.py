"""A real SMTP server on loopback for the mail tests."""

from __future__ import annotations

import re
import socket
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

LINK = re.compile(r"http://testserver(/\S+)")


def link_in(message) -> str:
    """The path of the one link in a mail (or in its decoded text)."""
    (path,) = LINK.findall(message.body if hasattr(message, "body") else message)
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback, and the app's mail sent to it over SMTP."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    yield inbox
    controller.stop()


def wait_for(inbox: Inbox, count: int = 1, seconds: float = 5):
    deadline = time.monotonic() + seconds
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(inbox.messages) == count
    return inbox.messages[-1]
