"""The service worker and the offline page, as the server sends them."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.test import Client

from backrelease.pages import offline

pytestmark = pytest.mark.django_db


def test_the_worker_lists_the_shell_and_is_never_cached():
    response = Client().get("/sw.js")
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", response.text).group(1))
    assert shell == offline.shell()
    assert "/offline/" in shell
    assert f'const SHELL_CACHE = "{offline.version(shell)}"' in response.text


def test_each_shell_file_is_served():
    client = Client()
    for url in offline.shell():
        assert client.get(url).status_code == 200, url


def test_the_offline_page_carries_nothing_of_a_person(person_client):
    page = person_client.get("/offline/").text
    assert "No connection" in page
    assert "csrfmiddlewaretoken" not in page
    assert "Settings" not in page


def test_each_language_has_its_offline_page_kept(person, person_client):
    """The worker fetches them with the person's cookies: the address's language wins over the
    account's."""
    person.language = "es"
    person.save(update_fields=["language"])
    worker = person_client.get("/sw.js").text
    pages = json.loads(re.search(r"const OFFLINE_PAGES = (\{.*?\});", worker).group(1))
    assert pages == offline.offline_pages()
    assert set(pages) == {code for code, _ in settings.LANGUAGES}
    for code, url in pages.items():
        assert url in offline.shell()
        assert person_client.get(url)["Content-Language"] == code
    german = person_client.get(pages["de"]).text
    assert '<html lang="de">' in german
    assert "Keine Verbindung" in german and "No connection" not in german


def test_a_new_file_name_makes_a_new_cache():
    assert offline.version(["/static/a.1.css"]) != offline.version(["/static/a.2.css"])
