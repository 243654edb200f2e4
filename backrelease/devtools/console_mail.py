"""Mail printed to the terminal in development (`make run` without EMAIL_HOST), as its reader sees
it. Django's console backend prints the message as it would be sent, quoted-printable, which breaks
a line longer than 76 characters with a trailing `=`: a link could not be followed from there."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.core.mail.backends import console

HEADERS = ("From", "To", "Subject", "Date")


class EmailBackend(console.EmailBackend):
    def write_message(self, message: EmailMessage) -> None:
        sent = message.message()
        for name in HEADERS:
            self.stream.write(f"{name}: {sent[name]}\n")
        for part in sent.walk():
            if part.get_content_type() == "text/plain":
                self.stream.write(f"\n{part.get_content()}")
        self.stream.write("-" * 79 + "\n")
