"""The health check says when mail has stopped going out (the database checks are in
tests/test_production.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.tasks import TaskResultStatus
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from backrelease.accounts import mail

pytestmark = pytest.mark.django_db
WHERE = {"domain": "testserver", "protocol": "http"}


@pytest.fixture(autouse=True)
def bounds(settings):
    settings.MAIL_STUCK_AFTER = timedelta(minutes=5)
    settings.TASK_ABANDONED_AFTER = timedelta(minutes=10)


def health_in(minutes: float, method: str = "get") -> tuple[int, str]:
    with time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False):
        response = getattr(Client(), method)("/healthz")
    return response.status_code, response.text


def test_it_says_mail_is_stuck_once_a_mail_has_waited_too_long():
    mail.send_password_reset.enqueue("ana@example.com", WHERE)
    assert health_in(4) == (200, "ok")
    assert health_in(6) == (503, "mail stuck")
    assert health_in(6, "head")[0] == 503


def test_a_retry_waits_for_its_time_before_it_can_be_stuck():
    later = timezone.now() + timedelta(minutes=8)
    mail.send_password_reset.using(run_after=later).enqueue("ana@example.com", WHERE)
    assert health_in(12) == (200, "ok")
    assert health_in(14) == (503, "mail stuck")


def test_a_mail_left_running_by_a_killed_worker_is_stuck_once_nobody_puts_it_back():
    result = mail.send_password_reset.enqueue("ana@example.com", WHERE)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now()
    )
    assert health_in(14) == (200, "ok")
    assert health_in(16) == (503, "mail stuck")


def test_mail_sent_or_given_up_is_never_stuck(run_tasks):
    mail.send_password_reset.enqueue("ana@example.com", WHERE)
    run_tasks()
    failed = mail.send_password_reset.enqueue("bo@example.com", WHERE)
    DBTaskResult.objects.filter(pk=failed.id).update(status=TaskResultStatus.FAILED)
    assert health_in(60) == (200, "ok")
