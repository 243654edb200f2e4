from __future__ import annotations

import pytest
from django.test import Client

from backrelease.capability import budget, guard, paths, tokens
from tests.factories import ShareLinkFactory

pytestmark = pytest.mark.django_db


def test_it_counts_wrong_tokens_of_every_kind_against_one_limit():
    client = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(budget.WRONG_TOKENS_PER_MINUTE):
        path = f"/shared/wrong-{n}/" if n % 2 else f"/calendar/wrong-{n}.ics"
        assert client.get(path).status_code == 404
    response = client.get("/calendar/one-more.ics")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60


def test_it_stores_only_the_hash_and_finds_the_row_by_the_token(person):
    token = tokens.new_token()
    link = ShareLinkFactory(person=person, token=token)
    assert token not in link.token_hash
    assert tokens.find(type(link).objects.all(), token) == link
    assert tokens.find(type(link).objects.all(), token + "x") is None


# A wrong token for every declared secret URL.
WRONG_TOKEN_URLS = {
    "share link": "/shared/{}/",
    "calendar feed": "/calendar/{}.ics",
    "password reset": "/accounts/reset/MQ/{}/",
    "e-mail confirmation": "/accounts/email/confirm/{}/",
    "practice invitation": "/clinic/invitation/{}/",
}


def test_every_declared_secret_url_is_tried_here():
    assert set(WRONG_TOKEN_URLS) == {path.name for path in paths.SECRET_PATHS}


@pytest.mark.parametrize("name", WRONG_TOKEN_URLS)
def test_every_secret_url_answers_through_the_one_guard(name, monkeypatch):
    answers = []

    def spy(request, lookup, refusal):
        answers.append(guard_opened(request, lookup, refusal))
        return answers[-1]

    guard_opened = guard.opened
    monkeypatch.setattr(guard, "opened", spy)
    client = Client(REMOTE_ADDR="198.51.100.9")
    statuses = [
        client.get(WRONG_TOKEN_URLS[name].format(f"wrong-{n}")).status_code
        for n in range(budget.WRONG_TOKENS_PER_MINUTE + 1)
    ]
    assert len(answers) == len(statuses)
    assert statuses == [404] * budget.WRONG_TOKENS_PER_MINUTE + [429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60


def test_reset_and_confirmation_links_count_against_the_limit_too(person):
    client = Client(REMOTE_ADDR="198.51.100.8")
    for n in range(budget.WRONG_TOKENS_PER_MINUTE // 2):
        assert client.get(f"/accounts/reset/MQ/wrong-{n}/").status_code == 404
        assert client.get(f"/accounts/email/confirm/wrong-{n}/").status_code == 404
    refused = client.get("/accounts/reset/MQ/one-more/")
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert client.get("/accounts/email/confirm/one-more/").status_code == 429
