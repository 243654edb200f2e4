"""`manage.py db_worker`: django-tasks-db's worker (mail), made to keep going.

The library's worker stops at the first database error, so a PostgreSQL restart ended mail with no
sign of it. This command takes the library's name (its app comes before django_tasks_db in
INSTALLED_APPS, so make, systemd and the load test all run it) and runs the library's worker
unchanged, but:

- when the database goes away, it waits, WAIT_FIRST seconds and then twice as long each time up
  to WAIT_MOST, and starts the worker again; the task it was running when it could not record the
  end is run again (backrelease.accounts.task_queue);
- beside it, a thread puts back the tasks a killed worker left RUNNING, once they are clearly
  abandoned (checked ten times within TASK_ABANDONED_AFTER), and forgets old finished ones.

Run it with --no-reload, as make and systemd do: with Django's reloader the worker runs in a
thread of a child process, out of this loop's reach.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connections
from django_tasks_db.management.commands import db_worker

from backrelease.accounts import task_queue
from backrelease.common import database

WAIT_FIRST = 0.5
WAIT_MOST = 5.0

logger = logging.getLogger(__name__)


class Command(db_worker.Command):
    help = "Run the task worker (mail): django-tasks-db's, kept going through database restarts."

    def handle(self, *args, **options) -> None:
        if not options["batch"]:
            threading.Thread(target=look_after_the_queue, name="task-queue", daemon=True).start()
        wait, lost_at = WAIT_FIRST, None
        while True:
            try:
                if lost_at is not None:
                    task_queue.put_back_claimed_by(options["worker_id"])
                    away = time.monotonic() - lost_at
                    logger.warning("Task worker: database back after %.1f s", away)
                    wait, lost_at = WAIT_FIRST, None
                if options["batch"]:
                    task_queue.put_back_abandoned()
                return super().handle(*args, **options)
            except database.DATABASE_DOWN as error:
                if not database.is_down(error):
                    raise
                if lost_at is None:
                    lost_at = time.monotonic()
                logger.warning("Task worker: database lost (%s); again in %.1f s", error, wait)
            close_old_connections()
            time.sleep(wait)
            wait = min(wait * 2, WAIT_MOST)


def look_after_the_queue() -> None:
    """Forever, on a connection of this thread's own: a thread that stopped would be mail that
    stops again, so it survives anything."""
    every = settings.TASK_ABANDONED_AFTER.total_seconds() / 10
    while True:
        try:
            if count := task_queue.put_back_abandoned():
                logger.warning("Task worker: %d abandoned task(s) put back to run again", count)
            task_queue.forget_finished()
        except database.DATABASE_DOWN:
            pass  # The worker's loop says so.
        except Exception:
            logger.exception("Task worker: could not look after the task queue")
        finally:
            connections.close_all()
        time.sleep(every)
