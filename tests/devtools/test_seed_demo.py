from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Avg

from backrelease.accounts.models import User
from sessions.models import ReleaseSession

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_prints_the_demo_login_that_works():
    output = run()
    line = next(line for line in output.splitlines() if line.startswith("Demo login: "))
    username, password = line.removeprefix("Demo login: ").split(" / ")
    assert User.objects.get(username=username).check_password(password)


def test_it_creates_six_weeks_of_believable_sessions():
    run()
    sessions = ReleaseSession.objects.filter(person__username="demo").order_by("started_at")
    days = (sessions.last().started_at - sessions.first().started_at).days
    assert 38 <= days <= 42
    assert sessions.count() > 25
    assert sessions.exclude(stopped_early_reason="").exists()
    assert not sessions.filter(finished_at__isnull=True).exists()
    first_half = sessions[: sessions.count() // 2].aggregate(p=Avg("pain_before"))["p"]
    second_half = sessions.filter(pk__in=sessions.values("pk")[sessions.count() // 2 :])
    assert second_half.aggregate(p=Avg("pain_before"))["p"] < first_half - 1


def test_it_does_not_duplicate_on_a_second_run():
    run()
    count = ReleaseSession.objects.count()
    run()
    assert ReleaseSession.objects.count() == count
    assert User.objects.filter(username="demo").count() == 1
