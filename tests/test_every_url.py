"""Every URL the resolver knows, tried with every method: a new URL is covered without editing this.

Anonymous visitors are sent to the login page, another person's objects are a 404 whatever the
method, capability URLs (clinician pages, calendar feeds) answer 405 to all but GET and HEAD, and
none of it changes the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from backrelease.accounts import undo
from backrelease.accounts.models import DeletedRow, User
from journal.clinic.models import (
    AccessEvent,
    AccessRequest,
    Grant,
    Invitation,
    Membership,
    Practice,
    Review,
)
from journal.models import CheckInReminder, JournalEntry, ShareLink, ShareLinkOpening, WeeklyCheckIn
from journal.trial.models import TrialPlan, TrialRating
from sessions.models import ReleaseSession
from sessions.reminders.models import CalendarFeed, SessionReminder
from tests.clinic.factories import GrantFactory
from tests.factories import (
    CalendarFeedFactory,
    JournalEntryFactory,
    ReleaseSessionFactory,
    SessionReminderFactory,
    ShareLinkFactory,
    TrialPlanFactory,
    TrialRatingFactory,
    WeeklyCheckInFactory,
)

pytestmark = pytest.mark.django_db

METHODS = ["get", "head", "post", "put", "patch", "delete", "options"]
# Pages anyone may open: the landing page, signing up and in, getting back in, and what machines
# ask for.
PUBLIC = {
    "home",
    "signup",
    "login",
    "logout",
    "healthz",
    "robots-txt",
    "email-confirm",
    "email-confirmation",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "service-worker",
    "offline",
    "javascript-catalog",
    "choose-language",
    "invitation",
    "join",
}
CLINICIAN_NAMESPACE = "shared"
# The model behind a `<int:pk>` in each namespace (or un-namespaced route): one missing here fails
# the walk.
OWNED_MODELS = {
    "sessions": ReleaseSession,
    "journal": JournalEntry,
    "sharing": ShareLink,
    "reminders": SessionReminder,
    "undo": DeletedRow,
    "trial": TrialRating,
    "practices": Grant,
    "clinic": Grant,
}


@dataclass(frozen=True)
class Route:
    name: str
    namespace: str
    route: str

    @property
    def owner_key(self) -> str:
        return self.namespace or self.name

    @property
    def is_capability(self) -> bool:
        return self.namespace == CLINICIAN_NAMESPACE or self.name == "calendar-feed"

    def url(self, **values: object) -> str:
        path = "/" + self.route
        for key, value in values.items():
            for converter in ("int:", "str:", ""):
                path = path.replace(f"<{converter}{key}>", str(value))
        assert "<" not in path, f"{self.name}: say how to fill {path} in this test"
        return path


def routes(patterns=None, prefix: str = "", namespace: str = "") -> list[Route]:
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            found += routes(
                entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace
            )
        elif isinstance(entry, URLPattern):
            found.append(Route(entry.name or "", namespace, prefix + str(entry.pattern)))
    return found


ROUTES = routes()


def snapshot() -> dict[str, list]:
    """Every row a person's actions could touch, to compare before and after."""
    models = [
        User,
        ReleaseSession,
        JournalEntry,
        WeeklyCheckIn,
        ShareLink,
        ShareLinkOpening,
        SessionReminder,
        CheckInReminder,
        CalendarFeed,
        DeletedRow,
        TrialPlan,
        TrialRating,
        Practice,
        Membership,
        Grant,
        AccessEvent,
        Review,
        Invitation,
        AccessRequest,
    ]
    return {m.__name__: sorted(map(repr, m.objects.order_by("pk").values())) for m in models}


@pytest.fixture
def others_objects(other_person):
    session = ReleaseSessionFactory(person=other_person)
    WeeklyCheckInFactory(person=other_person)
    return {
        ReleaseSession: session,
        JournalEntry: JournalEntryFactory(person=other_person),
        ShareLink: ShareLinkFactory(person=other_person),
        SessionReminder: SessionReminderFactory(person=other_person),
        DeletedRow: undo.delete(JournalEntryFactory(person=other_person), other_person, "it"),
        TrialRating: TrialRatingFactory(plan=TrialPlanFactory(person=other_person)),
        Grant: GrantFactory(person=other_person),
    }


def test_it_knows_the_routes_it_walks():
    names = {f"{r.namespace}:{r.name}" if r.namespace else r.name for r in ROUTES}
    assert {
        "home",
        "sessions:session",
        "journal:edit",
        "sharing:revoke",
        "shared:report",
        "reminders:remove",
        "calendar-feed",
    } <= names


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route or "/")
def test_it_sends_anonymous_visitors_to_log_in(route, others_objects):
    if route.name in PUBLIC or route.is_capability:
        pytest.skip("open to everyone")
    owned = "<int:pk>" in route.route
    url = route.url(pk=others_objects[OWNED_MODELS[route.owner_key]].pk if owned else 0, token="x")
    before = snapshot()
    for method in METHODS:
        response = getattr(Client(), method)(url)
        assert response.status_code == 302, (method, url)
        assert response.url.startswith(reverse("login")), (method, url)
    assert snapshot() == before


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if "<int:pk>" in r.route], ids=lambda r: r.route
)
def test_it_answers_404_to_another_persons_object_on_every_method(
    route, person_client, others_objects
):
    assert route.owner_key in OWNED_MODELS, f"say which model {route.route} names"
    url = route.url(pk=others_objects[OWNED_MODELS[route.owner_key]].pk)
    before = snapshot()
    for method in METHODS:
        response = getattr(person_client, method)(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 404, (method, url)
    assert snapshot() == before


@pytest.mark.parametrize("route", [r for r in ROUTES if r.is_capability], ids=lambda r: r.route)
@pytest.mark.parametrize("valid", [True, False], ids=["valid token", "wrong token"])
def test_it_answers_405_to_capability_urls_on_every_other_method(route, valid, person):
    token = "a-token-nobody-holds"
    if valid:
        token = "a-valid-token-for-this-test"
        ShareLinkFactory(person=person, token=token)
        CalendarFeedFactory(person=person, token=token)
    client = Client(enforce_csrf_checks=True)
    before = snapshot()
    for method in ["post", "put", "patch", "delete", "options"]:
        response = getattr(client, method)(route.url(token=token))
        assert response.status_code == 405, (method, route.route)
        assert response["Allow"] == "GET, HEAD"
        assert response["Cache-Control"] == "no-store"
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert not response.cookies
    assert snapshot() == before


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route or "/")
def test_it_never_repeats_an_element_id_on_a_page(route, person, person_client):
    objects = {
        ReleaseSession: ReleaseSessionFactory(person=person),
        JournalEntry: JournalEntryFactory(person=person, tags=["sleep"]),
        ShareLink: ShareLinkFactory(person=person, token="own-token-for-this-test"),
        SessionReminder: SessionReminderFactory(person=person),
        DeletedRow: undo.delete(JournalEntryFactory(person=person), person, "it"),
        TrialRating: TrialRatingFactory(plan=TrialPlanFactory(person=person)),
        Grant: GrantFactory(person=person),
    }
    if route.name == "correct":
        objects[ReleaseSession] = ReleaseSessionFactory(person=person, finished=True)
    pk = objects[OWNED_MODELS[route.owner_key]].pk if "<int:pk>" in route.route else 0
    response = person_client.get(
        route.url(pk=pk, token="own-token-for-this-test", uidb64="MQ", language="de")
    )
    if response.status_code != 200 or "html" not in response["Content-Type"]:
        pytest.skip("not a page")
    ids = re.findall(r'\sid="([^"]+)"', response.text)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
