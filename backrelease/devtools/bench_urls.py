"""The app's URLs with the bench's floors beside them: bare views behind the same middleware,
each the least that the pages it is compared with must do. `make bench` mounts them in-process,
and over HTTP by starting gunicorn with BENCH_URLS=1 (backrelease.devtools.settings)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_POST

from backrelease import urls as app_urls
from journal.models import JournalEntry


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


# The app's own 503 when the database is away: Django takes error handlers from the root URLconf.
handler500 = app_urls.handler500

urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/signed-in/", signed_in_read),
    path("bench/write/", signed_in_write),
    path("", include(app_urls)),
]
