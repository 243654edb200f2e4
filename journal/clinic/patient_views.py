"""The patient's side, under /sharing/practices/: grant a practice access by its code, revoke it,
and see every look its members took."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from backrelease.capability import guard
from backrelease.common.htmx import answer
from backrelease.common.ownership import owned
from journal import sharing
from journal.clinic import events, practices
from journal.clinic.forms import CodeForm, GrantForm
from journal.clinic.models import AccessRequest, Grant

TEMPLATE = "clinic/practices.html"
WRONG_CODE = {
    guard.NOT_FOUND: gettext_lazy(
        "No practice has that code. Check it with your practice and try again."
    ),
    guard.TOO_MANY: gettext_lazy(
        "Too many codes that do not exist were tried from here. Wait a minute."
    ),
}


def _context(request: HttpRequest, **more) -> dict:
    return {
        "grants": Grant.objects.of(request.user).select_related("practice"),
        "events": events.of(request.user),
        "requests": AccessRequest.objects.of(request.user)
        .waiting()
        .select_related("practice", "link"),
        "now": timezone.now(),
        **more,
    }


def _refused_code(request: HttpRequest, form, status: int) -> HttpResponse:
    form.add_error(None, str(WRONG_CODE[status]))
    return answer(request, TEMPLATE, "grant-form", _context(request, form=form), form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practices_page(request: HttpRequest) -> HttpResponse:
    """The code, then the practice's name and members beside the choices, before anything is
    given."""
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        found = guard.opened(
            request,
            lambda: practices.by_code(form.cleaned_data["code"]),
            lambda status: _refused_code(request, form, status),
        )
        if isinstance(found, HttpResponse):
            return found
        today = timezone.localdate()
        confirm = GrantForm(
            initial={"code": found.share_code, "shown_name": request.user.name}, today=today
        )
        context = _context(request, form=confirm, practice=found, members=practices.members(found))
        return answer(request, TEMPLATE, "grant-form", context)
    return answer(request, TEMPLATE, "grant-form", _context(request, form=form), form)


@login_required
@require_POST
def grant(request: HttpRequest) -> HttpResponse:
    form = GrantForm(request.POST, today=timezone.localdate())
    practice = practices.by_code(request.POST.get("code", ""))
    if practice is None:
        # The code was made anew between the two steps, or never was.
        form.is_valid()
        form.add_error(None, _("That code no longer works: ask your practice for its new one."))
        return answer(request, TEMPLATE, "grant-form", _context(request, form=form), form)
    if form.is_valid():
        data = form.cleaned_data
        try:
            practices.grant(
                request.user,
                practice,
                shown_name=data["shown_name"],
                include_notes=data["include_notes"],
                shows_from=data["shows_from"],
                shows_until=data["shows_until"],
                expires_at=sharing.expiry(data["expires_on"], request.user.zone),
            )
        except practices.Refused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, _("%(practice)s can now see your record.") % {"practice": practice.name}
            )
            # The list is a whole page, never a fragment inside the form.
            url = reverse("practices:list")
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    context = _context(request, form=form, practice=practice, members=practices.members(practice))
    return answer(request, TEMPLATE, "grant-form", context, form)


@login_required
@owned(Grant.objects.of)
@require_POST
def revoke(request: HttpRequest, given: Grant) -> HttpResponse:
    try:
        practices.revoke(given)
    except practices.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("%(practice)s no longer sees anything of your record.")
            % {"practice": given.practice.name},
        )
    return redirect("practices:list")


@login_required
@owned(AccessRequest.objects.of)
@require_POST
def answer_request(request: HttpRequest, asked: AccessRequest) -> HttpResponse:
    """A practice asked through a share link; the patient says yes (a grant with the link's own
    choices; the link keeps working) or no."""
    accept = request.POST.get("answer") == "yes"
    try:
        practices.answer_request(asked, accept)
    except practices.Refused as refused:
        messages.error(request, str(refused))
    else:
        done = (
            _("%(practice)s can now see your record.")
            if accept
            else _("%(practice)s was told no. Your link still works as before.")
        )
        messages.success(request, done % {"practice": asked.practice.name})
    return redirect("practices:list")
