"""Every mail in its recipient's language and time zone: the language saved with the account, else
the one of the page that caused the mail, else English; each mail names its language in its
Content-Language header."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from backrelease.accounts import mail
from tests.accounts.test_email import SIGNUP, confirmed

pytestmark = pytest.mark.django_db
RESET = reverse("password_reset")
WHERE = {"domain": "testserver", "protocol": "http"}


@pytest.fixture
def rendered_in(monkeypatch):
    """The language and time zone active while each part of a mail was rendered."""
    seen = []
    render = mail.render_to_string

    def spying(template, context):
        seen.append((template, translation.get_language(), timezone.get_current_timezone_name()))
        return render(template, context)

    monkeypatch.setattr(mail, "render_to_string", spying)
    return seen


def test_a_german_persons_reset_mail_is_german_whatever_page_asked(
    person, mailoutbox, run_tasks, rendered_in
):
    confirmed(person)
    person.language = "de"
    person.time_zone = "Europe/Berlin"
    person.save()
    Client().post(RESET, {"email": "ana@example.com"}, HTTP_ACCEPT_LANGUAGE="es")
    run_tasks()
    (message,) = mailoutbox
    assert message.extra_headers["Content-Language"] == "de"
    assert [(language, zone) for _, language, zone in rendered_in] == [
        ("de", "Europe/Berlin"),
        ("de", "Europe/Berlin"),
    ]


def test_a_confirmation_at_sign_up_is_in_the_sign_up_pages_language(
    mailoutbox, run_tasks, rendered_in
):
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.post(reverse("signup"), {**SIGNUP, "email": "sam@example.com"})
    with translation.override("en-gb"):
        run_tasks()
    (message,) = mailoutbox
    assert message.extra_headers["Content-Language"] == "es"
    assert {language for _, language, _ in rendered_in} == {"es"}
    assert {zone for _, _, zone in rendered_in} == {SIGNUP["time_zone"]}


def test_with_no_saved_language_the_page_that_asked_decides(person, mailoutbox, run_tasks):
    confirmed(person)
    assert person.language == ""
    Client().post(RESET, {"email": "ana@example.com"}, HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    # The worker has no request: the page's language is kept in the task.
    with translation.override("en-gb"):
        run_tasks()
    (message,) = mailoutbox
    assert message.extra_headers["Content-Language"] == "es"


def test_the_saved_language_wins_over_the_page_for_a_confirmation(
    person, person_client, mailoutbox, run_tasks
):
    person.language = "de"
    person.save()
    person_client.post(reverse("email-address"), {"email": "ana@example.com"})
    run_tasks()
    (message,) = mailoutbox
    assert message.extra_headers["Content-Language"] == "de"


def test_the_warning_of_failed_logins_is_in_the_owners_language(person, mailoutbox, rendered_in):
    confirmed(person)
    person.language = "es"
    person.save()
    mail.warn_of_failed_logins.call(person.pk, 20, {**WHERE, "language": "de"})
    (message,) = mailoutbox
    assert message.extra_headers["Content-Language"] == "es"
    assert [name for name, language, _ in rendered_in if language == "es"] == [
        "registration/failed_logins_subject.txt",
        "registration/failed_logins_message.txt",
    ]


@pytest.mark.parametrize(
    ("saved", "where"),
    [
        # Queued by the release before, which kept no language.
        ("", WHERE),
        # A code the app does not speak, saved or from the page: English, no error.
        ("xx", {**WHERE, "language": "tlh"}),
    ],
)
def test_it_falls_back_to_english(person, mailoutbox, saved, where):
    confirmed(person)
    person.language = saved
    person.save(update_fields=["language"])
    mail.send_password_reset.call(person.email, where)
    (message,) = mailoutbox
    assert message.extra_headers["Content-Language"] == "en-gb"
    assert message.subject == "Reset your Back Release password"


def test_a_regional_variant_is_written_in_its_language(person):
    person.language = ""
    assert mail.language_for(person, {**WHERE, "language": "de-AT"}) == "de"


def test_the_origin_keeps_the_pages_language(rf):
    with translation.override("es"):
        assert mail.origin(rf.get("/"))["language"] == "es"


def test_a_mail_leaves_the_workers_language_as_it_was(person, mailoutbox):
    confirmed(person)
    person.language = "de"
    person.save()
    with translation.override("en-gb"):
        mail.send_password_reset.call(person.email, WHERE)
        assert translation.get_language() == "en-gb"
    assert len(mailoutbox) == 1
