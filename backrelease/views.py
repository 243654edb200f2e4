from __future__ import annotations

import json
import sys

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, DataError, IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)
from django_htmx.http import HttpResponseClientRedirect
from psycopg_pool import PoolTimeout

from backrelease import email_confirmation, offline, portability
from backrelease import undo as undo_module
from backrelease.forms import (
    ConfirmedAddressResetForm,
    DeleteAccountForm,
    EmailForm,
    ImportForm,
    ProfileForm,
    SignupForm,
)
from backrelease.htmx import page_or_partial
from backrelease.models import DeletedRow
from backrelease.ownership import owned
from backrelease.redirects import local_next
from journal import exports, trends
from journal.forms import JournalEntryForm
from journal.models import WeeklyCheckIn, week_start
from sessions.models import ReleaseSession

RECENT_SESSIONS = 3
SAVED_MESSAGE = "Saved. Dates now show in your chosen time zone."


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
            "summary": trends.summarize(trends.weekly(request.user, last=2)),
            "checked_in": WeeklyCheckIn.objects.filter(
                person=request.user, week_start=this_week
            ).exists(),
        }
    return render(request, "home.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:
            # Two sign-ups with one name at once: the form's own check saw neither.
            form.add_error("username", SignupForm.TAKEN_MESSAGE)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if user.email:
                messages.info(request, _sent_message(request, user))
            # The home page is a whole page, never a fragment inside the sign-up form.
            return HttpResponseClientRedirect("/") if request.htmx else redirect("home")
    template = page_or_partial(request, "registration/signup.html", "signup-form")
    return render(request, template, {"form": form}, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    saved = False
    if request.method == "POST" and form.is_valid():
        form.save()
        if not request.htmx:
            messages.success(request, SAVED_MESSAGE)
            return redirect("account-settings")
        saved = True
    template = page_or_partial(request, "account/settings.html", "profile-form")
    context = {
        "form": form,
        "saved_message": SAVED_MESSAGE if saved else "",
        "email_form": EmailForm(instance=request.user),
    }
    return render(request, template, context, status=422 if form.errors else 200)


def _sent_message(request: HttpRequest, person) -> str:
    if email_confirmation.send_link(request, person):
        return f"We sent a link to {person.email}: open it to confirm the address."
    return (
        f"We could not send the confirmation to {person.email} just now. "
        "Try again later with “Send the link again” in Settings."
    )


@login_required
@require_POST
def email_address(request: HttpRequest) -> HttpResponse:
    """Sets, changes or removes the address; a new address waits for its confirmation link."""
    person = request.user
    before = person.email
    form = EmailForm(request.POST, instance=person)
    message = ""
    if request.POST.get("action") == "resend" and person.email:
        form = EmailForm(instance=person)
        message = _sent_message(request, person)
    elif form.is_valid():
        person = form.save(commit=False)
        if person.email.lower() != before.lower():
            person.email_confirmed_at = None
        person.save(update_fields=["email", "email_confirmed_at"])
        if not person.email:
            message = "Your e-mail address is removed."
        elif person.email_confirmed_at is None:
            message = _sent_message(request, person)
        else:
            message = "Nothing changed."
    if not request.htmx and not form.errors:
        messages.info(request, message)
        return redirect("account-settings")
    return render(
        request,
        page_or_partial(request, "account/settings.html", "email-form"),
        {"form": ProfileForm(instance=person), "email_form": form, "email_message": message},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Confirms on a button press, not on GET: mail scanners open links before people do."""
    person = email_confirmation.person_for(token)
    confirmed = False
    if person is not None and request.method == "POST":
        email_confirmation.confirm(person)
        confirmed = True
    return render(
        request,
        "account/email_confirm.html",
        {"person": person, "confirmed": confirmed},
        status=200 if person else 400,
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset, which also lifts a login lock-out: the person has just proven who they
    are."""

    def form_valid(self, form):
        reset_login_failures(username=self.user.get_username())
        return super().form_valid(form)


password_reset = auth_views.PasswordResetView.as_view(form_class=ConfirmedAddressResetForm)


# What a database that is down or restarting raises: the pool's wait running out, or a connection
# that cannot be made or has just been cut.
DATABASE_DOWN = (DatabaseError, PoolTimeout)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_DOWN:
        return HttpResponse("database unavailable", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")


ERROR_PAGES = {
    503: {
        "status": 503,
        "title": "Back in a moment",
        "message": "Back Release cannot reach its database just now, usually because it is "
        "restarting. Nothing you entered before this was lost. Wait a few seconds, then try again.",
    },
    500: {
        "status": 500,
        "title": "Something went wrong",
        "message": "That did not work, and it is our fault, not yours. Nothing you entered before "
        "this was lost. Try again, or go back to the home page.",
    },
}


def server_error(request: HttpRequest) -> HttpResponse:
    """A plain 503 when the database is down or restarting (the person can simply retry), else
    the usual 500. Renders without the database: no session, no person."""
    error = sys.exc_info()[1]
    down = isinstance(error, DATABASE_DOWN) and not isinstance(error, IntegrityError | DataError)
    page = ERROR_PAGES[503 if down else 500]
    response = HttpResponse(loader.render_to_string("error.html", page), status=page["status"])
    if down:
        response["Retry-After"] = "5"
    return response


def login_locked(request: HttpRequest, credentials: dict | None = None, *args, **kwargs):
    """django-axes' answer once an account has had too many wrong passwords from one address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(request, "registration/locked.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        "User-agent: *\nDisallow: /shared/\nDisallow: /calendar/\nDisallow: /\n",
        content_type="text/plain",
    )


@login_required
@require_GET
def export_json(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        json.dumps(portability.export(request.user), indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="back-release-export.json"'
    return response


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return exports.csv_response(exports.Scope(request.user), "back-release-export.csv")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_data(request: HttpRequest) -> HttpResponse:
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    imported = None
    if request.method == "POST" and form.is_valid():
        try:
            imported = portability.import_into(
                request.user,
                form.cleaned_data["file"],
                use_file_time_zone=form.cleaned_data["use_file_time_zone"],
            )
        except portability.ImportRefused as refused:
            form.add_error("file", str(refused))
    return render(
        request,
        page_or_partial(request, "account/import.html", "import-form"),
        {"form": form, "imported": imported, "empty": portability.is_empty(request.user)},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(
        request.POST if request.method == "POST" else None, person=request.user
    )
    if request.method == "POST" and form.is_valid():
        # Cascades to every row of theirs: sessions, journal, check-ins, share links.
        request.user.delete()
        logout(request)
        return render(request, "account/deleted.html")
    return render(
        request,
        page_or_partial(request, "account/delete.html", "delete-form"),
        {"form": form},
        status=422 if form.errors else 200,
    )


@login_required
@owned(DeletedRow.objects.of)
@require_POST
def undo(request: HttpRequest, kept: DeletedRow) -> HttpResponse:
    try:
        undo_module.restore(
            kept,
            conflict="That cannot come back: something newer takes its place, such as another "
            "open session or a reminder at the same time.",
        )
    except undo_module.CannotUndo as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Restored {kept.what}.")
    return redirect(local_next(request, reverse("home")))


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    shell = offline.shell()
    response = render(
        request,
        "sw.js",
        {
            "version": offline.version(shell),
            "shell": json.dumps(shell),
        },
        content_type="text/javascript; charset=utf-8",
    )
    # Browsers check for a new worker on each visit; the worker's own file is never cached.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def offline_page(request: HttpRequest) -> HttpResponse:
    return render(request, "offline.html")
