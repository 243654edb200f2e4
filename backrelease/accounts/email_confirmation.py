"""Confirming a person's e-mail address by a signed link, so password resets reach only an
address its owner has shown they read.

The link signs the person, the address and the address's version together. The version counts
every change of the address, every link sent and every confirmation, so a link works once, only the
newest link sent works, and an old link stays dead when the address is changed and changed back.
The link is a capability URL (`backrelease.capability`): redacted from logs, its wrong guesses
limited. Opening it keeps the token in the session and redirects to a token-free page that holds
the button, so the token never travels in a Referer and the form posts with its origin.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import F
from django.utils import timezone

SALT = "backrelease.email-confirmation"
SESSION_KEY = "email_confirmation_token"
LINK_LIFETIME = timedelta(days=3)
DAYS = LINK_LIFETIME.days


def token_for(person) -> str:
    return signing.dumps(
        {"person": person.pk, "email": person.email.lower(), "version": person.email_version},
        salt=SALT,
    )


def next_version(person) -> int:
    """The version a new link is signed with, counted when the link is asked for: every link sent
    before it stops working."""
    person.email_version = F("email_version") + 1
    person.save(update_fields=["email_version"])
    person.refresh_from_db(fields=["email_version"])
    return person.email_version


def person_for(token: str):
    """The person whose current address the token confirms, or None (expired, altered, used,
    stale)."""
    try:
        signed = signing.loads(token, salt=SALT, max_age=LINK_LIFETIME)
    except signing.BadSignature:
        return None
    person = get_user_model().objects.filter(pk=signed.get("person"), is_active=True).first()
    if (
        person is None
        or person.email.lower() != signed.get("email")
        or person.email_version != signed.get("version")
    ):
        return None
    return person


def confirm(person) -> None:
    person.email_confirmed_at = timezone.now()
    person.email_version = F("email_version") + 1
    person.email_undeliverable_at = None
    person.save(update_fields=["email_confirmed_at", "email_version", "email_undeliverable_at"])
    person.refresh_from_db(fields=["email_version"])


def address_changed(person) -> None:
    """A new address: unconfirmed, and every link sent to an earlier one stops working."""
    person.email_confirmed_at = None
    person.email_undeliverable_at = None
    person.email_version = F("email_version") + 1
