"""The queue of tasks (mail) in PostgreSQL as the worker and the health check see it.

A worker killed in the middle of a task (kill -9, a lost machine) leaves that task RUNNING with no
one to finish it. A mail takes seconds (the SMTP timeout a few times over at worst), so a task
RUNNING far longer than that (`TASK_ABANDONED_AFTER`) was abandoned: a worker puts it back to be
run again. A mail task is safe to repeat, at worst its mail arrives twice: the task that was cut
off may have handed its message to the SMTP server before it died.

Mail is stuck when a task has waited `MAIL_STUCK_AFTER` past its time (no worker takes it); the
health check then answers 503.

A finished task is forgotten after RESULTS_KEPT: its arguments hold an e-mail address, and the
health check reads a table that does not grow for ever.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

RESULTS_KEPT = timedelta(days=14)


def put_back_abandoned(now: datetime | None = None) -> int:
    """Every task RUNNING since longer than TASK_ABANDONED_AFTER, READY again; how many."""
    started_before = (now or timezone.now()) - settings.TASK_ABANDONED_AFTER
    return (
        DBTaskResult.objects.running()
        .filter(started_at__lt=started_before)
        .update(status=TaskResultStatus.READY)
    )


def put_back_claimed_by(worker_id: str) -> int:
    """The tasks this worker claimed and never finished (it lost the database on the way), READY
    again; how many. Only a task the worker claimed last: another may have run it since."""
    claimed = DBTaskResult.objects.running().filter(worker_ids__contains=[worker_id])
    ids = [task.pk for task in claimed.only("worker_ids") if task.worker_ids[-1] == worker_id]
    return DBTaskResult.objects.running().filter(pk__in=ids).update(status=TaskResultStatus.READY)


def stuck(now: datetime | None = None) -> bool:
    """Whether a task has waited MAIL_STUCK_AFTER past its time: ready that long (its time is
    when it was queued, or its run_after when later), or left RUNNING and abandoned that long ago
    with no worker to put it back."""
    late = (now or timezone.now()) - settings.MAIL_STUCK_AFTER
    # django-tasks-db stores "no run_after" as its latest date.
    waiting = Q(status=TaskResultStatus.READY, enqueued_at__lt=late) & (
        Q(run_after__lt=late) | Q(run_after=get_date_max())
    )
    abandoned = Q(
        status=TaskResultStatus.RUNNING,
        started_at__lt=late - settings.TASK_ABANDONED_AFTER,
    )
    return DBTaskResult.objects.filter(waiting | abandoned).exists()


def forget_finished(now: datetime | None = None) -> int:
    """Deletes the tasks finished (sent or failed) over RESULTS_KEPT ago; how many."""
    finished_before = (now or timezone.now()) - RESULTS_KEPT
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=finished_before).delete()
    return deleted
