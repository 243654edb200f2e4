"""The worker drill (tests/accounts/worker_drill.py, `make worker-drill`) in the suite: a real
PostgreSQL restarted and a real worker killed mid-mail, about 20 s."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings


def test_mail_goes_on_through_a_database_restart_and_a_worker_killed_mid_mail():
    drill = subprocess.run(
        [sys.executable, "tests/accounts/worker_drill.py"],
        # The test run's allowance for Playwright is no worker's.
        env={k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    print(drill.stdout)
    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert [line.rsplit(" ", 1)[-1] for line in drill.stdout.splitlines()[:2]] == ["PASS"] * 2
