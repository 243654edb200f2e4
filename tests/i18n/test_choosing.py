"""Which language a page is in: the browser's on the first visit, the choice saved with the
account, the switcher on every page, and nothing left behind for the next person on a phone."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from backrelease.accounts.models import User
from tests.factories import ShareLinkFactory, UserFactory

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
TOKEN = "l" * 43


def page_language(response) -> str:
    return page_language_of(response.content.decode())


def page_language_of(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def test_a_first_visit_reads_the_browser_s_language(client):
    response = client.get(reverse("login"), headers={"accept-language": "de-AT,de;q=0.9,en;q=0.5"})

    assert page_language(response) == "de"
    assert response["Content-Language"] == "de"
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize("header", ["xx-YY", "", "zh-Hant;q=1, *;q=0.1", "de;q=abc,,;;"])
def test_a_language_we_do_not_speak_is_english_without_error(client, header):
    response = client.get(reverse("login"), headers={"accept-language": header})

    assert response.status_code == 200
    assert page_language(response) == "en-gb"


def test_the_switcher_is_on_signed_out_pages_with_each_language_in_its_own_words(client):
    html = client.get(reverse("login")).content.decode()

    assert f'action="{reverse("choose-language")}"' in html
    for code, name in settings.LANGUAGES:
        assert f'value="{code}" lang="{code}"' in html
        assert f">{name}</button>" in html


@pytest.mark.parametrize("language", ["de", "es"])
def test_the_switcher_names_each_language_in_its_own_words_on_every_page(client, language):
    html = client.get(reverse("login"), headers={"accept-language": language}).content.decode()

    assert page_language_of(html) == language
    assert ">English</button>" in html
    assert ">Deutsch</button>" in html
    assert ">Español</button>" in html


def test_choosing_signed_out_keeps_the_choice_in_a_cookie_and_goes_back(client):
    response = client.post(
        reverse("choose-language"), {"language": "es", "next": "/accounts/login/"}
    )

    assert response.status_code == 303
    assert response["Location"] == "/accounts/login/"
    assert response.cookies[COOKIE].value == "es"
    assert response.cookies[COOKIE]["httponly"]
    assert page_language(client.get("/accounts/login/", headers={"accept-language": "de"})) == "es"


@pytest.mark.parametrize("code", ["xx", "", "zz-" * 300, "../../etc"])
def test_choosing_an_unknown_language_is_english_without_error(client, code):
    response = client.post(reverse("choose-language"), {"language": code, "next": "/"})

    assert response.status_code == 303
    assert response.cookies[COOKIE].value == "en-gb"


@pytest.mark.parametrize("following", ["https://elsewhere.example/", "//elsewhere.example/", ""])
def test_choosing_never_sends_the_person_to_another_site(client, following):
    response = client.post(reverse("choose-language"), {"language": "de", "next": following})

    assert response["Location"] == "/"


def test_a_signed_in_choice_is_saved_with_the_account_and_wins_over_the_browser(client):
    person = UserFactory(language="")
    client.force_login(person)

    response = client.post(reverse("choose-language"), {"language": "de", "next": "/"})

    person.refresh_from_db()
    assert person.language == "de"
    assert COOKIE not in response.cookies
    home = client.get("/", headers={"accept-language": "es"})
    assert page_language(home) == "de"
    assert home["Content-Language"] == "de"


def test_an_account_without_a_choice_follows_the_browser(client):
    client.force_login(UserFactory(language=""))

    assert page_language(client.get("/", headers={"accept-language": "es-MX"})) == "es"


def test_the_settings_page_saves_the_language(client):
    person = UserFactory(language="de")
    client.force_login(person)

    response = client.post(
        reverse("account-settings"),
        {"display_name": "", "time_zone": "Europe/Berlin", "language": "es"},
    )

    assert response.status_code in (200, 302, 303)
    person.refresh_from_db()
    assert person.language == "es"


def test_the_settings_page_refuses_a_language_we_do_not_speak(client):
    person = UserFactory(language="de")
    client.force_login(person)

    client.post(
        reverse("account-settings"),
        {"display_name": "", "time_zone": "Europe/Berlin", "language": "fr"},
    )

    person.refresh_from_db()
    assert person.language == "de"


def test_signing_out_forgets_the_language_so_the_next_person_reads_their_own(client):
    client.post(reverse("choose-language"), {"language": "es", "next": "/"})
    client.force_login(UserFactory(language="de"))

    response = client.post(reverse("logout"))

    assert response.cookies[COOKIE].value == ""
    assert response.cookies[COOKIE]["max-age"] == 0
    assert page_language(client.get(reverse("login"), headers={"accept-language": "en"})) == "en-gb"


def test_signing_up_keeps_the_language_it_was_read_in(client):
    client.post(reverse("choose-language"), {"language": "es", "next": "/"})

    client.post(
        reverse("signup"),
        {
            "username": "lucia",
            "display_name": "",
            "email": "",
            "time_zone": "Europe/Madrid",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
        },
    )

    assert User.objects.get(username="lucia").language == "es"


def test_the_clinician_s_pages_take_the_language_from_the_link_and_set_no_cookie(client):
    ShareLinkFactory(token=TOKEN)
    url = reverse("shared:report", args=[TOKEN])

    response = client.get(url + "?language=de", headers={"accept-language": "es"})

    assert page_language(response) == "de"
    assert not response.cookies
    html = response.content.decode()
    assert 'href="?language=es" lang="es" hreflang="es"' in html
    assert "choose-language" not in html and "<form" not in html.split('class="languages"')[1]
    assert page_language(client.get(url, headers={"accept-language": "es"})) == "es"
