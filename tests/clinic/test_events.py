"""Every look by a practice member is one append-only access event the patient sees."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from journal.clinic.models import AccessEvent
from tests.clinic.factories import GrantFactory, MemberFactory, verified_client

pytestmark = pytest.mark.django_db
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def test_it_records_a_view_each_download_and_a_print(member, member_client, grant):
    base = reverse("clinic:patient", args=[grant.pk])
    member_client.get(base, HTTP_USER_AGENT=FIREFOX)
    for name in ["back-release.csv", "fhir.json", "weekly.csv"]:
        member_client.get(base + name)
    member_client.post(base + "printed/")
    events = list(AccessEvent.objects.order_by("pk"))
    assert [(e.what, e.detail) for e in events] == [
        ("view", ""),
        ("export", "back-release.csv"),
        ("export", "fhir.json"),
        ("export", "weekly.csv"),
        ("print", ""),
    ]
    first = events[0]
    assert (first.person, first.practice, first.member) == (
        grant.person,
        grant.practice,
        member.person,
    )
    assert first.client == "Firefox on Windows" and len(first.client_key) == 64


def test_it_does_not_count_the_range_switch_or_the_figures(member_client, grant, htmx_headers):
    base = reverse("clinic:patient", args=[grant.pk])
    member_client.get(base, {"range": "4w"}, **htmx_headers)
    member_client.get(base + "figures.json")
    member_client.get(base + "insights/")
    assert not AccessEvent.objects.exists()


def test_it_shows_the_patient_every_look(person_client, member, member_client, grant):
    member_client.get(reverse("clinic:patient", args=[grant.pk]))
    member_client.get(reverse("clinic:csv", args=[grant.pk]))
    page = person_client.get("/sharing/practices/").text
    assert member.person.name in page
    assert "Viewed the record" in page and "Downloaded an export" in page


def test_it_shows_no_one_else_the_events(member, member_client, grant, other_person):
    member_client.get(reverse("clinic:patient", args=[grant.pk]))
    other = verified_client(MemberFactory().person)
    assert other.get(reverse("clinic:patient", args=[grant.pk])).status_code == 404
    mine = GrantFactory(person=other_person)
    assert "Viewed the record" not in other.get("/sharing/practices/").text
    assert AccessEvent.objects.filter(person=mine.person).count() == 0


def test_it_refuses_to_change_an_event(member_client, grant):
    member_client.get(reverse("clinic:patient", args=[grant.pk]))
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessEvent.objects.update(what="export")


def test_it_keeps_the_event_when_the_member_goes(member, member_client, grant):
    member_client.get(reverse("clinic:patient", args=[grant.pk]))
    name = member.person.name
    member.person.delete()
    event = AccessEvent.objects.get()
    assert event.member is None and event.member_name == name
