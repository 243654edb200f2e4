"""What a clinician sees at /shared/<token>/, and every guarantee the link makes."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, timedelta

import factory
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from backrelease.capability import budget, tokens
from backrelease.common.hashing import keyed
from backrelease.limits.models import Count
from journal.models import ShareLink, ShareLinkOpening
from journal.trends import TABLE_WEEKS
from tests.factories import (
    JournalEntryFactory,
    ReleaseSessionFactory,
    ShareLinkFactory,
    UserFactory,
    every,
    local_now,
)

pytestmark = pytest.mark.django_db
TOKEN = tokens.new_token()
HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "no-store",
}


@pytest.fixture
def link(person):
    person.display_name = "Ana"
    person.email = "ana@example.com"
    person.save()
    return ShareLinkFactory(person=person, token=TOKEN)


def url(token: str = TOKEN, page: str = "") -> str:
    return f"/shared/{token}/{page}"


def assert_private_headers(response) -> None:
    for name, value in HEADERS.items():
        assert response.headers[name] == value


def test_it_shows_the_patients_record_read_only(link, person):
    ReleaseSessionFactory(person=person, finished=True, pain_before=8, pain_after=3, note="calm")
    JournalEntryFactory(person=person, pain=5, tags=["sleep"], note="slept badly")
    page = Client().get(url())
    assert page.status_code == 200
    text = page.text
    assert "Ana: pain and release sessions" in text
    assert 'class="summary-sentence"' in text
    assert 'data-figures="figures.json?range=12w"' in text
    assert 'id="chart-pain" data-chart="pain"' in text
    figures = Client().get(url(page="figures.json?range=12w")).json()
    assert figures["pain"]["data"][0]["y"][-1] == 6.5
    assert "8 → 3" in text
    assert "sleep" in text
    assert "Covers everything recorded." in text
    assert "ana@example.com" not in text
    assert "<form" not in text
    assert "csrfmiddlewaretoken" not in text
    assert "slept badly" not in text and "calm" not in text
    assert "Free-text notes are not shared." in text


def test_it_shows_notes_only_when_allowed(person):
    ShareLinkFactory(person=person, token=TOKEN, include_notes=True)
    JournalEntryFactory(person=person, note="slept badly")
    assert "slept badly" in Client().get(url()).text


def test_it_shows_only_the_chosen_dates(person):
    ShareLinkFactory(
        person=person, token=TOKEN, shows_from=date(2026, 11, 2), shows_until=date(2026, 11, 8)
    )
    JournalEntryFactory(person=person, pain=1, recorded_at=datetime(2026, 11, 1, 12, tzinfo=UTC))
    JournalEntryFactory(person=person, pain=7, recorded_at=datetime(2026, 11, 4, 12, tzinfo=UTC))
    JournalEntryFactory(person=person, pain=2, recorded_at=datetime(2026, 11, 9, 12, tzinfo=UTC))
    text = Client().get(url()).text
    assert "Covers 2 Nov 2026 to 8 Nov 2026." in text
    assert "Wed 4 Nov 2026" in text
    assert "Sun 1 Nov 2026" not in text
    assert "Mon 9 Nov 2026" not in text
    # One trend week, one journal row, one wording it was given in, three heads.
    assert text.count("<tr") == 1 + 1 + 1 + 3


def test_it_never_shows_another_persons_rows_even_added_later(link, person):
    other = UserFactory()
    JournalEntryFactory(person=person, pain=4, recorded_at=datetime(2026, 11, 4, 12, tzinfo=UTC))
    ReleaseSessionFactory(person=other, finished=True, pain_before=9, pain_after=9, note="other")
    JournalEntryFactory(person=other, pain=10, tags=["theirs"])
    text = Client().get(url()).text
    assert "theirs" not in text
    assert "9 → 9" not in text
    assert "No sessions in this period." in text


def test_it_carries_the_private_headers_on_every_response(link):
    client = Client()
    responses = [
        client.get(url()),
        client.head(url()),
        client.get(url(page="back-release.csv")),
        client.get(url(page="fhir.json")),
        client.get(url(page="figures.json")),
        client.get(url(page="insights/")),
        client.get(url("no-such-token")),
        client.post(url()),
        client.get("/shared/"),
    ]
    link.revoked_at = timezone.now()
    link.save()
    responses.append(client.get(url()))
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 200, 200, 404, 405, 404, 410]
    for response in responses:
        assert_private_headers(response)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_it_refuses_every_method_but_get_and_head(link, method):
    for page in ("", "back-release.csv", "fhir.json", "figures.json", "insights/"):
        response = getattr(Client(), method)(url(page=page))
        assert response.status_code == 405
        assert response.headers["Allow"] == "GET, HEAD"


def test_it_sets_no_cookie_for_the_clinician(link):
    response = Client().get(url())
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers


def test_it_says_an_expired_link_is_gone_and_shows_nothing(person):
    ShareLinkFactory(
        person=person,
        token=TOKEN,
        expires_at=timezone.now() - timedelta(seconds=1),
        created_at=timezone.now() - timedelta(days=3),
    )
    JournalEntryFactory(person=person, pain=6, tags=["sleep"])
    for page in ("", "back-release.csv", "fhir.json", "figures.json", "insights/"):
        response = Client().get(url(page=page))
        assert response.status_code == 410
        assert "This link has expired" in response.text
        assert "sleep" not in response.text


def test_it_says_a_revoked_link_is_gone(link):
    link.revoked_at = timezone.now()
    link.save()
    response = Client().get(url())
    assert response.status_code == 410
    assert "This link was withdrawn" in response.text
    assert "Ana" not in response.text


def test_it_answers_404_for_an_unknown_token_whatever_its_likeness(link):
    near_miss = TOKEN[:-1] + ("A" if TOKEN[-1] != "A" else "B")
    for token in (near_miss, "x", TOKEN.upper()):
        response = Client().get(url(token))
        assert response.status_code == 404
        assert "No such link" in response.text


def test_it_looks_links_up_by_hash_only(link):
    stored = ShareLink.objects.get()
    assert stored.token_hash == tokens.hash_token(TOKEN)
    assert TOKEN not in str(ShareLink.objects.values().get())
    assert len(TOKEN) >= 43  # 32 bytes of urlsafe base64: 256 bits


def test_it_rate_limits_wrong_tokens_per_client_but_never_a_valid_one(link):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(budget.WRONG_TOKENS_PER_MINUTE):
        assert client.get(url(f"wrong-{n}")).status_code == 404
    limited = client.get(url("wrong-again"))
    assert limited.status_code == 429
    assert "Too many tries" in limited.text
    assert_private_headers(limited)
    assert client.get(url()).status_code == 200
    assert Client(REMOTE_ADDR="198.51.100.7").get(url("wrong")).status_code == 404
    assert Count.objects.get(key=keyed("client", "203.0.113.9")).count == 21


def test_it_counts_each_visitor_behind_a_trusted_proxy(link, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    guesser = Client(**proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    for n in range(budget.WRONG_TOKENS_PER_MINUTE + 1):
        guesser.get(url(f"wrong-{n}"))
    assert guesser.get(url("wrong")).status_code == 429
    other = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    assert other.get(url("wrong")).status_code == 404


def test_it_ignores_forwarded_addresses_without_a_trusted_proxy(link):
    for n in range(budget.WRONG_TOKENS_PER_MINUTE):
        Client(HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").get(url(f"wrong-{n}"))
    assert Client(HTTP_X_FORWARDED_FOR="10.0.1.1").get(url("wrong")).status_code == 429


def test_it_logs_each_opening_with_a_coarse_client(link):
    firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
    Client(HTTP_USER_AGENT=firefox).get(url())
    Client().head(url())
    link.refresh_from_db()
    assert link.open_count == 1
    assert link.last_opened_at is not None
    assert list(ShareLinkOpening.objects.values_list("client", flat=True)) == ["Firefox on Windows"]


def test_it_writes_no_token_into_the_logs(link, caplog):
    caplog.set_level(logging.INFO)
    client = Client()
    client.get(url("no-such-token-at-all"))
    client.post(url())
    link.revoked_at = timezone.now()
    link.save()
    client.get(url())
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/shared/[token]/" in logged
    assert TOKEN not in logged
    assert "no-such-token-at-all" not in logged


def test_it_asks_robots_to_keep_out_of_shared_pages():
    assert "Disallow: /shared/" in Client().get("/robots.txt").text


def test_it_loads_nothing_from_another_origin(link):
    text = Client().get(url()).text
    assert "http://" not in text.replace("http://www.w3.org", "")
    assert "https://" not in text
    assert "//cdn" not in text


def test_it_shows_recent_rows_a_page_at_a_time(link, person, django_assert_max_num_queries):
    start = timezone.now() - timedelta(days=3 * 365)
    JournalEntryFactory.create_batch(
        60, person=person, note="n", recorded_at=every(start, timedelta(days=1), 60)
    )
    with django_assert_max_num_queries(15):
        first = Client().get(url())
    journal = first.text.split("<h2>Journal</h2>")[1].split('<h2 id="wording">')[0]
    assert journal.count('<th scope="row">') == 50
    assert "Older entries" in first.text
    second = Client().get(url() + "?journal_page=2").text
    assert "Newer entries" in second
    assert "Page 2 of 2" in second


def test_a_language_asked_for_carries_on_through_every_link_of_the_report(link, person):
    """The clinician's pages set no cookie: a range, the whole table, a page of rows, the
    insights, the charts' figures and the downloads keep the language in their links."""
    start = local_now(person) - timedelta(days=120)
    JournalEntryFactory.create_batch(
        60,
        person=person,
        recorded_at=factory.Iterator(start + timedelta(days=2 * n) for n in range(60)),
    )
    client = Client()
    page = client.get(url() + "?range=all&language=de").text
    assert 'href="?range=4w&amp;language=de"' in page
    assert 'hx-get="?range=12w&amp;language=de"' in page
    assert 'href="?range=all&amp;table=whole&amp;language=de"' in page
    assert 'href="?journal_page=2&amp;language=de"' in page
    assert 'hx-get="insights/?language=de"' in page
    assert 'data-figures="figures.json?range=all&amp;language=de"' in page
    for download in ("back-release.csv", "fhir.json", "weekly.csv"):
        assert f'href="{download}?language=de"' in page
    partial = client.get(url() + "?range=4w&language=de", HTTP_HX_REQUEST="true").text
    assert "Letzte 4 Wochen" in partial and "Last 4 weeks" not in partial
    assert 'href="?range=all&amp;language=de"' in partial
    insights = client.get(url(page="insights/") + "?language=de", HTTP_HX_REQUEST="true").text
    assert "Direkt nach einer Sitzung" in insights
    back = client.get(url(page="insights/") + "?language=es").text
    assert 'href="../?language=es"' in back
    plain = client.get(url() + "?range=all").text
    assert "language=" not in plain.split('<footer class="languages">')[0]


@time_machine.travel("2026-11-25 12:00Z", tick=False)
def test_it_compares_a_past_ranges_last_week_and_names_its_year(person):
    person.time_zone = "UTC"
    person.save()
    for day, pain in [(date(2025, 6, 2), 8), (date(2025, 6, 9), 4)]:
        JournalEntryFactory.create_batch(
            3, person=person, pain=pain, recorded_at=datetime.combine(day, datetime.min.time(), UTC)
        )
    ShareLinkFactory(
        person=person,
        token=TOKEN,
        shows_from=date(2025, 6, 1),
        shows_until=date(2025, 6, 15),
        expires_at=timezone.now() + timedelta(days=30),
    )
    page = Client().get(url()).text
    assert (
        "The last week shown against the week before: usual pain 8.0 → 4.0, down 4.0 points (50%)"
        in page
    )
    assert "in the week of 9 Jun 2025" in page


def trend_rows(page: str) -> int:
    return (
        page.split('<table class="trend-table"')[1].split("</table>")[0].count('<th scope="row">')
    )


def test_a_long_range_shows_its_last_weeks_and_the_whole_table_on_request(link, person):
    start = local_now(person) - timedelta(weeks=TABLE_WEEKS + 3)
    JournalEntryFactory.create_batch(
        TABLE_WEEKS + 4,
        person=person,
        recorded_at=factory.Iterator(start + timedelta(weeks=n) for n in range(TABLE_WEEKS + 4)),
    )
    client = Client()
    page = client.get(url() + "?range=all").text
    assert trend_rows(page) == TABLE_WEEKS
    assert "Show the 4 earlier weeks too" in page
    whole = client.get(url() + "?range=all&table=whole").text
    assert "<html" in whole and "Ana" in whole
    assert trend_rows(whole) == TABLE_WEEKS + 4
    partial = client.get(url() + "?range=all&table=whole", HTTP_HX_REQUEST="true").text
    assert partial.lstrip().startswith('<div id="trend-table">')
    assert trend_rows(partial) == TABLE_WEEKS + 4


def test_it_shows_the_last_twelve_weeks_and_all_of_the_range_on_request(link, person):
    """Twelve weeks by default, so the report costs the same however long the history; the
    sentence still compares against the first week of the link's whole range. Over every week,
    the charts show all of them and the table its last twelve, the earlier ones on request."""
    start = local_now(person) - timedelta(weeks=19)
    for week in range(20):
        JournalEntryFactory.create_batch(
            3,
            person=person,
            pain=8 if week == 0 else 4,
            recorded_at=start + timedelta(weeks=week),
        )
    client = Client()
    page = client.get(url()).text
    table = page.split('<table class="trend-table"')[1].split("</table>")[0]
    assert table.count('<th scope="row">') == 12
    assert "down 4.0 points (50%) from their first week" in page
    assert '<a href="?range=12w" id="range-12w"' in page
    everything = client.get(url() + "?range=all").text
    table = everything.split('<table class="trend-table"')[1].split("</table>")[0]
    assert table.count('<th scope="row">') == TABLE_WEEKS
    assert f"Show the {20 - TABLE_WEEKS} earlier weeks too" in everything
    figures = client.get(url(page="figures.json?range=all")).json()
    assert len(figures["pain"]["data"][0]["x"]) == 20
    partial = client.get(url() + "?range=4w", HTTP_HX_REQUEST="true").text
    assert partial.lstrip().startswith('<section id="trend-body"') and "<html" not in partial
    assert partial.count('<th scope="row">') == 4
    link.refresh_from_db()
    assert link.open_count == 2  # switching the range by htmx is not another opening


@time_machine.travel("2026-11-25 12:00Z", tick=False)
def test_a_past_ranges_last_weeks_are_its_own(person):
    person.time_zone = "UTC"
    person.save()
    ShareLinkFactory(
        person=person,
        token=TOKEN,
        shows_from=date(2025, 1, 1),
        shows_until=date(2025, 6, 30),
        expires_at=timezone.now() + timedelta(days=30),
    )
    for day in (date(2025, 3, 5), date(2025, 6, 25), date(2025, 7, 2)):
        JournalEntryFactory(
            person=person, recorded_at=datetime.combine(day, datetime.min.time(), UTC)
        )
    page = Client().get(url() + "?range=4w").text
    table = page.split('<table class="trend-table"')[1].split("</table>")[0]
    weeks = re.findall(r'<th scope="row">([^<]+)</th>', table)
    assert weeks == ["9 Jun 2025", "16 Jun 2025", "23 Jun 2025", "30 Jun 2025"]
