from __future__ import annotations

import functools
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backrelease.common import bounds

# Names in the database that are no place a person lives: the server's own zone, whatever it is
# set to, and the placeholder zone of a machine not yet set up.
NOT_PLACES = frozenset({"localtime", "Factory"})


@functools.cache
def known_time_zones() -> frozenset[str]:
    """The zone names this machine's time-zone database holds, but for `NOT_PLACES`. Read once a
    process: the standard library walks the database's folders on every call, which is slow, and
    the database changes only with a deploy, which restarts the process."""
    return frozenset(zoneinfo.available_timezones()) - NOT_PLACES


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(known_time_zones())]


def validate_time_zone(name: str) -> None:
    if name not in known_time_zones():
        raise ValidationError(
            _("Pick a time zone from the list, such as Europe/London."), code="unknown_zone"
        )


class User(AbstractUser):
    display_name = models.CharField(
        max_length=80,
        blank=True,
        help_text=_("How the app greets you. Optional."),
        validators=[bounds.validate_single_line],
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        help_text=_("Every date and week is counted in this zone."),
        validators=[validate_time_zone],
    )

    # Blank: the pages follow the browser's language.
    language = models.CharField(
        _("language"),
        max_length=16,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The pages, the spoken guidance and the mails the app sends you use it."),
    )
    voice_guidance = models.BooleanField(
        default=False, help_text=_("Speak each step aloud during a session.")
    )
    # Password resets go only to an address its owner has confirmed by following a link.
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Counts changes and confirmations of the address: a confirmation link carries it, so it works
    # once and never again for an address changed and changed back.
    email_version = models.PositiveIntegerField(default=0, editable=False)
    # When mail to the address kept failing after every retry; settings say so.
    email_undeliverable_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        # The sign-up form refuses "Ann" when "ann" exists; this holds it for two at once.
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="username_unique_in_any_case",
                violation_error_message=_("That username is taken: pick another."),
            ),
        ]

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def email_confirmed(self) -> bool:
        return bool(self.email) and self.email_confirmed_at is not None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class DeletedRowQuerySet(models.QuerySet["DeletedRow"]):
    def of(self, person: User) -> DeletedRowQuerySet:
        return self.filter(person=person)


class DeletedRow(models.Model):
    """What a person just deleted, so that "Undo" can put it back within a few minutes
    (`undo.WINDOW`); the row itself stays until their next deletion purges it, or the account
    goes."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    what = models.CharField(max_length=200)
    # Each row's model and every column as text at full precision (`undo._dump`), so it comes back
    # with its id and every field.
    rows = models.JSONField()
    deleted_at = models.DateTimeField(default=timezone.now)

    objects = DeletedRowQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Deleted {self.what} of {self.person_id}"


class LoginFailure(models.Model):
    """A wrong password, by account or known device (hashed), for the limits that span addresses
    (`login_limits`); kept an hour."""

    key = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="login_failure_key_at")]

    def __str__(self) -> str:
        return f"Failed login at {self.at:%H:%M}"


class PersonSession(AbstractBaseSession):
    """A login's session, with the person it belongs to as a column of its own, so that a request
    reads the session and the person in one query (`session_store`).

    Django's own session table with one more column (migration 0010), not a table of its own:
    during a rolling deploy, servers of the release before, which know nothing of the column, and
    servers of this one read and write the same rows, so nobody is signed out. A row such a server
    wrote names no person, and is read the usual way. PostgreSQL deletes a person's sessions with
    them (the column's foreign key cascades)."""

    person = models.ForeignKey(
        User, null=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )

    class Meta:
        managed = False
        db_table = "django_session"

    @classmethod
    def get_session_store_class(cls):
        from backrelease.accounts.session_store import SessionStore

        return SessionStore
