"""Mail leaves the request: the same answer and the same work whatever the address, limits per
address and per client, and links that work once."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from backrelease.accounts import mail
from tests.accounts.conftest import link_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
RESET = reverse("password_reset")
EMAIL = reverse("email-address")
STATUS = re.compile(r'role="status">([^<]+)<')


def test_every_reset_answer_does_the_same_work_whatever_the_address(smtp_server, run_tasks):
    """Whether an address is confirmed, waiting or unknown shows in neither the answer nor the
    work behind it: the same statements to the database, in the same order (only their values
    differ), so the time cannot tell either; the mail goes out afterwards, from the worker, to the
    confirmed ones only. Compared by statement rather than by clock, which a shared machine makes
    noisy."""
    kinds = {
        "confirmed": UserFactory(
            email="known@example.com", email_confirmed_at=timezone.now()
        ).email,
        "unconfirmed": UserFactory(email="waiting@example.com").email,
        "unknown": "nobody@example.com",
    }
    work = {}
    for n, (kind, address) in enumerate(kinds.items()):
        client = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
        with CaptureQueriesContext(connection) as queries:
            response = client.post(RESET, {"email": address})
        assert response.status_code == 302
        assert response.url == reverse("password_reset_done")
        work[kind] = [statement_shape(query["sql"]) for query in queries]

    assert work["confirmed"] == work["unconfirmed"] == work["unknown"]
    assert smtp_server.messages == []
    run_tasks()
    assert [message["To"] for message in smtp_server.messages] == [kinds["confirmed"]]


def statement_shape(sql: str) -> str:
    """A statement with its values taken out: what it does, not to whom."""
    return re.sub(r"'(?:[^']|'')*'|\b\d+\b", "?", sql)


def test_mail_to_one_address_is_limited_and_answered_alike(
    person, person_client, mailoutbox, run_tasks
):
    person.email = "ana@example.com"
    person.save()
    answers = {
        STATUS.search(person_client.post(EMAIL, {"action": "resend"}, HTTP_HX_REQUEST="true").text)[
            1
        ]
        for _ in range(20)
    }
    assert answers == {"We sent a link to ana@example.com: open it to confirm the address."}
    queued = DBTaskResult.objects.filter(task_path__endswith="send_confirmation")
    assert queued.count() == mail.MAILS_PER_ADDRESS_PER_HOUR
    run_tasks()
    # Each link asked for retires the ones before: of links not yet sent, only the newest goes.
    assert len(mailoutbox) == 1
    mailoutbox.clear()
    person.email_confirmed_at = timezone.now()
    person.save()
    for n in range(15):
        Client(REMOTE_ADDR=f"203.0.113.{n}").post(RESET, {"email": "ana@example.com"})
    run_tasks()
    # The address had its hour's share from the confirmations already.
    assert mailoutbox == []


def test_mail_from_one_client_is_limited(mailoutbox, run_tasks):
    people = [
        UserFactory(email=f"p{n}@example.com", email_confirmed_at=timezone.now()) for n in range(15)
    ]
    client = Client(REMOTE_ADDR="203.0.113.99")
    for person in people:
        assert client.post(RESET, {"email": person.email}).status_code == 302
    run_tasks()
    assert len(mailoutbox) == mail.MAILS_PER_CLIENT_PER_HOUR


def test_mail_asked_for_by_one_person_is_limited(person_client, mailoutbox, run_tasks):
    # A new stranger's address each time, from a new client address each time.
    for n in range(15):
        person_client.post(EMAIL, {"email": f"stranger{n}@example.com"}, REMOTE_ADDR=f"192.0.2.{n}")
        run_tasks()
    assert len(mailoutbox) == mail.MAILS_PER_PERSON_PER_HOUR
    assert [message.to for message in mailoutbox] == [
        [f"stranger{n}@example.com"] for n in range(mail.MAILS_PER_PERSON_PER_HOUR)
    ]


def confirm_by(link: str) -> int:
    """Opens the mailed link and presses the button, as a person does; the answer's status."""
    client = Client()
    opened = client.get(link)
    if opened.status_code != 302:
        return opened.status_code
    return client.post(opened.url).status_code


def test_a_confirmation_link_works_once_and_not_after_the_address_comes_back(
    person, person_client, mailoutbox, run_tasks
):
    person_client.post(EMAIL, {"email": "ana@example.com"})
    run_tasks()
    old_link = link_in(mailoutbox[-1])
    person_client.post(EMAIL, {"email": "other@example.com"})
    person_client.post(EMAIL, {"email": "ana@example.com"})
    run_tasks()
    assert confirm_by(old_link) == 404
    link = link_in(mailoutbox[-1])
    assert confirm_by(link) == 200
    person.refresh_from_db()
    assert person.email_confirmed
    assert confirm_by(link) == 404


def test_only_the_newest_confirmation_link_works(person, person_client, mailoutbox, run_tasks):
    person_client.post(EMAIL, {"email": "ana@example.com"})
    run_tasks()
    older = link_in(mailoutbox[-1])
    person_client.post(EMAIL, {"action": "resend"})
    run_tasks()
    newer = link_in(mailoutbox[-1])
    assert older != newer
    assert confirm_by(older) == 404
    person.refresh_from_db()
    assert person.email_confirmed_at is None
    assert confirm_by(newer) == 200
    person.refresh_from_db()
    assert person.email_confirmed


def test_a_reset_request_with_a_malformed_address_is_refused_on_the_form():
    response = Client().post(RESET, {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.text


def test_a_confirmation_sent_twice_by_the_worker_keeps_its_link(person, person_client, mailoutbox):
    """A task run again (a retry after the server took the mail, a task put back from a killed
    worker) sends the same link, and the first mail's link still works."""
    person_client.post(EMAIL, {"email": "ana@example.com"})
    (queued,) = DBTaskResult.objects.filter(task_path__endswith="send_confirmation")
    for _ in range(2):
        mail.send_confirmation.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    first, second = (link_in(message) for message in mailoutbox)
    assert first == second
    assert confirm_by(first) == 200
    person.refresh_from_db()
    assert person.email_confirmed
