"""The task worker keeps mail going: it outlives the database going away, and tasks a killed worker
left RUNNING are run again once abandoned (tests/accounts/worker_drill.py drills both for real)."""

from __future__ import annotations

import configparser
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands import db_worker as library
from django_tasks_db.models import DBTaskResult

from backrelease.accounts import mail, task_queue
from backrelease.accounts.management.commands import db_worker
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
WHERE = {"domain": "testserver", "protocol": "http"}


def reset_for(address: str) -> DBTaskResult:
    UserFactory(email=address, email_confirmed_at=timezone.now())
    return mail.send_password_reset.enqueue(address, WHERE).db_result


def claimed(task: DBTaskResult, by: list[str], minutes_ago: float) -> None:
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        worker_ids=by,
    )


def status(task: DBTaskResult) -> str:
    task.refresh_from_db()
    return task.status


def test_it_puts_back_only_tasks_running_longer_than_the_bound(settings):
    settings.TASK_ABANDONED_AFTER = timedelta(minutes=10)
    abandoned, running = reset_for("ana@example.com"), reset_for("bo@example.com")
    claimed(abandoned, ["dead"], minutes_ago=11)
    claimed(running, ["alive"], minutes_ago=9)
    assert task_queue.put_back_abandoned() == 1
    assert status(abandoned) == TaskResultStatus.READY
    assert status(running) == TaskResultStatus.RUNNING


def test_the_worker_sends_a_mail_its_killed_worker_left_running(settings, mailoutbox, run_tasks):
    settings.TASK_ABANDONED_AFTER = timedelta(minutes=10)
    abandoned = reset_for("ana@example.com")
    claimed(abandoned, ["killed"], minutes_ago=11)
    claimed(reset_for("bo@example.com"), ["alive"], minutes_ago=1)
    run_tasks()
    assert [message.to for message in mailoutbox] == [["ana@example.com"]]
    assert status(abandoned) == TaskResultStatus.SUCCESSFUL


def test_it_forgets_finished_tasks_after_two_weeks_and_keeps_the_rest():
    old, recent, waiting = (reset_for(f"p{n}@example.com") for n in range(3))
    for task, days_ago, result in [
        (old, 15, TaskResultStatus.SUCCESSFUL),
        (recent, 13, TaskResultStatus.FAILED),
        (waiting, 15, TaskResultStatus.READY),
    ]:
        DBTaskResult.objects.filter(pk=task.pk).update(
            status=result, finished_at=timezone.now() - timedelta(days=days_ago)
        )
    assert task_queue.forget_finished() == 1
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}


def test_it_puts_back_what_this_worker_claimed_last_and_nothing_else():
    mine, taken_over, others = (reset_for(f"p{n}@example.com") for n in range(3))
    claimed(mine, ["other", "me"], minutes_ago=0)
    claimed(taken_over, ["me", "other"], minutes_ago=0)
    claimed(others, ["other"], minutes_ago=0)
    assert task_queue.put_back_claimed_by("me") == 1
    assert [status(task) for task in (mine, taken_over, others)] == [
        TaskResultStatus.READY,
        TaskResultStatus.RUNNING,
        TaskResultStatus.RUNNING,
    ]


def test_the_worker_goes_on_when_the_database_goes_away(monkeypatch, mailoutbox):
    """The library's worker ends at the first database error; this one waits, longer each time
    while the database stays away, starts it again, and the mail it was sending goes out."""
    interrupted = reset_for("ana@example.com")
    claimed(interrupted, ["me"], minutes_ago=0)
    down = OperationalError("server closed the connection unexpectedly")
    runs, tries, waits = [], [], []
    run_worker, put_back = library.Command.handle, task_queue.put_back_claimed_by

    def losing_the_database(self, *args, **options):
        runs.append(status(interrupted))
        if len(runs) == 1:
            raise down
        return run_worker(self, *args, **options)

    def still_away_once(worker_id):
        tries.append(worker_id)
        if len(tries) == 1:
            raise down
        return put_back(worker_id)

    monkeypatch.setattr(library.Command, "handle", losing_the_database)
    monkeypatch.setattr(task_queue, "put_back_claimed_by", still_away_once)
    monkeypatch.setattr(db_worker.time, "sleep", waits.append)
    # Inside the test's transaction (see run_tasks).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(library, "close_old_connections", lambda: None)
    call_command(
        "db_worker",
        batch=True,
        startup_delay=False,
        reload=False,
        worker_id="me",
        verbosity=0,
        stdout=StringIO(),
    )
    assert runs == [TaskResultStatus.RUNNING, TaskResultStatus.READY]
    assert waits == [db_worker.WAIT_FIRST, db_worker.WAIT_FIRST * 2]
    assert [message.to for message in mailoutbox] == [["ana@example.com"]]
    assert status(interrupted) == TaskResultStatus.SUCCESSFUL


def test_the_worker_still_stops_at_other_errors(monkeypatch):
    def failing(self, *args, **options):
        raise ValueError("a bug")

    monkeypatch.setattr(library.Command, "handle", failing)
    with pytest.raises(ValueError, match="a bug"):
        call_command("db_worker", batch=True, reload=False, verbosity=0, stdout=StringIO())


def test_systemd_starts_the_worker_again_whenever_it_dies_and_never_gives_up():
    unit = configparser.ConfigParser(interpolation=None)
    unit.optionxform = str
    unit.read(settings.BASE_DIR / "docs" / "deploy" / "backrelease-worker.service")
    assert unit["Service"]["ExecStart"].endswith("manage.py db_worker --no-reload")
    assert unit["Service"]["Restart"] == "always"
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"
