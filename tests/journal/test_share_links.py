"""The person's own page of share links: create, see once, list, revoke, and the opening log."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backrelease.capability import tokens
from journal import sharing
from journal.models import ShareLink, ShareLinkOpening
from tests.factories import ShareLinkFactory

pytestmark = pytest.mark.django_db
URL = reverse("sharing:list")


def good(**change) -> dict:
    today = timezone.localdate()
    return {"label": "Dr Lee, physio", "expires_on": str(today + timedelta(days=30)), **change}


def test_it_shows_the_form_with_a_thirty_day_default(person_client):
    page = person_client.get(URL).text
    assert "Share with a clinician" in page
    default = timezone.localdate() + timedelta(days=30)
    assert f'value="{default.isoformat()}"' in page


@pytest.mark.parametrize("zone", ["Europe/London", "Australia/Sydney", "America/Los_Angeles"])
def test_the_list_says_the_day_chosen_as_the_last(person, person_client, zone):
    person.time_zone = zone
    person.save(update_fields=["time_zone"])
    last_day = timezone.localdate(timezone=ZoneInfo(zone)) + timedelta(days=30)
    person_client.post(URL, good(expires_on=str(last_day)))
    page = person_client.get(URL).text
    assert f"works until {last_day.day} {last_day:%b %Y}" in page
    assert ", 00:00" not in page


def test_a_link_cut_short_by_its_longest_lifetime_says_its_time(person, person_client):
    link = ShareLinkFactory(person=person, expires_at=timezone.now() + timedelta(days=3, hours=5))
    ends = timezone.localtime(link.expires_at, person.zone)
    assert f"works until {ends.day} {ends:%b %Y, %H:%M}" in person_client.get(URL).text


def test_it_renders_the_links_partial_for_htmx(person_client, htmx_headers):
    partial = person_client.get(URL, **htmx_headers).text
    assert partial.lstrip().startswith('<div id="share-links">')


def test_it_creates_a_link_and_shows_its_url_once(person, person_client, htmx_headers):
    response = person_client.post(URL, good(include_notes="on"), **htmx_headers)
    assert response.status_code == 200
    shown = response.text.split('id="new-link-url" type="text" readonly value="')[1].split('"')[0]
    token = shown.rstrip("/").rsplit("/", 1)[1]
    link = ShareLink.objects.get(person=person)
    assert link.token_hash == tokens.hash_token(token)
    assert link.include_notes is True
    assert link.expires_at.date() >= timezone.localdate() + timedelta(days=30)
    assert token not in person_client.get(URL).text
    assert Client().get(f"/shared/{token}/").status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"label": ""}, "Say who the link is for"),
        ({"expires_on": "2020-01-01"}, "Pick today or a later day."),
        ({"expires_on": str(timezone.localdate() + timedelta(days=400))}, "a year at most"),
        ({"expires_on": "soon"}, "Enter a date"),
        ({"shows_from": "2026-11-10", "shows_until": "2026-11-01"}, "comes before its start"),
        ({"shows_from": "1900-01-01"}, "Pick a date in 2000 or later."),
        ({"shows_until": "0001-01-01"}, "Pick a date in 2000 or later."),
        ({"label": "Dr\x00Lee"}, "on one line"),
        ({"shows_until": "9999-12-31"}, "End the range by the day the link stops working."),
        ({"shows_from": "2090-01-01"}, "Start the range today or earlier."),
    ],
)
def test_it_refuses_bad_input_and_creates_nothing(person_client, htmx_headers, change, message):
    response = person_client.post(URL, good(**change), **htmx_headers)
    assert response.status_code == 422
    assert message in response.text
    assert not ShareLink.objects.exists()


def test_it_lists_links_with_their_openings(person, person_client):
    link = ShareLinkFactory(person=person, label="GP", open_count=2, last_opened_at=timezone.now())
    page = person_client.get(URL).text
    assert "GP" in page
    assert "Opened 2 times" in page
    assert reverse("sharing:openings", args=[link.pk]) in page


def test_it_revokes_in_one_tap(person, person_client, htmx_headers):
    link = ShareLinkFactory(person=person)
    response = person_client.post(reverse("sharing:revoke", args=[link.pk]), **htmx_headers)
    assert response.text.lstrip().startswith('<section id="link-list"')
    assert ">withdrawn<" in response.text
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_it_shows_the_opening_log(person, person_client, htmx_headers):
    link = ShareLinkFactory(person=person)
    ShareLinkOpening.objects.create(link=link, client="Firefox on Windows")
    assert (
        "Firefox on Windows" in person_client.get(reverse("sharing:openings", args=[link.pk])).text
    )
    partial = person_client.get(reverse("sharing:openings", args=[link.pk]), **htmx_headers).text
    assert partial.lstrip().startswith('<section id="openings"')


def test_it_checks_ownership(person_client, other_person):
    link = ShareLinkFactory(person=other_person, label="Their GP")
    assert person_client.post(reverse("sharing:revoke", args=[link.pk])).status_code == 404
    assert person_client.get(reverse("sharing:openings", args=[link.pk])).status_code == 404
    assert "Their GP" not in person_client.get(URL).text
    link.refresh_from_db()
    assert link.revoked_at is None


def test_it_sends_anonymous_visitors_to_log_in(db):
    assert Client().get(URL).url.startswith(reverse("login"))


# Just after midnight, a year before a night when summer time ends (or starts), in two zones.
SUMMER_TIME_DAYS = [
    ("Europe/London", datetime(2027, 10, 30, 0, 30)),
    ("Europe/London", datetime(2027, 3, 27, 0, 30)),
    ("America/New_York", datetime(2027, 11, 6, 0, 30)),
    ("America/New_York", datetime(2027, 3, 13, 0, 30)),
]


@pytest.mark.parametrize(("zone", "local"), SUMMER_TIME_DAYS, ids=lambda v: str(v))
def test_it_creates_the_longest_link_on_summer_time_days(person, zone, local):
    person.time_zone = zone
    person.save()
    now = local.replace(tzinfo=ZoneInfo(zone))
    last_day = local.date() + timedelta(days=sharing.MAX_DAYS)
    with time_machine.travel(now, tick=False):
        client = Client()
        client.force_login(person)
        response = client.post(URL, good(expires_on=str(last_day)))
    assert response.status_code == 200
    link = ShareLink.objects.get(person=person)
    # It still works late on the chosen day, and the database's bound holds.
    assert link.expires_at.astimezone(ZoneInfo(zone)).date() in {last_day, last_day + timedelta(1)}
    assert link.expires_at >= datetime.combine(last_day, time(23), ZoneInfo(zone))
    assert link.expires_at <= link.created_at + sharing.MAX_LIFETIME


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York", "Australia/Lord_Howe"])
def test_it_keeps_every_expiry_of_the_year_within_the_bound(zone):
    tz = ZoneInfo(zone)
    for offset in range(366):
        for clock in (time(0, 30), time(23, 30)):
            local = datetime.combine(date(2027, 1, 1) + timedelta(offset), clock, tz)
            created = local.astimezone(UTC)
            last_day = local.date() + timedelta(days=sharing.MAX_DAYS)
            expires_at = sharing.expiry(last_day, tz, now=created)
            assert created < expires_at <= created + sharing.MAX_LIFETIME
            assert expires_at >= datetime.combine(last_day, time(22), tz)
