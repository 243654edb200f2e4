"""Rating wording as data (docs/rating-wording.md): the table's rules, its seeded rows, and that a
rating records the wording its page showed."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from sessions import wording
from sessions.models import PEG_INSTRUMENTS, Instrument, RatingWording, ReleaseSession, Step
from tests.factories import ReleaseSessionFactory

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}
LANGUAGES = [code for code, _ in settings.LANGUAGES]


@pytest.fixture(autouse=True)
def fresh_table():
    # A row a test adds is gone with its transaction: the process's copy must not keep it.
    wording.forget()
    yield
    wording.forget()


def row(**changes) -> RatingWording:
    fields = {
        "instrument": Instrument.PAIN,
        "language": "de",
        "version": 2,
        "question": "Schmerz jetzt",
        "low_label": "kein Schmerz",
        "high_label": "stärkster vorstellbarer Schmerz",
        "status": "team",
        "source": "a test",
    }
    return RatingWording(**(fields | changes))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {"version": 1},  # de v1 of the pain scale is seeded already
        {"version": 0},
        {"language": "de_DE"},
        {"instrument": "mood"},
        {"status": "maybe"},
        {"question": ""},
        {"instrument": Instrument.PEG_PAIN},  # the PEG never in our own translation
        {"status": "validated"},  # a validated translation without its citation and licence
        {"instrument": Instrument.ARCH},  # the arch scale without its points
        {"point_labels": ["a", "b", "c", "d", "e"]},  # points on a scale that has none
    ],
)
def test_the_database_refuses_wording_that_breaks_a_rule(changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        row(**changes).save()


@pytest.mark.django_db
def test_it_takes_a_validated_translation_with_its_citation_and_licence():
    row(
        instrument=Instrument.PEG_PAIN, status="validated", citation="A paper", licence="Terms"
    ).save()
    assert wording.shown(Instrument.PEG_PAIN, "de").citation == "A paper"


@pytest.mark.django_db
def test_every_instrument_has_a_first_version_in_every_language_but_the_peg():
    seeded = set(RatingWording.objects.values_list("instrument", "language", "version"))
    for instrument in Instrument.values:
        languages = ["en-gb"] if instrument in PEG_INSTRUMENTS else LANGUAGES
        for language in languages:
            assert (instrument, language, 1) in seeded
    assert not RatingWording.objects.filter(instrument__in=PEG_INSTRUMENTS).exclude(
        language="en-gb"
    )
    assert set(RatingWording.objects.values_list("language", "status")) == {
        ("en-gb", "original"),
        ("de", "team"),
        ("es", "team"),
    }


@pytest.mark.django_db
def test_the_peg_in_german_or_spanish_is_its_english_original():
    for language in ["de", "es"]:
        shown = wording.shown(Instrument.PEG_ACTIVITY, language)
        assert (shown.language, shown.status) == ("en-gb", "original")
        assert "Krebs" in shown.citation


@pytest.mark.django_db
def test_an_unknown_language_falls_back_to_english():
    assert wording.shown(Instrument.PAIN, "xx").language == "en-gb"


def session_url(session: ReleaseSession) -> str:
    return reverse("sessions:session", args=[session.pk])


def answer(session: ReleaseSession, **values) -> dict:
    return {
        "step": session.step,
        "step_started_at": session.step_started_at.isoformat(),
        "action": "next",
        **values,
    }


def test_a_german_session_step_shows_the_german_scale_and_records_it(person, person_client):
    session = ReleaseSessionFactory(person=person)
    page = person_client.get(session_url(session), **GERMAN).text
    assert "Schmerz jetzt, 0 bis 10" in page
    assert "0 kein Schmerz" in page
    assert 'name="pain_before_wording" value="de:1"' in page
    person_client.post(
        session_url(session), answer(session, pain_before="6", pain_before_wording="de:1"), **GERMAN
    )
    session.refresh_from_db()
    assert session.pain_before == 6
    assert session.pain_before_wording.key == "de:1"


def test_the_before_and_after_ratings_keep_each_its_own_language(person, person_client):
    session = ReleaseSessionFactory(
        person=person,
        step=Step.ROLL_OFF,
        pain_before=6,
        pain_before_wording=wording.shown(Instrument.PAIN, "de"),
        arch_before=3,
    )
    page = person_client.get(session_url(session), HTTP_ACCEPT_LANGUAGE="es").text
    assert "Dolor ahora, de 0 a 10" in page
    assert "¿Cuánto de la mano cabe bajo la espalda" in page
    post = answer(session, arch_after="1", arch_after_wording="es:1", pain_after="2")
    person_client.post(session_url(session), post)
    session.refresh_from_db()
    assert session.pain_before_wording.key == "de:1"
    assert session.arch_after_wording.key == "es:1"
    # No wording posted (a page from before the field): the active language's, English here.
    assert session.pain_after_wording.key == "en-gb:1"


def test_a_wording_that_does_not_exist_saves_nothing(person, person_client, htmx_headers):
    session = ReleaseSessionFactory(person=person)
    for bad in ["de:9", "fr:1", "de", "de:1; DROP", "de:99999999999"]:
        response = person_client.post(
            session_url(session),
            answer(session, pain_before="6", pain_before_wording=bad),
            **htmx_headers,
        )
        assert response.status_code == 422
        assert "reload the page" in response.text
    session.refresh_from_db()
    assert (session.step, session.pain_before, session.pain_before_wording) == (
        Step.PAIN_BEFORE,
        None,
        None,
    )


def test_another_persons_session_is_still_a_404(person_client, other_person):
    session = ReleaseSessionFactory(person=other_person)
    post = answer(session, pain_before="6", pain_before_wording="de:1")
    assert person_client.post(session_url(session), post, **GERMAN).status_code == 404
    assert person_client.get(session_url(session), **GERMAN).status_code == 404
    session.refresh_from_db()
    assert session.pain_before is None


def test_stopping_early_without_a_pain_rating_records_no_wording(person, person_client):
    session = ReleaseSessionFactory(person=person, step=Step.BREATHE, pain_before=5)
    post = answer(
        session,
        action="stop",
        **{"stop-stopped_early_reason": "other", "stop-pain_after_wording": "de:1"},
    )
    person_client.post(session_url(session), post)
    session.refresh_from_db()
    assert session.stopped_early_reason == "other"
    assert (session.pain_after, session.pain_after_wording) == (None, None)
