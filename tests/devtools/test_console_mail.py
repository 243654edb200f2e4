"""`make run` prints each mail as its reader sees it: text decoded, links whole on their line
(Django's console backend printed them quoted-printable, broken with a trailing `=`)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.utils import timezone

from backrelease.accounts import mail
from tests.factories import UserFactory

LINK = (
    "http://127.0.0.1:8000/accounts/reset/MQ/cv2y4k-0123456789abcdef0123456789abcdef/set-password/"
)
SEND = f"""
from django.core.mail import send_mail
send_mail("Réglages", "Hello Zoë,\\n\\nOpen this link:\\n\\n{LINK}\\n", None, ["zoe@example.com"])
"""


def test_make_run_prints_a_mail_with_its_link_whole_and_its_text_decoded():
    env = {k: v for k, v in os.environ.items() if k not in {"EMAIL_HOST", "DJANGO_SETTINGS_MODULE"}}
    printed = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEND],
        env=env | {"DEBUG": "true"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert LINK in printed.splitlines()
    assert "Hello Zoë," in printed.splitlines()
    assert "Subject: Réglages" in printed.splitlines()


@pytest.mark.django_db
def test_a_reset_mail_printed_by_the_worker_has_its_link_on_one_line(settings, run_tasks):
    out = io.StringIO()
    settings.MAILERS = {
        "default": {
            "BACKEND": "backrelease.devtools.console_mail.EmailBackend",
            "OPTIONS": {"stream": out},
        }
    }
    person = UserFactory(email="ana@example.com", email_confirmed_at=timezone.now())
    where = {"domain": "back-release.example.org", "protocol": "https"}
    mail.send_password_reset.enqueue(person.email, where)
    run_tasks()
    (link,) = re.findall(r"^https://back-release\.example\.org/\S+/$", out.getvalue(), re.M)
    assert len(link) > 76
    # Greeted by the name the person chose; the account is named further on, as its username.
    assert f"Hello {person.display_name}," in out.getvalue()
    assert person.username in out.getvalue()
