from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backrelease.common import bounds
from journal.forms import known_tags, own_tags
from journal.models import JournalEntry
from journal.views import ENTRIES_PAGE_SIZE
from tests.factories import JournalEntryFactory

pytestmark = pytest.mark.django_db
LIST = reverse("journal:list")
NEW = reverse("journal:new")


def new_entry(**fields) -> dict:
    """A post of the new-entry form, with the key each blank form carries."""
    return {"submission_key": str(uuid.uuid4()), **fields}


def edit_url(entry) -> str:
    return reverse("journal:edit", args=[entry.pk])


def delete_url(entry) -> str:
    return reverse("journal:delete", args=[entry.pk])


def test_it_lists_entries_newest_first(person, person_client):
    JournalEntryFactory(person=person, pain=8, recorded_at=timezone.now() - timedelta(days=1))
    JournalEntryFactory(person=person, pain=3, note="after a walk")
    page = person_client.get(LIST).text
    assert page.index("pain 3") < page.index("pain 8")
    assert "after a walk" in page


def test_it_filters_by_tag_as_an_htmx_partial(person, person_client, htmx_headers):
    JournalEntryFactory(person=person, pain=2, tags=["sleep"])
    JournalEntryFactory(person=person, pain=7, tags=["lifting", "long drive"])
    partial = person_client.get(LIST, {"tag": "long drive"}, **htmx_headers).text
    assert partial.lstrip().startswith('<section id="entry-list"')
    assert "pain 7" in partial
    assert "pain 2" not in partial
    assert "?tag=long%20drive" in partial


def test_it_paginates(person, person_client):
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    for day in range(ENTRIES_PAGE_SIZE + 2):
        JournalEntryFactory(person=person, recorded_at=start + timedelta(days=day))
    assert "Page 1 of 2" in person_client.get(LIST).text
    assert person_client.get(LIST, {"page": 2}).text.count('class="history-item"') == 2


def test_it_never_lists_another_persons_entries(person_client, other_person):
    JournalEntryFactory(person=other_person, note="not yours", tags=["secret"])
    page = person_client.get(LIST).text
    assert "not yours" not in page
    assert "secret" not in page


def test_it_adds_many_entries_a_day_from_the_quick_form(person, person_client, htmx_headers):
    for pain in ("4", "6"):
        response = person_client.post(NEW, new_entry(pain=pain), **htmx_headers)
        assert response.status_code == 200
        assert response.text.lstrip().startswith('<form id="entry-form"')
        assert f"Saved: pain {pain}" in response.text
    assert sorted(JournalEntry.objects.filter(person=person).values_list("pain", flat=True)) == [
        4,
        6,
    ]


def test_it_saves_tags_own_tag_back_date_and_note(person, person_client):
    response = person_client.post(
        NEW,
        new_entry(
            pain="5",
            tags=["sleep", "stress"],
            new_tag="  Long   Drive ",
            recorded_at="2026-11-20T18:30",
            note="Stiff.",
        ),
    )
    assert response.url == LIST
    entry = JournalEntry.objects.get(person=person)
    assert entry.tags == ["sleep", "stress", "long drive"]
    assert entry.recorded_at == datetime(
        2026, 11, 20, 18, 30, tzinfo=UTC
    )  # Europe/London in winter
    assert entry.note == "Stiff."
    assert "long drive" in person_client.get(NEW).text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose your pain right now"),
        ({"pain": "11"}, "must be a whole number from 0 to 10"),
        ({"pain": "3", "recorded_at": "2999-01-01T10:00"}, "That time is still to come"),
        ({"pain": "3", "recorded_at": "yesterday"}, "Enter a date and time"),
        ({"pain": "3", "new_tag": "<b>"}, "A tag is up to 30 letters, numbers, spaces or hyphens"),
        ({"pain": "3", "tags": ["unknown"]}, "Pick tags from the list"),
        ({"pain": "3", "recorded_at": "1900-01-01T10:00"}, "Pick a date in 2000 or later."),
        ({"pain": "3", "recorded_at": "0001-01-01T00:00"}, "Pick a date in 2000 or later."),
        ({"pain": "3", "note": "a\x00b"}, "Remove the hidden control characters"),
        ({"pain": "3", "note": "a\x07b"}, "Remove the hidden control characters"),
        ({"pain": "3", "new_tag": "a\x1bb"}, "on one line"),
        ({"pain": "3", "note": "x" * 2001}, "Keep the note under 2000 characters."),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(person, person_client, htmx_headers, data, message):
    response = person_client.post(NEW, new_entry(**data), **htmx_headers)
    assert response.status_code == 422
    assert message in response.text
    assert not JournalEntry.objects.exists()


def test_it_shows_the_new_entry_page(person_client):
    page = person_client.get(NEW).text
    assert "How is your back?" in page
    assert 'type="datetime-local"' in page


def test_it_edits_an_entry(person, person_client, htmx_headers):
    entry = JournalEntryFactory(person=person, pain=5, tags=["sleep"])
    page = person_client.get(edit_url(entry))
    assert "Edit journal entry" in page.text
    partial = person_client.get(edit_url(entry), **htmx_headers).text
    assert partial.lstrip().startswith('<form id="entry-form"')
    response = person_client.post(
        edit_url(entry), {"pain": "2", "tags": ["sleep"], "recorded_at": "2026-11-20T08:00"}
    )
    assert response.url == LIST
    entry.refresh_from_db()
    assert (entry.pain, entry.tags) == (2, ["sleep"])


def test_it_keeps_the_entry_when_an_edit_is_bad(person, person_client, htmx_headers):
    entry = JournalEntryFactory(person=person, pain=5)
    response = person_client.post(edit_url(entry), {"pain": "-2"}, **htmx_headers)
    assert response.status_code == 422
    entry.refresh_from_db()
    assert entry.pain == 5


def test_it_deletes_an_entry_in_place(person, person_client, htmx_headers):
    entry = JournalEntryFactory(person=person)
    response = person_client.post(delete_url(entry), **htmx_headers)
    assert response.status_code == 200
    # The row is swapped for nothing; the answer, with Undo, comes out of band.
    assert response.text.lstrip().startswith(
        '<div id="snackbar" class="snackbar" hx-swap-oob="innerHTML"'
    )
    assert "Deleted the journal entry of" in response.text
    assert ">Undo</button>" in response.text
    assert not JournalEntry.objects.exists()


def test_it_deletes_and_redirects_without_htmx(person, person_client):
    entry = JournalEntryFactory(person=person)
    assert person_client.post(delete_url(entry)).url == LIST
    assert not JournalEntry.objects.exists()


def test_it_checks_ownership(person_client, other_person):
    entry = JournalEntryFactory(person=other_person, pain=5)
    assert person_client.get(edit_url(entry)).status_code == 404
    assert person_client.post(edit_url(entry), {"pain": "1"}).status_code == 404
    assert person_client.post(delete_url(entry)).status_code == 404
    entry.refresh_from_db()
    assert entry.pain == 5


def test_it_sends_anonymous_visitors_to_log_in(db):
    for url in (LIST, NEW):
        assert Client().get(url).url.startswith(reverse("login"))


def test_it_keeps_the_tag_filter_across_pages(person, person_client):
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    for day in range(ENTRIES_PAGE_SIZE + 1):
        JournalEntryFactory(person=person, recorded_at=start + timedelta(days=day), tags=["sleep"])
    JournalEntryFactory(person=person, tags=["stress"])
    page = person_client.get(LIST, {"tag": "sleep"}).text
    assert 'href="?page=2&amp;tag=sleep"' in page
    second = person_client.get(LIST, {"tag": "sleep", "page": 2}).text
    assert second.count('class="history-item"') == 1


@pytest.mark.parametrize("tag", ["a\x00b", "\x1b[31m", "x\x7f"])
def test_it_refuses_control_characters_in_the_tag_filter(person_client, tag):
    response = person_client.get(LIST, {"tag": tag})
    assert response.status_code == 400
    assert "control characters" in response.text


def test_it_saves_a_doubled_post_once(person, person_client, htmx_headers):
    post = new_entry(pain="6")
    first = person_client.post(NEW, post, **htmx_headers)
    second = person_client.post(NEW, post, **htmx_headers)
    assert "Saved: pain 6" in first.text
    assert "Saved: pain 6" in second.text
    assert JournalEntry.objects.filter(person=person).count() == 1
    # The form that comes back carries a fresh key, so the next entry is a new one.
    assert post["submission_key"] not in second.text


def test_it_asks_for_a_reload_when_the_key_is_missing(person, person_client, htmx_headers):
    response = person_client.post(NEW, {"pain": "6"}, **htmx_headers)
    assert response.status_code == 422
    assert "reload the page" in response.text
    assert not JournalEntry.objects.exists()


def test_it_reads_each_own_tag_once_from_the_database(person):
    JournalEntryFactory.create_batch(40, person=person, tags=["sleep", "long drive"])
    JournalEntryFactory(person=person, tags=["garden"])
    assert list(own_tags(person)) == ["garden", "long drive", "sleep"]
    assert known_tags(person)[-2:] == ["garden", "long drive"]


def test_it_offers_a_new_own_tag_on_the_next_blank_form(person, person_client, htmx_headers):
    response = person_client.post(NEW, new_entry(pain="3", new_tag="Long walk"), **htmx_headers)
    assert "Saved: pain 3" in response.text
    assert 'value="long walk"' in response.text


@pytest.mark.parametrize(
    ("local", "second", "stored"),
    [
        # Los Angeles, 1 Nov 2026: 01:00-02:00 happens twice (PDT, then PST).
        ("2026-11-01T01:30", False, datetime(2026, 11, 1, 8, 30, tzinfo=UTC)),
        ("2026-11-01T01:30", True, datetime(2026, 11, 1, 9, 30, tzinfo=UTC)),
        # 8 Mar 2026: 02:00-03:00 never happens; 02:30 is moved forward by the gap, to 03:30 PDT.
        ("2026-03-08T02:30", False, datetime(2026, 3, 8, 10, 30, tzinfo=UTC)),
    ],
)
def test_it_accepts_times_on_the_nights_the_clocks_change(
    person, person_client, htmx_headers, local, second, stored
):
    person.time_zone = "America/Los_Angeles"
    person.save()
    post = new_entry(pain="4", recorded_at=local, **({"second_time_round": "on"} if second else {}))
    response = person_client.post(NEW, post, **htmx_headers)
    assert response.status_code == 200
    entry = JournalEntry.objects.get(person=person)
    assert entry.recorded_at == stored
    # The page shows the time as stored.
    shown = timezone.localtime(stored, person.zone)
    assert f"{shown:%H:%M}." in response.text


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "Pacific/Kiritimati", "America/Adak"])
@pytest.mark.parametrize("local", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_it_refuses_the_ends_of_the_calendar_in_any_zone(person, person_client, zone, local):
    person.time_zone = zone
    person.save()
    response = person_client.post(NEW, new_entry(pain="4", recorded_at=local))
    assert response.status_code == 422
    assert "Pick a date in 2000 or later." in response.text or "still to come" in response.text
    assert not JournalEntry.objects.exists()


@pytest.mark.django_db
def test_a_refusal_names_the_wrong_fields_in_page_order(person, person_client, htmx_headers):
    data = new_entry(new_tag="x" * 40, note="n" * (bounds.NOTE_MAX + 1))
    data.pop("pain", None)
    page = person_client.post(NEW, data, **htmx_headers).text
    alert = page[page.index('role="alert"') :]
    assert "Not saved: Choose your pain right now" in alert
    assert "(and 2 more, marked above)" in alert
    data["pain"] = "3"
    page = person_client.post(NEW, data, **htmx_headers).text
    alert = page[page.index('role="alert"') :]
    assert "Not saved: Keep a tag under 30 characters. (and 1 more" in alert
    assert page.index("Keep a tag under 30") < page.index("Keep the note under")
    assert not JournalEntry.objects.of(person).exists()


@pytest.mark.django_db
def test_the_quick_entry_keeps_its_extra_fields_folded_unless_one_was_wrong(
    person_client, htmx_headers
):
    data = new_entry(quick="1")
    data.pop("pain", None)
    refused = person_client.post(NEW, data, **htmx_headers).text
    assert '<details class="more">' in refused
    assert 'name="quick" value="1"' in refused
    data["note"] = "n" * (bounds.NOTE_MAX + 1)
    assert '<details class="more" open>' in person_client.post(NEW, data, **htmx_headers).text
    del data["quick"]
    assert '<details class="more" open>' in person_client.post(NEW, data, **htmx_headers).text
