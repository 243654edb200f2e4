"""The patient's side at /sharing/practices/: a code, the practice's name and members, the choices,
then the grant; revoking; and every refusal that changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backrelease.capability import budget
from journal.clinic import codes
from journal.clinic.models import AccessEvent, Grant
from tests.clinic.factories import GrantFactory, PracticeFactory

pytestmark = pytest.mark.django_db
URL = "/sharing/practices/"


def choices(code: str, **more) -> dict:
    until = timezone.localdate() + timedelta(days=30)
    return {"code": code, "shown_name": "Ann B.", "expires_on": until.isoformat(), **more}


def test_it_shows_the_practice_and_its_members_before_anything_is_given(
    person_client, practice, admin, member
):
    response = person_client.post(URL, {"code": codes.grouped(practice.share_code).lower()})
    assert response.status_code == 200
    assert f"Share with {practice.name}?" in response.text
    assert admin.person.name in response.text and member.person.name in response.text
    assert not Grant.objects.exists()


def test_the_list_of_practices_says_the_day_chosen_as_the_last(person, person_client, practice):
    person_client.post(reverse("practices:grant"), choices(practice.share_code))
    until = timezone.localdate() + timedelta(days=30)
    page = person_client.get(URL).text
    assert f"until {until.day} {until:%b %Y}" in page


def test_it_grants_with_the_chosen_scope(person, person_client, practice):
    response = person_client.post(
        reverse("practices:grant"),
        choices(practice.share_code, include_notes="on", shows_from="2026-01-01"),
    )
    assert response.status_code == 302
    grant = Grant.objects.get()
    assert (grant.person, grant.practice, grant.shown_name) == (person, practice, "Ann B.")
    assert grant.include_notes and grant.shows_from.isoformat() == "2026-01-01"
    assert practice.name in person_client.get(URL).text


def test_it_refuses_a_second_grant_to_the_same_practice(person, person_client, practice):
    GrantFactory(person=person, practice=practice)
    response = person_client.post(reverse("practices:grant"), choices(practice.share_code))
    assert response.status_code == 422
    assert "can already see your record" in response.text
    assert Grant.objects.count() == 1


def test_it_refuses_a_wrong_code_and_counts_it(person_client, practice, monkeypatch):
    counted = []
    monkeypatch.setattr(budget, "count_miss", lambda request: counted.append(1) or False)
    response = person_client.post(URL, {"code": "ABCD-EFGH-JKLM"})
    assert response.status_code == 404
    assert "No practice has that code" in response.text
    assert counted == [1]


def test_it_limits_wrong_codes_like_share_tokens(person_client, practice):
    for _ in range(budget.WRONG_TOKENS_PER_MINUTE):
        person_client.post(URL, {"code": "ABCD-EFGH-JKLM"})
    response = person_client.post(URL, {"code": practice.share_code})
    assert response.status_code == 200  # a right code is never refused
    response = person_client.post(URL, {"code": "ABCD-EFGH-JKLN"})
    assert response.status_code == 429
    assert "Wait a minute" in response.text
    assert "Retry-After" in response


def test_it_refuses_a_code_of_the_wrong_length_without_counting(person_client, monkeypatch):
    monkeypatch.setattr(budget, "count_miss", lambda request: pytest.fail("counted"))
    response = person_client.post(URL, {"code": "ABC"})
    assert response.status_code == 422
    assert "12 letters and digits" in response.text


def test_it_refuses_a_code_regenerated_between_the_two_steps(person_client, practice):
    old = practice.share_code
    practice.share_code = codes.new_code()
    practice.save()
    response = person_client.post(reverse("practices:grant"), choices(old))
    assert response.status_code == 422
    assert "no longer works" in response.text
    assert not Grant.objects.exists()


def test_it_refuses_bad_choices_with_the_links_messages(person_client, practice):
    far = (timezone.localdate() + timedelta(days=400)).isoformat()
    response = person_client.post(
        reverse("practices:grant"), choices(practice.share_code, expires_on=far)
    )
    assert response.status_code == 422
    assert "a year at most" in response.text
    assert not Grant.objects.exists()


def test_it_revokes_once_and_says_so_the_second_time(person_client, grant):
    person_client.post(reverse("practices:revoke", args=[grant.pk]))
    grant.refresh_from_db()
    revoked_at = grant.revoked_at
    assert revoked_at is not None
    response = person_client.post(reverse("practices:revoke", args=[grant.pk]), follow=True)
    assert "already ended" in response.text
    grant.refresh_from_db()
    assert grant.revoked_at == revoked_at


def test_it_lets_the_patient_grant_again_after_a_revoke(person, person_client, grant):
    person_client.post(reverse("practices:revoke", args=[grant.pk]))
    person_client.post(reverse("practices:grant"), choices(grant.practice.share_code))
    assert Grant.objects.filter(person=person, revoked_at=None).count() == 1


def test_it_checks_ownership_of_a_grant(person_client):
    others = GrantFactory()
    assert person_client.post(reverse("practices:revoke", args=[others.pk])).status_code == 404
    others.refresh_from_db()
    assert others.revoked_at is None


def test_it_answers_htmx_with_the_form_partial(person_client, practice, htmx_headers):
    response = person_client.post(URL, {"code": practice.share_code}, **htmx_headers)
    assert response.text.lstrip().startswith('<div id="grant-form">')


def test_it_never_writes_a_code_into_a_log(person_client, practice, caplog):
    person_client.post(URL, {"code": "ABCD-EFGH-JKLM"})
    person_client.post(URL, {"code": practice.share_code})
    assert "ABCD" not in caplog.text and practice.share_code not in caplog.text


def test_it_removes_grants_and_events_with_the_patients_account(person, grant, member_client):
    member_client.get(reverse("clinic:patient", args=[grant.pk]))
    person.delete()
    assert not Grant.objects.exists()

    assert not AccessEvent.objects.exists()


def test_it_keeps_a_second_practice_apart(person_client, person):
    first, second = PracticeFactory(), PracticeFactory()
    GrantFactory(person=person, practice=first)
    response = person_client.post(reverse("practices:grant"), choices(second.share_code))
    assert response.status_code == 302
    assert Grant.objects.filter(person=person).count() == 2
