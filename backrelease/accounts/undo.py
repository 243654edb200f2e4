"""Deletes that can be undone for a few minutes.

The deleted rows are kept, serialised, beside the person's account; "Undo" writes them back with
their own ids, so nothing that pointed at them changes. After the window they are purged at the
next deletion (and always with the account).
"""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backrelease.accounts.models import DeletedRow

WINDOW = timedelta(minutes=10)


class CannotUndo(Exception):
    pass


def offer(request: HttpRequest, said: str, undo_url: str) -> None:
    """Says what happened, with an Undo button that posts to `undo_url` (see snackbar.html)."""
    messages.info(request, said, extra_tags=undo_url)


def delete_and_offer(request: HttpRequest, obj: models.Model, what: str) -> None:
    """Deletes the person's `obj` and says so, with Undo. `what` names it, in the person's
    language: "the 07:30 reminder". It is kept as it was said, for the messages that name it
    again."""
    kept = delete(obj, request.user, what)
    # Translators: what names the thing deleted, such as "the 07:30 reminder".
    offer(request, _("Deleted %(what)s.") % {"what": what}, reverse("undo", args=[kept.pk]))


def _dump(obj: models.Model) -> dict:
    """Every column as text at full precision (Django's JSON serialiser cuts times to
    milliseconds)."""
    return {
        "model": obj._meta.label,
        "fields": {
            field.attname: None
            if field.value_from_object(obj) is None
            else field.value_to_string(obj)
            for field in obj._meta.concrete_fields
        },
    }


def _load(row: dict) -> models.Model:
    model = apps.get_model(row["model"])
    fields = {field.attname: field for field in model._meta.concrete_fields}
    return model(
        **{
            name: None if text is None else fields[name].to_python(text)
            for name, text in row["fields"].items()
        }
    )


def delete(obj: models.Model, person, what: str) -> DeletedRow:
    now = timezone.now()
    with transaction.atomic():
        DeletedRow.objects.filter(deleted_at__lt=now - WINDOW).delete()
        kept = DeletedRow.objects.create(
            person=person, what=what, rows=[_dump(obj)], deleted_at=now
        )
        obj.delete()
    return kept


def restore(kept: DeletedRow, conflict: str) -> None:
    """Writes the rows back; `conflict` says why not when a newer row now stands in the way."""
    if kept.deleted_at < timezone.now() - WINDOW:
        raise CannotUndo(
            _("It is too late to undo that: %(what)s was deleted for good.") % {"what": kept.what}
        )
    try:
        with transaction.atomic():
            for row in kept.rows:
                # Raw, as a fixture loads: every value comes back as it was, the times too.
                models.Model.save_base(_load(row), raw=True, force_insert=True)
            kept.delete()
    except IntegrityError as error:
        raise CannotUndo(conflict) from error
    except LookupError as error:
        # Kept under a model's name from before a release that moved it.
        raise CannotUndo(
            _("That cannot come back: %(what)s was deleted before an update of the app.")
            % {"what": kept.what}
        ) from error
