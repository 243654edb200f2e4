"""The reminders page, and the calendar feed a phone's calendar subscribes to."""

from __future__ import annotations

import segno
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import time_format
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from backrelease.accounts import undo
from backrelease.capability import guard
from backrelease.common.htmx import answer, page_or_partial
from backrelease.common.middleware import supported_language
from backrelease.common.ownership import owned
from backrelease.common.weekdays import Weekday
from journal.models import CheckInReminder
from journal.trial import plans
from sessions.reminders import calendar_feed
from sessions.reminders.forms import CheckInReminderForm, SessionReminderForm
from sessions.reminders.models import CalendarFeed, SessionReminder

TEMPLATE = "sessions/reminders.html"
# A weekly check-in's day as its own sentence: a weekday's plural ("Sundays") is no English "s"
# in German or Spanish.
CHECK_IN_SAVED = {
    Weekday.MONDAY: gettext_lazy("Saved: Mondays at %(time)s."),
    Weekday.TUESDAY: gettext_lazy("Saved: Tuesdays at %(time)s."),
    Weekday.WEDNESDAY: gettext_lazy("Saved: Wednesdays at %(time)s."),
    Weekday.THURSDAY: gettext_lazy("Saved: Thursdays at %(time)s."),
    Weekday.FRIDAY: gettext_lazy("Saved: Fridays at %(time)s."),
    Weekday.SATURDAY: gettext_lazy("Saved: Saturdays at %(time)s."),
    Weekday.SUNDAY: gettext_lazy("Saved: Sundays at %(time)s."),
}


def _time(at) -> str:
    """A time of day as the pages write it: 24-hour, as usual in each of the app's languages."""
    return time_format(at, "H:i")


def _context(request: HttpRequest, **overrides) -> dict:
    person = request.user
    check_in = CheckInReminder.objects.filter(person=person).first()
    return {
        "session_reminders": SessionReminder.objects.of(person),
        "session_form": SessionReminderForm(person=person),
        "check_in_reminder": check_in,
        "check_in_form": CheckInReminderForm(instance=check_in),
        "feed": CalendarFeed.objects.filter(person=person).first(),
        "time_zone": person.time_zone,
        **overrides,
    }


def _answer(
    request: HttpRequest, partial: str, context: dict, form: Form | None = None
) -> HttpResponse:
    if not request.htmx and request.method == "POST" and not (form and form.errors):
        return redirect("reminders:page")
    return answer(request, TEMPLATE, partial, context, form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def page(request: HttpRequest) -> HttpResponse:
    """The page; a POST adds a session reminder."""
    form = SessionReminderForm(
        request.POST if request.method == "POST" else None, person=request.user
    )
    message = ""
    if request.method == "POST" and form.is_valid():
        reminder = form.save()
        # Translators: days is a list of weekdays, "Monday, Wednesday"; time is such as 07:30.
        message = gettext("Added: %(days)s at %(time)s.") % {
            "days": ", ".join(reminder.day_names),
            "time": _time(reminder.at),
        }
        form = SessionReminderForm(person=request.user)
    context = _context(request, session_form=form, session_message=message)
    return _answer(request, "session-reminders", context, form)


@login_required
@owned(SessionReminder.objects.of)
@require_POST
def remove(request: HttpRequest, reminder: SessionReminder) -> HttpResponse:
    # Translators: names a deleted reminder in "Deleted …"; time is such as 07:30.
    what = gettext("the %(time)s reminder") % {"time": _time(reminder.at)}
    undo.delete_and_offer(request, reminder, what)
    return _answer(request, "session-reminders", _context(request))


@login_required
@require_POST
def check_in(request: HttpRequest) -> HttpResponse:
    existing = CheckInReminder.objects.filter(person=request.user).first()
    if request.POST.get("action") == "remove":
        if existing:
            undo.delete_and_offer(request, existing, gettext("the check-in reminder"))
        return _answer(request, "check-in-reminder", _context(request))
    form = CheckInReminderForm(
        request.POST, instance=existing or CheckInReminder(person=request.user)
    )
    if not form.is_valid():
        context = _context(request, check_in_form=form)
        return _answer(request, "check-in-reminder", context, form)
    reminder = form.save()
    message = str(CHECK_IN_SAVED[reminder.weekday]) % {"time": _time(reminder.at)}
    return _answer(request, "check-in-reminder", _context(request, check_in_message=message))


@login_required
@require_POST
def new_feed(request: HttpRequest) -> HttpResponse:
    token = calendar_feed.create_feed(request.user)
    # The only time the address is shown: it is stored as a hash from here on.
    url = request.build_absolute_uri(reverse("calendar-feed", args=[token]))
    context = _context(
        request,
        new_feed_url=url,
        new_feed_webcal="webcal://" + url.split("://", 1)[1],
        # An image to assistive technology, named by its title.
        new_feed_qr=segno.make(url, error="m")
        .svg_inline(
            scale=4, dark="#000", light="#fff", title=gettext("QR code of your calendar address")
        )
        .replace("<svg ", '<svg role="img" ', 1),
    )
    response = render(request, page_or_partial(request, TEMPLATE, "calendar-feed"), context)
    # The one body that holds a token is never compressed (BREACH).
    response["Content-Encoding"] = "identity"
    return response


@login_required
@require_POST
def stop_feed(request: HttpRequest) -> HttpResponse:
    feed = CalendarFeed.objects.filter(person=request.user).first()
    if feed is not None:
        # Translators: names the deleted calendar address in "Deleted …".
        what = gettext("your calendar address: calendars subscribed to it stop updating")
        undo.delete_and_offer(request, feed, what)
    return _answer(request, "calendar-feed", _context(request))


FEED_REFUSALS = {
    guard.NOT_FOUND: gettext_lazy(
        "There is no calendar at this address. Check that it was copied whole."
    ),
    guard.TOO_MANY: gettext_lazy(
        "Too many tries with wrong addresses. Wait a minute, then try again."
    ),
}


def _refusal(status: int) -> HttpResponse:
    """Plain text: calendar apps show it as it is, in the language they asked for."""
    return HttpResponse(str(FEED_REFUSALS[status]), content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The calendar itself. Read-only and cookie-free like a clinician's page (so CSRF-exempt:
    every other method answers 405)."""
    found = guard.opened(request, lambda: calendar_feed.find_feed(token), _refusal)
    if isinstance(found, HttpResponse):
        return found
    if request.method == "GET":
        calendar_feed.record_fetch(found)
    person = found.person
    # In the language the person chose for the app; without one, the calendar app's own.
    language = supported_language(person.language) or translation.get_language()
    with translation.override(language):
        body = calendar_feed.calendar(
            person.zone,
            SessionReminder.objects.of(person),
            CheckInReminder.objects.filter(person=person).first(),
            session_link=request.build_absolute_uri(reverse("sessions:new")),
            check_in_link=request.build_absolute_uri(reverse("journal:check-in")),
            host=request.get_host().split(":")[0],
            trial=plans.running(person),
            trial_link=request.build_absolute_uri(reverse("trial:plan")),
            rating_link=request.build_absolute_uri(reverse("trial:rate")),
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="back-release.ics"'
    return response
