"""The app's URLs with the bench's floors beside them: bare views behind the same middleware,
each the least that the pages it is compared with must do. `make bench` mounts them in-process,
and over HTTP by starting gunicorn with BENCH_URLS=1 (backrelease.devtools.settings)."""

from __future__ import annotations

import os
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from backrelease import urls as app_urls
from backrelease.common.period import Period
from journal import trends
from journal.clinic import access, workspace
from journal.models import JournalEntry
from journal.trial import plans
from journal.trial.models import TrialPlan
from sessions import flow

# The file holding the body the weekly floor sends: the bench writes the page it is compared with
# there (`weekly_sql_sent`), and gives its name to the server it starts. The bodies of the other
# floors that send a page's bytes lie beside it (`sent`).
SENT_BODY = "BENCH_SENT_BODY"
TRIAL_RESULT_BODY = "trial-result.html"
CLINIC_LIST_BODY = "clinic-patients.html"


def sent(name: str) -> bytes:
    """The bytes of a page the bench fetched beforehand, written beside the weekly floor's."""
    return Path(os.environ[SENT_BODY]).with_name(name).read_bytes()


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@login_required
def signed_in_read(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.user.username)


@login_required
@require_POST
def signed_in_write(request: HttpRequest) -> HttpResponse:
    """One row, durably, in a transaction: what a save does at the least. (A journal row, so the
    ratings' revision trigger runs too, as it does for every save it is compared with.)"""
    with transaction.atomic():
        JournalEntry.objects.create(person=request.user, pain=4)
    return HttpResponse("saved")


@login_required
def step_floor(request: HttpRequest, pk: int) -> HttpResponse:
    """What a session step's partial cannot do without: its row read as the step reads it, and a
    template of as many bytes rendered (and gzipped by the middleware, as the partial is)."""
    session = flow.current(request.user, pk)
    if session is None:
        raise Http404
    return render(request, "bench/step_floor.html", {"session": session})


@login_required
def weekly_sql_sent(request: HttpRequest) -> HttpResponse:
    """What the trend page over every week cannot do without: the same weekly query for the person,
    and a body of the page's own bytes (written by the bench beforehand) sent through the same
    stack, gzip included."""
    trends.weekly(Period.of(request.user))
    return HttpResponse(Path(os.environ[SENT_BODY]).read_bytes())


@login_required
def trial_rows_sent(request: HttpRequest) -> HttpResponse:
    """What the trial's result page cannot do without: the latest plan, its ratings in order and
    the days with a session in its dates (the rows `plans.outcome` reads), and a body of the result
    page's own bytes sent through the same stack. What the page adds is the analysis (SciPy), its
    sentences and the template."""
    plan = TrialPlan.objects.of(request.user).first()
    if plan is None:
        raise Http404
    list(plan.ratings.order_by("day"))
    plans.session_days(request.user, plan.starts_on, plans.last_day(plan, plans.blocks_of(plan)))
    return HttpResponse(sent(TRIAL_RESULT_BODY))


@access.member
def clinic_rows_sent(request: HttpRequest, membership) -> HttpResponse:
    """What the workspace's list cannot do without: the same access checks (session and person,
    second factor, membership), the list's own query for every patient of the practice
    (`workspace.ROWS_SQL`, fetched whole), and a body of the list page's own bytes. What the page
    adds is each row built from it (flags, changes, the intervals), and the template."""
    with connection.cursor() as cursor:
        cursor.execute(
            workspace.ROWS_SQL, {"practice": membership.practice_id, "now": timezone.now()}
        )
        cursor.nextset()
        cursor.fetchall()
    return HttpResponse(sent(CLINIC_LIST_BODY))


# The app's own 503 when the database is away: Django takes error handlers from the root URLconf.
handler500 = app_urls.handler500

urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/signed-in/", signed_in_read),
    path("bench/write/", signed_in_write),
    path("bench/step/<int:pk>/", step_floor),
    path("bench/weekly-sent/", weekly_sql_sent),
    path("bench/trial-sent/", trial_rows_sent),
    path("bench/clinic-sent/", clinic_rows_sent),
    path("", include(app_urls)),
]
