"""Every form's labels follow the page's language: a label Django makes up from a field's name
("Note") is English whatever the language, so each one must be given, and translated."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LABEL = re.compile(r"<label[^>]*>(.*?)</label>", re.S)
TAG = re.compile(r"<[^>]+>")
PAGES = [
    "journal:new",
    "journal:check-in",
    "account-settings",
    "reminders:page",
    "sharing:list",
    "trial:plan",
    "trial:rate",
    "import",
    "delete-account",
    "password_change",
]
SIGNED_OUT = ["login", "signup", "password_reset"]


def labels(html: str) -> list[str]:
    return [" ".join(TAG.sub(" ", text).split()) for text in LABEL.findall(html)]


def german_and_english(name: str, person=None) -> tuple[list[str], list[str]]:
    found = []
    for language in ("de", "en-gb"):
        client = Client(headers={"accept-language": language})
        if person:
            person.language = language
            person.save(update_fields=["language"])
            client.force_login(person)
        found.append(labels(client.get(reverse(name)).content.decode()))
    return found[0], found[1]


def words(text: str) -> bool:
    """A label with words in it, not only a number or a sign."""
    return bool(re.search(r"[^\W\d_]{2,}", text))


@pytest.mark.parametrize("name", PAGES + SIGNED_OUT)
def test_no_label_stays_english_on_a_german_page(name):
    person = None if name in SIGNED_OUT else UserFactory()
    german, english = german_and_english(name, person)

    assert len(german) == len(english)
    assert [text for text in german if words(text) and text in english] == []
