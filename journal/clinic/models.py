"""Practices, their members, the grants patients give them and every look a member takes."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backrelease.common import bounds

# 12 characters from an alphabet without look-alikes (no I, O, 0, 1): 32^12 = 2^60 codes.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
CODE_PATTERN = rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$"


class Clinician(models.Model):
    """An account that works as a clinician: it must enrol a second factor before any patient."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician"
    )
    since = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Clinician {self.person_id}"


class Practice(models.Model):
    name = models.CharField(max_length=100, validators=[bounds.validate_single_line])
    share_code = models.CharField(max_length=CODE_LENGTH, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(share_code__regex=CODE_PATTERN), name="practice_code_alphabet"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    CLINICIAN = "clinician", _("Clinician")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def of(self, person) -> MembershipQuerySet:
        return self.filter(person=person)


class Membership(models.Model):
    """A clinician belongs to one practice at a time."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="members")
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(max_length=10, choices=Role, default=Role.CLINICIAN)
    joined_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.practice_id}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class GrantQuerySet(models.QuerySet["Grant"]):
    def of(self, person) -> GrantQuerySet:
        return self.filter(person=person)

    def active(self, now=None) -> GrantQuerySet:
        return self.filter(revoked_at=None, expires_at__gt=now or timezone.now())


class Grant(models.Model):
    """A patient lets a practice see their record, with the same choices as a share link."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="grants")
    shown_name = models.CharField(max_length=80, validators=[bounds.validate_single_line])
    include_notes = models.BooleanField(default=False)
    shows_from = models.DateField(
        null=True, blank=True, validators=[bounds.validate_not_before_2000]
    )
    shows_until = models.DateField(
        null=True, blank=True, validators=[bounds.validate_not_before_2000]
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A second grant to the same practice while one stands is refused, whatever the race.
            models.UniqueConstraint(
                fields=["person", "practice"],
                condition=Q(revoked_at=None),
                name="grant_once_a_practice",
                violation_error_message=_("This practice can already see your record."),
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at"))
                & Q(expires_at__lte=F("created_at") + timedelta(days=366)),
                name="grant_expires_within_a_year",
            ),
            models.CheckConstraint(
                condition=Q(shows_from__isnull=True)
                | Q(shows_until__isnull=True)
                | Q(shows_from__lte=F("shows_until")),
                name="grant_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} to {self.practice_id}"

    def is_active(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class What(models.TextChoices):
    VIEW = "view", _("Viewed the record")
    EXPORT = "export", _("Downloaded an export")
    PRINT = "print", _("Printed the report")


# An export's file name (kept in `AccessEvent.detail`, unchanged) as the patient reads it.
EXPORTS = {
    "back-release.csv": _("Downloaded an export of every session and journal entry (CSV)"),
    "fhir.json": _("Downloaded an export for health record systems (FHIR)"),
    "weekly.csv": _("Downloaded an export of the weekly table (CSV)"),
}


class AccessEvent(models.Model):
    """One look at a patient's data by a practice member. Append-only: the database refuses an
    update (migration 0002); rows go only with the patient's account or the practice."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_events"
    )
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    # The member's name as it was: the event outlives the member's account.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    member_name = models.CharField(max_length=150)
    what = models.CharField(max_length=10, choices=What)
    detail = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField(default=timezone.now)
    # Browser and system (as for share-link openings) and a keyed hash of the address.
    client = models.CharField(max_length=80)
    client_key = models.CharField(max_length=64)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["person", "-at"], name="access_event_person_at")]
        constraints = [
            models.CheckConstraint(condition=Q(what__in=What.values), name="access_event_what"),
        ]

    def __str__(self) -> str:
        return f"{self.what} by {self.member_name}"

    @property
    def description(self) -> str:
        """What the member did, as a sentence for the patient."""
        if self.what == What.EXPORT and self.detail in EXPORTS:
            return str(EXPORTS[self.detail])
        return self.get_what_display()


class DataRevision(models.Model):
    """How many times anything a practice sees of a person has changed: a session, a journal
    entry, a weekly check-in, a trial plan or a trial rating written, corrected or deleted.
    Counted by database triggers on those tables (migration 0005), whatever writes them, so a
    Reviewed mark kept with its number is cleared by any new data; the workspace list reads it in
    its one query."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.DB_CASCADE, primary_key=True, related_name="+"
    )
    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"data revision {self.number}"


class Review(models.Model):
    """A member marked a patient reviewed; it stands while the patient's data revision
    (`DataRevision`, counted by triggers) is the one it saw."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewer_name = models.CharField(max_length=150)
    reviewed_at = models.DateTimeField(default=timezone.now)
    revision = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "person"], name="review_once_a_patient"),
        ]

    def __str__(self) -> str:
        return f"Reviewed {self.person_id}"


class Invitation(models.Model):
    """An admin asks someone by e-mail to join the practice. The link's token is signed
    (`invitations.token_for`), never stored; it works once, for a week."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role, default=Role.CLINICIAN)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "practice",
                Lower("email"),
                condition=Q(accepted_at=None),
                name="invitation_once_an_address",
                violation_error_message=_("That address has an invitation waiting already."),
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role"),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.practice_id}"


class AccessRequestQuerySet(models.QuerySet["AccessRequest"]):
    def of(self, person) -> AccessRequestQuerySet:
        return self.filter(link__person=person)

    def waiting(self) -> AccessRequestQuerySet:
        return self.filter(answered_at=None)


class AccessRequest(models.Model):
    """A practice member who holds a patient's share link asks to add the patient to the
    workspace; only the patient, on their own screen, turns it into a grant."""

    link = models.ForeignKey("journal.ShareLink", on_delete=models.CASCADE, related_name="+")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    requester_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = AccessRequestQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["link", "practice"],
                condition=Q(answered_at=None),
                name="access_request_once_a_link",
            ),
        ]

    def __str__(self) -> str:
        return f"Request of {self.practice_id} for link {self.link_id}"
