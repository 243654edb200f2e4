"""Share links: the person's list of them, and the read-only report a clinician opens."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from backrelease.accounts import undo
from backrelease.capability import guard, tokens
from backrelease.common.htmx import answer, page_or_partial
from backrelease.common.local_time import week_start
from backrelease.common.ownership import owned
from backrelease.common.redirects import local_next
from journal import charts, exports, insights, sharing, trends
from journal.models import ShareLink
from journal.sharing.forms import ShareLinkForm
from journal.trial import plans, records

REPORT_PAGE_SIZE = 50


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
        f"Withdrew the link for {link.label}: it no longer opens.",
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
        messages.success(request, f"The link for {link.label} works again.")
    else:
        messages.error(request, "It is too late to undo that: make a new link instead.")
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


def _scope(link: ShareLink) -> exports.Scope:
    return exports.Scope(sharing.period(link), include_notes=link.include_notes)


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
    person = link.person
    scope = _scope(link)
    range_key = trends.chosen_range(request.GET.get("range"))
    whole = sharing.period(link)
    with timezone.override(person.zone):
        this_week = week_start(whole.today)
        weeks = trends.weekly(whole.last_weeks(trends.RANGES[range_key]))
        # The sentence always compares against the first rated week of the link's whole range.
        summary = trends.summary_of(whole, weeks)
        return render(
            request,
            # The whole table, when asked for by htmx, is the trend page's own partial.
            "journal/trends.html#trend-table"
            if request.htmx and request.GET.get("table") == trends.WHOLE_TABLE
            else page_or_partial(request, "shared/report.html", "trend-body"),
            {
                "link": link,
                "person_name": person.name,
                "time_zone": person.time_zone,
                "weeks": weeks,
                **trends.table(weeks, request.GET.get("table")),
                "range_key": range_key,
                "ranges": trends.RANGES,
                "figures_url": f"figures.json?range={range_key}",
                "summary": summary,
                "sentence": trends.sentence(summary, this_week, whose="their"),
                # A range that ended before this week compares its own last week.
                "compare_label": "The last week shown against the week before"
                if weeks and weeks[-1].week < this_week
                else None,
                "figures": charts.figures(weeks),
                # The most recent rows; older ones a page at a time, all of them in the downloads.
                "sessions": Paginator(
                    scope.sessions().order_by("-started_at"), REPORT_PAGE_SIZE
                ).get_page(request.GET.get("sessions_page")),
                "journal_entries": Paginator(
                    scope.journal_entries().order_by("-recorded_at"), REPORT_PAGE_SIZE
                ).get_page(request.GET.get("journal_page")),
                # A trial plan, whole, when its days so far lie within the link's dates.
                "trial_outcomes": plans.shown_between(person, link.shows_from, link.shows_until),
            },
        )


@clinician_page
def report_figures(request: HttpRequest, link: ShareLink) -> HttpResponse:
    range_key = trends.chosen_range(request.GET.get("range"))
    with timezone.override(link.person.zone):
        weeks = trends.weekly(sharing.period(link).last_weeks(trends.RANGES[range_key]))
    return charts.figures_response(weeks)


@clinician_page
def report_insights(request: HttpRequest, link: ShareLink) -> HttpResponse:
    """Is it helping, over the link's range: read from the whole range, so loaded after the page."""
    found = insights.kept(sharing.period(link))
    return render(
        request,
        page_or_partial(request, "shared/insights.html", "insights"),
        {"insights": insights.statements(found), "person_name": link.person.name},
    )


@clinician_page
def export_csv(request: HttpRequest, link: ShareLink) -> HttpResponse:
    return exports.csv_response(_scope(link), "back-release.csv")


@clinician_page
def export_fhir(request: HttpRequest, link: ShareLink) -> HttpResponse:
    person = link.person
    trial = records.fhir_entries(
        plans.shown_between(person, link.shows_from, link.shows_until),
        person,
        link.include_notes,
    )
    return exports.fhir_response(_scope(link), "back-release-fhir.json", more=trial)


@clinician_page
def export_weekly_csv(request: HttpRequest, link: ShareLink) -> HttpResponse:
    weeks = trends.weekly(sharing.period(link))
    return exports.weekly_csv_response(weeks, "back-release-weekly.csv")
