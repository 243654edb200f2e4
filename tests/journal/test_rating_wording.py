"""The wording a journal rating or PEG item was given in: shown in the person's language where it
may be, recorded with each rating, and told to the clinician (docs/rating-wording.md)."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse
from django.utils import translation

from backrelease.capability import tokens
from journal.models import JournalEntry, WeeklyCheckIn
from journal.sharing import report
from sessions import wording
from sessions.models import Instrument
from tests.factories import JournalEntryFactory, ReleaseSessionFactory, ShareLinkFactory

CHECK_IN = reverse("journal:check-in")
GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}
PEG = {"pain_average": "6", "enjoyment_interference": "5", "activity_interference": "4"}


PEG_NOTE = (
    "These three questions are shown in their original English: there is no validated "
    "translation in your language that we may use yet. Answer them as best you can; your "
    "answers count just the same."
)


def test_a_german_check_in_shows_the_pegs_english_items_and_says_why(person_client):
    page = person_client.get(CHECK_IN, **GERMAN).text
    assert (
        '<legend lang="en-gb">What number best describes your pain on average this week?</legend>'
        in page
    )
    assert '<p class="rating-ends" lang="en-gb"><span>0 not at all</span>' in page
    with translation.override("de"):
        note = translation.gettext(PEG_NOTE)
    assert note != PEG_NOTE
    assert f'<p class="hint">{note}</p>' in page
    assert 'name="activity_interference_wording" value="en-gb:1"' in page


def test_an_english_check_in_has_no_note_and_no_lang_of_its_own(person_client):
    page = person_client.get(CHECK_IN, HTTP_ACCEPT_LANGUAGE="en-GB").text
    assert "<legend>What number best describes your pain on average this week?</legend>" in page
    assert "original English" not in page


def test_a_german_check_in_records_the_english_items(person, person_client):
    post = PEG | {f"{item}_wording": "en-gb:1" for item in PEG}
    person_client.post(CHECK_IN, post, **GERMAN)
    check_in = WeeklyCheckIn.objects.get(person=person)
    assert check_in.pain_average == 6
    for item in PEG:
        assert getattr(check_in, f"{item}_wording").key == "en-gb:1"


def test_a_check_in_refuses_a_peg_wording_of_our_own_and_saves_nothing(person, person_client):
    post = PEG | {"pain_average_wording": "de:1"}
    response = person_client.post(CHECK_IN, post, HTTP_HX_REQUEST="true", **GERMAN)
    assert response.status_code == 422
    assert not WeeklyCheckIn.objects.filter(person=person).exists()


def test_a_spanish_journal_entry_records_the_spanish_scale(person, person_client):
    page = person_client.get(reverse("journal:new"), HTTP_ACCEPT_LANGUAGE="es").text
    assert "Dolor ahora, de 0 a 10" in page
    person_client.post(
        reverse("journal:new"),
        {
            "pain": "3",
            "pain_wording": "es:1",
            "submission_key": "6f1c1f0e-4b57-4a39-9a35-3c1f4f1bb2a7",
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    entry = JournalEntry.objects.get(person=person)
    assert (entry.pain, entry.pain_wording.key) == (3, "es:1")


def test_editing_an_entry_without_changing_its_pain_keeps_its_wording(person, person_client):
    entry = JournalEntryFactory(person=person, pain_wording=wording.shown(Instrument.PAIN, "de"))
    person_client.post(
        reverse("journal:edit", args=[entry.pk]),
        {"pain": "5", "pain_wording": "es:1", "note": "changed"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    entry.refresh_from_db()
    assert (entry.note, entry.pain_wording.key) == ("changed", "de:1")


def test_another_persons_entry_is_still_a_404(person_client, other_person):
    entry = JournalEntryFactory(person=other_person)
    response = person_client.post(
        reverse("journal:edit", args=[entry.pk]), {"pain": "1", "pain_wording": "de:1"}, **GERMAN
    )
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.pain == 5


def test_the_clinicians_report_counts_the_ratings_given_in_wording_not_validated(person):
    token = tokens.new_token()
    ShareLinkFactory(person=person, token=token)
    german_pain = wording.shown(Instrument.PAIN, "de")
    german_arch = wording.shown(Instrument.ARCH, "de")
    ReleaseSessionFactory(
        person=person,
        finished=True,
        pain_before_wording=german_pain,
        arch_before_wording=german_arch,
        arch_after_wording=wording.shown(Instrument.ARCH, "en-gb"),
        pain_after_wording=german_pain,
    )
    JournalEntryFactory(person=person, pain_wording=german_pain)
    JournalEntryFactory(person=person)  # from before wording was recorded: en-gb v1
    text = Client().get(f"/shared/{token}/", HTTP_ACCEPT_LANGUAGE="en-GB").text
    assert "4 ratings shown here were given in wording that is not validated" in text
    wording_table = text.split('<h2 id="wording">')[1]
    assert '<q lang="de">Schmerz jetzt, 0 bis 10</q>' in wording_table
    assert "the team&#x27;s own translation, not validated" in wording_table
    # Each row says the language and version its ratings were asked in, once for both scales.
    cells = re.findall(r"<td>([^<]*v1[^<]*)</td>", text)
    asked_in = [" ".join(cell.split()) for cell in cells]
    assert "German, v1 (not validated), British English, v1" in asked_in
    assert "German, v1 (not validated)" in asked_in


def test_a_report_of_english_ratings_only_says_nothing_of_validation(person):
    token = tokens.new_token()
    ShareLinkFactory(person=person, token=token)
    JournalEntryFactory(person=person)
    text = Client().get(f"/shared/{token}/").text
    assert "given in wording that is not validated:" not in text
    assert "(not validated)" not in text
    assert "<q>Pain now, 0 to 10</q>" in text


def test_the_report_counts_each_tables_wordings_in_one_query(person, django_assert_num_queries):
    """However many ratings: a query for the sessions (all four of their ratings at once), one for
    the journal, one for the check-ins."""
    link = ShareLinkFactory(person=person)
    ReleaseSessionFactory.create_batch(3, person=person, finished=True)
    JournalEntryFactory.create_batch(2, person=person)
    report.wordings(report.scope(link), [])  # the process's table of wordings read once
    with django_assert_num_queries(3):
        found = report.wordings(report.scope(link), [])
    counts = {(u.wording.instrument, u.wording.language): u.count for u in found}
    assert counts == {(Instrument.PAIN, "en-gb"): 3 * 2 + 2, (Instrument.ARCH, "en-gb"): 3 * 2}
