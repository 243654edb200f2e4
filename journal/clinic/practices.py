"""What changes a practice: becoming a clinician, creating a practice, its code, and the patient's
grants. Each refuses a repeat with `Refused` and changes nothing."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from journal.clinic import codes
from journal.clinic.models import AccessRequest, Clinician, Grant, Membership, Practice, Role
from journal.models import ShareLink


class Refused(Exception):
    """A request that would change nothing or break a rule; its text says why, to a person."""


def become_clinician(person) -> Clinician:
    clinician, _created = Clinician.objects.get_or_create(person=person)
    return clinician


def create(person, name: str) -> Practice:
    try:
        with transaction.atomic():
            practice = Practice.objects.create(name=name, share_code=codes.new_code())
            Membership.objects.create(practice=practice, person=person, role=Role.ADMIN)
    except IntegrityError as error:
        raise Refused(_("You already belong to a practice.")) from error
    return practice


def new_code(practice: Practice) -> str:
    """A fresh code; the old one stops working at once. Grants already given stay."""
    practice.share_code = codes.new_code()
    practice.save(update_fields=["share_code"])
    return practice.share_code


def by_code(typed: str) -> Practice | None:
    return Practice.objects.filter(share_code=codes.normalized(typed)).first()


def members(practice: Practice) -> list[Membership]:
    return list(practice.members.select_related("person"))


def grant(person, practice: Practice, **choices) -> Grant:
    try:
        with transaction.atomic():
            return Grant.objects.create(person=person, practice=practice, **choices)
    except IntegrityError as error:
        raise Refused(
            _("%(practice)s can already see your record.") % {"practice": practice.name}
        ) from error


def revoke(grant: Grant) -> None:
    """From this moment no member sees anything of the patient."""
    if not Grant.objects.filter(pk=grant.pk, revoked_at=None).update(revoked_at=timezone.now()):
        raise Refused(
            _("Access for %(practice)s was already ended.") % {"practice": grant.practice.name}
        )


def ask_through_link(membership: Membership, link: ShareLink) -> AccessRequest:
    if Grant.objects.active().filter(person=link.person, practice=membership.practice).exists():
        raise Refused(_("This patient shares with the practice already."))
    try:
        with transaction.atomic():
            return AccessRequest.objects.create(
                link=link, practice=membership.practice, requester_name=membership.person.name
            )
    except IntegrityError as error:
        raise Refused(
            _("The practice has asked already; the patient has not answered yet.")
        ) from error


def answer_request(request: AccessRequest, accept: bool) -> Grant | None:
    """The patient's answer: a grant with the link's own choices, or none. Answered once."""
    with transaction.atomic():
        if not AccessRequest.objects.filter(pk=request.pk, answered_at=None).update(
            answered_at=timezone.now()
        ):
            raise Refused(_("You answered this already."))
        if not accept:
            return None
        link = request.link
        if not link.is_active():
            raise Refused(_("The link this came through no longer works, so it cannot be used."))
        return grant(
            link.person,
            request.practice,
            shown_name=link.person.name,
            include_notes=link.include_notes,
            shows_from=link.shows_from,
            shows_until=link.shows_until,
            expires_at=link.expires_at,
        )
