from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from backrelease.accounts import undo
from backrelease.common.htmx import answer, page_or_partial
from backrelease.common.ownership import owned
from backrelease.common.redirects import local_next
from sessions import flow, start_notices
from sessions.forms import CorrectionForm
from sessions.models import ReleaseSession

HISTORY_PAGE_SIZE = 20


def _next_url(request: HttpRequest) -> str:
    return local_next(request, reverse("sessions:history"))


def _open_sessions(person) -> QuerySet[ReleaseSession]:
    return ReleaseSession.objects.of(person).open()


@login_required
@require_http_methods(["GET", "HEAD"])
def history(request: HttpRequest) -> HttpResponse:
    sessions = ReleaseSession.objects.of(request.user)
    page = Paginator(sessions, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        page_or_partial(request, "sessions/history.html", "session-list"),
        {"page": page},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        release_session, _ = flow.start(request.user)
        return redirect(release_session)
    sessions = ReleaseSession.objects.of(request.user)
    open_session = sessions.open().first()
    return render(
        request,
        page_or_partial(request, "sessions/new.html", "start"),
        {
            "open_session": open_session,
            # The introduction comes before the first session, and again when asked for.
            "first_time": "intro" in request.GET or not sessions.exists(),
            # Such as a trial's no-ball block: going on is allowed, and never nagged about.
            "notices": [] if open_session else start_notices.for_person(request.user),
        },
    )


@login_required
def session(request: HttpRequest, pk: int) -> HttpResponse:
    """A session's current step, and the answers to it. An answer is written without reading the
    session first (`flow.apply` checks it is the person's); anything else reads it first, so another
    person's session is a 404 whatever the method (a 405 would confirm that it exists)."""
    if request.method == "POST":
        return _answer(request, pk)
    release_session = _current_or_404(request, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    return _step_response(request, release_session)


def _current_or_404(request: HttpRequest, pk: int) -> ReleaseSession:
    release_session = flow.current(request.user, pk)
    if release_session is None:
        raise Http404
    return release_session


def _answer(request: HttpRequest, pk: int) -> HttpResponse:
    step = request.POST.get("step", "")
    action = request.POST.get("action", "next")
    form = flow.form_for(step, action, request.POST)
    valid = form is not None and form.is_valid()
    written = None
    if valid:
        started_at = flow.step_started_at(request.POST)
        written = flow.apply(request.user, pk, step, started_at, action, form.cleaned_data)
    # Not written (refused, from an earlier page, finished): the session as it now stands.
    release_session = written or _current_or_404(request, pk)
    if valid and not request.htmx:
        return redirect(release_session)
    refused = form if form is not None and not valid and step == release_session.step else None
    return _step_response(request, release_session, action, refused)


def _step_response(
    request: HttpRequest,
    release_session: ReleaseSession,
    action: str = "",
    refused: Form | None = None,
) -> HttpResponse:
    forms = flow.forms_for(release_session)
    if refused:
        forms[action] = refused
    context = {
        "session": release_session,
        "forms": forms,
        "fixed_questions": flow.has_fixed_questions(release_session, forms),
        "fixed_stop_early": flow.has_fixed_stop_early(release_session, forms),
        "progress": flow.progress(release_session),
    }
    return answer(request, "sessions/session.html", "step", context, refused)


def _what(release_session: ReleaseSession) -> str:
    # Translators: how a date and time is written (Django's date format): "5 Nov, 07:30".
    when_format = pgettext("date format", "j M, H:i")
    when = date_format(timezone.localtime(release_session.started_at), when_format)
    # Translators: names a deleted session in "Deleted …"; when is its start, "5 Nov, 07:30".
    return gettext("the session of %(when)s") % {"when": when}


@login_required
@owned(_open_sessions)
@require_POST
def discard(request: HttpRequest, release_session: ReleaseSession) -> HttpResponse:
    undo.delete_and_offer(request, release_session, _what(release_session))
    return redirect(_next_url(request))


@login_required
@owned(ReleaseSession.objects.of)
@require_POST
def delete(request: HttpRequest, release_session: ReleaseSession) -> HttpResponse:
    """Deletes any session of the person's, with Undo; its ratings leave the trends and reports."""
    undo.delete_and_offer(request, release_session, _what(release_session))
    if request.htmx:
        # The history row the request came from is swapped for nothing.
        return render(request, "snackbar.html", {"oob": True})
    return redirect(_next_url(request))


@login_required
@owned(lambda person: ReleaseSession.objects.of(person).finished())
@require_http_methods(["GET", "HEAD", "POST"])
def correct(request: HttpRequest, release_session: ReleaseSession) -> HttpResponse:
    form = CorrectionForm(
        request.POST if request.method == "POST" else None, instance=release_session
    )
    if request.method == "POST" and form.is_valid():
        if form.has_changed():
            form.instance.corrected_at = timezone.now()
            form.save()
            messages.success(
                request, gettext("Corrected. Your trends and any share links show the change.")
            )
        if request.htmx:
            return HttpResponseClientRedirect(release_session.get_absolute_url())
        return redirect(release_session)
    context = {"session": release_session, "form": form}
    return answer(request, "sessions/correct.html", "correct-form", context, form)


@login_required
@require_POST
def voice(request: HttpRequest) -> HttpResponse:
    request.user.voice_guidance = request.POST.get("voice_guidance") == "on"
    request.user.save(update_fields=["voice_guidance"])
    if request.htmx:
        return render(request, "sessions/session.html#voice")
    return redirect(_next_url(request))
