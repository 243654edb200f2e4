"""`make bench` is safe to run on a database people use: it signs in as its own people only, and
deletes only what it wrote for them, however many times it runs and whoever writes meanwhile."""

from __future__ import annotations

import io
import json
import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from backrelease.accounts.models import User
from backrelease.devtools import demo
from backrelease.devtools.management.commands import bench
from journal.clinic.models import Practice
from journal.models import JournalEntry, WeeklyCheckIn
from journal.trial.models import TrialPlan
from sessions.models import ReleaseSession
from tests.factories import JournalEntryFactory, ReleaseSessionFactory

pytestmark = pytest.mark.django_db


def everyones_rows_but(people: list[User]) -> dict[str, list]:
    """Every row of the person tables, and every password, that belongs to someone else."""
    rows = {
        model.__name__: sorted(
            model.objects.exclude(person__in=people).values_list(*fields), key=repr
        )
        for model, fields in [
            (JournalEntry, ("id", "person", "recorded_at", "pain", "note")),
            (ReleaseSession, ("id", "person", "started_at", "step", "pain_before")),
            (WeeklyCheckIn, ("id", "person", "week_start", "pain_average")),
        ]
    }
    rows["passwords"] = sorted(
        User.objects.exclude(pk__in=[p.pk for p in people]).values_list("username", "password")
    )
    return rows


def test_the_clean_up_deletes_what_the_bench_wrote_and_nothing_else(other_person):
    person = demo.bench_person("bench-test-person", 14, seed=1, time_zone="Europe/London")
    history = JournalEntry.objects.of(person).count()
    JournalEntryFactory(person=person, pain=4)
    ReleaseSessionFactory(person=person)
    # Written while the bench runs, by someone else, with ids above every row of the bench's.
    JournalEntryFactory.create_batch(3, person=other_person)
    ReleaseSessionFactory(person=other_person)
    others = everyones_rows_but([person])

    bench.clean_up([person])

    assert everyones_rows_but([person]) == others
    assert JournalEntry.objects.of(person).count() == history > 0
    assert not ReleaseSession.objects.of(person).open().exists()
    assert all(not rows.exists() for rows in demo.bench_written(person).values())


def test_a_bench_person_is_filled_again_only_up_to_the_day_they_were_made():
    """A kind of history found missing (an older bench deleted it) is written again before the
    day the person was made, so the clean-up can never take it for the bench's own writing."""
    person = demo.bench_person("bench-test-person", 60, seed=2, time_zone="Australia/Sydney")
    User.objects.filter(pk=person.pk).update(date_joined=timezone.now() - timedelta(days=30))
    JournalEntry.objects.of(person).delete()

    person = demo.bench_person("bench-test-person", 60, seed=2, time_zone="Australia/Sydney")

    assert JournalEntry.objects.of(person).exists()
    assert not demo.bench_written(person)["journal"].exists()


def test_each_round_times_every_endpoint_once_in_a_new_order():
    order = []
    endpoints = [bench.Endpoint(lambda _, name=name: order.append(name) or []) for name in "abcde"]
    command = bench.Command()
    command.n = 30
    command.order = random.Random(7)

    command._run(endpoints)

    warm_up = len(endpoints) * bench.WARM_UP
    rounds = [order[n : n + 5] for n in range(warm_up, len(order), 5)]
    assert len(rounds) == 30
    assert all(sorted(round_) == list("abcde") for round_ in rounds)
    assert len({tuple(round_) for round_ in rounds}) > 10
    assert all(len(endpoint.times) == 30 for endpoint in endpoints)


def small_histories(monkeypatch) -> None:
    """The bench's people with weeks, not years, of history: the same people, sooner made."""

    def long_history_person(years: int, username: str | None = None) -> User:
        return demo.bench_person(
            username or f"bench-{years}-year-person",
            20 * years,
            seed=years,
            time_zone="Australia/Sydney",
            session_days=0.9,
            entries_a_day=(2, 3, 4),
        )

    monkeypatch.setattr(demo, "long_history_person", long_history_person)


def test_the_bench_runs_twice_in_a_row_beside_other_people(monkeypatch, tmp_path, other_person):
    small_histories(monkeypatch)
    monkeypatch.setattr(bench, "OUT", tmp_path / "bench.json")
    monkeypatch.setattr(bench, "WARM_UP", 1)
    monkeypatch.setattr(bench, "CLINIC_PATIENTS", 3)
    someone = demo.seed("a password of the demo's own")[0]
    JournalEntryFactory.create_batch(2, person=other_person)
    ReleaseSessionFactory(person=other_person)
    others = everyones_rows_but([])

    for _ in range(2):
        call_command("bench", requests=1, stdout=io.StringIO())

    bench_people = list(User.objects.filter(username__startswith="bench-"))
    # Four for the pages and insights, one for the trial, the practice's patients and clinician.
    assert len(bench_people) == 4 + 1 + 3 + 1 and someone not in bench_people
    assert not Practice.objects.filter(members__person__in=bench_people).exists()
    assert not TrialPlan.objects.filter(person__in=bench_people).exists()
    assert everyones_rows_but(bench_people) == others
    for person in bench_people:
        assert all(not rows.exists() for rows in demo.bench_written(person).values())
    results = json.loads((tmp_path / "bench.json").read_text())
    assert set(results["targets"]) == set(bench.TARGETS)
    assert {"step row and template (3 years)", "weekly SQL sent (3 years)"} <= set(
        results["floors"]
    )
