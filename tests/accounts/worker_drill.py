"""`make worker-drill`: mail keeps going through a PostgreSQL restart and a worker killed mid-mail.

A throwaway PostgreSQL cluster (a temporary folder and socket of its own, never the checkout's
`.pg/`), a real SMTP server on loopback (aiosmtpd) and the task worker as make and systemd run it
(`manage.py db_worker --no-reload`, production settings), in a process of its own:

1. restart: a reset mail goes out; PostgreSQL stops (`pg_ctl stop -m fast`), stays down
   DOWN_SECONDS (longer than a connection is waited for: what ended the library's worker) and
   starts again; five more resets are asked for and must arrive, nobody touching the worker.
2. kill: the SMTP server stalls in the middle of a mail, the worker is killed with kill -9 and
   started again as systemd does (`RestartSec=1`); the mail it was sending is put back once
   abandoned (TASK_ABANDONED_SECONDS) and must arrive, once.

Prints the figures and PASS or MISS for each; exits 1 on a MISS. Every wait has a deadline.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from backrelease.devtools.scratch import Throwaway  # noqa: E402

DOWN_SECONDS = 3
ABANDONED_SECONDS = 5
RESETS_AFTER_RESTART = 5
DEADLINE = 30
WHERE = {"domain": "drill.example", "protocol": "https"}


class Inbox:
    """What the SMTP server accepted: (when, recipient). While `stall` is set it holds each mail
    unanswered, as a server that hangs would, and then refuses it."""

    def __init__(self) -> None:
        self.arrived: list[tuple[float, str]] = []
        self.stall = threading.Event()
        self.stalled = threading.Event()
        self.held: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.stall.is_set():
            self.held.append(envelope.rcpt_tos[0])
            self.stalled.set()
            while self.stall.is_set():
                await asyncio.sleep(0.05)
            return "451 Try again later"
        self.arrived.append((time.monotonic(), envelope.rcpt_tos[0]))
        return "250 OK"

    def count(self) -> Counter:
        return Counter(to for _, to in self.arrived)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(ready, seconds: float = DEADLINE) -> bool:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def stop(worker: subprocess.Popen) -> None:
    """kill -9, the worker and anything it started."""
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


def drill(database: Throwaway, inbox: Inbox, log: Path) -> bool:
    from django.core.management import call_command
    from django.db import close_old_connections
    from django.tasks import TaskResultStatus
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from backrelease.accounts import mail
    from backrelease.accounts.models import User

    call_command("migrate", verbosity=0)
    people = [
        User.objects.create(
            username=f"drill{n}", email=f"drill{n}@example.com", email_confirmed_at=timezone.now()
        )
        for n in range(RESETS_AFTER_RESTART + 2)
    ]

    def reset(person: User) -> None:
        close_old_connections()
        mail.send_password_reset.enqueue(person.email, WHERE)

    def start_worker() -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload"],
            cwd=ROOT,
            stdout=log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    worker = start_worker()
    try:
        # 1. A restart of PostgreSQL.
        reset(people[0])
        first = wait_until(lambda: len(inbox.arrived) == 1)
        database.stop()
        time.sleep(DOWN_SECONDS)
        database.start()
        up_at = time.monotonic()
        for person in people[1 : RESETS_AFTER_RESTART + 1]:
            reset(person)
        sent = RESETS_AFTER_RESTART + 1
        wait_until(lambda: len(inbox.arrived) >= sent)
        delivered = len(inbox.arrived)
        alive = worker.poll() is None
        restart_ok = first and delivered == sent and alive and max(inbox.count().values()) == 1
        back = f"{inbox.arrived[-1][0] - up_at:.1f} s" if delivered == sent else "never"
        print(
            f"restart: PostgreSQL down {DOWN_SECONDS} s; mails sent {sent}, delivered "
            f"{delivered}; all through {back} after PostgreSQL was back; the worker "
            f"{'still running' if alive else 'gone'} — {verdict(restart_ok)}"
        )

        # 2. A worker killed in the middle of a mail.
        if not alive:
            # As systemd would; the mail that waited goes out first.
            worker = start_worker()
            wait_until(lambda: len(inbox.arrived) >= sent)
        inbox.stall.set()
        reset(people[-1])
        stalled = inbox.stalled.wait(DEADLINE)
        stop(worker)
        killed_at = time.monotonic()
        inbox.stall.clear()
        time.sleep(1)  # systemd's RestartSec
        worker = start_worker()
        address = inbox.held[0] if stalled else people[-1].email
        arrived = wait_until(lambda: inbox.count()[address] >= 1, ABANDONED_SECONDS + DEADLINE)
        after = f"{inbox.arrived[-1][0] - killed_at:.1f} s" if arrived else "never"
        time.sleep(1)  # Room for a second copy, were one coming.
        close_old_connections()
        unfinished = DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).count()
        kill_ok = stalled and arrived and inbox.count()[address] == 1 and unfinished == 0
        for task in DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL):
            print(f"unfinished: {task.task_name} {task.status} {task.exception_class_path}")
        print(
            f"kill: worker killed mid-mail; its mail arrived {inbox.count()[address]} time(s), "
            f"first {after} after the kill (abandoned after {ABANDONED_SECONDS} s); tasks not "
            f"finished: {unfinished} — {verdict(kill_ok)}"
        )
    finally:
        stop(worker)
    return restart_ok and kill_ok


def main() -> int:
    started = time.monotonic()
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    log = Path(tempfile.mkstemp(prefix="worker-drill-", suffix=".log")[1])
    try:
        with Throwaway("drill") as database:
            # Before Django starts: this script and the worker both use the throwaway cluster.
            os.environ |= {
                "DJANGO_SETTINGS_MODULE": "backrelease.settings",
                "DATABASE_URL": database.url,
                "SECRET_KEY": secrets.token_urlsafe(50),
                "DEBUG": "false",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(smtp.port),
                # Longer than the drill holds a mail, so the worker is still sending when killed.
                "EMAIL_TIMEOUT": str(DEADLINE),
                "TASK_ABANDONED_SECONDS": str(ABANDONED_SECONDS),
            }
            import django

            django.setup()
            ok = drill(database, inbox, log)
    finally:
        smtp.stop()
    print(f"{verdict(ok)} in {time.monotonic() - started:.0f} s")
    if not ok:
        print(f"The workers' output ({log}):\n{log.read_text()}")
    else:
        log.unlink()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
