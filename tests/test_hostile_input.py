"""Property-based: whatever a person or a file sends, the answer is never a 5xx and nothing
invalid is stored. Examples are bounded and derandomised, so the suite stays fast and a failure
reproduces.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backrelease.accounts import undo
from backrelease.accounts.models import User
from journal.models import CheckInReminder, JournalEntry, ShareLink, WeeklyCheckIn
from journal.trial.models import TrialPlan, TrialRating
from sessions.forms import FORMS
from sessions.models import ReleaseSession, Step
from sessions.reminders.models import SessionReminder
from tests.factories import (
    JournalEntryFactory,
    ReleaseSessionFactory,
    TrialPlanFactory,
    TrialRatingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 40
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values a person, a broken client or an attacker might send: text with control characters, huge
# and signed numbers, dates far out of range, and the odd strings that break naive parsing.
ODD = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\x1b[2J",
        "0",
        "-1",
        "11",
        "1e3",
        "NaN",
        "0001-01-01",
        "0001-01-01T00:00",
        "1900-01-01T10:00",
        "9999-12-31T23:59",
        "2090-01-01",
        "x" * 5000,
        '=HYPERLINK("x")',
        "//example.com",
        "sessions:history",
        "on",
        "done",
        "stop",
        "next",
    ]
)
VALUE = st.one_of(
    ODD,
    st.text(max_size=60),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
FIELD_VALUE = st.one_of(VALUE, st.lists(VALUE, max_size=3))


def posts(fields: list[str]) -> st.SearchStrategy[dict]:
    """Any subset of the form's fields (and some it does not have), each with any value."""
    names = dict.fromkeys([*fields, "next", "junk"])
    return st.fixed_dictionaries({}, optional={name: FIELD_VALUE for name in names})


def assert_all_stored_rows_valid() -> None:
    """Every row passes the same validators the forms apply (ranges, lengths, tags, dates)."""
    for model in (
        ReleaseSession,
        JournalEntry,
        WeeklyCheckIn,
        ShareLink,
        SessionReminder,
        CheckInReminder,
        User,
        TrialPlan,
        TrialRating,
    ):
        for row in model.objects.all():
            try:
                row.clean_fields(exclude=["person", "token_hash", "password", "plan"])
            except ValidationError as error:
                raise AssertionError(f"{model.__name__} {row.pk}: {error}") from error


@dataclass(frozen=True)
class Endpoint:
    name: str
    fields: list[str]
    url: Callable[[object], str]


SESSION_FIELDS = sorted(
    {
        f"{'stop-' if a == 'stop' else ''}{n}"
        for (_, a), form in FORMS.items()
        for n in form.base_fields
    }
)


def open_session_url(person) -> str:
    return ReleaseSessionFactory(
        person=person, step=Step.ROLL_OFF, pain_before=5
    ).get_absolute_url()


def rate_in_a_running_plan(person) -> str:
    TrialPlanFactory(person=person)
    return reverse("trial:rate")


TRIAL_PLAN_FIELDS = ["pairs", "block_days", "baseline_week", "sessions_per_week", "rating_time"]
ENDPOINTS = [
    Endpoint(
        "journal new",
        ["pain", "tags", "new_tag", "recorded_at", "note", "submission_key"],
        lambda p: reverse("journal:new"),
    ),
    Endpoint(
        "journal edit",
        ["pain", "tags", "new_tag", "recorded_at", "note"],
        lambda p: reverse("journal:edit", args=[JournalEntryFactory(person=p).pk]),
    ),
    Endpoint(
        "check-in",
        ["pain_average", "enjoyment_interference", "activity_interference"],
        lambda p: reverse("journal:check-in"),
    ),
    Endpoint("settings", ["display_name", "time_zone"], lambda p: reverse("account-settings")),
    Endpoint(
        "share link",
        ["label", "expires_on", "include_notes", "shows_from", "shows_until"],
        lambda p: reverse("sharing:list"),
    ),
    Endpoint(
        "session step", [*SESSION_FIELDS, "step", "step_started_at", "action"], open_session_url
    ),
    Endpoint("voice", ["voice_guidance", "next"], lambda p: reverse("sessions:voice")),
    Endpoint(
        "discard",
        ["next"],
        lambda p: reverse("sessions:discard", args=[ReleaseSessionFactory(person=p).pk]),
    ),
    Endpoint("start", [], lambda p: reverse("sessions:new")),
    Endpoint("session reminder", ["weekdays", "at"], lambda p: reverse("reminders:page")),
    Endpoint(
        "check-in reminder",
        ["check_in-weekday", "check_in-at", "action"],
        lambda p: reverse("reminders:check-in"),
    ),
    Endpoint(
        "correct a session",
        [*SESSION_FIELDS],
        lambda p: reverse(
            "sessions:correct", args=[ReleaseSessionFactory(person=p, finished=True).pk]
        ),
    ),
    Endpoint("e-mail address", ["email", "action"], lambda p: reverse("email-address")),
    Endpoint("trial plan", [*TRIAL_PLAN_FIELDS, "submission_key"], lambda p: reverse("trial:plan")),
    Endpoint(
        "trial rating",
        ["day", "usual_pain", "unusual", "submission_key", "next"],
        rate_in_a_running_plan,
    ),
    Endpoint(
        "trial rating correction",
        ["usual_pain", "unusual"],
        lambda p: reverse(
            "trial:rating", args=[TrialRatingFactory(plan=TrialPlanFactory(person=p)).pk]
        ),
    ),
    Endpoint(
        "undo",
        ["next"],
        lambda p: reverse(
            "undo", args=[undo.delete(JournalEntryFactory(person=p), p, "an entry").pk]
        ),
    ),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
@FUZZ
@given(data=st.data())
def test_it_never_fails_on_any_post(endpoint, data):
    person = UserFactory()
    client = Client()
    client.force_login(person)
    url = endpoint.url(person)
    post = data.draw(posts(endpoint.fields))
    htmx = data.draw(st.booleans())
    response = client.post(url, post, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    assert response.status_code < 500
    assert_all_stored_rows_valid()


@FUZZ
@given(post=posts(["username", "display_name", "email", "time_zone", "password1", "password2"]))
def test_it_never_fails_on_any_sign_up(post):
    response = Client().post(reverse("signup"), post)
    assert response.status_code < 500


@pytest.mark.parametrize(
    ("page", "parameters"),
    [
        ("journal:list", ["tag", "page"]),
        ("sessions:history", ["page"]),
        ("trends", ["range"]),
        ("home", []),
        ("trial:plan", TRIAL_PLAN_FIELDS),
    ],
)
@FUZZ
@given(data=st.data())
def test_it_never_fails_on_any_query(page, parameters, data):
    person = UserFactory()
    JournalEntryFactory(person=person, tags=["sleep"])
    client = Client()
    client.force_login(person)
    query = data.draw(st.fixed_dictionaries({}, optional={p: FIELD_VALUE for p in parameters}))
    response = client.get(reverse(page), query)
    assert response.status_code in {200, 400}


JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),
    VALUE,
)
JSON = st.recursive(
    JSON_LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
ROW_KEYS = [
    "started_at",
    "step",
    "step_started_at",
    "finished_at",
    "pain_before",
    "pain_after",
    "arch_before",
    "arch_after",
    "relax_seconds",
    "repositions",
    "ball_setup",
    "knees_lifted",
    "note",
    "stopped_early_reason",
    "recorded_at",
    "pain",
    "tags",
    "week_start",
    "pain_average",
    "enjoyment_interference",
    "activity_interference",
]
ROW = st.dictionaries(st.sampled_from(ROW_KEYS), st.one_of(JSON_LEAF, JSON), max_size=8)
EXPORT = st.fixed_dictionaries(
    {"format": st.just("back-release-export"), "version": st.just(1)},
    optional={
        "profile": st.one_of(JSON, st.fixed_dictionaries({"time_zone": VALUE})),
        "sessions": st.one_of(JSON, st.lists(ROW, max_size=3)),
        "journal_entries": st.one_of(JSON, st.lists(ROW, max_size=3)),
        "weekly_check_ins": st.one_of(JSON, st.lists(ROW, max_size=3)),
    },
)


@FUZZ
@given(export=EXPORT, use_file_zone=st.booleans())
def test_it_never_fails_on_any_import(export, use_file_zone):
    person = UserFactory()
    client = Client()
    client.force_login(person)
    upload = SimpleUploadedFile("export.json", json.dumps(export).encode())
    post = {"file": upload, **({"use_file_time_zone": "on"} if use_file_zone else {})}
    response = client.post(reverse("import"), post)
    assert response.status_code in {200, 422}
    assert_all_stored_rows_valid()
