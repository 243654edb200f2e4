"""The app's URLs with the bench's floors beside them: bare views behind the same middleware,
each the least that the pages it is compared with must do. `make bench` mounts them in-process,
and over HTTP by starting gunicorn with BENCH_URLS=1 (backrelease.devtools.settings)."""

from __future__ import annotations

import os
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path
from django.views.decorators.http import require_POST

from backrelease import urls as app_urls
from backrelease.common.period import Period
from journal import trends
from journal.models import JournalEntry
from sessions import flow

# The file holding the body the weekly floor sends: the bench writes the page it is compared with
# there (`weekly_sql_sent`), and gives its name to the server it starts.
SENT_BODY = "BENCH_SENT_BODY"


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


# The app's own 503 when the database is away: Django takes error handlers from the root URLconf.
handler500 = app_urls.handler500

urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/signed-in/", signed_in_read),
    path("bench/write/", signed_in_write),
    path("bench/step/<int:pk>/", step_floor),
    path("bench/weekly-sent/", weekly_sql_sent),
    path("", include(app_urls)),
]
