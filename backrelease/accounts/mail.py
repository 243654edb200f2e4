"""E-mail to a person: confirmation links, password resets and warnings of failed logins.

A request never sends mail. It counts the message against the limits (per address, per client and
per signed-in person, in PostgreSQL) and enqueues a task; the task worker (`manage.py db_worker`)
renders and sends it, retrying with a growing delay, and marks the address undeliverable when it
keeps failing. So the answer to "reset my password" takes the same time for a confirmed address,
an unconfirmed one and one nobody has, and says nothing about which it was. Messages carry a
username and a link, never anything about the person's health.

Each message is written in its recipient's language (`language_for`) and shows times in their
zone, and says which language it is in (`Content-Language`). The worker has no request, so the
language of the request that caused the message travels in the task's arguments (`origin`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.http import HttpRequest
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from backrelease.accounts import email_confirmation
from backrelease.accounts.models import User
from backrelease.common import clients
from backrelease.common.hashing import keyed
from backrelease.common.middleware import supported_language
from backrelease.limits.counter import MAILS

MAILS_PER_ADDRESS_PER_HOUR = 3
MAILS_PER_CLIENT_PER_HOUR = 10
MAILS_PER_PERSON_PER_HOUR = 5
ATTEMPTS = 5
# Seconds before the next try after a failure: 1, 2, 4, 8 minutes.
FIRST_RETRY = 60

logger = logging.getLogger(__name__)


def allowed(request: HttpRequest, address: str) -> bool:
    """Counts one message to `address` asked for by this client, and by the signed-in person if
    there is one; False once any of them has had its hour's share. One statement whatever the
    address, known or not."""
    limits = {
        keyed("address", address.strip().lower()): MAILS_PER_ADDRESS_PER_HOUR,
        keyed("client", clients.address(request)): MAILS_PER_CLIENT_PER_HOUR,
    }
    if request.user.is_authenticated:
        # Else one account could send confirmation links to any number of strangers.
        limits[keyed("person", str(request.user.pk))] = MAILS_PER_PERSON_PER_HOUR
    counts = MAILS.count(list(limits))
    return all(counts[key] <= limit for key, limit in limits.items())


def origin(request: HttpRequest) -> dict:
    """What a task needs of the request that queued it: where to write links back to, and the
    language the page was in, for a recipient who has saved none."""
    return {
        "domain": request.get_host(),
        "protocol": "https" if request.is_secure() else "http",
        "language": translation.get_language(),
    }


def _link(where: dict, path: str) -> str:
    return f"{where['protocol']}://{where['domain']}{path}"


def language_for(person: User, where: dict) -> str:
    """The language a mail to `person` is written in: the one saved with their account, else the
    one of the page that caused it (not in `where` when queued by a release before), else
    English. A code the app does not speak counts as none."""
    return (
        supported_language(person.language)
        or supported_language(where.get("language"))
        or settings.LANGUAGE_CODE
    )


def _deliver(template: str, context: dict, person: User, where: dict) -> None:
    """Renders and sends one message to `person`, in their language and time zone."""
    with translation.override(language_for(person, where)), timezone.override(person.zone):
        language = translation.get_language()
        subject = render_to_string(f"registration/{template}_subject.txt", context).strip()
        body = render_to_string(f"registration/{template}_message.txt", context)
    message = EmailMessage(
        subject, body, None, [person.email], headers={"Content-Language": language}
    )
    message.send()


def _retry_or_give_up(follow_up, attempt: int, people, *args, **kwargs) -> None:
    """Tries again later, or after the last attempt marks the address as not taking mail, which
    the person's settings then say."""
    if attempt < ATTEMPTS:
        delay = timedelta(seconds=FIRST_RETRY * 2 ** (attempt - 1))
        follow_up.using(run_after=timezone.now() + delay).enqueue(*args, attempt + 1, **kwargs)
        return
    people.update(email_undeliverable_at=timezone.now())


@task()
def send_confirmation(
    person_id: int, where: dict, attempt: int = 1, version: int | None = None
) -> None:
    """The link for the address's `version` (the one it had when the link was asked for). Run
    again (a retry, a worker's task put back), it sends the same link; once a newer link was
    asked for, or the address changed, it sends nothing."""
    person = User.objects.filter(pk=person_id, is_active=True).exclude(email="").first()
    if person is None or person.email_confirmed:
        return
    if version is None:
        # Queued by the release before, which numbered the link when sending it.
        version = email_confirmation.next_version(person)
    if person.email_version != version:
        return
    path = reverse("email-confirm", args=[email_confirmation.token_for(person)])
    context = {"person": person, "link": _link(where, path), "days": email_confirmation.DAYS}
    try:
        _deliver("email_confirm", context, person, where)
    except Exception:
        logger.exception("Could not send an e-mail confirmation (attempt %d)", attempt)
        people = User.objects.filter(pk=person.pk, email=person.email)
        _retry_or_give_up(send_confirmation, attempt, people, person_id, where, version=version)


@task()
def send_password_reset(address: str, where: dict, attempt: int = 1) -> None:
    """A reset link to every active account that confirmed `address`; nothing otherwise."""
    people = User.objects.filter(
        email__iexact=address, is_active=True, email_confirmed_at__isnull=False
    )
    for person in people:
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
                "token": default_token_generator.make_token(person),
            },
        )
        try:
            _deliver("password_reset", {"user": person, "link": _link(where, path)}, person, where)
        except Exception:
            logger.exception("Could not send a password reset (attempt %d)", attempt)
            _retry_or_give_up(send_password_reset, attempt, people, address, where)
            return


@task()
def warn_of_failed_logins(person_id: int, failures: int, where: dict, attempt: int = 1) -> None:
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if person is None or not person.email_confirmed:
        return
    context = {
        "user": person,
        "failures": failures,
        "link": _link(where, reverse("password_reset")),
    }
    try:
        _deliver("failed_logins", context, person, where)
    except Exception:
        logger.exception("Could not send a warning of failed logins (attempt %d)", attempt)
        people = User.objects.filter(pk=person.pk, email=person.email)
        _retry_or_give_up(warn_of_failed_logins, attempt, people, person_id, failures, where)
