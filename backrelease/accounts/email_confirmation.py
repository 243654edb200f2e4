"""Confirming a person's e-mail address by a signed link, so password resets reach only an
address its owner has shown they read.

The link signs the person and the address together: once the address changes, links sent to the
old one stop working. Messages carry a username and a link, never anything about the person's
health.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

SALT = "backrelease.email-confirmation"
LINK_LIFETIME = timedelta(days=3)

logger = logging.getLogger(__name__)


def token_for(person) -> str:
    return signing.dumps({"person": person.pk, "email": person.email.lower()}, salt=SALT)


def person_for(token: str):
    """The person whose current address the token confirms, or None (expired, altered, stale)."""
    try:
        signed = signing.loads(token, salt=SALT, max_age=LINK_LIFETIME)
    except signing.BadSignature:
        return None
    person = get_user_model().objects.filter(pk=signed.get("person"), is_active=True).first()
    if person is None or person.email.lower() != signed.get("email"):
        return None
    return person


def confirm(person) -> None:
    person.email_confirmed_at = timezone.now()
    person.save(update_fields=["email_confirmed_at"])


def send_link(request: HttpRequest, person) -> bool:
    """Sends the confirmation link; False when the mail server would not take it."""
    context = {
        "person": person,
        "link": request.build_absolute_uri(reverse("email-confirm", args=[token_for(person)])),
        "days": LINK_LIFETIME.days,
    }
    subject = render_to_string("registration/email_confirm_subject.txt", context).strip()
    body = render_to_string("registration/email_confirm_message.txt", context)
    try:
        send_mail(subject, body, None, [person.email])
    except Exception:
        # The address is kept; the person is told the message did not go and can send it again.
        logger.exception("Could not send an e-mail confirmation")
        return False
    return True
