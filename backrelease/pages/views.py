"""The pages that belong to no one feature: home, the health check, error pages, robots.txt and
the service worker with its offline page."""

from __future__ import annotations

import json
import sys

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from backrelease.accounts import task_queue
from backrelease.common import commit_wait, database
from backrelease.common.local_time import week_start
from backrelease.common.period import Period
from backrelease.pages import kept_pages, offline
from journal import trends
from journal.forms import JournalEntryForm
from journal.models import WeeklyCheckIn
from journal.trial import home as trial_home
from sessions.models import ReleaseSession

RECENT_SESSIONS = 3


@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest) -> HttpResponse:
    context = {}
    if request.user.is_authenticated:
        sessions = ReleaseSession.objects.of(request.user)
        this_week = week_start(timezone.localdate())
        context = {
            "open_session": sessions.open().first(),
            "recent_sessions": sessions.filter(finished_at__isnull=False)[:RECENT_SESSIONS],
            "form": JournalEntryForm(person=request.user),
            "quick": True,
            # This week against last week: only those two are read.
            "summary": trends.summarize(trends.weekly(Period.of(request.user).last_weeks(2))),
            "checked_in": WeeklyCheckIn.objects.filter(
                person=request.user, week_start=this_week
            ).exists(),
            # The trial's evening rating comes first while a plan runs.
            "trial": trial_home.card(request.user),
        }
    return render(request, "home.html", context)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For monitoring: 503 when the database does not answer, or when mail has stopped going out
    (no task worker takes it)."""
    try:
        mail_stuck = task_queue.stuck()
    except database.DATABASE_DOWN:
        database.outage.noticed()
        return HttpResponse("database unavailable", content_type="text/plain", status=503)
    if mail_stuck:
        return HttpResponse("mail stuck", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")


SERVER_ERROR = {
    "status": 500,
    "title": _("Something went wrong"),
    "message": _(
        "That did not work, and it is our fault, not yours. Nothing you entered before "
        "this was lost. Try again, or go back to the home page."
    ),
}


def server_error(request: HttpRequest) -> HttpResponse:
    """A plain 503 when the database is down or restarting (the person can simply retry, and the
    process's other requests answer so at once), else the usual 500. Renders without the
    database: no session, no person. A request whose call was cut short (`commit_wait`) found the
    database up but unanswering: that is its page, and the database is not taken for down."""
    if commit_wait.tripped():
        return commit_wait.not_confirmed(request)
    if database.is_down(sys.exc_info()[1]):
        database.outage.noticed()
        return database.unavailable()
    return HttpResponse(loader.render_to_string("error.html", SERVER_ERROR), status=500)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        "User-agent: *\nDisallow: /shared/\nDisallow: /calendar/\nDisallow: /\n",
        content_type="text/plain",
    )


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    shell = offline.shell()
    response = render(
        request,
        "sw.js",
        {
            "version": offline.version(shell),
            "shell": json.dumps(shell),
            "offline_pages": json.dumps(offline.offline_pages()),
            "owner_cookie": kept_pages.COOKIE,
        },
        content_type="text/javascript; charset=utf-8",
    )
    # Browsers check for a new worker on each visit; the worker's own file is never cached.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def offline_page(request: HttpRequest) -> HttpResponse:
    return render(request, "offline.html")
