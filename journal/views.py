from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backrelease.accounts import undo
from backrelease.common import commit_wait
from backrelease.common.htmx import answer, page_or_partial
from backrelease.common.local_time import week_start
from backrelease.common.ownership import owned
from backrelease.common.period import Period
from journal import charts, exports, insights, trends
from journal.forms import JournalEntryForm, WeeklyCheckInForm, known_tags
from journal.models import JournalEntry, WeeklyCheckIn

ENTRIES_PAGE_SIZE = 25


@login_required
@require_http_methods(["GET", "HEAD"])
def entry_list(request: HttpRequest) -> HttpResponse:
    entries = JournalEntry.objects.of(request.user)
    tag = request.GET.get("tag", "")
    if tag:
        entries = entries.tagged(tag)
    page = Paginator(entries, ENTRIES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        page_or_partial(request, "journal/list.html", "entry-list"),
        {
            "page": page,
            "tag": tag,
            "tags": known_tags(request.user),
            "page_query": f"&{urlencode({'tag': tag})}" if tag else "",
        },
    )


def _entry_form_page(request: HttpRequest, entry: JournalEntry | None) -> HttpResponse:
    form = JournalEntryForm(
        request.POST if request.method == "POST" else None, instance=entry, person=request.user
    )
    saved = None
    # The quick entry on Home keeps its extra fields folded after a save or a refusal.
    quick = request.method == "POST" and request.POST.get("quick") == "1"
    context = {"form": form, "entry": entry, "quick": quick}
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save()
        except commit_wait.NotConfirmed:
            # The same form, its submission key too: saving it again stores the entry once.
            template = page_or_partial(request, "journal/entry_form.html", "entry-form")
            return render(request, template, context | {"unconfirmed": True}, status=202)
        if not request.htmx:
            return redirect("journal:list")
        # A blank form for the next entry, without reading the tags again.
        form = JournalEntryForm(instance=entry, person=request.user, tags=form.known_tags)
    context = context | {"form": form, "saved": saved}
    return answer(request, "journal/entry_form.html", "entry-form", context, form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def entry_new(request: HttpRequest) -> HttpResponse:
    return _entry_form_page(request, None)


@login_required
@owned(JournalEntry.objects.of)
@require_http_methods(["GET", "HEAD", "POST"])
def entry_edit(request: HttpRequest, entry: JournalEntry) -> HttpResponse:
    return _entry_form_page(request, entry)


@login_required
@owned(JournalEntry.objects.of)
@require_POST
def entry_delete(request: HttpRequest, entry: JournalEntry) -> HttpResponse:
    when = date_format(timezone.localtime(entry.recorded_at), "j M, H:i")
    # Translators: names a deleted entry in "Deleted %(what)s.", with its day and time.
    undo.delete_and_offer(request, entry, _("the journal entry of %(when)s") % {"when": when})
    if request.htmx:
        # The row the request came from is swapped for nothing; the answer comes out of band.
        return render(request, "snackbar.html", {"oob": True})
    return redirect("journal:list")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def check_in(request: HttpRequest) -> HttpResponse:
    this_week = week_start(timezone.localdate())
    existing = WeeklyCheckIn.objects.filter(person=request.user, week_start=this_week).first()
    form = WeeklyCheckInForm(request.POST if request.method == "POST" else None, instance=existing)
    saved = False
    if request.method == "POST" and form.is_valid():
        form.instance = WeeklyCheckIn.objects.record(request.user, this_week, **form.cleaned_data)
        if not request.htmx:
            return redirect("home")
        saved = True
    context = {"form": form, "week_start": this_week, "saved": saved}
    return answer(request, "journal/check_in.html", "check-in-form", context, form)


@login_required
@require_http_methods(["GET", "HEAD"])
def trend_view(request: HttpRequest) -> HttpResponse:
    range_key = trends.chosen_range(request.GET.get("range"))
    last = trends.RANGES[range_key]
    period = Period.of(request.user)
    shown = trends.weekly(period.last_weeks(last))
    summary = trends.summarize(shown) if last is None else trends.summary_of(period, shown)
    this_week = week_start(period.today)
    asked = request.GET.get("table")
    return render(
        request,
        page_or_partial(request, "journal/trends.html", trends.partial_for(asked)),
        {
            "weeks": shown,
            **trends.table(shown, asked),
            "summary": summary,
            "sentence": trends.sentence(summary, this_week),
            "figures": charts.figures(shown),
            "figures_url": f"{reverse('trends-figures')}?range={range_key}",
            "range_key": range_key,
            "ranges": trends.RANGES,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def trend_figures(request: HttpRequest) -> HttpResponse:
    """The charts' plotly figures, which charts.js fetches only when plotly.js is wanted."""
    range_key = trends.chosen_range(request.GET.get("range"))
    shown = trends.weekly(Period.of(request.user).last_weeks(trends.RANGES[range_key]))
    return charts.figures_response(shown)


@login_required
@require_http_methods(["GET", "HEAD"])
def trend_weekly_csv(request: HttpRequest) -> HttpResponse:
    weeks = trends.weekly(Period.of(request.user))
    return exports.weekly_csv_response(weeks, "back-release-weekly.csv")


@login_required
@require_http_methods(["GET", "HEAD"])
def trend_insights(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        page_or_partial(request, "journal/insights.html", "insights"),
        {"insights": insights.statements(insights.kept(Period.of(request.user)))},
    )
