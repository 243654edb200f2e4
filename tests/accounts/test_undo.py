"""Every delete and withdraw says what happened and can be undone for a few minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backrelease.accounts import undo
from backrelease.accounts.models import DeletedRow
from journal.models import JournalEntry, ShareLink
from sessions.models import ReleaseSession
from sessions.reminders.models import CalendarFeed, SessionReminder
from tests.factories import (
    CalendarFeedFactory,
    JournalEntryFactory,
    ReleaseSessionFactory,
    SessionReminderFactory,
    ShareLinkFactory,
)

pytestmark = pytest.mark.django_db


def undo_url(response) -> str:
    snackbar = response.text.split('id="snackbar"')[1]
    return snackbar.split('<form method="post" action="')[1].split('"')[0]


def test_a_deleted_entry_comes_back_whole(person, person_client, htmx_headers):
    entry = JournalEntryFactory(person=person, pain=7, tags=["sleep", "desk"], note="stiff")
    before = JournalEntry.objects.values().get()
    deleted = person_client.post(reverse("journal:delete", args=[entry.pk]), **htmx_headers)
    assert not JournalEntry.objects.exists()
    restored = person_client.post(undo_url(deleted), {"next": reverse("journal:list")})
    assert restored.url == reverse("journal:list")
    after = JournalEntry.objects.values().get()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
    assert "Restored the journal entry of" in person_client.get(restored.url).text
    assert not DeletedRow.objects.exists()


def test_it_is_too_late_after_ten_minutes(person, person_client, htmx_headers):
    entry = JournalEntryFactory(person=person)
    deleted = person_client.post(reverse("journal:delete", args=[entry.pk]), **htmx_headers)
    with time_machine.travel(timezone.now() + undo.WINDOW + timedelta(seconds=1)):
        response = person_client.post(undo_url(deleted), follow=True)
    assert "It is too late to undo that" in response.text
    assert not JournalEntry.objects.exists()


def test_old_deletions_are_purged_at_the_next_one(person):
    old = undo.delete(JournalEntryFactory(person=person), person, "old")
    DeletedRow.objects.filter(pk=old.pk).update(
        deleted_at=timezone.now() - undo.WINDOW - timedelta(minutes=1)
    )
    undo.delete(JournalEntryFactory(person=person), person, "new")
    assert list(DeletedRow.objects.values_list("what", flat=True)) == ["new"]


def test_a_deletion_purges_no_one_elses_kept_rows(person, other_person):
    theirs = undo.delete(JournalEntryFactory(person=other_person), other_person, "theirs")
    mine = undo.delete(JournalEntryFactory(person=person), person, "mine")
    undo.delete(JournalEntryFactory(person=person), person, "newer")
    assert set(DeletedRow.objects.values_list("pk", flat=True)) >= {theirs.pk, mine.pk}


def test_a_deleted_session_leaves_the_trends_and_comes_back(person, person_client):
    session = ReleaseSessionFactory(person=person, finished=True)
    history = reverse("sessions:history")
    person_client.post(reverse("sessions:delete", args=[session.pk]), {"next": history})
    assert not ReleaseSession.objects.exists()
    page = person_client.get(history)
    assert "Deleted the session of" in page.text
    response = person_client.post(undo_url(page), {"next": history})
    assert response.status_code == 302
    assert ReleaseSession.objects.get().pk == session.pk


def test_a_discarded_session_cannot_return_over_a_newer_open_one(person, person_client):
    old = ReleaseSessionFactory(person=person)
    response = person_client.post(
        reverse("sessions:discard", args=[old.pk]), {"next": reverse("sessions:new")}, follow=True
    )
    offer = undo_url(response)
    person_client.post(reverse("sessions:new"))
    refused = person_client.post(offer, follow=True)
    assert "That cannot come back: something newer takes its place" in refused.text
    assert ReleaseSession.objects.get().pk != old.pk


def test_a_withdrawn_link_works_again_after_undo(person, person_client, htmx_headers):
    link = ShareLinkFactory(person=person, token="t-for-undo")
    withdrawn = person_client.post(reverse("sharing:revoke", args=[link.pk]), **htmx_headers)
    assert "Withdrew the link for Dr Lee, physio: it no longer opens." in withdrawn.text
    assert Client().get("/shared/t-for-undo/").status_code == 410
    person_client.post(undo_url(withdrawn))
    assert ShareLink.objects.get().revoked_at is None
    assert Client().get("/shared/t-for-undo/").status_code == 200


def test_a_link_withdrawn_long_ago_stays_withdrawn(person, person_client):
    link = ShareLinkFactory(person=person, revoked_at=timezone.now() - timedelta(hours=1))
    response = person_client.post(reverse("sharing:restore", args=[link.pk]), follow=True)
    assert "It is too late to undo that: make a new link instead." in response.text
    assert ShareLink.objects.get().revoked_at is not None


def test_a_removed_reminder_and_a_withdrawn_feed_come_back(person, person_client, htmx_headers):
    reminder = SessionReminderFactory(person=person)
    removed = person_client.post(reverse("reminders:remove", args=[reminder.pk]), **htmx_headers)
    person_client.post(undo_url(removed))
    assert SessionReminder.objects.get().pk == reminder.pk
    CalendarFeedFactory(person=person, token="feed-for-undo")
    stopped = person_client.post(reverse("reminders:stop-feed"), **htmx_headers)
    assert Client().get("/calendar/feed-for-undo.ics").status_code == 404
    person_client.post(undo_url(stopped))
    assert CalendarFeed.objects.exists()
    assert Client().get("/calendar/feed-for-undo.ics").status_code == 200


def test_undo_goes_back_only_to_a_page_of_this_site(person, person_client):
    kept = undo.delete(JournalEntryFactory(person=person), person, "it")
    response = person_client.post(reverse("undo", args=[kept.pk]), {"next": "https://example.com/"})
    assert response.url == reverse("home")


def test_a_row_kept_under_a_models_old_name_says_it_cannot_come_back(person, person_client):
    kept = undo.delete(JournalEntryFactory(person=person), person, "the entry")
    rows = kept.rows
    rows[0]["model"] = "release_sessions.CheckInReminder"
    DeletedRow.objects.filter(pk=kept.pk).update(rows=rows)
    response = person_client.post(reverse("undo", args=[kept.pk]), follow=True)
    assert response.status_code == 200
    assert "was deleted before an update of the app" in response.text


def test_it_can_still_be_undone_at_ten_minutes_to_the_instant(person):
    deleted_at = timezone.now()
    with time_machine.travel(deleted_at, tick=False):
        kept = undo.delete(JournalEntryFactory(person=person), person, "the entry")
    with time_machine.travel(deleted_at + undo.WINDOW, tick=False):
        undo.restore(kept, "in the way")
    assert JournalEntry.objects.exists()
