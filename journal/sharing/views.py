"""Share links: the person's list of them, and the read-only report a clinician opens."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from backrelease.accounts import undo
from backrelease.capability import guard, tokens
from backrelease.common.htmx import answer, page_or_partial
from backrelease.common.ownership import owned
from backrelease.common.redirects import local_next
from journal import sharing
from journal.models import ShareLink
from journal.sharing import report as report_of
from journal.sharing.forms import ShareLinkForm


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def share_links(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ShareLinkForm(request.POST if request.method == "POST" else None, today=today)
    new_url = None
    if request.method == "POST" and form.is_valid():
        token = tokens.new_token()
        data = form.cleaned_data
        sharing.create(
            request.user,
            token,
            label=data["label"],
            include_notes=data["include_notes"],
            shows_from=data["shows_from"],
            shows_until=data["shows_until"],
            expires_at=sharing.expiry(data["expires_on"], request.user.zone),
        )
        # The only time the token is shown: it is stored as a hash from here on.
        new_url = request.build_absolute_uri(reverse("shared:report", args=[token]))
        form = ShareLinkForm(today=today)
    context = {"form": form, "links": ShareLink.objects.of(request.user), "new_url": new_url}
    response = answer(request, "journal/share_links.html", "share-links", context, form)
    if new_url:
        # The one body that holds a token is never compressed (BREACH).
        response["Content-Encoding"] = "identity"
    return response


@login_required
@owned(ShareLink.objects.of)
@require_POST
def revoke(request: HttpRequest, link: ShareLink) -> HttpResponse:
    ShareLink.objects.filter(pk=link.pk, revoked_at=None).update(revoked_at=timezone.now())
    undo.offer(
        request,
        _("Withdrew the link for %(label)s: it no longer opens.") % {"label": link.label},
        reverse("sharing:restore", args=[link.pk]),
    )
    if not request.htmx:
        return redirect("sharing:list")
    return render(
        request,
        "journal/share_links.html#link-list",
        {"links": ShareLink.objects.of(request.user)},
    )


@login_required
@owned(ShareLink.objects.of)
@require_POST
def restore(request: HttpRequest, link: ShareLink) -> HttpResponse:
    """Undoes a withdrawal made a few minutes ago; later, a new link is the way."""
    restored = ShareLink.objects.filter(
        pk=link.pk, revoked_at__gte=timezone.now() - undo.WINDOW
    ).update(revoked_at=None)
    if restored:
        messages.success(request, _("The link for %(label)s works again.") % {"label": link.label})
    else:
        messages.error(request, _("It is too late to undo that: make a new link instead."))
    return redirect(local_next(request, reverse("sharing:list")))


@login_required
@owned(ShareLink.objects.of)
@require_http_methods(["GET", "HEAD"])
def openings(request: HttpRequest, link: ShareLink) -> HttpResponse:
    return render(
        request,
        page_or_partial(request, "journal/share_link.html", "openings"),
        {"link": link, "openings": link.openings.all()[:200]},
    )


REFUSALS = {guard.NOT_FOUND: "unknown", guard.TOO_MANY: "limited"}


def _unavailable(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    return render(request, "shared/unavailable.html", {"reason": reason}, status=status)


def _open(request: HttpRequest, token: str) -> ShareLink | HttpResponse:
    """The link behind a token, or the plain page that says why there is none."""
    lookup = sharing.find(token)
    found = guard.opened(
        request,
        lambda: lookup.link,
        lambda status: _unavailable(request, REFUSALS[status], status),
    )
    if isinstance(found, HttpResponse):
        return found
    if lookup.gone:
        return _unavailable(request, lookup.link.status, 410)
    return lookup.link


def clinician_page(view):
    """A page or download under /shared/<token>/, handed the link behind the token.

    Clinician pages are read-only and set no cookie, so CSRF has nothing to guard; exempt, every
    other method reaches require_safe and answers 405 rather than CSRF's 403.
    """

    @csrf_exempt
    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, token: str) -> HttpResponse:
        link = _open(request, token)
        return link if isinstance(link, HttpResponse) else view(request, link)

    return wrapper


@clinician_page
def report(request: HttpRequest, link: ShareLink) -> HttpResponse:
    if request.method == "GET" and not request.htmx:
        # Opening the report counts; switching its range does not.
        sharing.record_opening(link, request)
    return report_of.page(request, link)


@clinician_page
def report_figures(request: HttpRequest, link: ShareLink) -> HttpResponse:
    return report_of.figures(request, link)


@clinician_page
def report_insights(request: HttpRequest, link: ShareLink) -> HttpResponse:
    return report_of.insights_page(request, link)


@clinician_page
def export_csv(request: HttpRequest, link: ShareLink) -> HttpResponse:
    return report_of.csv(link)


@clinician_page
def export_fhir(request: HttpRequest, link: ShareLink) -> HttpResponse:
    return report_of.fhir(link)


@clinician_page
def export_weekly_csv(request: HttpRequest, link: ShareLink) -> HttpResponse:
    return report_of.weekly_csv(link)
