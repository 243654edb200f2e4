"""The owner mark of kept pages: new at each login, gone at sign-out and deletion, so the service
worker never shows a page kept under another login."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse

from backrelease.pages import kept_pages
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def server_error(request):
    return HttpResponse("The database is down.", status=500)


# For the test of a server error's answer only.
urlpatterns = [path("server-error/", server_error)]


def log_in(client: Client, person) -> str:
    response = client.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302
    return response.cookies[kept_pages.COOKIE].value


def test_each_login_gets_a_new_mark_in_session_and_cookie(person):
    client = Client()
    first = log_in(client, person)
    assert first == client.session[kept_pages.SESSION_KEY]
    second = log_in(client, person)
    assert second != first
    assert second == client.session[kept_pages.SESSION_KEY]


def test_signing_out_removes_the_mark(person):
    client = Client()
    log_in(client, person)
    response = client.post(reverse("logout"))
    assert response.cookies[kept_pages.COOKIE].value == ""
    assert response.cookies[kept_pages.COOKIE]["max-age"] == 0


def test_deleting_the_account_removes_the_mark(person):
    client = Client()
    log_in(client, person)
    response = client.post(reverse("delete-account"), {"password": PASSWORD})
    assert response.cookies[kept_pages.COOKIE].value == ""
    assert response.cookies[kept_pages.COOKIE]["max-age"] == 0


@pytest.mark.urls(__name__)
def test_a_server_errors_answer_is_sent_as_it_is(person_client):
    # The database may be down: the mark is neither read from the session nor set.
    response = person_client.get("/server-error/")
    assert response.status_code == 500
    assert kept_pages.COOKIE not in response.cookies


def test_a_login_from_before_marks_existed_gets_one(person_client):
    session = person_client.session
    del session[kept_pages.SESSION_KEY]
    session.save()
    response = person_client.get(reverse("home"))
    mark = response.cookies[kept_pages.COOKIE].value
    assert mark
    assert mark == person_client.session[kept_pages.SESSION_KEY]


def test_a_browser_that_holds_the_mark_is_not_sent_it_again(person):
    client = Client()
    log_in(client, person)
    assert kept_pages.COOKIE not in client.get(reverse("home")).cookies


def test_the_mark_is_sent_only_over_https_and_never_to_other_sites(person, settings):
    settings.SESSION_COOKIE_SECURE = True
    cookie = (
        Client()
        .post(reverse("login"), {"username": person.username, "password": PASSWORD}, secure=True)
        .cookies[kept_pages.COOKIE]
    )
    assert cookie["secure"] is True
    assert cookie["samesite"].lower() == "strict"


def test_the_marks_removal_is_sent_as_the_mark_was_never_to_other_sites(person):
    # The removal is written with the attributes the mark was set with, SameSite=Strict
    # included (a removal without it is what browsers warn about, why Django's delete_cookie
    # takes samesite).
    client = Client()
    log_in(client, person)
    cookie = client.post(reverse("logout")).cookies[kept_pages.COOKIE]
    assert cookie["max-age"] == 0
    assert cookie["samesite"].lower() == "strict"
