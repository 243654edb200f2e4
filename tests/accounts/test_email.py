"""An optional e-mail address, confirmed by a link, and password resets sent only to a confirmed
address: through Django's own views and tokens, and through a real SMTP server on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as project_settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks_db.models import DBTaskResult

from backrelease.accounts import email_confirmation, mail
from backrelease.accounts.models import User
from tests.accounts.conftest import free_port, link_in, wait_for
from tests.factories import PASSWORD, JournalEntryFactory, ReleaseSessionFactory

pytestmark = pytest.mark.django_db
SIGNUP = {
    "username": "sam",
    "display_name": "Sam",
    "time_zone": "Europe/London",
    "password1": "slow-breath-on-the-ball",
    "password2": "slow-breath-on-the-ball",
}
SETTINGS = reverse("account-settings")
EMAIL = reverse("email-address")
RESET = reverse("password_reset")


def confirmed(person, address="ana@example.com") -> None:
    person.email = address
    person.email_confirmed_at = timezone.now()
    person.save()


def test_sign_up_takes_an_optional_address_and_sends_a_confirmation(mailoutbox, run_tasks):
    client = Client()
    assert client.post(reverse("signup"), {**SIGNUP, "email": "sam@example.com"}).status_code == 302
    person = User.objects.get(username="sam")
    assert (person.email, person.email_confirmed_at) == ("sam@example.com", None)
    assert mailoutbox == []
    run_tasks()
    (message,) = mailoutbox
    assert message.to == ["sam@example.com"]
    assert message.subject == "Confirm your e-mail address for Back Release"
    assert "/accounts/email/confirm/" in link_in(message)
    assert "We sent a link to sam@example.com" in client.get(reverse("home")).text


def test_sign_up_without_an_address_sends_nothing(mailoutbox, run_tasks):
    assert Client().post(reverse("signup"), SIGNUP).status_code == 302
    run_tasks()
    assert User.objects.get(username="sam").email == ""
    assert mailoutbox == []


def test_sign_up_refuses_a_malformed_address_and_creates_no_one(mailoutbox):
    response = Client().post(reverse("signup"), {**SIGNUP, "email": "sam@"})
    assert response.status_code == 422
    assert "Enter a valid email address." in response.text
    assert not User.objects.exists()
    assert mailoutbox == []


def test_the_link_confirms_on_a_button_not_on_opening(person, mailoutbox):
    person.email = "ana@example.com"
    person.save()
    path = reverse("email-confirm", args=[email_confirmation.token_for(person)])
    anonymous = Client()
    opened = anonymous.get(path)
    # The token moves into the session: the page with the button has no secret in its address.
    assert opened.status_code == 302
    assert opened.url == reverse("email-confirmation")
    page = anonymous.get(opened.url)
    assert page.status_code == 200
    assert "Confirm this address" in page.text
    assert page["Referrer-Policy"] == "same-origin"
    person.refresh_from_db()
    assert person.email_confirmed_at is None
    done = anonymous.post(opened.url)
    assert "is confirmed" in done.text
    person.refresh_from_db()
    assert person.email_confirmed
    assert anonymous.post(opened.url).status_code == 400


def test_the_confirmation_page_without_a_link_confirms_nothing(person):
    person.email = "ana@example.com"
    person.save()
    response = Client().post(reverse("email-confirmation"))
    assert response.status_code == 400
    assert "This link does not work" in response.text
    person.refresh_from_db()
    assert person.email_confirmed_at is None


def test_the_link_itself_takes_no_post(person):
    person.email = "ana@example.com"
    person.save()
    path = reverse("email-confirm", args=[email_confirmation.token_for(person)])
    assert Client().post(path).status_code == 405
    person.refresh_from_db()
    assert person.email_confirmed_at is None


@pytest.mark.parametrize("spoil", ["altered", "expired", "address changed", "other salt"])
def test_a_spoilt_link_confirms_nothing(person, spoil):
    person.email = "ana@example.com"
    person.save()
    token = email_confirmation.token_for(person)
    when = timezone.now()
    if spoil == "altered":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif spoil == "expired":
        when += email_confirmation.LINK_LIFETIME + timedelta(minutes=1)
    elif spoil == "address changed":
        person.email = "other@example.com"
        person.save()
    else:
        token = signing.dumps({"person": person.pk, "email": "ana@example.com"})
    client = Client()
    with time_machine.travel(when):
        response = client.get(reverse("email-confirm", args=[token]))
        assert response.status_code == 404
        assert "This link does not work" in response.text
        assert client.post(reverse("email-confirmation")).status_code == 400
    person.refresh_from_db()
    assert person.email_confirmed_at is None


def test_a_link_opened_then_spoilt_confirms_nothing(person):
    """The session keeps the token, not a verdict: a change of address after opening kills it."""
    person.email = "ana@example.com"
    person.save()
    client = Client()
    client.get(reverse("email-confirm", args=[email_confirmation.token_for(person)]))
    person.email = "other@example.com"
    person.save()
    assert client.post(reverse("email-confirmation")).status_code == 400
    person.refresh_from_db()
    assert person.email_confirmed_at is None


def test_settings_show_the_address_form_and_its_partial(person, person_client, htmx_headers):
    page = person_client.get(SETTINGS).text
    assert "E-mail for password resets" in page
    assert "No address yet" in page
    response = person_client.post(EMAIL, {"email": "ana@example.com"}, **htmx_headers)
    assert response.text.lstrip().startswith('<section id="email-form"')
    assert "<h1>" not in response.text


def test_a_new_address_waits_for_its_own_confirmation(person, person_client, mailoutbox, run_tasks):
    confirmed(person, "old@example.com")
    response = person_client.post(EMAIL, {"email": "new@example.com"}, HTTP_HX_REQUEST="true")
    assert "We sent a link to new@example.com" in response.text
    assert "waiting for you to open the link" in response.text
    person.refresh_from_db()
    assert (person.email, person.email_confirmed_at) == ("new@example.com", None)
    run_tasks()
    (message,) = mailoutbox
    assert message.to == ["new@example.com"]


def test_the_same_address_in_another_case_stays_confirmed(
    person, person_client, mailoutbox, run_tasks
):
    confirmed(person, "ana@example.com")
    person_client.post(EMAIL, {"email": "Ana@Example.com"})
    run_tasks()
    person.refresh_from_db()
    assert person.email_confirmed
    assert mailoutbox == []


def test_it_refuses_a_malformed_address_and_keeps_the_old_one(person, person_client, htmx_headers):
    confirmed(person)
    response = person_client.post(EMAIL, {"email": "not an address"}, **htmx_headers)
    assert response.status_code == 422
    assert "Enter a valid email address." in response.text
    person.refresh_from_db()
    assert person.email == "ana@example.com"
    assert person.email_confirmed


def test_it_removes_the_address_and_resends_the_link(person, person_client, mailoutbox, run_tasks):
    person.email = "ana@example.com"
    person.save()
    resent = person_client.post(EMAIL, {"action": "resend"}, HTTP_HX_REQUEST="true")
    assert "We sent a link to ana@example.com" in resent.text
    run_tasks()
    assert len(mailoutbox) == 1
    removed = person_client.post(EMAIL, {"email": ""}, HTTP_HX_REQUEST="true")
    assert "Your e-mail address is removed." in removed.text
    person.refresh_from_db()
    assert person.email == ""


def test_it_retries_and_then_says_so_when_the_mail_server_refuses(
    person, person_client, settings, run_tasks
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    response = person_client.post(EMAIL, {"email": "ana@example.com"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "We sent a link to ana@example.com" in response.text
    for attempt in range(1, mail.ATTEMPTS + 1):
        # Each retry waits its turn; the worker takes it once it is due.
        with time_machine.travel(timezone.now() + timedelta(hours=attempt)):
            run_tasks()
        person.refresh_from_db()
        assert (person.email_undeliverable_at is None) == (attempt < mail.ATTEMPTS)
    notice = "could not deliver mail to <strong>ana@example.com</strong>"
    assert notice in person_client.get(SETTINGS).text
    person.refresh_from_db()
    assert person.email == "ana@example.com"


def test_a_reset_goes_only_to_a_confirmed_address(person, other_person, mailoutbox, run_tasks):
    confirmed(person, "ana@example.com")
    other_person.email = "ben@example.com"
    other_person.save()
    for address in ("ana@example.com", "ben@example.com", "nobody@example.com"):
        response = Client().post(RESET, {"email": address})
        # The same answer whatever the address: the form tells no one who has an account.
        assert response.status_code == 302
        assert response.url == reverse("password_reset_done")
    run_tasks()
    (message,) = mailoutbox
    assert message.to == ["ana@example.com"]


def test_every_reset_request_queues_the_same_work_whatever_the_address(person, other_person):
    """The request does the same work for each kind of address: the worker, not the request,
    decides whether a link goes out, so neither the answer nor its timing tells who exists."""
    confirmed(person, "ana@example.com")
    other_person.email = "ben@example.com"
    other_person.save()
    for n, address in enumerate(("ana@example.com", "ben@example.com", "nobody@example.com")):
        Client(REMOTE_ADDR=f"192.0.2.{n}").post(RESET, {"email": address})
    queued = DBTaskResult.objects.filter(task_path="backrelease.accounts.mail.send_password_reset")
    assert sorted(task.args_kwargs["args"][0] for task in queued) == [
        "ana@example.com",
        "ben@example.com",
        "nobody@example.com",
    ]


@pytest.mark.parametrize(("hours", "works"), [(2.9, True), (3.1, False)])
def test_a_reset_link_lives_three_hours(person, hours, works):
    confirmed(person)
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    with time_machine.travel(timezone.now() + timedelta(hours=hours)):
        opened = Client().get(path)
    assert (opened.status_code == 302) is works


def test_no_message_carries_health_data(person, mailoutbox, run_tasks):
    ReleaseSessionFactory(person=person, finished=True, note="numb left foot after")
    JournalEntryFactory(person=person, pain=9, note="awful night", tags=["flare"])
    confirmed(person)
    Client().post(RESET, {"email": "ana@example.com"})
    run_tasks()
    person.email_confirmed_at = None
    person.save()
    mail.send_confirmation.enqueue(person.pk, {"domain": "testserver", "protocol": "http"})
    run_tasks()
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        text = message.subject + message.body
        for private in ("numb", "awful", "flare", "pain", "Pain", "session"):
            assert private not in text


def test_a_forgotten_password_is_reset_through_a_real_smtp_server(person, smtp_server, run_tasks):
    confirmed(person)
    locked = Client(REMOTE_ADDR="198.51.100.4")
    wrong = {"username": person.username, "password": "wrong"}
    assert [locked.post(reverse("login"), wrong).status_code for _ in range(5)][-1] == 429

    client = Client()
    assert client.post(RESET, {"email": "ana@example.com"}).status_code == 302
    run_tasks()
    message = wait_for(smtp_server)
    assert message["To"] == "ana@example.com"
    assert message["Subject"] == "Reset your Back Release password"
    assert "Back Release" in message["From"]
    opened = client.get(link_in(message.get_payload(decode=True).decode()))
    # Django moves the token out of the address before showing the form.
    assert opened.status_code == 302
    form = client.get(opened.url)
    assert "Choose a new password" in form.text
    # The page with the form holds no token, so it may send its origin with the post.
    assert form["Referrer-Policy"] == "same-origin"
    new_password = "a-fresh-password-for-ana"
    done = client.post(opened.url, {"new_password1": new_password, "new_password2": new_password})
    assert done.url == reverse("password_reset_complete")

    person.refresh_from_db()
    assert person.check_password(new_password)
    assert not person.check_password(PASSWORD)
    # Proving who they are lifts the lock-out, and the link works only once.
    assert (
        locked.post(
            reverse("login"), {"username": person.username, "password": new_password}
        ).status_code
        == 302
    )
    assert "This reset link does not work" in Client().get(opened.url, follow=True).text


def test_the_confirmation_goes_out_through_a_real_smtp_server(
    person, person_client, smtp_server, run_tasks
):
    person_client.post(EMAIL, {"email": "ana@example.com"})
    run_tasks()
    message = wait_for(smtp_server)
    client = Client()
    opened = client.get(link_in(message.get_payload(decode=True).decode()))
    client.post(opened.url)
    person.refresh_from_db()
    assert person.email_confirmed


def test_development_prints_mail_to_the_console():
    script = (
        "import django; django.setup(); from django.core import mail; "
        "mail.send_mail('Subject here', 'Body here', None, ['a@example.com'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "backrelease.settings", "DEBUG": "true"},
        capture_output=True,
        text=True,
        cwd=project_settings.BASE_DIR,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Subject: Subject here" in result.stdout
