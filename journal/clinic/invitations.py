"""Inviting a clinician into a practice by e-mail: the mail leaves through the task queue, its
link carries a signed token (never stored, never logged: `/clinic/invitation/` is a declared
capability URL) that works once, for a week.

The mail is written as the accounts' mails are (`mail.language_for`): in the language saved by
the account that confirmed the address, else in the inviting admin's page language (carried in
the task's `where`), and says which in `Content-Language`."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backrelease.accounts import mail
from backrelease.accounts.models import User
from journal.clinic.models import Clinician, Invitation, Membership

logger = logging.getLogger(__name__)
DAYS = 7
SALT = "journal.clinic.invitation"
SESSION_KEY = "clinic_invitation"


class Refused(Exception):
    """An invitation that would change nothing; its text says why, to a person."""


def invite(membership: Membership, email: str, role: str) -> Invitation:
    practice = membership.practice
    if practice.members.filter(person__email__iexact=email).exists():
        raise Refused(_("%(email)s is a member already.") % {"email": email})
    try:
        with transaction.atomic():
            return Invitation.objects.create(
                practice=practice, email=email, role=role, invited_by=membership.person
            )
    except IntegrityError as error:
        raise Refused(
            _("%(email)s has an invitation waiting already.") % {"email": email}
        ) from error


def token_for(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=SALT)


def invitation_for(token: str) -> Invitation | None:
    """The waiting invitation behind a token from the last `DAYS` days, or None."""
    try:
        pk = signing.loads(token, salt=SALT, max_age=timedelta(days=DAYS))
    except signing.BadSignature:
        return None
    return Invitation.objects.select_related("practice").filter(pk=pk, accepted_at=None).first()


def accept(invitation: Invitation, person) -> Membership:
    with transaction.atomic():
        taken = Invitation.objects.filter(pk=invitation.pk, accepted_at=None).update(
            accepted_at=timezone.now()
        )
        if not taken:
            raise Refused(_("This invitation was used already."))
        if Membership.objects.filter(person=person).exists():
            transaction.set_rollback(True)
            raise Refused(_("You belong to a practice already."))
        Clinician.objects.get_or_create(person=person)
        return Membership.objects.create(
            practice=invitation.practice, person=person, role=invitation.role
        )


@task()
def send(invitation_id: int, where: dict, attempt: int = 1) -> None:
    invitation = Invitation.objects.filter(pk=invitation_id, accepted_at=None).first()
    if invitation is None:
        return
    path = reverse("clinic:invitation", args=[token_for(invitation)])
    link = f"{where['protocol']}://{where['domain']}{path}"
    context = {"practice": invitation.practice.name, "link": link, "days": DAYS}
    # Only a confirmed address speaks for its owner; one with no account has saved no language.
    owners = User.objects.filter(email__iexact=invitation.email, email_confirmed_at__isnull=False)
    recipient = owners.first() or User()
    with translation.override(mail.language_for(recipient, where)):
        language = translation.get_language()
        subject = render_to_string("clinic/invitation_subject.txt", context).strip()
        body = render_to_string("clinic/invitation_message.txt", context)
    message = EmailMessage(
        subject, body, None, [invitation.email], headers={"Content-Language": language}
    )
    try:
        message.send()
    except Exception:
        logger.exception("Could not send a practice invitation (attempt %d)", attempt)
        if attempt < mail.ATTEMPTS:
            delay = timedelta(seconds=mail.FIRST_RETRY * 2 ** (attempt - 1))
            send.using(run_after=timezone.now() + delay).enqueue(invitation_id, where, attempt + 1)
